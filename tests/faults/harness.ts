// What every fault scenario shares: a fresh PostgreSQL database, real worker processes, a
// recording loopback target, and the audit that compares what the target saw with what the
// database holds (lost probes, duplicate checks, schedule gaps and lag, incidents, alerts).
import { randomBytes } from "node:crypto";
import pg from "pg";
import type { ReceivedMail } from "../helpers/smtp";
import { createTestDatabase, type TestDatabase } from "../helpers/postgres";
import { killAllWorkers, pairChecks, percentile, rssMb, sleep, spawnWorker, startTarget, waitForStart, type RequestRecord, type Target, type TargetAnswer, type Worker } from "../helpers/workers";

export type Flags = Record<string, string | undefined>;

export type ScenarioReport = {
  /** What the scenario did to the system. */
  injected: Record<string, unknown>;
  /** What it measured. */
  observed: Record<string, unknown>;
  /** Every loss, duplicate or broken promise found; empty when the scenario passed. */
  problems: string[];
};

export type Scenario = { name: string; summary: string; run: (flags: Flags) => Promise<ScenarioReport> };

export const numberFlag = (flags: Flags, name: string, fallback: number) => (flags[name] === undefined ? fallback : Number(flags[name]));

export const log = (message: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${message}`);

export const round = (value: number, digits = 1) => Number(value.toFixed(digits));

// ---- a run: database, target, workers ----

export type Run = {
  database: TestDatabase;
  /** A pg client on the test database (reconnect with `reconnect` after a database restart). */
  client: pg.Client;
  target: Target;
  workers: Worker[];
  reconnect: () => Promise<pg.Client>;
  close: () => Promise<void>;
};

/**
 * A fresh database, the target answering with `answer`, the workers started (sharing one generated
 * encryption key, which they would otherwise each write under .data/) and a client.
 */
export async function startRun(options: { workers: number; answer: (monitorId: string) => TargetAnswer; workerEnv?: Record<string, string> }): Promise<Run> {
  const database = await createTestDatabase();
  const target = await startTarget(options.answer);
  const env = { HOPWATCH_ENCRYPTION_KEY: randomBytes(32).toString("base64"), ...options.workerEnv };
  const workers = Array.from({ length: options.workers }, () => spawnWorker(database.url, env));
  await Promise.all(workers.map((worker) => waitForStart(worker)));
  const connect = async () => {
    const client = new pg.Client({ connectionString: database.url });
    client.on("error", () => {}); // a database restart ends it; the scenario reconnects
    await client.connect();
    return client;
  };
  const run: Run = {
    database,
    client: await connect(),
    target,
    workers,
    reconnect: async () => {
      await run.client.end().catch(() => {});
      run.client = await connect();
      return run.client;
    },
    close: async () => {
      await killAllWorkers();
      await run.client.end().catch(() => {});
      await target.close();
      await database.drop();
    },
  };
  return run;
}

/** Stops workers gracefully; problems for any that does not exit 0 within the time given. */
export async function stopWorkers(workers: Worker[], timeoutMs = 60_000): Promise<{ exits: string[]; problems: string[] }> {
  for (const worker of workers) worker.child.kill("SIGTERM");
  const timeout = sleep(timeoutMs).then(() => "timeout" as const);
  const exits = await Promise.all(workers.map((worker) => Promise.race([worker.exited, timeout])));
  const described = exits.map((exit) => (exit === "timeout" ? `still running after ${timeoutMs / 1000} s` : exit.signal ? `killed by ${exit.signal}` : `exit ${exit.code}`));
  const problems = described.flatMap((exit, i) => (exit === "exit 0" ? [] : [`worker ${i + 1} did not stop cleanly on SIGTERM: ${exit}\n${workers[i].stderr.slice(-20).join("\n")}`]));
  return { exits: described, problems };
}

/** Peak and last resident memory of each worker, sampled every second while it runs. */
export function sampleRss(workers: Worker[]) {
  const peak = workers.map(() => 0);
  const last = workers.map(() => 0);
  const timer = setInterval(() => {
    workers.forEach((worker, i) => {
      if (worker.child.exitCode !== null || worker.child.signalCode !== null) return;
      try {
        const mb = rssMb(worker.child.pid!);
        // An exited process not yet reaped has no VmRSS.
        if (Number.isNaN(mb)) return;
        last[i] = mb;
        peak[i] = Math.max(peak[i], mb);
      } catch {
        // exited between the check and the read
      }
    });
  }, 1_000);
  return {
    stop: () => {
      clearInterval(timer);
      return workers.map((_worker, i) => ({ peakMb: round(peak[i]), lastMb: round(last[i]) }));
    },
  };
}

/** Warnings and errors a worker logged, counted by message. */
export function loggedProblems(worker: Worker, since = 0): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const line of worker.logs) if (line.level >= 40 && line.time >= since) counts[line.msg] = (counts[line.msg] ?? 0) + 1;
  return counts;
}

// ---- the audit of checks ----

export type ChecksAudit = {
  requests: number;
  checks: number;
  /** Probes the target answered that have no check row. */
  lostProbes: RequestRecord[];
  /** Check rows without a probe behind them: written twice, or made up. */
  phantomChecks: number;
  /**
   * Two scheduled checks (attempt 1) of one monitor within one slot: how far apart, and whether the
   * slot before had no check (then the first is an overdue run that started after this slot was due).
   */
  sameSlotDuplicates: Array<{ gapMs: number; previousSlotMissed: boolean }>;
  /** Monitors the target saw probed twice at once. */
  overlappingMonitors: number;
  /** Longest time a monitor went without a probe (first slot → first probe, between probes, last probe → end). */
  maxGapMs: number;
  /** Shortest time between two scheduled checks (attempt 1) of one monitor: an interval when all runs are on time. */
  minScheduledGapMs: number;
  /** Due slots with no scheduled check, and monitors never probed. */
  missedSlots: number;
  neverProbed: number;
  /** Scheduled check start − its slot. */
  lagMs: { p50: number; p99: number; max: number };
  checksPerSecond: number;
};

/**
 * Compares the target's requests with the stored checks. A scheduled check belongs to the slot
 * first + k·interval at or before its start (the scheduler keeps the phase and never starts a
 * run early); every slot due before the last few seconds must have one. Checks per second are
 * counted over `rateWindow`, by default from the end of the first interval (when every monitor
 * has had its first slot) to the end.
 */
export async function auditChecks(
  client: pg.Client,
  target: Target,
  input: { firstSlots: Map<string, number>; intervalSeconds: number; endAt: number; rateWindow?: [number, number] },
): Promise<ChecksAudit> {
  const { rows } = await client.query<{ monitorId: string; startedAt: Date; attempt: number }>(`SELECT "monitorId", "startedAt", attempt FROM "check" ORDER BY "startedAt"`);
  const byMonitor = new Map<string, Array<{ at: number; attempt: number }>>();
  for (const row of rows) {
    let list = byMonitor.get(row.monitorId);
    if (!list) byMonitor.set(row.monitorId, (list = []));
    list.push({ at: row.startedAt.getTime(), attempt: row.attempt });
  }
  const interval = input.intervalSeconds * 1000;
  // A slot due in the last tick before the workers stopped may not have been claimed yet.
  const settledBefore = input.endAt - 3_000;
  const audit: ChecksAudit = {
    requests: 0,
    checks: rows.length,
    lostProbes: [],
    phantomChecks: 0,
    sameSlotDuplicates: [],
    overlappingMonitors: 0,
    maxGapMs: 0,
    minScheduledGapMs: Infinity,
    missedSlots: 0,
    neverProbed: 0,
    lagMs: { p50: 0, p99: 0, max: 0 },
    checksPerSecond: 0,
  };
  const lags: number[] = [];
  for (const [id, first] of input.firstSlots) {
    const requests = target.requests.get(id) ?? [];
    const checks = byMonitor.get(id) ?? [];
    audit.requests += requests.length;
    if ((target.maxInFlight.get(id) ?? 0) > 1) audit.overlappingMonitors++;
    const { unmatchedRequests, unmatchedChecks } = pairChecks(
      requests,
      checks.map((check) => check.at),
    );
    audit.lostProbes.push(...unmatchedRequests);
    audit.phantomChecks += unmatchedChecks.length;
    if (requests.length === 0) audit.neverProbed++;
    const times = [first, ...requests.map((request) => request.start), input.endAt];
    for (let i = 1; i < times.length; i++) audit.maxGapMs = Math.max(audit.maxGapMs, times[i] - times[i - 1]);
    const slotsRun = new Map<number, number>();
    let previous: number | null = null;
    for (const check of checks) {
      if (check.attempt !== 1) continue;
      if (previous !== null) audit.minScheduledGapMs = Math.min(audit.minScheduledGapMs, check.at - previous);
      previous = check.at;
      const slot = Math.floor((check.at - first) / interval);
      const earlier = slotsRun.get(slot);
      if (earlier !== undefined) audit.sameSlotDuplicates.push({ gapMs: check.at - earlier, previousSlotMissed: slot > 0 && !slotsRun.has(slot - 1) });
      else slotsRun.set(slot, check.at);
      lags.push(check.at - (first + slot * interval));
    }
    for (let slot = 0; first + slot * interval < settledBefore; slot++) if (!slotsRun.has(slot)) audit.missedSlots++;
  }
  // reduce, not Math.max(...): hundreds of thousands of arguments overflow the stack.
  audit.lagMs = { p50: percentile(lags, 50), p99: percentile(lags, 99), max: lags.reduce((max, lag) => Math.max(max, lag), -Infinity) };
  const [from, to] = input.rateWindow ?? [[...input.firstSlots.values()].reduce((min, slot) => Math.min(min, slot)) + interval, input.endAt];
  audit.checksPerSecond = round(rows.filter((row) => row.startedAt.getTime() >= from && row.startedAt.getTime() < to).length / ((to - from) / 1000));
  return audit;
}

/** The audit's numbers for the printed report (lost probes as a count). */
export function summarizeChecks(audit: ChecksAudit) {
  return { ...audit, lostProbes: audit.lostProbes.length, sameSlotDuplicates: audit.sameSlotDuplicates.length, sameSlotDuplicateDetails: audit.sameSlotDuplicates.slice(0, 10) };
}

/** Losses and duplicates any scenario fails on. */
export function duplicateProblems(audit: ChecksAudit): string[] {
  const problems: string[] = [];
  if (audit.phantomChecks > 0) problems.push(`${audit.phantomChecks} check rows without a probe (written twice?)`);
  const twice = audit.sameSlotDuplicates;
  if (twice.length > 0) {
    const overdue = twice.filter((duplicate) => duplicate.previousSlotMissed).length;
    problems.push(
      `${twice.length} slots were probed twice, ${twice.map((duplicate) => duplicate.gapMs).join(", ")} ms apart` +
        (overdue > 0 ? `; ${overdue} of them right after a slot without a check: an overdue run that started once the next slot was due, then that slot's own run` : ""),
    );
  }
  if (audit.overlappingMonitors > 0) problems.push(`${audit.overlappingMonitors} monitors were probed twice at once`);
  return problems;
}

