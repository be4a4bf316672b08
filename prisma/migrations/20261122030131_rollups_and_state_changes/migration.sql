-- CreateEnum
CREATE TYPE "RollupGranularity" AS ENUM ('HOUR', 'DAY');

-- CreateTable
CREATE TABLE "state_change" (
    "id" BIGSERIAL NOT NULL,
    "monitorId" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "fromState" "MonitorState" NOT NULL,
    "toState" "MonitorState" NOT NULL,
    "errorKind" "ErrorKind" NOT NULL,

    CONSTRAINT "state_change_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "check_rollup" (
    "monitorId" TEXT NOT NULL,
    "granularity" "RollupGranularity" NOT NULL,
    "bucketStart" TIMESTAMPTZ(3) NOT NULL,
    "total" INTEGER NOT NULL,
    "up" INTEGER NOT NULL,
    "down" INTEGER NOT NULL,
    "transient" INTEGER NOT NULL,
    "errorKinds" JSONB NOT NULL DEFAULT '{}',
    "p50Ms" REAL,
    "p95Ms" REAL,
    "p99Ms" REAL,
    "meanDnsMs" REAL,
    "meanConnectMs" REAL,
    "meanTlsMs" REAL,
    "meanTtfbMs" REAL,
    "meanTransferMs" REAL,
    "meanTotalMs" REAL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "check_rollup_pkey" PRIMARY KEY ("monitorId","granularity","bucketStart")
);

-- CreateIndex
CREATE INDEX "state_change_monitorId_at_idx" ON "state_change"("monitorId", "at");

-- CreateIndex
CREATE INDEX "check_rollup_granularity_bucketStart_idx" ON "check_rollup"("granularity", "bucketStart");

-- AddForeignKey
ALTER TABLE "state_change" ADD CONSTRAINT "state_change_monitorId_fkey" FOREIGN KEY ("monitorId") REFERENCES "monitor"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "check_rollup" ADD CONSTRAINT "check_rollup_monitorId_fkey" FOREIGN KEY ("monitorId") REFERENCES "monitor"("id") ON DELETE CASCADE ON UPDATE CASCADE;

