// Dashboard benchmark: the stats and overview APIs of the real built app over HTTP, and the
// minute-by-minute rollup maintenance, against a real PostgreSQL database that this script
// creates and drops (on TEST_DATABASE_URL, default postgresql://postgres@127.0.0.1:5432/postgres).
//
//   npm run bench:dashboard
//   npm run bench:dashboard -- --calls 200 --keep
//
// What it does:
// 1. Seeds 1,000 monitors for one user: one with 90 days of checks every 30 s (≈ 259,000 rows,
//    502 bursts, incidents with diagnoses), 999 with 90 days of checks every 30 min (≈ 4.3 M
//    rows, sparse 502s); builds every rollup from those raw checks (lib/stats/rollups.ts).
// 2. Measures over HTTP (sequential calls, after 5 warm-up calls each, ≥ 50 measured):
//    GET /api/v1/monitors/{busy}/stats?range=24h|7d|30d|90d and GET /api/v1/overview.
//    Targets: stats 90d p95 < 100 ms, overview (1,000 monitors) p95 < 300 ms. The overview
//    caches the finished days of its strips for 5 min per process, so its first call is timed
//    on its own, and the handler is also timed in-process with that cache off.
// 3. EXPLAIN (ANALYZE, BUFFERS) of every query those calls and the maintenance make (captured
//    from Prisma's query log and re-run inside a rolled-back transaction): the indexes used.
// 4. Retention: deletes the 60 days of expired raw checks (older than 30 days) in 5,000-row
//    batches and times them.
// 5. Adds 9,000 monitors (10,000 in all), each checked every minute: the previous hour in full
//    and 3 minutes of the current one (≈ 630,000 rows, inserted in time order so that monitors
//    interleave on disk as real results do). Times the maintenance (lib/stats/maintenance.ts):
//    the last minute of an hour (60 checks per monitor recomputed), the minute that closes the
//    previous hour, the one that settles it, and a process's first run. Target: < 5 s a minute.
// Prints the row counts and timings, and writes bench/results/dashboard-<timestamp>.json.
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../lib/generated/prisma/client";
import { applyMigrations } from "../lib/db/migrate";
import { buildIfNeeded } from "../scripts/build-if-needed";
import { signUp, startAppServer, type AppServer } from "../tests/helpers/app-server";
import { planBursts, rng, seedChecks, seedIncidents, seedMonitors } from "../tests/helpers/seed-dashboard";

const ROOT = path.resolve(import.meta.dirname, "..");
process.chdir(ROOT);
process.env.LOG_LEVEL ??= "warn";

const { values: flags } = parseArgs({
  options: {
    calls: { type: "string", default: "100" },
    keep: { type: "boolean", default: false },
    "maintenance-monitors": { type: "string", default: "10000" },
  },
});
const CALLS = Math.max(50, Number(flags.calls));
const MAINTENANCE_MONITORS = Number(flags["maintenance-monitors"]);
const DAY = 86_400_000;
const HOUR = 3_600_000;

const serverUrl = process.env.TEST_DATABASE_URL || "postgresql://postgres@127.0.0.1:5432/postgres";
const dbName = `hopwatch_bench_${randomBytes(4).toString("hex")}`;
const databaseUrl = (() => {
  const url = new URL(serverUrl);
  url.pathname = `/${dbName}`;
  return url.toString();
})();

const log = (...parts: unknown[]) => console.log(`[${new Date().toISOString().slice(11, 19)}]`, ...parts);
const ms = (value: number) => `${value.toFixed(1)} ms`;

async function timed<T>(label: string, run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await run();
  const elapsed = performance.now() - started;
  log(`${label}: ${(elapsed / 1000).toFixed(2)} s`);
  return { value, ms: elapsed };
}

function quantile(sorted: number[], q: number): number {
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  return sorted[low] + (sorted[Math.ceil(position)] - sorted[low]) * (position - low);
}

// ---- query capture for EXPLAIN ----

type Captured = { query: string; params: unknown[] };
let capturing: Captured[] | null = null;

function loggingClient(): PrismaClient {
  const prisma = new PrismaClient({
    adapter: new PrismaPg({ connectionString: databaseUrl, max: 10 }),
    log: [{ emit: "event", level: "query" }],
  });
  prisma.$on("query", (event) => {
    if (!capturing) return;
    let params: unknown[] = [];
    try {
      params = JSON.parse(event.params);
    } catch {
      params = [];
    }
    capturing.push({ query: event.query, params });
  });
  return prisma;
}

