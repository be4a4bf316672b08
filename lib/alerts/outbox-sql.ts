// SQL shared by everything that writes to the outbox (the result writer's incident statements,
// the alert pass). Keys: incident:<id>:<EVENT>[:<n>]:<channelId> and
// monitor:<id>:<EVENT>:<episode>:<channelId>, unique in the table, so producing an alert twice —
// two processes, a retried batch — inserts it once (ON CONFLICT DO NOTHING).
import { Prisma, type PrismaClient } from "../generated/prisma/client";

/**
 * Joins `alert_channel c` to the channels that get the alerts of monitor `m`: the owner's enabled
 * channels, minus those excluded for this monitor (no exclusions = every channel).
 */
export const RECEIVING_CHANNELS = Prisma.raw(`JOIN alert_channel c ON c."userId" = m."userId" AND c.enabled
  AND NOT EXISTS (SELECT 1 FROM monitor_channel_exclusion x WHERE x."monitorId" = m.id AND x."channelId" = c.id)`);

/**
 * Creates the account-email channel of the owners of these monitors if they have none yet (the
 * unique accountUserId makes it one per user whatever runs concurrently).
 */
export function ensureAccountChannels(prisma: PrismaClient, monitorIdsJson: string) {
  return prisma.$executeRaw`
    INSERT INTO alert_channel (id, "userId", type, name, "accountUserId")
    SELECT gen_random_uuid()::text, u.id, 'EMAIL', 'Account email', u.id
    FROM "user" u
    WHERE u.id IN (SELECT m."userId" FROM monitor m WHERE m.id IN (SELECT jsonb_array_elements_text(${monitorIdsJson}::jsonb)))
    ORDER BY u.id
    ON CONFLICT ("accountUserId") DO NOTHING`;
}

export function ensureAccountChannelForUser(prisma: PrismaClient, userId: string) {
  return prisma.$executeRaw`
    INSERT INTO alert_channel (id, "userId", type, name, "accountUserId")
    SELECT gen_random_uuid()::text, u.id, 'EMAIL', 'Account email', u.id FROM "user" u WHERE u.id = ${userId}
    ON CONFLICT ("accountUserId") DO NOTHING`;
}

export type OutboxRow = {
  monitorId: string;
  incidentId: string | null;
  event: "REMINDER" | "TLS_EXPIRING" | "FLAPPING";
  sequence: number;
  /** The key without the channel: incident:<id>:REMINDER:3, … */
  keyBase: string;
  payload: Record<string, unknown>;
};

/** One alert per receiving channel for each row; returns how many were new. */
export function insertAlerts(prisma: PrismaClient, rows: OutboxRow[], now: Date) {
  return prisma.$executeRaw`
    INSERT INTO alert (id, "idempotencyKey", "userId", "channelId", "monitorId", "incidentId", event, sequence, payload, "createdAt", "nextAttemptAt")
    SELECT gen_random_uuid()::text, r."keyBase" || ':' || c.id, m."userId", c.id, m.id, r."incidentId", r.event::"AlertEvent", r.sequence, r.payload, ${ts(now)}, ${ts(now)}
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r("monitorId" text, "incidentId" text, event text, sequence int, "keyBase" text, payload jsonb)
    JOIN monitor m ON m.id = r."monitorId"
    ${RECEIVING_CHANNELS}
    ON CONFLICT ("idempotencyKey") DO NOTHING`;
}

/** A timestamp parameter that means the same instant whatever the session's time zone. */
export function ts(date: Date): Prisma.Sql {
  return Prisma.sql`${date.toISOString()}::timestamptz`;
}
