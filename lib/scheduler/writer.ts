// Check results are written in batches: each flush stores the checks and the monitor state
// changes they caused in one transaction, so a state change never exists without its check.
// A batch whose write fails stays buffered and is retried at the next flush.
import { Prisma, type PrismaClient } from "../generated/prisma/client";
import type { ProbeResult } from "../probes/types";
import { ERROR_KIND_LABELS, type ErrorKind } from "../probes/error-kinds";
import type { MonitorState } from "./policy";
import { logger } from "../logger";
import { ensureAccountChannels, RECEIVING_CHANNELS } from "../alerts/outbox-sql";
import { recordWrittenChecks } from "../metrics";

export type CheckOutcome = {
  monitorId: string;
  leaseOwner: string;
  result: ProbeResult;
  attempt: number;
  state: MonitorState;
  /** The state before this check; differs from `state` exactly when the check changed it. */
  previousState: MonitorState;
  stateChanged: boolean;
  /** When the failure being confirmed started; null unless state is PENDING. */
  pendingSince: Date | null;
  /** The confirmation cleared: failed checks since this time become transient. */
  transientSince: Date | null;
  /** The last outcome of a claim gives the lease back. */
  releaseLease: boolean;
};

type CheckRow = Record<string, unknown>;

function checkRow(outcome: CheckOutcome): CheckRow {
  const { result } = outcome;
  return {
    monitorId: outcome.monitorId,
    startedAt: result.startedAt.toISOString(),
    ok: result.ok,
    errorKind: result.errorKind,
    httpStatus: result.httpStatus,
    attempt: outcome.attempt,
    ...result.timings,
    remoteIp: result.remoteIp,
    message: result.message,
    rawError: result.rawError,
    certSubject: result.certificate?.subject ?? null,
    certIssuer: result.certificate?.issuer ?? null,
    certValidTo: result.certificate?.validTo ?? null,
    evidence: result.ok ? null : result.evidence,
  };
}

/** Several outcomes of one monitor in a batch collapse into the last, remembering the last state change. */
function monitorUpdates(outcomes: CheckOutcome[]) {
  const byMonitor = new Map<string, Record<string, unknown>>();
  for (const outcome of outcomes) {
    const previous = byMonitor.get(outcome.monitorId);
    byMonitor.set(outcome.monitorId, {
      id: outcome.monitorId,
      owner: outcome.leaseOwner,
      state: outcome.state,
      stateChangedAt: outcome.stateChanged ? outcome.result.startedAt.toISOString() : (previous?.stateChangedAt ?? null),
      pendingSince: outcome.pendingSince?.toISOString() ?? null,
      lastCheckedAt: outcome.result.startedAt.toISOString(),
      lastErrorKind: outcome.result.errorKind satisfies ErrorKind,
      releaseLease: outcome.releaseLease,
    });
  }
  return [...byMonitor.values()];
}

/** The incident side of an outcome: confirmed DOWN opens one, recovery resolves it. */
function incidentRows(outcomes: CheckOutcome[], select: (outcome: CheckOutcome) => boolean): string {
  return JSON.stringify(
    outcomes.filter(select).map((outcome) => ({
      monitorId: outcome.monitorId,
      owner: outcome.leaseOwner,
      errorKind: outcome.result.errorKind,
      label: ERROR_KIND_LABELS[outcome.result.errorKind],
      at: outcome.result.startedAt.toISOString(),
    })),
  );
}

const INCIDENT_ROW = Prisma.raw(`("monitorId" text, owner text, "errorKind" text, label text, at timestamptz)`);

