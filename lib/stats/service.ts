// What the dashboard and the stats API read: always from rollups, except the last 24 hours'
// summary of one monitor, which reads that monitor's raw checks (charts never scan raw checks
// older than 48 h). Every query is scoped to the owner.
import { db } from "../db";
import { DAY_MS, HOUR_MS, RANGE_SPECS, failureClass, rangeBuckets, truncate, uptimePercent, type FailureClass, type Granularity, type Range } from "./ranges";

export type ErrorKindCounts = Record<string, number>;

export type StatsBucket = {
  start: string;
  total: number;
  up: number;
  down: number;
  transient: number;
  uptimePercent: number | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  /** Mean of each timing phase over the bucket's successful checks, ms. */
  phases: { dns: number | null; connect: number | null; tls: number | null; ttfb: number | null; transfer: number | null };
  errorKinds: ErrorKindCounts;
  incidents502: number;
};

export type IncidentSummary = {
  id: string;
  cause: string;
  status: "OPEN" | "RESOLVED";
  openedAt: string;
  resolvedAt: string | null;
  durationSeconds: number | null;
  headline: string | null;
  summary: string | null;
};

export type MonitorStats = {
  monitorId: string;
  range: Range;
  granularity: Granularity;
  from: string;
  to: string;
  generatedAt: string;
  uptimePercent: number | null;
  latency: { p50: number | null; p95: number | null; p99: number | null };
  checks: { total: number; up: number; down: number; transient: number };
  errorKinds: ErrorKindCounts;
  buckets: StatsBucket[];
  incidents: IncidentSummary[];
};

type RollupRow = {
  bucketStart: Date;
  total: number;
  up: number;
  down: number;
  transient: number;
  errorKinds: ErrorKindCounts | string | null;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  meanDnsMs: number | null;
  meanConnectMs: number | null;
  meanTlsMs: number | null;
  meanTtfbMs: number | null;
  meanTransferMs: number | null;
};

const round = (value: number | null | undefined, digits = 2): number | null => {
  if (value === null || value === undefined || !Number.isFinite(Number(value))) return null;
  const factor = 10 ** digits;
  return Math.round(Number(value) * factor) / factor;
};

function json<T>(value: T | string | null): T | null {
  return typeof value === "string" ? (JSON.parse(value) as T) : value;
}

function addCounts(into: ErrorKindCounts, counts: ErrorKindCounts | null): ErrorKindCounts {
  for (const [kind, count] of Object.entries(counts ?? {})) into[kind] = (into[kind] ?? 0) + Number(count);
  return into;
}

