// Check rollups: per monitor, per UTC hour and per UTC day, the counts, error kinds, latency
// percentiles and timing-phase means of the checks in that bucket (table check_rollup).
//
// Every write here recomputes whole buckets and upserts them, so running any of it twice, or in
// two processes at once, gives the same rows. Definitions (also in README.md):
// - total = every check, confirmation re-probes included; up = successful checks;
//   down = failed checks that were not transient; transient = failed checks that cleared within
//   the monitor's retries (not downtime). Uptime % = (total − down) / total.
// - errorKinds = { kind: count } over failed checks, transient ones included.
// - p50/p95/p99 = PostgreSQL percentile_cont (linear interpolation) over the totalMs of the
//   bucket's successful checks; the phase means are over successful checks too (a phase a check
//   did not have — TLS on plain HTTP — is left out of its mean).
//
// Reads of "check" go through a LATERAL per monitor so that each is a range scan of the
// (monitorId, startedAt) index, whatever the table's size.
import { Prisma, type PrismaClient } from "../generated/prisma/client";
import { DAY_MS, HOUR_MS, truncate } from "./ranges";

type Db = PrismaClient | Prisma.TransactionClient;
export type RollupGranularity = "HOUR" | "DAY";

const iso = (date: Date) => date.toISOString();

function monitorFilter(alias: string, monitorIds: readonly string[] | undefined): Prisma.Sql {
  if (!monitorIds) return Prisma.sql`true`;
  if (monitorIds.length === 0) return Prisma.sql`false`;
  return Prisma.sql`${Prisma.raw(alias)}.id IN (SELECT jsonb_array_elements_text(${JSON.stringify(monitorIds)}::jsonb))`;
}

const UPSERT_COLUMNS = Prisma.raw(`("monitorId", granularity, "bucketStart", total, up, down, transient, "errorKinds",
  "p50Ms", "p95Ms", "p99Ms", "meanDnsMs", "meanConnectMs", "meanTlsMs", "meanTtfbMs", "meanTransferMs", "meanTotalMs", "updatedAt")`);

const UPDATE_ALL = `total = EXCLUDED.total, up = EXCLUDED.up, down = EXCLUDED.down, transient = EXCLUDED.transient,
  "errorKinds" = EXCLUDED."errorKinds", "p50Ms" = EXCLUDED."p50Ms", "p95Ms" = EXCLUDED."p95Ms", "p99Ms" = EXCLUDED."p99Ms",
  "meanDnsMs" = EXCLUDED."meanDnsMs", "meanConnectMs" = EXCLUDED."meanConnectMs", "meanTlsMs" = EXCLUDED."meanTlsMs",
  "meanTtfbMs" = EXCLUDED."meanTtfbMs", "meanTransferMs" = EXCLUDED."meanTransferMs", "meanTotalMs" = EXCLUDED."meanTotalMs",
  "updatedAt" = EXCLUDED."updatedAt"`;

// Rewriting a row with the same values only makes dead tuples: skip it (hours are recomputed
// every minute, most of them unchanged).
const ONLY_IF_CHANGED = `WHERE (check_rollup.total, check_rollup.up, check_rollup.down, check_rollup.transient, check_rollup."errorKinds",
  check_rollup."p50Ms", check_rollup."p95Ms", check_rollup."p99Ms", check_rollup."meanDnsMs", check_rollup."meanConnectMs",
  check_rollup."meanTlsMs", check_rollup."meanTtfbMs", check_rollup."meanTransferMs", check_rollup."meanTotalMs")
  IS DISTINCT FROM (EXCLUDED.total, EXCLUDED.up, EXCLUDED.down, EXCLUDED.transient, EXCLUDED."errorKinds",
  EXCLUDED."p50Ms", EXCLUDED."p95Ms", EXCLUDED."p99Ms", EXCLUDED."meanDnsMs", EXCLUDED."meanConnectMs",
  EXCLUDED."meanTlsMs", EXCLUDED."meanTtfbMs", EXCLUDED."meanTransferMs", EXCLUDED."meanTotalMs")`;

