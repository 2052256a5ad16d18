-- AlterEnum
ALTER TYPE "Provider" ADD VALUE 'GARMIN';
