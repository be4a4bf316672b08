// Chart ranges and their buckets. Buckets are UTC hours and UTC days: the same boundaries as the
// rollups (lib/stats/rollups.ts), so a bucket is always exactly one rollup row. Pure functions,
// shared by the server (queries) and the client (labels).

export const RANGES = ["24h", "7d", "30d", "90d"] as const;
export type Range = (typeof RANGES)[number];
export type Granularity = "hour" | "day";

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

export const RANGE_SPECS: Record<Range, { label: string; granularity: Granularity; buckets: number }> = {
  "24h": { label: "24 hours", granularity: "hour", buckets: 24 },
  "7d": { label: "7 days", granularity: "hour", buckets: 168 },
  "30d": { label: "30 days", granularity: "day", buckets: 30 },
  "90d": { label: "90 days", granularity: "day", buckets: 90 },
};

export function isRange(value: unknown): value is Range {
  return typeof value === "string" && (RANGES as readonly string[]).includes(value);
}

export function parseRange(value: string | null | undefined): { ok: true; range: Range } | { ok: false; field: "range"; message: string } {
  if (value === null || value === undefined || value === "") return { ok: true, range: "24h" };
  if (isRange(value)) return { ok: true, range: value };
  return { ok: false, field: "range", message: `range must be one of ${RANGES.join(", ")}` };
}

export function bucketMs(granularity: Granularity): number {
  return granularity === "hour" ? HOUR_MS : DAY_MS;
}

/** Start of the UTC hour or day containing `time`. */
export function truncate(time: Date | number, granularity: Granularity): Date {
  const ms = typeof time === "number" ? time : time.getTime();
  const size = bucketMs(granularity);
  return new Date(Math.floor(ms / size) * size);
}

/** The bucket starts of a range ending with the bucket that contains `now`, oldest first. */
export function rangeBuckets(range: Range, now: Date): Date[] {
  const { granularity, buckets } = RANGE_SPECS[range];
  const last = truncate(now, granularity).getTime();
  const size = bucketMs(granularity);
  return Array.from({ length: buckets }, (_, index) => new Date(last - (buckets - 1 - index) * size));
}

/** Error kinds grouped the way the incidents charts show them. */
export type FailureClass = "502" | "503" | "504" | "other";
export function failureClass(errorKind: string): FailureClass {
  if (errorKind === "HTTP_502") return "502";
  if (errorKind === "HTTP_503") return "503";
  if (errorKind === "HTTP_504") return "504";
  return "other";
}

/** Uptime as the dashboard defines it: transient failures (cleared within the retries) are not downtime. */
export function uptimePercent(total: number, down: number): number | null {
  if (total <= 0) return null;
  return ((total - down) / total) * 100;
}