function onConflict(onlyIfChanged: boolean): Prisma.Sql {
  return Prisma.raw(`ON CONFLICT ("monitorId", granularity, "bucketStart") DO UPDATE SET ${UPDATE_ALL} ${onlyIfChanged ? ONLY_IF_CHANGED : ""}`);
}

export type RollupFromChecks = {
  granularity: RollupGranularity;
  /** Bucket-aligned; every bucket in [from, to) is recomputed from the raw checks it covers. */
  from: Date;
  to: Date;
  /** Only these monitors (default: all). */
  monitorIds?: readonly string[];
  /** Stored as updatedAt. */
  now: Date;
  /** Leave rows whose values did not change untouched (their updatedAt too). */
  onlyIfChanged?: boolean;
};

/** Recomputes buckets from raw checks and upserts them; returns the rows written. */
export async function rollupFromChecks(prisma: Db, options: RollupFromChecks): Promise<number> {
  const unit = options.granularity === "HOUR" ? "hour" : "day";
  return prisma.$executeRaw`
    INSERT INTO check_rollup ${UPSERT_COLUMNS}
    SELECT s."monitorId", ${options.granularity}::"RollupGranularity", s.bucket, s.total, s.up, s.down, s.transient,
      COALESCE((SELECT jsonb_object_agg(k.kind, k.n) FROM (SELECT kind::text AS kind, count(*)::int AS n FROM unnest(s.failed) AS kind GROUP BY kind) k), '{}'::jsonb),
      s.pct[1], s.pct[2], s.pct[3], s.dns, s.connect, s.tls, s.ttfb, s.transfer, s.total_ms, ${iso(options.now)}::timestamptz
    FROM monitor m
    CROSS JOIN LATERAL (
      SELECT m.id AS "monitorId",
        date_trunc(${unit}, c."startedAt", 'UTC') AS bucket,
        count(*)::int AS total,
        count(*) FILTER (WHERE c.ok)::int AS up,
        count(*) FILTER (WHERE NOT c.ok AND NOT c.transient)::int AS down,
        count(*) FILTER (WHERE NOT c.ok AND c.transient)::int AS transient,
        array_agg(c."errorKind") FILTER (WHERE NOT c.ok) AS failed,
        percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY c."totalMs") FILTER (WHERE c.ok) AS pct,
        avg(c."dnsMs") FILTER (WHERE c.ok) AS dns,
        avg(c."connectMs") FILTER (WHERE c.ok) AS connect,
        avg(c."tlsMs") FILTER (WHERE c.ok) AS tls,
        avg(c."ttfbMs") FILTER (WHERE c.ok) AS ttfb,
        avg(c."transferMs") FILTER (WHERE c.ok) AS transfer,
        avg(c."totalMs") FILTER (WHERE c.ok) AS total_ms
      FROM "check" c
      WHERE c."monitorId" = m.id AND c."startedAt" >= ${iso(options.from)}::timestamptz AND c."startedAt" < ${iso(options.to)}::timestamptz
      GROUP BY 2
    ) s
    WHERE ${monitorFilter("m", options.monitorIds)}
    ${onConflict(options.onlyIfChanged ?? false)}`;
}

/**
 * Day rollups summed from the day's hour rollups: counts and error kinds exactly; percentiles
 * and phase means as the mean of the hours' values weighted by their successful checks (an
 * approximation, used for the day that is still running and for days whose raw checks are gone).
 */
