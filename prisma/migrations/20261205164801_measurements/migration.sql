-- CreateTable
CREATE TABLE "Measurement" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "metric" TEXT NOT NULL,
    "provider" "Provider" NOT NULL,
    "providerRecordId" TEXT NOT NULL,
    "sourceDevice" TEXT,
    "rawPayloadId" TEXT,
    "startTime" TIMESTAMPTZ(3) NOT NULL,
    "endTime" TIMESTAMPTZ(3),
    "utcOffsetMinutes" INTEGER NOT NULL,
    "localDate" DATE NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Measurement_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Measurement_userId_metric_startTime_idx" ON "Measurement"("userId", "metric", "startTime");

-- CreateIndex
CREATE INDEX "Measurement_userId_localDate_idx" ON "Measurement"("userId", "localDate");

-- CreateIndex
CREATE UNIQUE INDEX "Measurement_provider_userId_metric_providerRecordId_key" ON "Measurement"("provider", "userId", "metric", "providerRecordId");

-- AddForeignKey
ALTER TABLE "Measurement" ADD CONSTRAINT "Measurement_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Measurement" ADD CONSTRAINT "Measurement_rawPayloadId_fkey" FOREIGN KEY ("rawPayloadId") REFERENCES "RawPayload"("id") ON DELETE SET NULL ON UPDATE CASCADE;
