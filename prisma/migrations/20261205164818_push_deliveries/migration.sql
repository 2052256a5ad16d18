-- AlterTable
ALTER TABLE "SyncRun" ADD COLUMN     "arrivedTypes" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "awaitUntil" TIMESTAMPTZ(3),
ADD COLUMN     "awaitingTypes" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- CreateTable
CREATE TABLE "PushDelivery" (
    "id" TEXT NOT NULL,
    "provider" "Provider" NOT NULL,
    "sandbox" BOOLEAN NOT NULL,
    "bytes" INTEGER NOT NULL DEFAULT 0,
    "complete" BOOLEAN NOT NULL DEFAULT false,
    "receivedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PushDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PushDeliveryChunk" (
    "deliveryId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "data" BYTEA NOT NULL,

    CONSTRAINT "PushDeliveryChunk_pkey" PRIMARY KEY ("deliveryId","seq")
);

-- CreateIndex
CREATE INDEX "PushDelivery_complete_receivedAt_idx" ON "PushDelivery"("complete", "receivedAt");

-- AddForeignKey
ALTER TABLE "PushDeliveryChunk" ADD CONSTRAINT "PushDeliveryChunk_deliveryId_fkey" FOREIGN KEY ("deliveryId") REFERENCES "PushDelivery"("id") ON DELETE CASCADE ON UPDATE CASCADE;