/** Writes a batch in one transaction; returns the ids of the incidents it opened. */
export async function writeOutcomes(prisma: PrismaClient, outcomes: CheckOutcome[]): Promise<string[]> {
  if (outcomes.length === 0) return [];
  const checks = JSON.stringify(outcomes.map(checkRow));
  const updates = JSON.stringify(monitorUpdates(outcomes));
  const cleared = outcomes.filter((outcome) => outcome.transientSince);
  const opening = incidentRows(outcomes, (outcome) => outcome.state === "DOWN" && outcome.stateChanged);
  const stillDown = incidentRows(outcomes, (outcome) => outcome.state === "DOWN" && !outcome.stateChanged);
  const recovering = incidentRows(outcomes, (outcome) => outcome.state === "UP" && outcome.stateChanged);
  const stateChanges = JSON.stringify(
    outcomes
      .filter((outcome) => outcome.stateChanged)
      .map((outcome) => ({ monitorId: outcome.monitorId, owner: outcome.leaseOwner, at: outcome.result.startedAt.toISOString(), fromState: outcome.previousState, toState: outcome.state, errorKind: outcome.result.errorKind })),
  );
  // Alerts (lib/alerts): the owners of monitors that open or resolve an incident get their
  // account-email channel first, so the outbox rows below have a channel to go to.
  const alerting = [...new Set(outcomes.filter((outcome) => outcome.stateChanged && (outcome.state === "DOWN" || outcome.state === "UP")).map((outcome) => outcome.monitorId))];
  const channelStatements = alerting.length > 0 ? [ensureAccountChannels(prisma, JSON.stringify(alerting))] : [];
  const results = await prisma.$transaction([
    ...channelStatements,
    // A monitor deleted while it was being probed has no row to attach its checks to: skip those.
    prisma.$executeRaw`
      INSERT INTO "check" ("monitorId", "startedAt", ok, "errorKind", "httpStatus", attempt, "dnsMs", "connectMs", "tlsMs",
        "ttfbMs", "transferMs", "totalMs", "remoteIp", message, "rawError", "certSubject", "certIssuer", "certValidTo", evidence)
      SELECT r."monitorId", r."startedAt", r.ok, r."errorKind"::"ErrorKind", r."httpStatus", r.attempt, r."dnsMs", r."connectMs", r."tlsMs",
        r."ttfbMs", r."transferMs", r."totalMs", r."remoteIp", r.message, r."rawError", r."certSubject", r."certIssuer", r."certValidTo", r.evidence
      FROM jsonb_to_recordset(${checks}::jsonb) AS r("monitorId" text, "startedAt" timestamptz, ok boolean, "errorKind" text,
        "httpStatus" int, attempt int, "dnsMs" real, "connectMs" real, "tlsMs" real, "ttfbMs" real, "transferMs" real, "totalMs" real,
        "remoteIp" text, message text, "rawError" text, "certSubject" text, "certIssuer" text, "certValidTo" timestamptz, evidence jsonb)
      WHERE EXISTS (SELECT 1 FROM monitor WHERE monitor.id = r."monitorId")`,
    ...cleared.map(
      (outcome) => prisma.$executeRaw`
        UPDATE "check" SET transient = true
        WHERE "monitorId" = ${outcome.monitorId} AND "startedAt" >= ${outcome.transientSince} AND NOT ok`,
    ),
    prisma.$executeRaw`
      INSERT INTO state_change ("monitorId", at, "fromState", "toState", "errorKind")
      SELECT c."monitorId", c.at, c."fromState"::"MonitorState", c."toState"::"MonitorState", c."errorKind"::"ErrorKind"
      FROM jsonb_to_recordset(${stateChanges}::jsonb) AS c("monitorId" text, owner text, at timestamptz, "fromState" text, "toState" text, "errorKind" text)
      JOIN monitor m ON m.id = c."monitorId" AND m."leaseOwner" = c.owner`,
    // Incidents change with the monitor state, in the same transaction and under the same
    // lease condition. The unique openMonitorId makes "one open incident per monitor" a
    // database guarantee: a second opening is a no-op. Each opening and resolution writes its
    // alerts to the outbox here too, one per receiving channel, keyed by (incident, event,
    // channel): the alert exists exactly when the incident change does.
    prisma.$queryRaw<{ id: string }[]>`
      WITH opened AS (
        INSERT INTO incident (id, "monitorId", "openMonitorId", cause, "lastErrorKind", "openedAt")
        SELECT gen_random_uuid()::text, o."monitorId", o."monitorId", o."errorKind"::"ErrorKind", o."errorKind"::"ErrorKind", o.at
        FROM jsonb_to_recordset(${opening}::jsonb) AS o${INCIDENT_ROW}
        JOIN monitor m ON m.id = o."monitorId" AND m."leaseOwner" = o.owner
        ON CONFLICT ("openMonitorId") DO NOTHING
        RETURNING id, "monitorId", "openedAt", cause
      ), events AS (
        -- (rows inserted above are not visible to a scan of incident here: join on RETURNING)
        INSERT INTO incident_event ("incidentId", at, type, "errorKind", message)
        SELECT opened.id, opened."openedAt", 'OPENED', opened.cause, 'Confirmed down: ' || o.label
        FROM opened JOIN jsonb_to_recordset(${opening}::jsonb) AS o${INCIDENT_ROW} ON o."monitorId" = opened."monitorId"
      ), alerts AS (
        INSERT INTO alert (id, "idempotencyKey", "userId", "channelId", "monitorId", "incidentId", event)
        SELECT gen_random_uuid()::text, 'incident:' || opened.id || ':DOWN:' || c.id, m."userId", c.id, m.id, opened.id, 'DOWN'
        FROM opened JOIN monitor m ON m.id = opened."monitorId"
        ${RECEIVING_CHANNELS}
        ON CONFLICT ("idempotencyKey") DO NOTHING
      )
      SELECT id FROM opened`,
    prisma.$executeRaw`
      WITH changed AS (
        UPDATE incident i SET "lastErrorKind" = o."errorKind"::"ErrorKind"
        FROM jsonb_to_recordset(${stillDown}::jsonb) AS o${INCIDENT_ROW}
        JOIN monitor m ON m.id = o."monitorId" AND m."leaseOwner" = o.owner
        WHERE i."openMonitorId" = o."monitorId" AND i."lastErrorKind" <> o."errorKind"::"ErrorKind"
        RETURNING i.id, o.at, o."errorKind", o.label
      )
      INSERT INTO incident_event ("incidentId", at, type, "errorKind", message)
      SELECT id, at, 'ERROR_KIND_CHANGED', "errorKind"::"ErrorKind", 'Now failing with ' || label FROM changed`,
    prisma.$executeRaw`
      WITH resolved AS (
        UPDATE incident i SET status = 'RESOLVED', "resolvedAt" = o.at, "openMonitorId" = NULL,
          "durationSeconds" = GREATEST(0, round(extract(epoch FROM o.at - i."openedAt")))::int
        FROM jsonb_to_recordset(${recovering}::jsonb) AS o${INCIDENT_ROW}
        JOIN monitor m ON m.id = o."monitorId" AND m."leaseOwner" = o.owner
        WHERE i."openMonitorId" = o."monitorId"
        RETURNING i.id, i."monitorId", o.at, i."durationSeconds"
      ), events AS (
        INSERT INTO incident_event ("incidentId", at, type, "errorKind", message)
        SELECT id, at, 'RESOLVED', 'NONE', 'Recovered after ' || "durationSeconds" || ' s' FROM resolved
      )
      INSERT INTO alert (id, "idempotencyKey", "userId", "channelId", "monitorId", "incidentId", event)
      SELECT gen_random_uuid()::text, 'incident:' || resolved.id || ':RESOLVED:' || c.id, m."userId", c.id, m.id, resolved.id, 'RESOLVED'
      FROM resolved JOIN monitor m ON m.id = resolved."monitorId"
      ${RECEIVING_CHANNELS}
      ON CONFLICT ("idempotencyKey") DO NOTHING`,
    // Only the lease holder may move the monitor's state: a late write from a process whose
    // lease expired (and was taken over) must not overwrite newer results.
    prisma.$executeRaw`
      UPDATE monitor m SET
        state = u.state::"MonitorState",
        "stateChangedAt" = COALESCE(u."stateChangedAt", m."stateChangedAt"),
        "pendingSince" = u."pendingSince",
        "lastCheckedAt" = u."lastCheckedAt",
        "lastErrorKind" = u."lastErrorKind"::"ErrorKind",
        "leaseOwner" = CASE WHEN u."releaseLease" THEN NULL ELSE m."leaseOwner" END,
        "leaseExpiresAt" = CASE WHEN u."releaseLease" THEN NULL ELSE m."leaseExpiresAt" END
      FROM jsonb_to_recordset(${updates}::jsonb) AS u(id text, owner text, state text, "stateChangedAt" timestamptz,
        "pendingSince" timestamptz, "lastCheckedAt" timestamptz, "lastErrorKind" text, "releaseLease" boolean)
      WHERE m.id = u.id AND m."leaseOwner" = u.owner`,
  ]);
  const opened = results[channelStatements.length + 2 + cleared.length] as { id: string }[];
  return opened.map((row) => row.id);
}

