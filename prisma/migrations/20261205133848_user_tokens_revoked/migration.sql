-- AlterTable
ALTER TABLE "User" ADD COLUMN     "tokensRevokedAt" TIMESTAMPTZ(3);
