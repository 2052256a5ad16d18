-- CreateTable
CREATE TABLE "DailyScore" (
    "userId" TEXT NOT NULL,
    "parameterHash" TEXT NOT NULL,
    "localDate" DATE NOT NULL,
    "kind" TEXT NOT NULL,
    "algorithmVersion" TEXT NOT NULL,
    "value" DOUBLE PRECISION,
    "reason" TEXT,
    "status" TEXT,
    "detail" JSONB NOT NULL,
    "computedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DailyScore_pkey" PRIMARY KEY ("userId","parameterHash","localDate","kind")
);

-- CreateTable
CREATE TABLE "ScoreDirty" (
    "userId" TEXT NOT NULL,
    "fromDate" DATE NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ScoreDirty_pkey" PRIMARY KEY ("userId")
);

-- CreateTable
CREATE TABLE "ScoreRun" (
    "id" TEXT NOT NULL,
    "parameterHash" TEXT NOT NULL,
    "status" "SyncRunStatus" NOT NULL DEFAULT 'RUNNING',
    "usersTotal" INTEGER NOT NULL,
    "usersDone" INTEGER NOT NULL DEFAULT 0,
    "doneUsers" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "startedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMPTZ(3),

    CONSTRAINT "ScoreRun_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ScoreRun_parameterHash_key" ON "ScoreRun"("parameterHash");

-- AddForeignKey
ALTER TABLE "DailyScore" ADD CONSTRAINT "DailyScore_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ScoreDirty" ADD CONSTRAINT "ScoreDirty_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
