-- CreateEnum
CREATE TYPE "Provider" AS ENUM ('POLAR', 'OURA');

-- CreateEnum
CREATE TYPE "ConnectionStatus" AS ENUM ('ACTIVE', 'NEEDS_REAUTH', 'REVOKED', 'ERROR');

-- CreateEnum
CREATE TYPE "ApiKeyScope" AS ENUM ('READ', 'WRITE', 'ADMIN');

-- CreateEnum
CREATE TYPE "WorkoutSport" AS ENUM ('RUNNING', 'TRAIL_RUNNING', 'TREADMILL_RUNNING', 'WALKING', 'HIKING', 'CYCLING', 'INDOOR_CYCLING', 'MOUNTAIN_BIKING', 'SWIMMING', 'OPEN_WATER_SWIMMING', 'ROWING', 'INDOOR_ROWING', 'CROSS_COUNTRY_SKIING', 'DOWNHILL_SKIING', 'STRENGTH_TRAINING', 'CIRCUIT_TRAINING', 'HIIT', 'YOGA', 'PILATES', 'DANCING', 'TEAM_SPORT', 'RACKET_SPORT', 'ELLIPTICAL', 'STAIR_CLIMBING', 'OTHER');

-- CreateEnum
CREATE TYPE "SleepType" AS ENUM ('MAIN', 'NAP', 'REST');