function countKinds(kinds: string[]): ErrorKindCounts {
  const counts: ErrorKindCounts = {};
  for (const kind of kinds) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

/** Check-weighted mean of per-bucket values (the range's percentile when only rollups may be read). */
function weightedMean(rows: Array<{ value: number | null; weight: number }>): number | null {
  let sum = 0;
  let weight = 0;
  for (const row of rows) {
    if (row.value === null || row.weight <= 0) continue;
    sum += row.value * row.weight;
    weight += row.weight;
  }
  return weight > 0 ? sum / weight : null;
}

/** A monitor's stats over a range; null when the monitor is not the user's. */
export async function getMonitorStats(userId: string, monitorId: string, range: Range, now = new Date()): Promise<MonitorStats | null> {
  const prisma = await db();
  const owned = await prisma.monitor.findFirst({ where: { id: monitorId, userId }, select: { id: true } });
  if (!owned) return null;
  const { granularity } = RANGE_SPECS[range];
  const starts = rangeBuckets(range, now);
  const from = starts[0];
  const size = granularity === "hour" ? HOUR_MS : DAY_MS;
  const to = new Date(starts[starts.length - 1].getTime() + size);

  const [rollups, incidents, recent] = await Promise.all([
    prisma.$queryRaw<RollupRow[]>`
      SELECT "bucketStart", total, up, down, transient, "errorKinds", "p50Ms", "p95Ms", "p99Ms",
        "meanDnsMs", "meanConnectMs", "meanTlsMs", "meanTtfbMs", "meanTransferMs"
      FROM check_rollup
      WHERE "monitorId" = ${monitorId} AND granularity = ${granularity === "hour" ? "HOUR" : "DAY"}::"RollupGranularity"
        AND "bucketStart" >= ${from.toISOString()}::timestamptz AND "bucketStart" < ${to.toISOString()}::timestamptz
      ORDER BY "bucketStart"`,
    prisma.$queryRaw<Array<Omit<IncidentSummary, "openedAt" | "resolvedAt"> & { openedAt: Date; resolvedAt: Date | null }>>`
      SELECT id, cause::text AS cause, status::text AS status, "openedAt", "resolvedAt", "durationSeconds",
        diagnosis->>'headline' AS headline, diagnosis->>'summary' AS summary
      FROM incident
      WHERE "monitorId" = ${monitorId} AND ("openedAt" >= ${from.toISOString()}::timestamptz OR status = 'OPEN')
      ORDER BY "openedAt" DESC
      LIMIT 500`,
    // The last 24 hours' summary is exact, from raw checks (within the 48 h that may be read raw).
    range === "24h"
      ? prisma.$queryRaw<Array<{ total: number; up: number; down: number; transient: number; p50: number | null; p95: number | null; p99: number | null; failed: string[] | null }>>`
          SELECT total, up, down, transient, pct[1] AS p50, pct[2] AS p95, pct[3] AS p99, failed
          FROM (
            SELECT count(*)::int AS total, count(*) FILTER (WHERE ok)::int AS up,
              count(*) FILTER (WHERE NOT ok AND NOT transient)::int AS down, count(*) FILTER (WHERE NOT ok AND transient)::int AS transient,
              percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY "totalMs") FILTER (WHERE ok) AS pct,
              array_agg("errorKind"::text) FILTER (WHERE NOT ok) AS failed
            FROM "check"
            WHERE "monitorId" = ${monitorId} AND "startedAt" > ${new Date(now.getTime() - DAY_MS).toISOString()}::timestamptz
              AND "startedAt" <= ${now.toISOString()}::timestamptz
          ) s`
      : Promise.resolve(null),
  ]);

  const byStart = new Map(rollups.map((row) => [new Date(row.bucketStart).getTime(), row]));
  const incidents502 = new Map<number, number>();
  for (const incident of incidents) {
    if (incident.cause !== "HTTP_502") continue;
    const bucket = truncate(new Date(incident.openedAt), granularity).getTime();
    incidents502.set(bucket, (incidents502.get(bucket) ?? 0) + 1);
  }
  const totalKinds: ErrorKindCounts = {};
  const checks = { total: 0, up: 0, down: 0, transient: 0 };
  const buckets: StatsBucket[] = starts.map((start) => {
    const row = byStart.get(start.getTime());
    const kinds = json<ErrorKindCounts>(row?.errorKinds ?? null) ?? {};
    if (row) {
      addCounts(totalKinds, kinds);
      checks.total += row.total;
      checks.up += row.up;
      checks.down += row.down;
      checks.transient += row.transient;
    }
    return {
      start: start.toISOString(),
      total: row?.total ?? 0,
      up: row?.up ?? 0,
      down: row?.down ?? 0,
      transient: row?.transient ?? 0,
      uptimePercent: row ? round(uptimePercent(row.total, row.down), 3) : null,
      p50: round(row?.p50Ms),
      p95: round(row?.p95Ms),
      p99: round(row?.p99Ms),
      phases: {
        dns: round(row?.meanDnsMs),
        connect: round(row?.meanConnectMs),
        tls: round(row?.meanTlsMs),
        ttfb: round(row?.meanTtfbMs),
        transfer: round(row?.meanTransferMs),
      },
      errorKinds: kinds,
      incidents502: incidents502.get(start.getTime()) ?? 0,
    };
  });

  const exact = recent?.[0];
  const summary = exact && exact.total > 0
    ? {
        checks: { total: exact.total, up: exact.up, down: exact.down, transient: exact.transient },
        latency: { p50: round(exact.p50), p95: round(exact.p95), p99: round(exact.p99) },
        errorKinds: countKinds(exact.failed ?? []),
      }
    : {
        checks,
        latency: {
          p50: round(weightedMean(rollups.map((row) => ({ value: row.p50Ms, weight: row.up })))),
          p95: round(weightedMean(rollups.map((row) => ({ value: row.p95Ms, weight: row.up })))),
          p99: round(weightedMean(rollups.map((row) => ({ value: row.p99Ms, weight: row.up })))),
        },
        errorKinds: totalKinds,
      };

  return {
    monitorId,
    range,
    granularity,
    from: from.toISOString(),
    to: to.toISOString(),
    generatedAt: now.toISOString(),
    uptimePercent: round(uptimePercent(summary.checks.total, summary.checks.down), 3),
    latency: summary.latency,
    checks: summary.checks,
    errorKinds: summary.errorKinds,
    buckets,
    incidents: incidents.map((incident) => ({
      ...incident,
      openedAt: new Date(incident.openedAt).toISOString(),
      resolvedAt: incident.resolvedAt ? new Date(incident.resolvedAt).toISOString() : null,
    })),
  };
}

// ---- overview ----

export const OVERVIEW_DAYS = 90;

export type OverviewMonitor = {
  id: string;
  name: string;
  url: string;
  type: string;
  state: string;
  enabled: boolean;
  lastCheckedAt: string | null;
  uptime24h: number | null;
  uptime30d: number | null;
  /** Check-weighted mean of the last 24 hourly p95s, ms. */
  p95Ms24h: number | null;
  openIncident: { id: string; cause: string; openedAt: string } | null;
  /** One entry per UTC day, oldest first, starting at the overview's `dailyStart`: uptime % (null: no checks) and 502 checks. */
  daily: { uptimePercent: Array<number | null>; checks502: number[] };
};

export type Overview = {
  generatedAt: string;
  /** First UTC day of every monitor's `daily` arrays. */
  dailyStart: string;
  days: number;
  summary: { monitors: number; up: number; down: number; pending: number; paused: number; unknown: number; openIncidents: number; incidents502Last7d: number };
  monitors: OverviewMonitor[];
};

type LiveRow = {
  id: string;
  name: string;
  url: string;
  type: string;
  state: string;
  enabled: boolean;
  lastCheckedAt: Date | null;
  hTotal: number | null;
  hDown: number | null;
  hP95: number | null;
  tTotal: number | null;
  tDown: number | null;
  t502: number | null;
  incidentId: string | null;
  incidentCause: string | null;
  incidentOpenedAt: Date | null;
};

type HistoryRow = { id: string; days: number[] | null; totals: number[] | null; downs: number[] | null; failed502: number[] | null; total29: number | null; down29: number | null };

/** The finished days of the 90-day window, per monitor: they change rarely, so they are cached. */
type History = {
  day: number;
  monitorIds: string;
  at: number;
  byMonitor: Map<string, { uptime: Array<number | null>; checks502: number[]; total29: number; down29: number }>;
};

const HISTORY_TTL_MS = 5 * 60_000;
const HISTORY_CACHE_SIZE = 200;
const globalForOverview = globalThis as unknown as { hopwatchOverviewHistory?: Map<string, History> };

/**
 * The Monitors page's data. Live on every call: states, open incidents, the last 24 hourly
 * rollups and today's daily rollup. The 89 finished days of the 90-day strip (and of the 30-day
 * uptime) are read once and kept for 5 minutes per process (a finished day's counts only change
 * in rare repairs); a changed monitor list or a new UTC day reads them again.
 */
export async function getOverview(userId: string, now = new Date(), options: { cache?: boolean } = {}): Promise<Overview> {
  const prisma = await db();
  const hourFrom = new Date(truncate(now, "hour").getTime() - 23 * HOUR_MS);
  const today = truncate(now, "day").getTime();
  const day90 = new Date(today - (OVERVIEW_DAYS - 1) * DAY_MS);
  // JIT compilation would cost more than these per-monitor index lookups take.
  const [, live, recent502] = await prisma.$transaction([
    prisma.$executeRaw`SELECT set_config('jit', 'off', true)`,
    prisma.$queryRaw<LiveRow[]>`
      SELECT m.id, m.name, m.url, m.type::text AS type, m.state::text AS state, m.enabled, m."lastCheckedAt",
        h.total AS "hTotal", h.down AS "hDown", h.p95 AS "hP95",
        t.total AS "tTotal", t.down AS "tDown", COALESCE((t."errorKinds"->>'HTTP_502')::int, 0) AS "t502",
        i.id AS "incidentId", i.cause::text AS "incidentCause", i."openedAt" AS "incidentOpenedAt"
      FROM monitor m
      LEFT JOIN LATERAL (
        SELECT sum(total)::int AS total, sum(down)::int AS down,
          sum("p95Ms"::float8 * up) FILTER (WHERE "p95Ms" IS NOT NULL) / nullif(sum(up) FILTER (WHERE "p95Ms" IS NOT NULL), 0) AS p95
        FROM check_rollup
        WHERE "monitorId" = m.id AND granularity = 'HOUR' AND "bucketStart" >= ${hourFrom.toISOString()}::timestamptz
      ) h ON true
      LEFT JOIN check_rollup t ON t."monitorId" = m.id AND t.granularity = 'DAY' AND t."bucketStart" = ${new Date(today).toISOString()}::timestamptz
      LEFT JOIN incident i ON i."openMonitorId" = m.id
      WHERE m."userId" = ${userId}
      ORDER BY m."createdAt", m.id`,
    prisma.$queryRaw<Array<{ count: number }>>`
      SELECT count(*)::int AS count FROM incident i JOIN monitor m ON m.id = i."monitorId"
      WHERE m."userId" = ${userId} AND i.cause = 'HTTP_502' AND i."openedAt" >= ${new Date(now.getTime() - 7 * DAY_MS).toISOString()}::timestamptz`,
  ]);

  const monitorIds = live.map((row) => row.id).join(",");
  const cache = (globalForOverview.hopwatchOverviewHistory ??= new Map());
  let history = options.cache === false ? undefined : cache.get(userId);
  if (!history || history.day !== today || history.monitorIds !== monitorIds || Date.now() - history.at > HISTORY_TTL_MS) {
    history = await readHistory(userId, today, day90, monitorIds);
    cache.delete(userId);
    cache.set(userId, history);
    if (cache.size > HISTORY_CACHE_SIZE) cache.delete(cache.keys().next().value!);
  }

  const summary = { monitors: live.length, up: 0, down: 0, pending: 0, paused: 0, unknown: 0, openIncidents: 0, incidents502Last7d: recent502[0]?.count ?? 0 };
  const monitors = live.map((row): OverviewMonitor => {
    if (!row.enabled) summary.paused++;
    else if (row.state === "UP") summary.up++;
    else if (row.state === "DOWN") summary.down++;
    else if (row.state === "PENDING") summary.pending++;
    else summary.unknown++;
    if (row.incidentId) summary.openIncidents++;
    const past = history!.byMonitor.get(row.id);
    const uptime = [...(past?.uptime ?? new Array(OVERVIEW_DAYS - 1).fill(null)), row.tTotal ? round(uptimePercent(row.tTotal, row.tDown ?? 0), 2) : null];
    const checks502 = [...(past?.checks502 ?? new Array(OVERVIEW_DAYS - 1).fill(0)), row.t502 ?? 0];
    const total30 = (past?.total29 ?? 0) + (row.tTotal ?? 0);
    const down30 = (past?.down29 ?? 0) + (row.tDown ?? 0);
    return {
      id: row.id,
      name: row.name,
      url: row.url,
      type: row.type,
      state: row.state,
      enabled: row.enabled,
      lastCheckedAt: row.lastCheckedAt ? new Date(row.lastCheckedAt).toISOString() : null,
      uptime24h: row.hTotal ? round(uptimePercent(row.hTotal, row.hDown ?? 0), 3) : null,
      uptime30d: total30 ? round(uptimePercent(total30, down30), 3) : null,
      p95Ms24h: round(row.hP95, 1),
      openIncident: row.incidentId ? { id: row.incidentId, cause: row.incidentCause!, openedAt: new Date(row.incidentOpenedAt!).toISOString() } : null,
      daily: { uptimePercent: uptime, checks502 },
    };
  });
  return { generatedAt: now.toISOString(), dailyStart: day90.toISOString(), days: OVERVIEW_DAYS, summary, monitors };
}

async function readHistory(userId: string, today: number, day90: Date, monitorIds: string): Promise<History> {
  const prisma = await db();
  const day30 = new Date(today - 29 * DAY_MS);
  const [, rows] = await prisma.$transaction([
    prisma.$executeRaw`SELECT set_config('jit', 'off', true)`,
    prisma.$queryRaw<HistoryRow[]>`
      SELECT m.id, d.days, d.totals, d.downs, d.failed502, d.total29, d.down29
      FROM monitor m
      LEFT JOIN LATERAL (
        SELECT array_agg((("bucketStart" AT TIME ZONE 'UTC')::date - ${day90.toISOString().slice(0, 10)}::date)) AS days,
          array_agg(total) AS totals, array_agg(down) AS downs, array_agg(COALESCE(("errorKinds"->>'HTTP_502')::int, 0)) AS failed502,
          sum(total) FILTER (WHERE "bucketStart" >= ${day30.toISOString()}::timestamptz)::int AS total29,
          sum(down) FILTER (WHERE "bucketStart" >= ${day30.toISOString()}::timestamptz)::int AS down29
        FROM check_rollup
        WHERE "monitorId" = m.id AND granularity = 'DAY'
          AND "bucketStart" >= ${day90.toISOString()}::timestamptz AND "bucketStart" < ${new Date(today).toISOString()}::timestamptz
      ) d ON true
      WHERE m."userId" = ${userId}`,
  ]);
  const byMonitor: History["byMonitor"] = new Map();
  for (const row of rows) {
    const uptime: Array<number | null> = new Array(OVERVIEW_DAYS - 1).fill(null);
    const checks502: number[] = new Array(OVERVIEW_DAYS - 1).fill(0);
    (row.days ?? []).forEach((index, position) => {
      if (index < 0 || index >= OVERVIEW_DAYS - 1) return;
      uptime[index] = round(uptimePercent(row.totals![position], row.downs![position]), 2);
      checks502[index] = row.failed502![position];
    });
    byMonitor.set(row.id, { uptime, checks502, total29: row.total29 ?? 0, down29: row.down29 ?? 0 });
  }
  return { day: today, monitorIds, at: Date.now(), byMonitor };
}

// ---- incidents page ----

export type IncidentCharts = {
  days: Array<{ start: string; incidents: Record<FailureClass, number>; failedChecks: Record<FailureClass, number> }>;
  weeks: Array<{ start: string; resolved: number; mttrSeconds: number | null }>;
};

const emptyClasses = (): Record<FailureClass, number> => ({ "502": 0, "503": 0, "504": 0, other: 0 });

/** Per UTC day (30 days) incidents and failed checks by class, and per week (12) the MTTR, over all the user's monitors. */
export async function getIncidentCharts(userId: string, now = new Date()): Promise<IncidentCharts> {
  const prisma = await db();
  const today = truncate(now, "day").getTime();
  const from = new Date(today - 29 * DAY_MS);
  // ISO weeks (Monday 00:00 UTC).
  const weekday = (new Date(today).getUTCDay() + 6) % 7;
  const thisWeek = today - weekday * DAY_MS;
  const weeksFrom = new Date(thisWeek - 11 * 7 * DAY_MS);
  const [incidents, failures, mttr] = await Promise.all([
    prisma.$queryRaw<Array<{ day: Date; cause: string; count: number }>>`
      SELECT date_trunc('day', i."openedAt", 'UTC') AS day, i.cause::text AS cause, count(*)::int AS count
      FROM incident i JOIN monitor m ON m.id = i."monitorId"
      WHERE m."userId" = ${userId} AND i."openedAt" >= ${from.toISOString()}::timestamptz
      GROUP BY 1, 2`,
    prisma.$queryRaw<Array<{ day: Date; kind: string; count: number }>>`
      SELECT r."bucketStart" AS day, kv.key AS kind, sum(kv.value::int)::int AS count
      FROM monitor m
      JOIN check_rollup r ON r."monitorId" = m.id AND r.granularity = 'DAY' AND r."bucketStart" >= ${from.toISOString()}::timestamptz
      CROSS JOIN LATERAL jsonb_each_text(r."errorKinds") AS kv
      WHERE m."userId" = ${userId}
      GROUP BY 1, 2`,
    prisma.$queryRaw<Array<{ week: Date; resolved: number; mttr: number | null }>>`
      SELECT date_trunc('week', i."openedAt", 'UTC') AS week, count(*)::int AS resolved, avg(i."durationSeconds")::float8 AS mttr
      FROM incident i JOIN monitor m ON m.id = i."monitorId"
      WHERE m."userId" = ${userId} AND i.status = 'RESOLVED' AND i."openedAt" >= ${weeksFrom.toISOString()}::timestamptz
      GROUP BY 1`,
  ]);
  const days = Array.from({ length: 30 }, (_, index) => ({ start: new Date(from.getTime() + index * DAY_MS).toISOString(), incidents: emptyClasses(), failedChecks: emptyClasses() }));
  const dayIndex = (day: Date) => Math.round((new Date(day).getTime() - from.getTime()) / DAY_MS);
  for (const row of incidents) {
    const entry = days[dayIndex(row.day)];
    if (entry) entry.incidents[failureClass(row.cause)] += row.count;
  }
  for (const row of failures) {
    const entry = days[dayIndex(row.day)];
    if (entry) entry.failedChecks[failureClass(row.kind)] += row.count;
  }
  const weeks = Array.from({ length: 12 }, (_, index) => ({ start: new Date(weeksFrom.getTime() + index * 7 * DAY_MS).toISOString(), resolved: 0, mttrSeconds: null as number | null }));
  for (const row of mttr) {
    const entry = weeks[Math.round((new Date(row.week).getTime() - weeksFrom.getTime()) / (7 * DAY_MS))];
    if (entry) {
      entry.resolved = row.resolved;
      entry.mttrSeconds = row.mttr === null ? null : Math.round(row.mttr);
    }
  }
  return { days, weeks };
}
