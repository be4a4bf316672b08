// Realistic check history for dashboard tests and the dashboard benchmark, written straight into
// PostgreSQL with generate_series (hundreds of thousands of rows in seconds): steady latency
// with a daily rhythm and a long tail, and failure bursts — mostly 502s, some confirmed
// (incidents with a diagnosis), some transient blips — plus a few 503/504/timeouts.
import { randomUUID } from "node:crypto";
import type pg from "pg";
import type { ErrorKind } from "../../lib/probes/error-kinds";

export type Burst = {
  start: Date;
  /** Consecutive failed checks. */
  checks: number;
  errorKind: ErrorKind;
  /** Cleared within the retries: transient checks, no incident. */
  transient: boolean;
};

/** Deterministic pseudo-random numbers (mulberry32), so seeded data is the same every run. */
export function rng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Failure bursts over [from, to): on average `perDay` events a day; 502s dominate (some short
 * transient blips, some outages of a few minutes), with occasional 503, 504 and timeouts.
 */
export function planBursts(from: Date, to: Date, intervalSeconds: number, random: () => number, perDay = 0.6): Burst[] {
  const bursts: Burst[] = [];
  const span = to.getTime() - from.getTime();
  const count = Math.round((span / 86_400_000) * perDay);
  for (let index = 0; index < count; index++) {
    const roll = random();
    const errorKind: ErrorKind = roll < 0.7 ? "HTTP_502" : roll < 0.8 ? "HTTP_503" : roll < 0.9 ? "HTTP_504" : "CONNECT_TIMEOUT";
    const transient = random() < 0.45;
    const checks = transient ? 1 + Math.floor(random() * 2) : 3 + Math.floor(random() * random() * 40);
    const start = new Date(from.getTime() + Math.floor(random() * (span - checks * intervalSeconds * 1000)));
    // Align to the schedule so the burst covers whole checks.
    start.setTime(from.getTime() + Math.floor((start.getTime() - from.getTime()) / (intervalSeconds * 1000)) * intervalSeconds * 1000);
    bursts.push({ start, checks, errorKind, transient });
  }
  return bursts.sort((a, b) => a.start.getTime() - b.start.getTime());
}

const STATUS: Partial<Record<ErrorKind, number>> = { HTTP_502: 502, HTTP_503: 503, HTTP_504: 504 };

/**
 * Inserts one check every `intervalSeconds` over [from, to) for the monitor. Latency: `baseMs`
 * with a ±25 % daily rhythm and an exponential tail; failed checks per the bursts.
 */
export async function seedChecks(
  client: pg.Client | pg.PoolClient,
  options: { monitorId: string; from: Date; to: Date; intervalSeconds: number; baseMs: number; bursts: Burst[]; seed?: number },
): Promise<number> {
  const bursts = options.bursts.map((burst) => ({
    start: burst.start.toISOString(),
    end: new Date(burst.start.getTime() + burst.checks * options.intervalSeconds * 1000).toISOString(),
    kind: burst.errorKind,
    status: STATUS[burst.errorKind] ?? null,
    transient: burst.transient,
  }));
  await client.query(`SELECT setseed($1)`, [((options.seed ?? 1) % 1000) / 1000]);
  const result = await client.query(
    `INSERT INTO "check" ("monitorId", "startedAt", ok, "errorKind", "httpStatus", transient, attempt,
       "dnsMs", "connectMs", "tlsMs", "ttfbMs", "transferMs", "totalMs", message)
     SELECT $1, t, b.kind IS NULL, COALESCE(b.kind, 'NONE')::"ErrorKind", CASE WHEN b.kind IS NULL THEN 200 ELSE b.status END,
       COALESCE(b.transient, false), 1,
       p.dns, p.conn, p.tls, CASE WHEN b.kind = 'CONNECT_TIMEOUT' THEN NULL ELSE p.ttfb END, CASE WHEN b.kind IS NULL THEN p.xfer END,
       CASE WHEN b.kind = 'CONNECT_TIMEOUT' THEN 10000 WHEN b.kind = 'HTTP_504' THEN 60000 + p.ttfb
            WHEN b.kind IS NULL THEN p.dns + p.conn + p.tls + p.ttfb + p.xfer ELSE p.dns + p.conn + p.tls + p.ttfb END,
       CASE WHEN b.kind IS NULL THEN NULL ELSE 'seeded ' || b.kind END
     FROM generate_series($2::timestamptz, $3::timestamptz - interval '1 millisecond', make_interval(secs => $4)) AS t
     LEFT JOIN LATERAL (
       SELECT x.kind, x.status, x.transient FROM jsonb_to_recordset($5::jsonb) AS x(start timestamptz, "end" timestamptz, kind text, status int, transient boolean)
       WHERE t >= x.start AND t < x."end" LIMIT 1
     ) b ON true
     CROSS JOIN LATERAL (
       SELECT round((1 + random() * 4)::numeric, 2)::real AS dns,
              round((4 + random() * 6)::numeric, 2)::real AS conn,
              round((8 + random() * 10)::numeric, 2)::real AS tls,
              round(($6 * (1 + 0.25 * sin(2 * pi() * extract(epoch FROM t) / 86400)) * (0.8 + random() * 0.4)
                     - ln(1 - random() * 0.999) * $6 * 0.35)::numeric, 2)::real AS ttfb,
              round((0.5 + random() * 3)::numeric, 2)::real AS xfer
     ) p`,
    [options.monitorId, options.from.toISOString(), options.to.toISOString(), options.intervalSeconds, JSON.stringify(bursts), options.baseMs],
  );
  return result.rowCount ?? 0;
}