// ---- incidents and alerts ----

/** Incidents per monitor, and problems where a monitor has a different number than `expected(id)`. */
export async function auditIncidents(client: pg.Client, monitorIds: Iterable<string>, expected: (monitorId: string) => number) {
  const { rows } = await client.query<{ monitorId: string; n: number; open: number }>(
    `SELECT "monitorId", count(*)::int AS n, count(*) FILTER (WHERE status = 'OPEN')::int AS open FROM incident GROUP BY 1`,
  );
  const counts = new Map(rows.map((row) => [row.monitorId, row]));
  const problems: string[] = [];
  let total = 0;
  let open = 0;
  for (const id of monitorIds) {
    const found = counts.get(id)?.n ?? 0;
    total += found;
    open += counts.get(id)?.open ?? 0;
    if (found !== expected(id)) problems.push(`monitor ${id}: ${found} incidents, expected ${expected(id)}`);
  }
  return { incidents: total, open, problems };
}

/**
 * Waits until every incident has resolved (its RESOLVED alert exists) and no alert is pending any
 * more (delivered or given up); false if the time ran out.
 */
export async function waitForAlertsSettled(client: pg.Client, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await client.query<{ n: number }>(
      `SELECT (SELECT count(*) FROM incident WHERE status = 'OPEN') + (SELECT count(*) FROM alert WHERE status = 'PENDING')::int AS n`,
    );
    if (Number(rows[0].n) === 0) return true;
    if (Date.now() > deadline) return false;
    await sleep(1_000);
  }
}

