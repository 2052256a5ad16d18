-- AlterEnum
ALTER TYPE "Provider" ADD VALUE 'WHOOP';
