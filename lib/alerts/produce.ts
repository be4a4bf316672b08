// The alert pass: reminders for incidents still open, TLS certificates about to expire, and
// flapping. Every scheduler process runs it (lib/alerts/dispatcher.ts); the decisions are the pure
// functions of policy.ts, evaluated at the `now` they are given, and the SQL only reads the
// inputs and writes the outcome. Concurrent passes are safe: outbox keys are unique
// (ON CONFLICT DO NOTHING), and the bookkeeping in monitor_alert_state only changes by
// compare-and-set in the same statement that writes the alerts.
import type { PrismaClient } from "../generated/prisma/client";
import { ensureAccountChannels, insertAlerts, RECEIVING_CHANNELS, ts, type OutboxRow } from "./outbox-sql";
import { daysLeft, decideFlapping, DEFAULT_REMINDER_MINUTES, FLAP_STABLE_MS, FLAP_WINDOW_MS, nextReminder, TLS_REPEAT_AFTER_MS, TLS_WARN_WITHIN_MS, tlsExpiryDue } from "./policy";

// ---- reminders ----

type OpenIncident = { incidentId: string; monitorId: string; openedAt: Date; reminderMinutes: number; lastNumber: number | null; lastDueAt: string | null };

/** Writes the reminders due at `now`; returns how many alert rows were new. */
export async function produceReminders(prisma: PrismaClient, now: Date): Promise<number> {
  const open = await prisma.$queryRaw<OpenIncident[]>`
    SELECT i.id AS "incidentId", i."monitorId", i."openedAt", COALESCE(s."reminderMinutes", ${DEFAULT_REMINDER_MINUTES}::int) AS "reminderMinutes",
      r.sequence AS "lastNumber", r.payload->>'dueAt' AS "lastDueAt"
    FROM incident i
    JOIN monitor m ON m.id = i."monitorId" AND m.enabled
    LEFT JOIN alert_settings s ON s."userId" = m."userId"
    LEFT JOIN LATERAL (
      SELECT a.sequence, a.payload FROM alert a WHERE a."incidentId" = i.id AND a.event = 'REMINDER' ORDER BY a.sequence DESC LIMIT 1
    ) r ON true
    WHERE i.status = 'OPEN' AND i."openedAt" <= ${ts(now)} AND COALESCE(s."reminderMinutes", ${DEFAULT_REMINDER_MINUTES}::int) > 0`;
  const rows: OutboxRow[] = [];
  for (const incident of open) {
    const last = incident.lastNumber !== null && incident.lastDueAt ? { number: incident.lastNumber, dueAt: new Date(incident.lastDueAt) } : null;
    const due = nextReminder({ openedAt: incident.openedAt, reminderMinutes: incident.reminderMinutes, last, now });
    if (!due) continue;
    rows.push({
      monitorId: incident.monitorId,
      incidentId: incident.incidentId,
      event: "REMINDER",
      sequence: due.number,
      keyBase: `incident:${incident.incidentId}:REMINDER:${due.number}`,
      payload: { dueAt: due.dueAt.toISOString() },
    });
  }
  return rows.length === 0 ? 0 : insertAlerts(prisma, rows, now);
}

// ---- flapping ----

type FlapCandidate = { monitorId: string; flappingSince: Date | null; changes: string[] | null; lastChangeAt: Date | null };

export type FlapOutcome = { started: string[]; ended: string[]; flapping: string[] };

/**
 * Starts and ends flapping episodes as of `now`, for every monitor that changed state in the last
 * 30 min or is flapping (or for one monitor). Starting one writes its FLAPPING alerts.
 */
export async function evaluateFlapping(prisma: PrismaClient, now: Date, monitorId: string | null = null): Promise<FlapOutcome> {
  const windowStart = new Date(now.getTime() - FLAP_WINDOW_MS);
  // Candidates come from monitor.stateChangedAt (small table) and the flapping ones; the counting
  // uses the (monitorId, at) index of state_change. Only DOWN ↔ not-DOWN changes count.
  const candidates = await prisma.$queryRaw<FlapCandidate[]>`
    SELECT m.id AS "monitorId", s."flappingSince",
      (SELECT jsonb_agg(sc.at ORDER BY sc.at) FROM state_change sc
        WHERE sc."monitorId" = m.id AND (sc."fromState" = 'DOWN' OR sc."toState" = 'DOWN') AND sc.at > ${ts(windowStart)} AND sc.at <= ${ts(now)}) AS changes,
      (SELECT max(sc.at) FROM state_change sc
        WHERE sc."monitorId" = m.id AND (sc."fromState" = 'DOWN' OR sc."toState" = 'DOWN') AND sc.at <= ${ts(now)}) AS "lastChangeAt"
    FROM monitor m
    LEFT JOIN monitor_alert_state s ON s."monitorId" = m.id
    WHERE (s."flappingSince" IS NOT NULL OR m."stateChangedAt" > ${ts(windowStart)})
      AND (${monitorId}::text IS NULL OR m.id = ${monitorId}::text)`;
  const outcome: FlapOutcome = { started: [], ended: [], flapping: [] };
  for (const candidate of candidates) {
    const changes = (candidate.changes ?? []).map((at) => new Date(at));
    const decision = decideFlapping({ changes, lastChangeAt: candidate.lastChangeAt, flappingSince: candidate.flappingSince, now });
    if (decision.action === "start") {
      const since = now.toISOString();
      const payload = JSON.stringify({ changes: decision.changesInWindow, since, windowMinutes: FLAP_WINDOW_MS / 60_000, quietUntilStableMinutes: FLAP_STABLE_MS / 60_000 });
      await ensureAccountChannels(prisma, JSON.stringify([candidate.monitorId]));
      // Compare-and-set and the alerts in one statement: only the pass that starts the episode
      // writes them, and the episode never starts without them.
      const won = await prisma.$queryRaw<{ monitorId: string }[]>`
        WITH started AS (
          INSERT INTO monitor_alert_state ("monitorId", "flappingSince") VALUES (${candidate.monitorId}, ${ts(now)})
          ON CONFLICT ("monitorId") DO UPDATE SET "flappingSince" = EXCLUDED."flappingSince"
          WHERE monitor_alert_state."flappingSince" IS NULL
          RETURNING "monitorId"
        ), alerts AS (
          INSERT INTO alert (id, "idempotencyKey", "userId", "channelId", "monitorId", event, payload, "createdAt", "nextAttemptAt")
          SELECT gen_random_uuid()::text, 'monitor:' || m.id || ':FLAPPING:' || ${since} || ':' || c.id, m."userId", c.id, m.id, 'FLAPPING', ${payload}::jsonb, ${ts(now)}, ${ts(now)}
          FROM started JOIN monitor m ON m.id = started."monitorId"
          ${RECEIVING_CHANNELS}
          ON CONFLICT ("idempotencyKey") DO NOTHING
        )
        SELECT "monitorId" FROM started`;
      // Losing the compare-and-set means another pass started the episode: flapping either way.
      if (won.length > 0) outcome.started.push(candidate.monitorId);
      outcome.flapping.push(candidate.monitorId);
    } else if (decision.action === "end") {
      await prisma.$executeRaw`
        UPDATE monitor_alert_state SET "flappingSince" = NULL
        WHERE "monitorId" = ${candidate.monitorId} AND "flappingSince" = ${ts(candidate.flappingSince!)}`;
      outcome.ended.push(candidate.monitorId);
    } else if (decision.flapping) {
      outcome.flapping.push(candidate.monitorId);
    }
  }
  return outcome;
}

