// Prometheus metrics for GET /api/metrics. What this process does itself (the checks it wrote,
// their probe durations, its scheduler's lag and unwritten results) is counted in memory as it
// happens; what concerns the whole installation (monitors nobody has claimed, the alert outbox,
// rollup freshness) is read from PostgreSQL at scrape time, so every process reports it alike.
import { createHash, timingSafeEqual } from "node:crypto";
import client from "prom-client";
import type { PrismaClient } from "./generated/prisma/client";
import type { CheckOutcome } from "./scheduler/writer";
import type { Scheduler } from "./scheduler/scheduler";

function createMetrics() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const gauge = <L extends string = never>(name: string, help: string, labelNames: readonly L[] = []) => new client.Gauge<L>({ name, help, labelNames, registers });
  const histogram = <L extends string = never>(name: string, help: string, buckets: number[], labelNames: readonly L[] = []) =>
    new client.Histogram<L>({ name, help, buckets, labelNames, registers });
  const seconds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
  return {
    registry,
    checks: new client.Counter({
      name: "hopwatch_checks_total",
      help: "Checks written to the database by this process, by error kind (NONE = success).",
      labelNames: ["error_kind"] as const,
      registers,
    }),
    probeDuration: histogram(
      "hopwatch_probe_duration_seconds",
      "Total time of the checks written by this process (every redirect hop; up to the timeout when it ran out).",
      seconds,
      ["result"] as const,
    ),
    schedulerLag: histogram("hopwatch_scheduler_lag_seconds", "How late this process's scheduler started runs: first probe start minus the monitor's slot.", seconds),
    resultsBuffered: gauge("hopwatch_check_results_buffered", "Check results of this process waiting to be written (they pile up while the database is unreachable)."),
    databaseUp: gauge("hopwatch_database_up", "1 if the database answered this scrape's queries; the gauges read from it are NaN otherwise."),
    dueUnclaimed: gauge("hopwatch_monitors_due_unclaimed", "Enabled monitors whose slot has come but that no scheduler process has claimed (should stay near 0)."),
    alerts: gauge("hopwatch_alerts", "Alerts in the outbox by status: pending (not delivered yet, retrying) and failed (given up).", ["status"] as const),
    rollupAge: gauge("hopwatch_rollup_age_seconds", "Seconds since the newest hourly rollup was refreshed (every minute while checks come in); NaN before the first."),
  };
}

// Next.js may load this module more than once in one process (instrumentation, route bundles):
// the metrics must exist once, or the scheduler would count into a registry nobody serves.
const globalForMetrics = globalThis as unknown as { hopwatchMetrics?: ReturnType<typeof createMetrics> };
const metrics = (globalForMetrics.hopwatchMetrics ??= createMetrics());

/** Called by the result writer once a batch is stored. */
export function recordWrittenChecks(outcomes: readonly CheckOutcome[]): void {
  for (const { result } of outcomes) {
    metrics.checks.inc({ error_kind: result.errorKind });
    if (result.timings.totalMs !== null) metrics.probeDuration.observe({ result: result.ok ? "ok" : "failed" }, result.timings.totalMs / 1000);
  }
}

export function recordSchedulerLag(lagMs: number): void {
  metrics.schedulerLag.observe(lagMs / 1000);
}

/** The token scrapers must send as `Authorization: Bearer <token>`; unset turns the endpoint off. */
export function metricsToken(env: Record<string, string | undefined> = process.env): string | null {
  return env.HOPWATCH_METRICS_TOKEN?.trim() || null;
}

const digest = (value: string) => createHash("sha256").update(value).digest();

export function metricsAccess(authorization: string | null, token = metricsToken()): "disabled" | "denied" | "allowed" {
  if (!token) return "disabled";
  const given = /^Bearer\s+(.+)$/i.exec(authorization ?? "")?.[1]?.trim() ?? "";
  // Compared as digests: equal lengths for timingSafeEqual, and no timing hint about the token.
  return timingSafeEqual(digest(given), digest(token)) ? "allowed" : "denied";
}

type DatabaseGauges = { dueUnclaimed: number; pending: number; failed: number; rollupAgeSeconds: number | null };

async function readDatabaseGauges(getPrisma: () => Promise<PrismaClient>): Promise<DatabaseGauges> {
  const prisma = await getPrisma();
  // One round trip; every part is answered from an index (monitor.nextRunAt, alert.status,
  // check_rollup (granularity, bucketStart)).
  const [row] = await prisma.$queryRaw<DatabaseGauges[]>`
    SELECT
      (SELECT count(*) FROM monitor WHERE enabled AND "nextRunAt" <= now() AND ("leaseExpiresAt" IS NULL OR "leaseExpiresAt" < now()))::int AS "dueUnclaimed",
      (SELECT count(*) FROM alert WHERE status = 'PENDING')::int AS pending,
      (SELECT count(*) FROM alert WHERE status = 'FAILED')::int AS failed,
      (SELECT extract(epoch FROM now() - max("updatedAt")) FROM check_rollup
        WHERE granularity = 'HOUR' AND "bucketStart" = (SELECT max("bucketStart") FROM check_rollup WHERE granularity = 'HOUR'))::float8 AS "rollupAgeSeconds"`;
  return row;
}

/** The exposition text of every metric, with the database-wide gauges read now. */
export async function collectMetrics(getPrisma: () => Promise<PrismaClient>, scheduler: Scheduler | undefined): Promise<{ body: string; contentType: string }> {
  metrics.resultsBuffered.set(scheduler?.writer.pending ?? 0);
  const gauges = await readDatabaseGauges(getPrisma).catch(() => null);
  metrics.databaseUp.set(gauges ? 1 : 0);
  metrics.dueUnclaimed.set(gauges?.dueUnclaimed ?? Number.NaN);
  metrics.alerts.set({ status: "pending" }, gauges?.pending ?? Number.NaN);
  metrics.alerts.set({ status: "failed" }, gauges?.failed ?? Number.NaN);
  metrics.rollupAge.set(gauges?.rollupAgeSeconds ?? Number.NaN);
  return { body: await metrics.registry.metrics(), contentType: metrics.registry.contentType };
}
