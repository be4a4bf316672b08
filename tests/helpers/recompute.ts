// An independent recomputation of rollups from raw checks, in JavaScript, for tests: what
// check_rollup must contain (lib/stats/rollups.ts computes it in SQL).
import type pg from "pg";

export type Expected = {
  total: number;
  up: number;
  down: number;
  transient: number;
  errorKinds: Record<string, number>;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  meanDns: number | null;
  meanTls: number | null;
  meanTotal: number | null;
};

/** Linear interpolation between closest ranks, as PostgreSQL's percentile_cont. */
export function percentile(sorted: number[], fraction: number): number | null {
  if (sorted.length === 0) return null;
  const position = fraction * (sorted.length - 1);
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low] + (sorted[high] - sorted[low]) * (position - low);
}

const mean = (values: number[]) => (values.length ? values.reduce((sum, value) => sum + value, 0) / values.length : null);

type RawCheck = { monitorId: string; startedAt: Date; ok: boolean; transient: boolean; errorKind: string; dnsMs: number | null; tlsMs: number | null; totalMs: number | null };

/** Expected rollups keyed by `${monitorId}|${HOUR|DAY}|${bucketStart ISO}`. */
export async function recompute(client: pg.Client): Promise<Map<string, Expected>> {
  const { rows } = await client.query<RawCheck>(
    `SELECT "monitorId", "startedAt", ok, transient, "errorKind"::text AS "errorKind", "dnsMs", "tlsMs", "totalMs" FROM "check"`,
  );
  const groups = new Map<string, RawCheck[]>();
  for (const row of rows) {
    const time = new Date(row.startedAt).getTime();
    for (const [granularity, size] of [["HOUR", 3_600_000], ["DAY", 86_400_000]] as const) {
      const key = `${row.monitorId}|${granularity}|${new Date(Math.floor(time / size) * size).toISOString()}`;
      const group = groups.get(key) ?? [];
      group.push(row);
      groups.set(key, group);
    }
  }
  const expected = new Map<string, Expected>();
  for (const [key, checks] of groups) {
    const ok = checks.filter((check) => check.ok);
    const latencies = ok.map((check) => check.totalMs).filter((value): value is number => value !== null).sort((a, b) => a - b);
    const errorKinds: Record<string, number> = {};
    for (const check of checks) if (!check.ok) errorKinds[check.errorKind] = (errorKinds[check.errorKind] ?? 0) + 1;
    expected.set(key, {
      total: checks.length,
      up: ok.length,
      down: checks.filter((check) => !check.ok && !check.transient).length,
      transient: checks.filter((check) => !check.ok && check.transient).length,
      errorKinds,
      p50: percentile(latencies, 0.5),
      p95: percentile(latencies, 0.95),
      p99: percentile(latencies, 0.99),
      meanDns: mean(ok.map((check) => check.dnsMs).filter((value): value is number => value !== null)),
      meanTls: mean(ok.map((check) => check.tlsMs).filter((value): value is number => value !== null)),
      meanTotal: mean(latencies),
    });
  }
  return expected;
}

export type StoredRollup = Expected & { key: string; updatedAt: Date };

export async function storedRollups(client: pg.Client): Promise<Map<string, StoredRollup>> {
  const { rows } = await client.query(
    `SELECT "monitorId", granularity::text AS granularity, "bucketStart", total, up, down, transient, "errorKinds",
       "p50Ms", "p95Ms", "p99Ms", "meanDnsMs", "meanTlsMs", "meanTotalMs", "updatedAt" FROM check_rollup`,
  );
  return new Map(
    rows.map((row) => {
      const key = `${row.monitorId}|${row.granularity}|${new Date(row.bucketStart).toISOString()}`;
      return [
        key,
        {
          key,
          total: row.total,
          up: row.up,
          down: row.down,
          transient: row.transient,
          errorKinds: row.errorKinds,
          p50: row.p50Ms,
          p95: row.p95Ms,
          p99: row.p99Ms,
          meanDns: row.meanDnsMs,
          meanTls: row.meanTlsMs,
          meanTotal: row.meanTotalMs,
          updatedAt: row.updatedAt,
        },
      ];
    }),
  );
}

/** Differences between a stored rollup and the expectation (empty when equal): counts exact, times within `toleranceMs`. */
export function differences(stored: StoredRollup | undefined, expected: Expected, options: { percentiles: boolean; toleranceMs?: number }): string[] {
  if (!stored) return ["missing"];
  const problems: string[] = [];
  const tolerance = options.toleranceMs ?? 1;
  for (const field of ["total", "up", "down", "transient"] as const) if (stored[field] !== expected[field]) problems.push(`${field} ${stored[field]} ≠ ${expected[field]}`);
  if (JSON.stringify(Object.entries(stored.errorKinds).sort()) !== JSON.stringify(Object.entries(expected.errorKinds).sort())) {
    problems.push(`errorKinds ${JSON.stringify(stored.errorKinds)} ≠ ${JSON.stringify(expected.errorKinds)}`);
  }
  const fields = options.percentiles ? (["p50", "p95", "p99", "meanDns", "meanTls", "meanTotal"] as const) : ([] as const);
  for (const field of fields) {
    const a = stored[field];
    const b = expected[field];
    if ((a === null) !== (b === null) || (a !== null && b !== null && Math.abs(a - b) > tolerance)) problems.push(`${field} ${a} ≠ ${b}`);
  }
  return problems;
}