const DIAGNOSES: Partial<Record<ErrorKind, { hop: string; headline: string; summary: string; causes: string[]; steps: string[] }>> = {
  HTTP_502: {
    hop: "upstream",
    headline: "502 Bad Gateway from nginx (upstream refused)",
    summary: "nginx answered 502: it could not get a response from the upstream, which refused the connection.",
    causes: ["upstream_down", "gateway_routing"],
    steps: ["Check that the upstream service is running and listening on the port nginx proxies to.", "Look for 'connect() failed (111: Connection refused)' in nginx's error log."],
  },
  HTTP_503: {
    hop: "application",
    headline: "503 Service Unavailable from the application",
    summary: "The application reported itself unavailable.",
    causes: ["application_error"],
    steps: ["Check the application's health and recent deploys."],
  },
  HTTP_504: {
    hop: "upstream",
    headline: "504 Gateway Timeout from nginx (upstream slow)",
    summary: "nginx gave up waiting for the upstream after its proxy_read_timeout.",
    causes: ["upstream_slow"],
    steps: ["Look at the upstream's response times and saturation."],
  },
};

/** One resolved (or, with `open`, still open) incident per non-transient burst, with a diagnosis. */
export async function seedIncidents(
  client: pg.Client | pg.PoolClient,
  options: { monitorId: string; intervalSeconds: number; bursts: Burst[]; openLast?: boolean },
): Promise<string[]> {
  const confirmed = options.bursts.filter((burst) => !burst.transient);
  const ids: string[] = [];
  for (const [index, burst] of confirmed.entries()) {
    const id = randomUUID();
    const open = options.openLast === true && index === confirmed.length - 1;
    const openedAt = new Date(burst.start.getTime() + options.intervalSeconds * 1000 * Math.min(2, burst.checks - 1));
    const resolvedAt = new Date(burst.start.getTime() + burst.checks * options.intervalSeconds * 1000);
    const template = DIAGNOSES[burst.errorKind];
    const diagnosis = template
      ? {
          hop: template.hop,
          gateway: { name: burst.errorKind === "HTTP_503" ? "unknown" : "nginx", confidence: 0.9, evidence: ["Server: nginx/1.24.0"], alsoSeen: [] },
          persistence: "persistent",
          summary: template.summary,
          headline: template.headline,
          probableCauses: template.causes,
          nextSteps: template.steps,
        }
      : null;
    await client.query(
      `INSERT INTO incident (id, "monitorId", "openMonitorId", status, cause, "lastErrorKind", "openedAt", "resolvedAt", "durationSeconds", diagnosis, "diagnosedAt")
       VALUES ($1, $2, $3, $4::"IncidentStatus", $5::"ErrorKind", $5::"ErrorKind", $6, $7, $8, $9::jsonb, $6)`,
      [
        id,
        options.monitorId,
        open ? options.monitorId : null,
        open ? "OPEN" : "RESOLVED",
        burst.errorKind,
        openedAt.toISOString(),
        open ? null : resolvedAt.toISOString(),
        open ? null : Math.round((resolvedAt.getTime() - openedAt.getTime()) / 1000),
        diagnosis ? JSON.stringify(diagnosis) : null,
      ],
    );
    ids.push(id);
  }
  return ids;
}

/** Monitors inserted directly (paused far in the future, so no scheduler probes them). */
export async function seedMonitors(
  client: pg.Client | pg.PoolClient,
  userId: string,
  monitors: Array<{ name: string; url: string; intervalSeconds: number; state?: "UP" | "DOWN" | "PENDING" | "UNKNOWN"; enabled?: boolean }>,
): Promise<string[]> {
  const rows = monitors.map((monitor, index) => ({
    id: randomUUID(),
    name: monitor.name,
    url: monitor.url,
    interval: monitor.intervalSeconds,
    state: monitor.state ?? "UP",
    enabled: monitor.enabled ?? true,
    created: new Date(Date.UTC(2020, 0, 1) + index * 1000).toISOString(),
  }));
  await client.query(
    `INSERT INTO monitor (id, "userId", name, url, "intervalSeconds", "timeoutSeconds", state, enabled, "nextRunAt", "createdAt", "updatedAt", "lastCheckedAt", "stateChangedAt")
     SELECT r.id, $1, r.name, r.url, r.interval, LEAST(10, r.interval - 1), r.state::"MonitorState", r.enabled, now() + make_interval(secs => r.interval), r.created, now(), now(), now() - interval '3 days'
     FROM jsonb_to_recordset($2::jsonb) AS r(id text, name text, url text, interval int, state text, enabled boolean, created timestamptz)`,
    [userId, JSON.stringify(rows)],
  );
  return rows.map((row) => row.id);
}
