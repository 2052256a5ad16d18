-- AlterTable
ALTER TABLE "Connection" ADD COLUMN     "sandbox" BOOLEAN NOT NULL DEFAULT false;
