// Claiming due monitors from PostgreSQL. One statement picks due, unleased monitors with
// FOR UPDATE SKIP LOCKED, moves each to its next slot and leases it to the caller, so any number
// of scheduler processes share the work and no monitor is probed by two of them at once.
import { Prisma, type PrismaClient } from "../generated/prisma/client";
import type { ErrorKind } from "../probes/error-kinds";
import type { MonitorState } from "./policy";
import type { ProbeTarget } from "../probes/types";
import { withDecryptedHeaders } from "../monitors/headers";

/** What a worker needs to probe a monitor and judge the result. */
export type ClaimedMonitor = ProbeTarget & {
  id: string;
  intervalSeconds: number;
  retries: number;
  state: MonitorState;
  pendingSince: Date | null;
  lastErrorKind: ErrorKind | null;
  /** The slot this run was due at (for schedule-lag measurement); null for "check now". */
  scheduledAt: Date | null;
};

const RETURNING = Prisma.raw(`m.id, m.type::text AS type, m.url, m.method, m.headers, m."encryptedHeaders", m.body, m."expectedStatus", m.keyword,
  m."keywordMustBeAbsent", m."intervalSeconds", m."timeoutSeconds", m.retries, m."followRedirects", m.state::text AS state,
  m."pendingSince", m."lastErrorKind"::text AS "lastErrorKind"`);

// Long enough for every attempt to time out plus every confirmation pause (each pause is at most
// maxRetryDelaySeconds = max(1, interval/4)), with 10 s of slack; counted from when the run starts.
const LEASE = Prisma.raw(
  `make_interval(secs => m."timeoutSeconds" * (m.retries + 1) + m.retries * GREATEST(1, m."intervalSeconds" / 4) + 10)`,
);

/** A monitor claimed for one of its slots. */
export type ScheduledMonitor = ClaimedMonitor & { scheduledAt: Date };

/**
 * Claims up to `limit` monitors due within `aheadMs` from now, for their slot: the caller starts
 * each at its scheduledAt, so the lease runs from then. The slot is the latest one that has come
 * (or the coming one): after an outage or a dead worker's lease, a monitor runs for the current
 * slot, not for the first one it missed. nextRunAt moves one interval on (phase kept).
 */
export async function claimDueMonitors(prisma: PrismaClient, owner: string, limit: number, aheadMs: number): Promise<ScheduledMonitor[]> {
  return withDecryptedHeaders(await prisma.$queryRaw<ScheduledMonitor[]>`
    WITH due AS (
      SELECT id, "nextRunAt" + make_interval(secs => "intervalSeconds" * GREATEST(0, floor(extract(epoch FROM now() - "nextRunAt") / "intervalSeconds"))) AS scheduled_at
      FROM monitor
      WHERE enabled AND "nextRunAt" <= now() + make_interval(secs => ${aheadMs / 1000}) AND ("leaseExpiresAt" IS NULL OR "leaseExpiresAt" < now())
      ORDER BY "nextRunAt"
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED
    )
    UPDATE monitor m SET
      "leaseOwner" = ${owner},
      "leaseExpiresAt" = GREATEST(now(), due.scheduled_at) + ${LEASE},
      "nextRunAt" = due.scheduled_at + make_interval(secs => m."intervalSeconds")
    FROM due WHERE m.id = due.id
    RETURNING ${RETURNING}, due.scheduled_at AS "scheduledAt"`);
}

/** Leases one of the user's monitors for an immediate check; null if it is not theirs or is being probed. */
export async function claimMonitorNow(prisma: PrismaClient, owner: string, userId: string, monitorId: string): Promise<ClaimedMonitor | null> {
  const rows = await prisma.$queryRaw<ClaimedMonitor[]>`
    UPDATE monitor m SET "leaseOwner" = ${owner}, "leaseExpiresAt" = now() + ${LEASE}
    WHERE m.id = ${monitorId} AND m."userId" = ${userId} AND (m."leaseExpiresAt" IS NULL OR m."leaseExpiresAt" < now())
    RETURNING ${RETURNING}, NULL::timestamptz AS "scheduledAt"`;
  return withDecryptedHeaders(rows)[0] ?? null;
}

/**
 * Gives back leases a stopping process still holds, so other workers pick the monitors up at once.
 * `unrunSlot` is the claimed slot of a run that never started: nextRunAt goes back to it, so the
 * slot is run by someone else instead of skipped (never later than a schedule set meanwhile).
 */
export async function releaseLeases(prisma: PrismaClient, owner: string, leases: Array<{ id: string; unrunSlot: Date | null }>): Promise<void> {
  if (leases.length === 0) return;
  // LEAST ignores NULL: a lease without an unrun slot keeps its nextRunAt.
  await prisma.$executeRaw`UPDATE monitor m SET "leaseOwner" = NULL, "leaseExpiresAt" = NULL, "nextRunAt" = LEAST(m."nextRunAt", r.slot)
    FROM jsonb_to_recordset(${JSON.stringify(leases.map(({ id, unrunSlot }) => ({ id, slot: unrunSlot })))}::jsonb) AS r(id text, slot timestamptz)
    WHERE m.id = r.id AND m."leaseOwner" = ${owner}`;
}
