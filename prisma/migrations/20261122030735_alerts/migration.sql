-- CreateEnum
CREATE TYPE "AlertChannelType" AS ENUM ('EMAIL', 'WEBHOOK');

-- CreateEnum
CREATE TYPE "AlertEvent" AS ENUM ('DOWN', 'RESOLVED', 'REMINDER', 'TLS_EXPIRING', 'FLAPPING', 'TEST');

-- CreateEnum
CREATE TYPE "AlertStatus" AS ENUM ('PENDING', 'SENT', 'FAILED', 'SUPPRESSED');

-- CreateTable
CREATE TABLE "alert_channel" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "type" "AlertChannelType" NOT NULL,
    "name" TEXT NOT NULL,
    "target" TEXT,
    "secret" TEXT,
    "accountUserId" TEXT,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "alert_channel_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "monitor_channel_exclusion" (
    "monitorId" TEXT NOT NULL,
    "channelId" TEXT NOT NULL,

    CONSTRAINT "monitor_channel_exclusion_pkey" PRIMARY KEY ("monitorId","channelId")
);

-- CreateTable
CREATE TABLE "alert_settings" (
    "userId" TEXT NOT NULL,
    "reminderMinutes" INTEGER NOT NULL DEFAULT 60,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "alert_settings_pkey" PRIMARY KEY ("userId")
);

-- CreateTable
CREATE TABLE "monitor_alert_state" (
    "monitorId" TEXT NOT NULL,
    "flappingSince" TIMESTAMPTZ(3),
    "tlsAlertedAt" TIMESTAMPTZ(3),

    CONSTRAINT "monitor_alert_state_pkey" PRIMARY KEY ("monitorId")
);

-- CreateTable
CREATE TABLE "alert" (
    "id" TEXT NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "seq" BIGSERIAL NOT NULL,
    "userId" TEXT NOT NULL,
    "channelId" TEXT NOT NULL,
    "monitorId" TEXT,
    "incidentId" TEXT,
    "event" "AlertEvent" NOT NULL,
    "sequence" INTEGER NOT NULL DEFAULT 0,
    "payload" JSONB NOT NULL DEFAULT '{}',
    "status" "AlertStatus" NOT NULL DEFAULT 'PENDING',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "nextAttemptAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "leaseOwner" TEXT,
    "leaseExpiresAt" TIMESTAMPTZ(3),
    "sentAt" TIMESTAMPTZ(3),
    "subject" TEXT,
    "text" TEXT,

    CONSTRAINT "alert_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_attempt" (
    "id" BIGSERIAL NOT NULL,
    "alertId" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "durationMs" INTEGER NOT NULL,
    "ok" BOOLEAN NOT NULL,
    "response" TEXT,
    "error" TEXT,
    "owner" TEXT NOT NULL,

    CONSTRAINT "alert_attempt_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "alert_channel_accountUserId_key" ON "alert_channel"("accountUserId");

-- CreateIndex
CREATE INDEX "alert_channel_userId_idx" ON "alert_channel"("userId");

-- CreateIndex
CREATE INDEX "monitor_channel_exclusion_channelId_idx" ON "monitor_channel_exclusion"("channelId");

-- CreateIndex
CREATE UNIQUE INDEX "alert_idempotencyKey_key" ON "alert"("idempotencyKey");

-- CreateIndex
CREATE INDEX "alert_status_nextAttemptAt_idx" ON "alert"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "alert_userId_createdAt_idx" ON "alert"("userId", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "alert_incidentId_event_idx" ON "alert"("incidentId", "event");

-- CreateIndex
CREATE INDEX "alert_monitorId_event_idx" ON "alert"("monitorId", "event");

-- CreateIndex
CREATE INDEX "alert_channelId_idx" ON "alert"("channelId");

-- CreateIndex
CREATE INDEX "alert_attempt_alertId_number_idx" ON "alert_attempt"("alertId", "number");

-- AddForeignKey
ALTER TABLE "alert_channel" ADD CONSTRAINT "alert_channel_userId_fkey" FOREIGN KEY ("userId") REFERENCES "user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "monitor_channel_exclusion" ADD CONSTRAINT "monitor_channel_exclusion_monitorId_fkey" FOREIGN KEY ("monitorId") REFERENCES "monitor"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "monitor_channel_exclusion" ADD CONSTRAINT "monitor_channel_exclusion_channelId_fkey" FOREIGN KEY ("channelId") REFERENCES "alert_channel"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alert_settings" ADD CONSTRAINT "alert_settings_userId_fkey" FOREIGN KEY ("userId") REFERENCES "user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "monitor_alert_state" ADD CONSTRAINT "monitor_alert_state_monitorId_fkey" FOREIGN KEY ("monitorId") REFERENCES "monitor"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alert" ADD CONSTRAINT "alert_userId_fkey" FOREIGN KEY ("userId") REFERENCES "user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alert" ADD CONSTRAINT "alert_channelId_fkey" FOREIGN KEY ("channelId") REFERENCES "alert_channel"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alert" ADD CONSTRAINT "alert_monitorId_fkey" FOREIGN KEY ("monitorId") REFERENCES "monitor"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alert" ADD CONSTRAINT "alert_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "incident"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alert_attempt" ADD CONSTRAINT "alert_attempt_alertId_fkey" FOREIGN KEY ("alertId") REFERENCES "alert"("id") ON DELETE CASCADE ON UPDATE CASCADE;