-- CreateTable
CREATE TABLE "User" (
    "id" TEXT NOT NULL,
    "externalId" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiKey" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "keyHash" TEXT NOT NULL,
    "scopes" "ApiKeyScope"[],
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMPTZ(3),
    "revokedAt" TIMESTAMPTZ(3),

    CONSTRAINT "ApiKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Connection" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "provider" "Provider" NOT NULL,
    "providerUserId" TEXT,
    "status" "ConnectionStatus" NOT NULL DEFAULT 'ACTIVE',
    "scopes" TEXT[],
    "accessTokenEncrypted" TEXT,
    "refreshTokenEncrypted" TEXT,
    "expiresAt" TIMESTAMPTZ(3),
    "lastSyncedAt" TIMESTAMPTZ(3),
    "lastError" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Connection_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RawPayload" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "provider" "Provider" NOT NULL,
    "dataType" TEXT NOT NULL,
    "providerRecordId" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "fetchedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "RawPayload_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Workout" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "provider" "Provider" NOT NULL,
    "providerRecordId" TEXT NOT NULL,
    "sourceDevice" TEXT,
    "rawPayloadId" TEXT,
    "startTime" TIMESTAMPTZ(3) NOT NULL,
    "endTime" TIMESTAMPTZ(3) NOT NULL,
    "utcOffsetMinutes" INTEGER NOT NULL,
    "localDate" DATE NOT NULL,
    "sport" "WorkoutSport" NOT NULL,
    "providerSport" TEXT NOT NULL,
    "durationSeconds" DOUBLE PRECISION NOT NULL,
    "distanceMeters" DOUBLE PRECISION,
    "energyKcal" DOUBLE PRECISION,
    "averageHeartRateBpm" DOUBLE PRECISION,
    "maxHeartRateBpm" DOUBLE PRECISION,
    "trainingLoad" DOUBLE PRECISION,
    "muscleLoad" DOUBLE PRECISION,
    "intensity" TEXT,
    "heartRateZones" JSONB,
    "extras" JSONB,
    "duplicateOfId" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Workout_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SleepSession" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "provider" "Provider" NOT NULL,
    "providerRecordId" TEXT NOT NULL,
    "sourceDevice" TEXT,
    "rawPayloadId" TEXT,
    "startTime" TIMESTAMPTZ(3) NOT NULL,
    "endTime" TIMESTAMPTZ(3) NOT NULL,
    "utcOffsetMinutes" INTEGER NOT NULL,
    "localDate" DATE NOT NULL,
    "type" "SleepType" NOT NULL DEFAULT 'MAIN',
    "timeInBedSeconds" INTEGER,
    "totalSleepSeconds" INTEGER,
    "lightSleepSeconds" INTEGER,
    "deepSleepSeconds" INTEGER,
    "remSleepSeconds" INTEGER,
    "awakeSeconds" INTEGER,
    "unrecognizedSleepSeconds" INTEGER,
    "latencySeconds" INTEGER,
    "efficiencyPercent" DOUBLE PRECISION,
    "score" INTEGER,
    "interruptionsSeconds" INTEGER,
    "averageHeartRateBpm" DOUBLE PRECISION,
    "lowestHeartRateBpm" DOUBLE PRECISION,
    "averageHrvRmssdMs" DOUBLE PRECISION,
    "breathingRatePerMinute" DOUBLE PRECISION,
    "hypnogram" JSONB,
    "extras" JSONB,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "SleepSession_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Recovery" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "provider" "Provider" NOT NULL,
    "providerRecordId" TEXT NOT NULL,
    "sourceDevice" TEXT,
    "rawPayloadId" TEXT,
    "startTime" TIMESTAMPTZ(3) NOT NULL,
    "utcOffsetMinutes" INTEGER NOT NULL,
    "localDate" DATE NOT NULL,
    "hrvRmssdMs" DOUBLE PRECISION,
    "restingHeartRateBpm" DOUBLE PRECISION,
    "averageHeartRateBpm" DOUBLE PRECISION,
    "beatToBeatAverageMs" DOUBLE PRECISION,
    "breathingRatePerMinute" DOUBLE PRECISION,
    "readinessScore" INTEGER,
    "nightlyRechargeStatus" INTEGER,
    "ansCharge" DOUBLE PRECISION,
    "ansChargeStatus" INTEGER,
    "sleepCharge" INTEGER,
    "skinTemperatureDeviationCelsius" DOUBLE PRECISION,
    "extras" JSONB,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Recovery_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DailyActivity" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "provider" "Provider" NOT NULL,
    "providerRecordId" TEXT NOT NULL,
    "sourceDevice" TEXT,
    "rawPayloadId" TEXT,
    "startTime" TIMESTAMPTZ(3) NOT NULL,
    "utcOffsetMinutes" INTEGER NOT NULL,
    "localDate" DATE NOT NULL,
    "steps" INTEGER,
    "activeEnergyKcal" DOUBLE PRECISION,
    "totalEnergyKcal" DOUBLE PRECISION,
    "activeDurationSeconds" INTEGER,
    "distanceMeters" DOUBLE PRECISION,
    "score" INTEGER,
    "cardioLoad" DOUBLE PRECISION,
    "cardioLoadStrain" DOUBLE PRECISION,
    "cardioLoadTolerance" DOUBLE PRECISION,
    "cardioLoadStatus" TEXT,
    "extras" JSONB,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "DailyActivity_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Vo2MaxEstimate" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "provider" "Provider" NOT NULL,
    "providerRecordId" TEXT NOT NULL,
    "sourceDevice" TEXT,
    "rawPayloadId" TEXT,
    "measuredAt" TIMESTAMPTZ(3) NOT NULL,
    "utcOffsetMinutes" INTEGER NOT NULL,
    "localDate" DATE NOT NULL,
    "vo2MaxMlPerKgMin" DOUBLE PRECISION NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Vo2MaxEstimate_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "HeartRateSample" (
    "userId" TEXT NOT NULL,
    "provider" "Provider" NOT NULL,
    "time" TIMESTAMPTZ(3) NOT NULL,
    "utcOffsetMinutes" INTEGER NOT NULL,
    "bpm" INTEGER NOT NULL,
    "context" TEXT,
    "sourceDevice" TEXT,

    CONSTRAINT "HeartRateSample_pkey" PRIMARY KEY ("userId","provider","time")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_externalId_key" ON "User"("externalId");

-- CreateIndex
CREATE UNIQUE INDEX "ApiKey_keyHash_key" ON "ApiKey"("keyHash");

-- CreateIndex
CREATE INDEX "Connection_provider_providerUserId_idx" ON "Connection"("provider", "providerUserId");

-- CreateIndex
CREATE UNIQUE INDEX "Connection_userId_provider_key" ON "Connection"("userId", "provider");

-- CreateIndex
CREATE UNIQUE INDEX "RawPayload_provider_userId_dataType_providerRecordId_key" ON "RawPayload"("provider", "userId", "dataType", "providerRecordId");

-- CreateIndex
CREATE INDEX "Workout_userId_localDate_idx" ON "Workout"("userId", "localDate");

-- CreateIndex
CREATE INDEX "Workout_userId_startTime_idx" ON "Workout"("userId", "startTime");

-- CreateIndex
CREATE UNIQUE INDEX "Workout_provider_userId_providerRecordId_key" ON "Workout"("provider", "userId", "providerRecordId");

-- CreateIndex
CREATE INDEX "SleepSession_userId_localDate_idx" ON "SleepSession"("userId", "localDate");

-- CreateIndex
CREATE UNIQUE INDEX "SleepSession_provider_userId_providerRecordId_key" ON "SleepSession"("provider", "userId", "providerRecordId");

-- CreateIndex
CREATE INDEX "Recovery_userId_localDate_idx" ON "Recovery"("userId", "localDate");

-- CreateIndex
CREATE UNIQUE INDEX "Recovery_provider_userId_providerRecordId_key" ON "Recovery"("provider", "userId", "providerRecordId");

-- CreateIndex
CREATE INDEX "DailyActivity_userId_localDate_idx" ON "DailyActivity"("userId", "localDate");

-- CreateIndex
CREATE UNIQUE INDEX "DailyActivity_provider_userId_providerRecordId_key" ON "DailyActivity"("provider", "userId", "providerRecordId");

-- CreateIndex
CREATE INDEX "Vo2MaxEstimate_userId_localDate_idx" ON "Vo2MaxEstimate"("userId", "localDate");

-- CreateIndex
CREATE UNIQUE INDEX "Vo2MaxEstimate_provider_userId_providerRecordId_key" ON "Vo2MaxEstimate"("provider", "userId", "providerRecordId");

-- AddForeignKey
ALTER TABLE "Connection" ADD CONSTRAINT "Connection_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RawPayload" ADD CONSTRAINT "RawPayload_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Workout" ADD CONSTRAINT "Workout_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Workout" ADD CONSTRAINT "Workout_rawPayloadId_fkey" FOREIGN KEY ("rawPayloadId") REFERENCES "RawPayload"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SleepSession" ADD CONSTRAINT "SleepSession_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SleepSession" ADD CONSTRAINT "SleepSession_rawPayloadId_fkey" FOREIGN KEY ("rawPayloadId") REFERENCES "RawPayload"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Recovery" ADD CONSTRAINT "Recovery_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Recovery" ADD CONSTRAINT "Recovery_rawPayloadId_fkey" FOREIGN KEY ("rawPayloadId") REFERENCES "RawPayload"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DailyActivity" ADD CONSTRAINT "DailyActivity_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DailyActivity" ADD CONSTRAINT "DailyActivity_rawPayloadId_fkey" FOREIGN KEY ("rawPayloadId") REFERENCES "RawPayload"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Vo2MaxEstimate" ADD CONSTRAINT "Vo2MaxEstimate_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Vo2MaxEstimate" ADD CONSTRAINT "Vo2MaxEstimate_rawPayloadId_fkey" FOREIGN KEY ("rawPayloadId") REFERENCES "RawPayload"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "HeartRateSample" ADD CONSTRAINT "HeartRateSample_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