export async function rollupDaysFromHours(prisma: Db, options: { from: Date; to: Date; monitorIds?: readonly string[]; now: Date }): Promise<number> {
  const weighted = (column: string) =>
    Prisma.raw(`sum("${column}"::float8 * up) FILTER (WHERE "${column}" IS NOT NULL) / nullif(sum(up) FILTER (WHERE "${column}" IS NOT NULL), 0)`);
  // One pass over the hours (no correlated subquery, so the plan stays linear even when the
  // table's statistics are stale): per day, the non-empty error-kind objects are collected and
  // merged by a scalar subquery over that small array.
  return prisma.$executeRaw`
    INSERT INTO check_rollup ${UPSERT_COLUMNS}
    SELECT h."monitorId", 'DAY'::"RollupGranularity", h.day, h.total, h.up, h.down, h.transient,
      COALESCE((SELECT jsonb_object_agg(k.key, k.n) FROM (
        SELECT kv.key, sum(kv.value::int)::int AS n FROM unnest(h.kinds) AS e, jsonb_each_text(e) AS kv GROUP BY kv.key
      ) k), '{}'::jsonb),
      h.p50, h.p95, h.p99, h.dns, h.connect, h.tls, h.ttfb, h.transfer, h.total_ms, ${iso(options.now)}::timestamptz
    FROM (
      SELECT r."monitorId", date_trunc('day', r."bucketStart", 'UTC') AS day,
        sum(total)::int AS total, sum(up)::int AS up, sum(down)::int AS down, sum(transient)::int AS transient,
        array_agg(r."errorKinds") FILTER (WHERE r."errorKinds" <> '{}'::jsonb) AS kinds,
        ${weighted("p50Ms")} AS p50, ${weighted("p95Ms")} AS p95, ${weighted("p99Ms")} AS p99,
        ${weighted("meanDnsMs")} AS dns, ${weighted("meanConnectMs")} AS connect, ${weighted("meanTlsMs")} AS tls,
        ${weighted("meanTtfbMs")} AS ttfb, ${weighted("meanTransferMs")} AS transfer, ${weighted("meanTotalMs")} AS total_ms
      FROM check_rollup r
      WHERE r.granularity = 'HOUR' AND r."bucketStart" >= ${iso(options.from)}::timestamptz AND r."bucketStart" < ${iso(options.to)}::timestamptz
        AND ${options.monitorIds ? Prisma.sql`r."monitorId" IN (SELECT jsonb_array_elements_text(${JSON.stringify(options.monitorIds)}::jsonb))` : Prisma.sql`true`}
      GROUP BY 1, 2
    ) h
    ${onConflict(true)}`;
}

/** Hour-aligned [from, to) split into pieces that never cross a UTC day. */
export function dayPieces(from: Date, to: Date): Array<{ from: Date; to: Date }> {
  const pieces: Array<{ from: Date; to: Date }> = [];
  for (let start = from.getTime(); start < to.getTime(); ) {
    const end = Math.min(to.getTime(), truncate(start, "day").getTime() + DAY_MS);
    pieces.push({ from: new Date(start), to: new Date(end) });
    start = end;
  }
  return pieces;
}

/**
 * Rebuilds every hour and day rollup in [from, to) from raw checks (hours aligned; days computed
 * from raw for each UTC day the range touches). For backfills, the benchmark and tests; the
 * periodic maintenance (maintenance.ts) uses the same building blocks incrementally.
 */
export async function rebuildRollups(prisma: Db, options: { from: Date; to: Date; monitorIds?: readonly string[]; now?: Date }): Promise<{ hours: number; days: number }> {
  const now = options.now ?? new Date();
  const from = truncate(options.from, "hour");
  const to = new Date(Math.ceil(options.to.getTime() / HOUR_MS) * HOUR_MS);
  let hours = 0;
  let days = 0;
  for (const piece of dayPieces(from, to)) {
    hours += await rollupFromChecks(prisma, { granularity: "HOUR", from: piece.from, to: piece.to, monitorIds: options.monitorIds, now });
    const day = truncate(piece.from, "day");
    days += await rollupFromChecks(prisma, { granularity: "DAY", from: day, to: new Date(day.getTime() + DAY_MS), monitorIds: options.monitorIds, now });
  }
  return { hours, days };
}
