-- AlterTable
ALTER TABLE "SyncRun" ADD COLUMN     "waitingUntil" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "RateBudget" (
    "key" TEXT NOT NULL,
    "remaining" INTEGER,
    "limit" INTEGER,
    "resetAt" TIMESTAMPTZ(3),
    "blockedUntil" TIMESTAMPTZ(3),
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "RateBudget_pkey" PRIMARY KEY ("key")
);