async function capture(run: () => Promise<unknown>): Promise<Captured[]> {
  capturing = [];
  try {
    await run();
    return capturing;
  } finally {
    capturing = null;
  }
}

type Explained = { label: string; indexes: string[]; seqScans: string[]; executionMs: number | null; plan: string };

async function explain(client: pg.Client, label: string, captured: Captured[], filter: (sql: string) => boolean): Promise<Explained[]> {
  const results: Explained[] = [];
  for (const { query, params } of captured) {
    if (!filter(query) || /^\s*(BEGIN|COMMIT|ROLLBACK|SELECT pg_try_advisory)/i.test(query)) continue;
    await client.query("BEGIN");
    try {
      const { rows } = await client.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT TEXT) ${query}`, params);
      const plan = rows.map((row) => row["QUERY PLAN"]).join("\n");
      const indexes = [...new Set([...plan.matchAll(/(?:Index(?: Only)? Scan(?: Backward)? using|Bitmap Index Scan on) ("?[\w]+"?)/g)].map((match) => match[1].replaceAll('"', "")))];
      const seqScans = [...new Set([...plan.matchAll(/Seq Scan on ("?\w+"?)/g)].map((match) => match[1].replaceAll('"', "")))];
      const execution = /Execution Time: ([\d.]+) ms/.exec(plan);
      results.push({ label: `${label}: ${query.replace(/\s+/g, " ").trim().slice(0, 90)}…`, indexes, seqScans, executionMs: execution ? Number(execution[1]) : null, plan });
    } finally {
      await client.query("ROLLBACK");
    }
  }
  return results;
}

// ---- main ----

const results: Record<string, unknown> = { startedAt: new Date().toISOString(), database: serverUrl.replace(/\/\/[^@]*@/, "//"), calls: CALLS };
let app: AppServer | null = null;
const admin = new pg.Client({ connectionString: serverUrl });
await admin.connect();
results.postgres = (await admin.query("SHOW server_version")).rows[0].server_version;
await admin.query(`CREATE DATABASE ${dbName}`);
log(`database ${dbName} created (PostgreSQL ${results.postgres})`);
const client = new pg.Client({ connectionString: databaseUrl });
let prisma: PrismaClient | null = null;

try {
  if (!buildIfNeeded()) throw new Error("next build failed");
  await applyMigrations(databaseUrl);
  await client.connect();
  app = await startAppServer({ databaseUrl, env: { HOPWATCH_SCHEDULER: "off", LOG_LEVEL: "warn" } });
  const user = await signUp(app.url, "bench@example.com");
  const now = new Date();

  // 1. Seed.
  const names = [{ name: "Busy API (30 s)", url: "https://busy.example.com/health", intervalSeconds: 30 }];
  for (let index = 1; index < 1000; index++) names.push({ name: `Service ${String(index).padStart(4, "0")}`, url: `https://svc-${index}.example.com/health`, intervalSeconds: 1800 });
  const [busy, ...others] = await seedMonitors(client, user.id, names);
  const from90 = new Date(now.getTime() - 90 * DAY);
  const bursts = planBursts(from90, now, 30, rng(2026), 0.8);
  const seedBusy = await timed("seed: busy monitor, 90 days every 30 s", () => seedChecks(client, { monitorId: busy, from: from90, to: now, intervalSeconds: 30, baseMs: 140, bursts, seed: 7 }));
  await seedIncidents(client, { monitorId: busy, intervalSeconds: 30, bursts, openLast: false });
  const seedOthers = await timed("seed: 999 monitors, 90 days every 30 min", async () => {
    let rows = 0;
    for (let index = 0; index < others.length; index += 111) {
      const batch = others.slice(index, index + 111);
      const result = await client.query(
        `INSERT INTO "check" ("monitorId", "startedAt", ok, "errorKind", "httpStatus", "dnsMs", "connectMs", "tlsMs", "ttfbMs", "transferMs", "totalMs")
         SELECT m, t, r >= 0.004, CASE WHEN r >= 0.004 THEN 'NONE' WHEN r < 0.003 THEN 'HTTP_502' ELSE 'HTTP_504' END::"ErrorKind",
           CASE WHEN r >= 0.004 THEN 200 WHEN r < 0.003 THEN 502 ELSE 504 END,
           2, 6, 12, 60 + random() * 120, 1.5, 81.5 + random() * 140
         FROM unnest($1::text[]) AS m, generate_series($2::timestamptz, $3::timestamptz, interval '30 minutes') AS t, LATERAL (SELECT random() AS r WHERE t IS NOT NULL) x`,
        [batch, from90.toISOString(), now.toISOString()],
      );
      rows += result.rowCount ?? 0;
    }
    return rows;
  });
  await client.query(`INSERT INTO incident (id, "monitorId", status, cause, "lastErrorKind", "openedAt", "resolvedAt", "durationSeconds")
    SELECT gen_random_uuid()::text, m, 'RESOLVED', 'HTTP_502', 'HTTP_502', $2::timestamptz - make_interval(hours => (abs(hashtext(m)) % 2000)), $2::timestamptz - make_interval(hours => (abs(hashtext(m)) % 2000)) + interval '5 minutes', 300
    FROM unnest($1::text[]) AS m`, [others, now.toISOString()]);
  await client.query(`UPDATE monitor SET state = 'DOWN' WHERE id = ANY($1)`, [others.slice(0, 3)]);
  await client.query(`INSERT INTO incident (id, "monitorId", "openMonitorId", status, cause, "lastErrorKind", "openedAt") SELECT gen_random_uuid()::text, m, m, 'OPEN', 'HTTP_502', 'HTTP_502', now() - interval '12 minutes' FROM unnest($1::text[]) AS m`, [others.slice(0, 3)]);

  prisma = loggingClient();
  const { rebuildRollups } = await import("../lib/stats/rollups");
  const rebuild = await timed("rollups: built from raw checks (hour + day, 1,000 monitors, 91 days)", () => rebuildRollups(prisma!, { from: new Date(now.getTime() - 91 * DAY), to: new Date(now.getTime() + HOUR), now }));
  await client.query("ANALYZE");
  const counts = (await client.query(`SELECT (SELECT count(*) FROM monitor)::int AS monitors, (SELECT count(*) FROM "check")::int AS checks,
      (SELECT count(*) FROM "check" WHERE "monitorId" = $1)::int AS "busyChecks",
      (SELECT count(*) FROM check_rollup WHERE granularity = 'HOUR')::int AS "hourRollups", (SELECT count(*) FROM check_rollup WHERE granularity = 'DAY')::int AS "dayRollups",
      (SELECT count(*) FROM incident)::int AS incidents, (SELECT count(*) FROM incident WHERE "monitorId" = $1 AND cause = 'HTTP_502')::int AS "busy502Incidents"`, [busy])).rows[0];
  results.seed = { ...counts, seededBusyRows: seedBusy.value, seededOtherRows: seedOthers.value, seedMs: Math.round(seedBusy.ms + seedOthers.ms), rollupBuildMs: Math.round(rebuild.ms), rollupRows: rebuild.value };
  log("rows:", counts);

  // 2. HTTP timings.
  const endpoints: Array<[string, string]> = [
    ["stats 90d", `/api/v1/monitors/${busy}/stats?range=90d`],
    ["stats 30d", `/api/v1/monitors/${busy}/stats?range=30d`],
    ["stats 7d", `/api/v1/monitors/${busy}/stats?range=7d`],
    ["stats 24h", `/api/v1/monitors/${busy}/stats?range=24h`],
    ["overview (1,000 monitors)", "/api/v1/overview"],
  ];
  const http: Record<string, { calls: number; p50: number; p95: number; max: number; bytes: number }> = {};
  // The overview keeps the finished days of its 90-day strips for 5 min per process: its first
  // call (cache empty) is timed separately, and so is the uncached path in-process below.
  const coldStarted = performance.now();
  const cold = await fetch(`${app.url}/api/v1/overview`, { headers: { cookie: user.cookie } });
  await cold.text();
  const overviewFirstCallMs = performance.now() - coldStarted;
  log(`overview: first call (history not cached yet): ${ms(overviewFirstCallMs)}`);
  for (const [label, urlPath] of endpoints) {
    const times: number[] = [];
    let bytes = 0;
    for (let call = 0; call < CALLS + 5; call++) {
      const started = performance.now();
      const response = await fetch(`${app.url}${urlPath}`, { headers: { cookie: user.cookie } });
      const body = await response.text();
      const elapsed = performance.now() - started;
      if (response.status !== 200) throw new Error(`${label}: HTTP ${response.status} ${body.slice(0, 200)}`);
      if (call >= 5) times.push(elapsed);
      bytes = body.length;
    }
    times.sort((a, b) => a - b);
    http[label] = { calls: times.length, p50: quantile(times, 0.5), p95: quantile(times, 0.95), max: times[times.length - 1], bytes };
    log(`${label.padEnd(26)} p50 ${ms(http[label].p50).padStart(9)}  p95 ${ms(http[label].p95).padStart(9)}  max ${ms(http[label].max).padStart(9)}  (${CALLS} calls, ${(bytes / 1024).toFixed(0)} KiB)`);
  }
  results.http = http;
  results.overviewFirstCallMs = overviewFirstCallMs;
  results.targets = {
    "stats 90d p95 < 100 ms": http["stats 90d"].p95 < 100,
    "overview p95 < 300 ms": http["overview (1,000 monitors)"].p95 < 300,
  };

  // 3. EXPLAIN of what those handlers run (same SQL, same parameters, through lib/stats).
  (globalThis as unknown as { hopwatchDatabase?: Promise<unknown> }).hopwatchDatabase = Promise.resolve({ prisma, mode: "server", url: databaseUrl, close: async () => {} });
  const { getMonitorStats, getOverview, getIncidentCharts } = await import("../lib/stats/service");
  const explained: Explained[] = [];
  explained.push(...(await explain(client, "stats 90d", await capture(() => getMonitorStats(user.id, busy, "90d")), (sql) => !/FROM "public"."monitor"/.test(sql))));
  explained.push(...(await explain(client, "stats 24h", await capture(() => getMonitorStats(user.id, busy, "24h")), (sql) => /FROM "check"/.test(sql))));
  explained.push(...(await explain(client, "overview", await capture(() => getOverview(user.id, new Date(), { cache: false })), () => true)));
  // The overview handler in-process, without its history cache (every call reads all 90 days).
  const uncached: number[] = [];
  for (let call = 0; call < 55; call++) {
    const started = performance.now();
    await getOverview(user.id, new Date(), { cache: false });
    if (call >= 5) uncached.push(performance.now() - started);
  }
  uncached.sort((a, b) => a - b);
  results.overviewUncachedInProcess = { calls: uncached.length, p50: quantile(uncached, 0.5), p95: quantile(uncached, 0.95), max: uncached[uncached.length - 1] };
  log(`overview in-process without the history cache: p50 ${ms(quantile(uncached, 0.5))}  p95 ${ms(quantile(uncached, 0.95))}  (50 calls)`);
  const cached: number[] = [];
  for (let call = 0; call < 55; call++) {
    const started = performance.now();
    await getOverview(user.id, new Date());
    if (call >= 5) cached.push(performance.now() - started);
  }
  cached.sort((a, b) => a - b);
  results.overviewCachedInProcess = { calls: cached.length, p50: quantile(cached, 0.5), p95: quantile(cached, 0.95), max: cached[cached.length - 1] };
  log(`overview in-process with the history cache:    p50 ${ms(quantile(cached, 0.5))}  p95 ${ms(quantile(cached, 0.95))}  (50 calls)`);
  explained.push(...(await explain(client, "incident charts", await capture(() => getIncidentCharts(user.id)), () => true)));
  // The monitor page's recent-checks table filtered by an error kind (raw checks, newest first).
  const { listChecks } = await import("../lib/checks/service");
  explained.push(...(await explain(client, "recent checks of one kind", await capture(() => listChecks(user.id, busy, { limit: 25, before: null, errorKind: "HTTP_503" })), (sql) => /FROM "public"."check"/.test(sql))));

  // 4. Retention: the seeded history holds 60 days of expired checks; delete them all in
  // 5,000-row batches (each its own statement), as the maintenance would over its first minutes.
  const { applyRetention } = await import("../lib/stats/retention");
  const batchTimes: number[] = [];
  const retention = await timed("retention: deleting the expired raw checks (older than 30 days)", () =>
    applyRetention(prisma!, {
      now: new Date(),
      rawDays: 30,
      rollupDays: 400,
      batchSize: 5000,
      budgetMs: 240_000,
      eachBatch: async (run) => {
        const started = performance.now();
        const deleted = await run(prisma!);
        batchTimes.push(performance.now() - started);
        return deleted;
      },
    }),
  );
  batchTimes.sort((a, b) => a - b);
  explained.push(...(await explain(client, "retention batch", await capture(() => applyRetention(prisma!, { now: new Date(), rawDays: 30, rollupDays: 400, batchSize: 5000, budgetMs: 0 })), () => true)));
  results.retention = {
    deleted: retention.value.checksDeleted,
    complete: retention.value.complete,
    batches: batchTimes.length,
    rowsPerSecond: Math.round(retention.value.checksDeleted / (retention.ms / 1000)),
    batchP50Ms: Math.round(quantile(batchTimes, 0.5)),
    batchP95Ms: Math.round(quantile(batchTimes, 0.95)),
    batchMaxMs: Math.round(batchTimes[batchTimes.length - 1]),
  };
  log(`retention: ${retention.value.checksDeleted} rows in ${batchTimes.length} batches (${results.retention && (results.retention as { rowsPerSecond: number }).rowsPerSecond} rows/s); per 5,000-row batch p50 ${ms(quantile(batchTimes, 0.5))}, p95 ${ms(quantile(batchTimes, 0.95))}, max ${ms(batchTimes[batchTimes.length - 1])}`);

  // 5. Maintenance at 10,000 monitors, each checked every minute: the previous hour in full
  // (60 checks per monitor) and the first 3 minutes of the current one, inserted in time order.
  const extra = MAINTENANCE_MONITORS - 1000;
  await client.query(`INSERT INTO "user" (id, name, email, "updatedAt") VALUES ('bench-maintenance', 'M', 'm@example.com', now())`);
  const extraIds = extra > 0
    ? await seedMonitors(client, "bench-maintenance", Array.from({ length: extra }, (_, index) => ({ name: `Load ${index}`, url: `https://load-${index}.example.com/`, intervalSeconds: 60 })))
    : [];
  const H = Math.floor(now.getTime() / HOUR) * HOUR;
  const loadMonitors = [...others, ...extraIds];
  const seedLoad = await timed(`seed: ${loadMonitors.length + 1} monitors × 1 check a minute, previous hour + 3 min`, async () => {
    // In time order, so that rows of different monitors interleave on disk as real probe
    // results do (a monitor's hour spreads over ~60 pages).
    const result = await client.query(
      `INSERT INTO "check" ("monitorId", "startedAt", ok, "errorKind", "httpStatus", "dnsMs", "connectMs", "tlsMs", "ttfbMs", "transferMs", "totalMs")
       SELECT m, t + make_interval(secs => abs(hashtext(m)) % 60), r >= 0.002, CASE WHEN r >= 0.002 THEN 'NONE' ELSE 'HTTP_502' END::"ErrorKind",
         CASE WHEN r >= 0.002 THEN 200 ELSE 502 END, 2, 6, 12, 60 + random() * 100, 1.5, 81.5 + random() * 100
       FROM generate_series($2::timestamptz, $3::timestamptz, interval '1 minute') AS t, unnest($1::text[]) AS m, LATERAL (SELECT random() AS r WHERE t IS NOT NULL) x
       ORDER BY t, abs(hashtext(m)) % 60`,
      [loadMonitors, new Date(H - HOUR).toISOString(), new Date(H + 2 * 60_000).toISOString()],
    );
    return result.rowCount ?? 0;
  });
  await client.query("ANALYZE");
  const { RollupMaintenance, maintenanceOptionsFromEnv } = await import("../lib/stats/maintenance");
  const getPrisma = async () => prisma!;
  const options = maintenanceOptionsFromEnv();
  type Report = Awaited<ReturnType<InstanceType<typeof RollupMaintenance>["runOnce"]>>;
  const describe = (report: Report) =>
    `refresh ${report.refresh.ms} ms (hours from ${report.refresh.from?.slice(11, 16)}) · finalize ${report.finalize.ms} ms · catch-up ${report.catchUp.ms} ms · retention ${report.retention.ms} ms`;
  /** A maintenance as in a process that last ran a minute before `at`, the previous hour closed or not. */
  const primed = (at: number, closedHour: number, settledHour: number) => {
    const maintenance = new RollupMaintenance(getPrisma, options);
    Object.assign(maintenance as unknown as Record<string, unknown>, { lastSuccess: new Date(at - 60_000), lastDetection: Date.now(), closedHour, settledHour });
    return maintenance;
  };
  // Worst steady minute: the last one of an hour, whose 60 minutes of checks are all recomputed.
  const steadyAt = H - 30_000;
  const steady = primed(steadyAt, H - 2 * HOUR, H - 2 * HOUR);
  const maintenanceResults: Record<string, unknown> = { monitors: loadMonitors.length + 1, seededRows: seedLoad.value };
  const steadyMs: number[] = [];
  let steadyCaptured: Captured[] = [];
  for (let run = 0; run < 5; run++) {
    // New checks change every monitor's hour, as they would each minute.
    await client.query(`UPDATE check_rollup SET total = total + 1 WHERE granularity = 'HOUR' AND "bucketStart" = $1`, [new Date(H - HOUR).toISOString()]);
    let report: Report | null = null;
    const captured = await capture(async () => (report = await steady.runOnce(new Date(steadyAt + run * 1000), { force: true })));
    if (run === 0) steadyCaptured = captured;
    steadyMs.push(report!.ms);
    log(`maintenance: last minute of an hour (${loadMonitors.length + 1} monitors × 60 checks): ${(report!.ms / 1000).toFixed(2)} s — ${describe(report!)}`);
  }
  maintenanceResults.steadyMinuteMs = steadyMs.map(Math.round);
  // 2.5 min into the next hour: the previous hour is closed (recomputed whole) plus the current one.
  const closing = primed(H + 150_000, H - 2 * HOUR, H - 2 * HOUR);
  const closingReport = await closing.runOnce(new Date(H + 150_000), { force: true });
  log(`maintenance: minute closing the previous hour: ${(closingReport.ms / 1000).toFixed(2)} s — ${describe(closingReport)}`);
  // 15.5 min in: the previous hour once more ("settle").
  const settleReport = await closing.runOnce(new Date(H + 15.5 * 60_000), { force: true });
  log(`maintenance: minute settling the previous hour: ${(settleReport.ms / 1000).toFixed(2)} s — ${describe(settleReport)}`);
  // A process's very first run: closes the previous hour, looks for gaps, builds what is missing.
  const fresh = new RollupMaintenance(getPrisma, options);
  const firstReport = await fresh.runOnce(new Date(H + 150_000), { force: true });
  log(`maintenance: first run of a process: ${(firstReport.ms / 1000).toFixed(2)} s — ${describe(firstReport)}`);
  Object.assign(maintenanceResults, { closingMinuteMs: closingReport.ms, settlingMinuteMs: settleReport.ms, firstRunMs: firstReport.ms, reports: { closing: closingReport, settling: settleReport, first: firstReport } });
  results.maintenance = maintenanceResults;
  explained.push(...(await explain(client, "maintenance", steadyCaptured, () => true)));
  (results.targets as Record<string, boolean>)["maintenance < 5 s a minute (10,000 monitors)"] = Math.max(...steadyMs, closingReport.ms, settleReport.ms) < 5000;

  results.explain = explained.map(({ plan, ...rest }) => ({ ...rest, plan: plan.split("\n") }));
  console.log("\nEXPLAIN (ANALYZE) — indexes used per query:");
  for (const entry of explained) {
    console.log(`  ${entry.label}\n      indexes: ${entry.indexes.join(", ") || "—"}${entry.seqScans.length ? `   seq scans: ${entry.seqScans.join(", ")}` : ""}   execution: ${entry.executionMs?.toFixed(2)} ms`);
  }
  console.log("\nTargets:");
  for (const [target, met] of Object.entries(results.targets as Record<string, boolean>)) console.log(`  ${met ? "✓" : "✗"} ${target}`);
} finally {
  await prisma?.$disconnect().catch(() => {});
  await app?.stop().catch(() => {});
  await client.end().catch(() => {});
  if (!flags.keep) await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch((error) => console.error("could not drop", dbName, error));
  else log(`kept database ${dbName}: ${databaseUrl}`);
  await admin.end();
}

mkdirSync(path.join(ROOT, "bench/results"), { recursive: true });
const file = path.join(ROOT, "bench/results", `dashboard-${(results.startedAt as string).replace(/[:.]/g, "-")}.json`);
writeFileSync(file, JSON.stringify(results, null, 2));
log(`results written to ${path.relative(ROOT, file)}`);
process.exit(0);
