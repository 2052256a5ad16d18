-- AddForeignKey
ALTER TABLE "Workout" ADD CONSTRAINT "Workout_duplicateOfId_fkey" FOREIGN KEY ("duplicateOfId") REFERENCES "Workout"("id") ON DELETE SET NULL ON UPDATE CASCADE;
