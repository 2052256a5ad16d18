-- AlterEnum
ALTER TYPE "Provider" ADD VALUE 'STRAVA';