export type WriterStats = { buffered: number; written: number; dropped: number; failedFlushes: number };

/**
 * Buffers outcomes and writes them at most `flushIntervalMs` after they arrive. If the database
 * is unreachable the buffer keeps growing up to `maxBuffered` outcomes; beyond that the oldest
 * are dropped and counted, so a long outage cannot exhaust memory.
 */
export class ResultWriter {
  private buffer: CheckOutcome[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  readonly stats: WriterStats = { buffered: 0, written: 0, dropped: 0, failedFlushes: 0 };

  constructor(
    private readonly getPrisma: () => Promise<PrismaClient>,
    private readonly options: { flushIntervalMs: number; maxBuffered: number } = { flushIntervalMs: 1000, maxBuffered: 100_000 },
    /** Called after a batch that opened incidents is stored (the follow-up diagnosis starts there). */
    private readonly onIncidentsOpened: (incidentIds: string[]) => void = () => {},
  ) {}

  push(outcome: CheckOutcome): void {
    this.buffer.push(outcome);
    const overflow = this.buffer.length - this.options.maxBuffered;
    if (overflow > 0) {
      this.buffer.splice(0, overflow);
      this.stats.dropped += overflow;
    }
    this.stats.buffered = this.buffer.length;
    this.timer ??= setTimeout(() => void this.flush(), this.options.flushIntervalMs);
  }

  /** Writes everything buffered so far; resolves once it is stored (or the attempt failed and was kept). */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    // A flush under way writes only what was buffered when it began, and another caller may start
    // the next one while we wait: wait until none is running, then write what remains.
    while (this.flushing) await this.flushing;
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    this.flushing = (async () => {
      try {
        const opened = await writeOutcomes(await this.getPrisma(), batch);
        this.stats.written += batch.length;
        recordWrittenChecks(batch);
        if (opened.length > 0) this.onIncidentsOpened(opened);
      } catch (error) {
        // Keep the batch, in order, ahead of anything that arrived meanwhile, and try again.
        this.buffer = batch.concat(this.buffer);
        this.stats.failedFlushes++;
        logger.warn({ err: error, buffered: this.buffer.length, dropped: this.stats.dropped }, "writing check results failed; keeping them and retrying");
        this.timer ??= setTimeout(() => void this.flush(), this.options.flushIntervalMs);
      } finally {
        this.stats.buffered = this.buffer.length;
        this.flushing = null;
      }
    })();
    await this.flushing;
  }

  get pending(): number {
    return this.buffer.length;
  }
}