type AlertRow = { idempotencyKey: string; incidentId: string | null; event: string; status: string; attempts: number; createdAt: Date };

/**
 * Every alert must have been received exactly once (matched by the X-Hopwatch-Alert header, the
 * idempotency key), no message may be unknown, and an incident's DOWN arrives before its RESOLVED.
 */
export async function auditAlerts(client: pg.Client, messages: ReceivedMail[]) {
  const { rows: alerts } = await client.query<AlertRow>(`SELECT "idempotencyKey", "incidentId", event::text, status::text, attempts, "createdAt" FROM alert ORDER BY seq`);
  const received = new Map<string, ReceivedMail[]>();
  for (const message of messages) {
    const key = message.headers["x-hopwatch-alert"] ?? "";
    received.set(key, [...(received.get(key) ?? []), message]);
  }
  const problems: string[] = [];
  const byStatus: Record<string, number> = {};
  let duplicates = 0;
  for (const alert of alerts) {
    byStatus[alert.status] = (byStatus[alert.status] ?? 0) + 1;
    const copies = received.get(alert.idempotencyKey)?.length ?? 0;
    if (alert.status !== "SENT") problems.push(`alert ${alert.idempotencyKey} is ${alert.status}`);
    if (copies === 0) problems.push(`alert ${alert.idempotencyKey} never arrived`);
    if (copies > 1) {
      duplicates += copies - 1;
      problems.push(`alert ${alert.idempotencyKey} arrived ${copies} times`);
    }
  }
  const known = new Set(alerts.map((alert) => alert.idempotencyKey));
  const unknown = messages.filter((message) => !known.has(message.headers["x-hopwatch-alert"] ?? ""));
  if (unknown.length > 0) problems.push(`${unknown.length} messages for no alert`);
  const downAt = new Map<string, number>();
  for (const alert of alerts) if (alert.event === "DOWN" && alert.incidentId) downAt.set(alert.incidentId, received.get(alert.idempotencyKey)?.[0]?.receivedAt ?? Infinity);
  for (const alert of alerts) {
    const resolvedAt = received.get(alert.idempotencyKey)?.[0]?.receivedAt;
    if (alert.event === "RESOLVED" && alert.incidentId && resolvedAt !== undefined && resolvedAt < (downAt.get(alert.incidentId) ?? Infinity)) {
      problems.push(`incident ${alert.incidentId}: RESOLVED arrived before DOWN`);
    }
  }
  return { alerts: alerts.length, byStatus, messages: messages.length, duplicates, rows: alerts, problems };
}