/** Whether a monitor is in a flapping episode (as last evaluated). */
export async function flappingSince(prisma: PrismaClient, monitorId: string): Promise<Date | null> {
  const state = await prisma.monitorAlertState.findUnique({ where: { monitorId }, select: { flappingSince: true } });
  return state?.flappingSince ?? null;
}

// ---- TLS certificate expiry ----

type CertificateRow = { monitorId: string; certValidTo: Date; certSubject: string | null; certIssuer: string | null; tlsAlertedAt: Date | null };

/** Writes TLS-expiry alerts for HTTPS monitors whose certificate expires within 14 days, once a day at most. */
export async function produceTlsExpiry(prisma: PrismaClient, now: Date): Promise<number> {
  const horizon = new Date(now.getTime() + TLS_WARN_WITHIN_MS);
  const recent = new Date(now.getTime() - 86_400_000);
  const rows = await prisma.$queryRaw<CertificateRow[]>`
    SELECT m.id AS "monitorId", c."certValidTo", c."certSubject", c."certIssuer", s."tlsAlertedAt"
    FROM monitor m
    CROSS JOIN LATERAL (
      SELECT ch."certValidTo", ch."certSubject", ch."certIssuer" FROM "check" ch
      WHERE ch."monitorId" = m.id AND ch."startedAt" > ${ts(recent)} AND ch."startedAt" <= ${ts(now)} AND ch."certValidTo" IS NOT NULL
      ORDER BY ch."startedAt" DESC LIMIT 1
    ) c
    LEFT JOIN monitor_alert_state s ON s."monitorId" = m.id
    WHERE m.enabled AND m.type = 'HTTP' AND m.url ILIKE 'https://%' AND c."certValidTo" > ${ts(now)} AND c."certValidTo" <= ${ts(horizon)}`;
  let written = 0;
  for (const row of rows) {
    if (!tlsExpiryDue({ validTo: row.certValidTo, lastAlertedAt: row.tlsAlertedAt, now })) continue;
    const repeatCutoff = new Date(now.getTime() - TLS_REPEAT_AFTER_MS);
    const stamp = now.toISOString();
    const payload = JSON.stringify({ validTo: row.certValidTo.toISOString(), daysLeft: daysLeft(row.certValidTo, now), certSubject: row.certSubject, certIssuer: row.certIssuer });
    await ensureAccountChannels(prisma, JSON.stringify([row.monitorId]));
    written += await prisma.$executeRaw`
      WITH claimed AS (
        INSERT INTO monitor_alert_state ("monitorId", "tlsAlertedAt") VALUES (${row.monitorId}, ${ts(now)})
        ON CONFLICT ("monitorId") DO UPDATE SET "tlsAlertedAt" = EXCLUDED."tlsAlertedAt"
        WHERE monitor_alert_state."tlsAlertedAt" IS NULL OR monitor_alert_state."tlsAlertedAt" <= ${ts(repeatCutoff)}
        RETURNING "monitorId"
      )
      INSERT INTO alert (id, "idempotencyKey", "userId", "channelId", "monitorId", event, payload, "createdAt", "nextAttemptAt")
      SELECT gen_random_uuid()::text, 'monitor:' || m.id || ':TLS_EXPIRING:' || ${stamp} || ':' || c.id, m."userId", c.id, m.id, 'TLS_EXPIRING', ${payload}::jsonb, ${ts(now)}, ${ts(now)}
      FROM claimed JOIN monitor m ON m.id = claimed."monitorId"
      ${RECEIVING_CHANNELS}
      ON CONFLICT ("idempotencyKey") DO NOTHING`;
  }
  return written;
}
