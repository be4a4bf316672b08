-- CreateEnum
CREATE TYPE "IncidentStatus" AS ENUM ('OPEN', 'RESOLVED');

-- CreateEnum
CREATE TYPE "IncidentEventType" AS ENUM ('OPENED', 'ERROR_KIND_CHANGED', 'DIAGNOSED', 'RESOLVED', 'NOTE');

-- CreateTable
CREATE TABLE "incident" (
    "id" TEXT NOT NULL,
    "monitorId" TEXT NOT NULL,
    "openMonitorId" TEXT,
    "status" "IncidentStatus" NOT NULL DEFAULT 'OPEN',
    "cause" "ErrorKind" NOT NULL,
    "lastErrorKind" "ErrorKind" NOT NULL,
    "openedAt" TIMESTAMPTZ(3) NOT NULL,
    "resolvedAt" TIMESTAMPTZ(3),
    "durationSeconds" INTEGER,
    "diagnosis" JSONB,
    "diagnosedAt" TIMESTAMPTZ(3),

    CONSTRAINT "incident_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "incident_event" (
    "id" BIGSERIAL NOT NULL,
    "incidentId" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "type" "IncidentEventType" NOT NULL,
    "errorKind" "ErrorKind",
    "message" TEXT NOT NULL,
    "authorId" TEXT,

    CONSTRAINT "incident_event_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "incident_openMonitorId_key" ON "incident"("openMonitorId");

-- CreateIndex
CREATE INDEX "incident_monitorId_openedAt_idx" ON "incident"("monitorId", "openedAt" DESC);

-- CreateIndex
CREATE INDEX "incident_status_openedAt_idx" ON "incident"("status", "openedAt" DESC);

-- CreateIndex
CREATE INDEX "incident_cause_openedAt_idx" ON "incident"("cause", "openedAt" DESC);

-- CreateIndex
CREATE INDEX "incident_event_incidentId_at_idx" ON "incident_event"("incidentId", "at");

-- AddForeignKey
ALTER TABLE "incident" ADD CONSTRAINT "incident_monitorId_fkey" FOREIGN KEY ("monitorId") REFERENCES "monitor"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "incident_event" ADD CONSTRAINT "incident_event_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "incident"("id") ON DELETE CASCADE ON UPDATE CASCADE;

