-- AlterTable
ALTER TABLE "SyncRun" ADD COLUMN     "doneWindows" TEXT[] DEFAULT ARRAY[]::TEXT[];
