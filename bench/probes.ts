// Probe throughput benchmark: one real worker process (as `npm run worker`: node --import tsx
// scripts/worker.ts) against a loopback HTTP target (bench/target.ts, its own process) and a real
// PostgreSQL database that this script creates and drops.
//
//   npm run bench:probes -- --monitors 10000 --interval 30 --duration 60
//   npm run bench:probes -- --saturate --duration 60        (30,000 monitors every 10 s)
//
// What is measured, and how:
// - checks/s: rows in "check" whose startedAt falls in the steady-state window
//   [first slot + warmup, stop], divided by the window's length. "rows written/s" is the growth
//   of max("check".id) over the same window (when the rows were stored, not when probes started).
// - schedule lag: the probe's actual start (check.startedAt, taken just before it connects) minus
//   the slot (nextRunAt) it was due at. Each monitor's first slot s0 is known (we seed it with
//   initialRunAt), and the scheduler keeps the phase: nextRunAt only ever advances by whole
//   intervals (claim.ts). A run never starts before its slot (scheduler.ts starts it by a timer
//   at the slot at the earliest), so the slot of a scheduled check (attempt 1) is the latest
//   s0 + k·interval ≤ startedAt. This is exact while lag < interval; when the worker falls
//   further behind, missed slots are skipped (not replayed), so the bench also counts missed
//   slots (due slots without a check) and the backlog (monitors overdue at the end). The lag
//   includes whatever the claim did not hide (a claim round that came late), the wait for a
//   probe slot, and the probe's own start.
// - CPU % and RSS of the worker's node process (/proc/<pid>/stat utime+stime, /proc/<pid>/status
//   VmRSS) every second; also the target's CPU, the CPU of the PostgreSQL backends serving the
//   bench database, and the whole machine's busy %. 100 % = one core.
// - raw ceiling: before the worker runs, this process makes fresh-connection HTTP requests
//   (node:http, Agent keepAlive false, "connection: close") to the same target with the same
//   concurrency for --raw-seconds → requests/s. Also the same with a new undici Client per
//   request, which is how the probe talks HTTP (lib/probes/http.ts).
// - where the database time goes: pg_stat_activity of the bench database sampled 5×/s,
//   classifying active queries (claim, insert checks, update monitors, transaction control).
// - --cpu-prof: runs the worker with `node --cpu-prof` and summarises self time by package/file.
//
// Prints progress every 10 s and a table at the end, and writes bench/results/probes-<ts>.json.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { parseArgs } from "node:util";
import pg from "pg";
import { Client as UndiciClient } from "undici";
import { applyMigrations } from "../lib/db/migrate";
import { initialRunAt } from "../lib/scheduler/policy";

const ROOT = path.resolve(import.meta.dirname, "..");
process.chdir(ROOT);

// ---------------------------------------------------------------------------------------------
// Options

const { values: flags } = parseArgs({
  options: {
    monitors: { type: "string" },
    interval: { type: "string" },
    duration: { type: "string", default: "60" },
    warmup: { type: "string" },
    saturate: { type: "boolean", default: false },
    concurrency: { type: "string", default: "256" },
    "max-active": { type: "string", default: "2000" },
    "flush-ms": { type: "string", default: "1000" },
    "pool-size": { type: "string", default: "10" },
    timeout: { type: "string", default: "5" },
    retries: { type: "string", default: "0" },
    "error-rate": { type: "string", default: "0" },
    "target-delay-ms": { type: "string", default: "0" },
    "raw-seconds": { type: "string", default: "10" },
    "cpu-prof": { type: "boolean", default: false },
    "node-args": { type: "string" },
    "keep-db": { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});

if (flags.help) {
  console.log(`npm run bench:probes -- [options]
  --monitors N          monitors to seed (default 10000; 30000 with --saturate)
  --interval S          their interval in seconds (default 30; 10 with --saturate)
  --duration S          how long the worker runs, from the first slot (default 60)
  --warmup S            left out of the steady-state window (default min(10, duration/4))
  --saturate            offer more than one worker can do, to find its ceiling
  --concurrency N       HOPWATCH_PROBE_CONCURRENCY, also the raw loop's concurrency (default 256)
  --max-active N        HOPWATCH_MAX_ACTIVE_MONITORS (default 2000)
  --flush-ms N          HOPWATCH_FLUSH_INTERVAL_MS (default 1000)
  --pool-size N         DATABASE_POOL_SIZE of the worker (default 10)
  --timeout S           monitors' timeoutSeconds (default 5)
  --retries N           monitors' retries (default 0)
  --error-rate F        fraction of target answers that are 502/503 (default 0)
  --target-delay-ms N   the target waits this long before answering (default 0)
  --raw-seconds S       length of each raw request loop (default 10; 0 skips it)
  --cpu-prof            profile the worker (node --cpu-prof) and summarise where its CPU goes
  --node-args="…"       extra node options for the worker
  --keep-db             do not drop the bench database`);
  process.exit(0);
}

const num = (value: string | undefined, fallback: number) => (value === undefined ? fallback : Number(value));
const config = {
  monitors: num(flags.monitors, flags.saturate ? 30_000 : 10_000),
  intervalSeconds: num(flags.interval, flags.saturate ? 10 : 30),
  durationSeconds: num(flags.duration, 60),
  warmupSeconds: 0,
  saturate: flags.saturate!,
  probeConcurrency: num(flags.concurrency, 256),
  maxActiveMonitors: num(flags["max-active"], 2000),
  flushIntervalMs: num(flags["flush-ms"], 1000),
  poolSize: num(flags["pool-size"], 10),
  timeoutSeconds: num(flags.timeout, 5),
  retries: num(flags.retries, 0),
  errorRate: num(flags["error-rate"], 0),
  targetDelayMs: num(flags["target-delay-ms"], 0),
  rawSeconds: num(flags["raw-seconds"], 10),
  cpuProf: flags["cpu-prof"]!,
  nodeArgs: flags["node-args"] ?? "",
};
config.warmupSeconds = num(flags.warmup, Math.min(10, config.durationSeconds / 4));
for (const [key, value] of Object.entries(config)) {
  if (typeof value === "number" && !(value >= 0)) throw new Error(`--${key}: not a non-negative number`);
}
const offeredPerSecond = config.monitors / config.intervalSeconds;

// ---------------------------------------------------------------------------------------------
// Small helpers

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const fmt = (value: number, digits = 0) =>
  Number.isFinite(value) ? value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits }) : "n/a";
const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] : Number.NaN);
const CLOCK_TICKS = 100; // USER_HZ; `getconf CLK_TCK` is 100 on Linux

function procCpuTicks(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[11]) + Number(fields[12]); // utime + stime
  } catch {
    return null;
  }
}

function procRssMb(pid: number): number | null {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

function machineCpu(): { busy: number; total: number } {
  const [, ...parts] = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/);
  const values = parts.map(Number);
  const total = values.slice(0, 8).reduce((a, b) => a + b, 0); // user … steal (guest is inside user)
  const idle = values[3] + values[4];
  return { busy: total - idle, total };
}

// ---------------------------------------------------------------------------------------------
// Processes

type Child = { process: ChildProcess; lines: string[]; exited: Promise<{ code: number | null; signal: string | null }> };

function start(command: string, args: string[], env: NodeJS.ProcessEnv, detached = false): Child {
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"], detached });
  const lines: string[] = [];
  readline.createInterface({ input: child.stdout! }).on("line", (line) => lines.push(line));
  readline.createInterface({ input: child.stderr! }).on("line", (line) => lines.push(line));
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  return { process: child, lines, exited };
}

async function waitForLine<T>(child: Child, parse: (line: string) => T | undefined, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const line of child.lines) {
      const found = parse(line);
      if (found !== undefined) return found;
    }
    if (child.process.exitCode !== null || Date.now() > deadline) throw new Error(`${what} did not start:\n${child.lines.join("\n")}`);
    await sleep(50);
  }
}

const json = (line: string): Record<string, unknown> | undefined => {
  try {
    const value = JSON.parse(line);
    return value && typeof value === "object" ? value : undefined;
  } catch {
    return undefined;
  }
};

// ---------------------------------------------------------------------------------------------
// Raw ceiling: fresh-connection requests with nothing else around them

type RawResult = { client: string; seconds: number; requests: number; errors: number; perSecond: number; clientCpuPercent: number; targetCpuPercent?: number };

async function rawLoop(client: "node:http" | "undici", port: number, concurrency: number, seconds: number): Promise<RawResult> {
  const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
  let requests = 0;
  let errors = 0;
  const nodeHttp = () =>
    new Promise<void>((resolve) => {
      const request = http.request({ host: "127.0.0.1", port, path: "/raw", agent, headers: { connection: "close" } }, (response) => {
        response.resume();
        response.on("end", () => {
          requests++;
          resolve();
        });
        response.on("error", () => {
          errors++;
          resolve();
        });
      });
      request.on("error", () => {
        errors++;
        resolve();
      });
      request.end();
    });
  const undici = async () => {
    const c = new UndiciClient(`http://127.0.0.1:${port}`);
    try {
      const response = await c.request({ path: "/raw", method: "GET", reset: true });
      for await (const _chunk of response.body) {
        // drain
      }
      requests++;
    } catch {
      errors++;
    } finally {
      await c.destroy();
    }
  };
  const one = client === "node:http" ? nodeHttp : undici;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) await one();
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  agent.destroy();
  return { client, seconds: elapsed, requests, errors, perSecond: requests / elapsed, clientCpuPercent: ((cpu.user + cpu.system) / 1e6 / elapsed) * 100 };
}

// ---------------------------------------------------------------------------------------------
// Database activity classification

function queryKind(query: string): string {
  if (/WITH due AS/.test(query)) return "claim due monitors";
  if (/INSERT INTO "check"/.test(query)) return "insert checks";
  if (/UPDATE monitor m SET\s+state/.test(query)) return "update monitor states";
  if (/UPDATE "check" SET transient/.test(query)) return "mark transient";
  if (/UPDATE monitor SET "leaseOwner" = NULL/.test(query)) return "release leases";
  if (/INSERT INTO state_change/.test(query)) return "insert state changes";
  if (/incident/.test(query)) return "incident statements";
  if (/^\s*(BEGIN|COMMIT|ROLLBACK)/i.test(query)) return "BEGIN/COMMIT";
  return query.trim().slice(0, 40);
}

// ---------------------------------------------------------------------------------------------
// CPU profile summary

type ProfileNode = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] };
type CpuProfile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };

function profileArea(url: string, functionName: string): string {
  if (!url) return functionName.startsWith("(") ? functionName : "(native/v8)";
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1] === ".prisma" ? "@prisma/client (generated)" : modules[1];
  if (url.startsWith("node:")) {
    const name = url.replace(/^node:(internal\/)?/, "");
    return `node:${name.split("/")[0]}`;
  }
  const local = url.replace(/^file:\/\//, "").replace(`${ROOT}/`, "");
  if (local.startsWith("lib/generated/")) return "lib/generated (prisma client)";
  return local;
}

function summariseProfile(file: string) {
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const areas = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const { callFrame } = byId.get(id)!;
    const area = profileArea(callFrame.url, callFrame.functionName);
    areas.set(area, (areas.get(area) ?? 0) + us);
    const where = callFrame.url ? `${profileArea(callFrame.url, "")}:${callFrame.lineNumber + 1}` : "";
    const key = `${callFrame.functionName || "(anonymous)"} ${where}`.trim();
    functions.set(key, (functions.get(key) ?? 0) + us);
  }
  const top = (map: Map<string, number>, n: number) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, us]) => ({ name, ms: Math.round(us / 1000), percent: Number(((us / total) * 100).toFixed(1)) }));
  return { file: path.relative(ROOT, file), totalMs: Math.round(total / 1000), byArea: top(areas, 18), topFunctions: top(functions, 20) };
}

// ---------------------------------------------------------------------------------------------
// The run

const serverUrl = process.env.TEST_DATABASE_URL || "postgresql://postgres@127.0.0.1:5432/postgres";
const dbName = `hopwatch_bench_${randomBytes(4).toString("hex")}`;
const dbUrl = (() => {
  const url = new URL(serverUrl);
  url.pathname = `/${dbName}`;
  return url.toString();
})();

let target: Child | undefined;
let worker: Child | undefined;
let client: pg.Client | undefined;
let databaseCreated = false;
const profileDir = config.cpuProf ? mkdtempSync(path.join(os.tmpdir(), "hopwatch-cpuprof-")) : null;

async function cleanUp() {
  if (worker && worker.process.exitCode === null && worker.process.signalCode === null) {
    try {
      process.kill(-worker.process.pid!, "SIGKILL");
    } catch {
      // gone
    }
  }
  if (target && target.process.exitCode === null) target.process.kill("SIGTERM");
  await client?.end().catch(() => {});
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  if (databaseCreated && !flags["keep-db"]) {
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
  }
}

process.on("SIGINT", () => {
  console.error("\ninterrupted: cleaning up");
  void cleanUp().finally(() => process.exit(130));
});

async function main() {
  const loadBefore = os.loadavg();
  console.log(
    `Probe bench: ${fmt(config.monitors)} monitors every ${config.intervalSeconds} s (offered ${fmt(offeredPerSecond)} checks/s) for ${config.durationSeconds} s, ` +
      `probe concurrency ${config.probeConcurrency}, max active ${config.maxActiveMonitors}, flush ${config.flushIntervalMs} ms, pool ${config.poolSize}` +
      `${config.saturate ? " [saturation run]" : ""}`,
  );
  console.log(`Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, load average ${loadBefore.map((l) => l.toFixed(2)).join(" ")}, node ${process.version}`);

  // Database
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  const postgresVersion = (await admin.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0].v;
  await admin.query(`CREATE DATABASE ${dbName}`);
  databaseCreated = true;
  await admin.end();
  await applyMigrations(dbUrl);
  client = new pg.Client({ connectionString: dbUrl });
  await client.connect();
  const ownBackend = (await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0].pid;
  console.log(`Database ${dbName} on PostgreSQL ${postgresVersion}`);

  // Target
  target = start(process.execPath, ["--import", "tsx", "bench/target.ts", "--error-rate", String(config.errorRate), "--delay-ms", String(config.targetDelayMs)], process.env);
  const { port, pid: targetPid } = await waitForLine(target, (line) => json(line) as { port: number; pid: number } | undefined, "target");
  const targetStats = async () => (await (await fetch(`http://127.0.0.1:${port}/__stats`)).json()) as { requests: number; byStatus: Record<string, number> };

  // Raw ceiling (nothing else running)
  const raw: RawResult[] = [];
  if (config.rawSeconds > 0) {
    for (const kind of ["node:http", "undici"] as const) {
      const targetCpuBefore = procCpuTicks(targetPid) ?? 0;
      const result = await rawLoop(kind, port, config.probeConcurrency, config.rawSeconds);
      const targetCpu = (((procCpuTicks(targetPid) ?? 0) - targetCpuBefore) / CLOCK_TICKS / result.seconds) * 100;
      raw.push({ ...result, targetCpuPercent: Number(targetCpu.toFixed(1)) });
      console.log(
        `Raw ${kind.padEnd(9)} fresh connection per request, concurrency ${config.probeConcurrency}: ${fmt(result.perSecond)} req/s ` +
          `(${fmt(result.requests)} in ${result.seconds.toFixed(1)} s, ${result.errors} errors; client CPU ${fmt(result.clientCpuPercent)} %, target CPU ${fmt(targetCpu)} %)`,
      );
      await sleep(1000);
    }
  }
  const targetRequestsBeforeWorker = (await targetStats()).requests;

  // Worker
  const workerEnv: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: dbUrl,
    LOG_LEVEL: "info",
    HOPWATCH_PROBE_CONCURRENCY: String(config.probeConcurrency),
    HOPWATCH_MAX_ACTIVE_MONITORS: String(config.maxActiveMonitors),
    HOPWATCH_FLUSH_INTERVAL_MS: String(config.flushIntervalMs),
    DATABASE_POOL_SIZE: String(config.poolSize),
  };
  // As `npm run worker` starts it. Extra --node-args come after the --import of tsx, so they can
  // also adjust what tsx set up.
  const nodeArgs = [...(profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : []), "--import", "tsx", ...config.nodeArgs.split(/\s+/).filter(Boolean)];
  worker = start(process.execPath, [...nodeArgs, "scripts/worker.ts"], workerEnv, true);
  const started = await waitForLine(worker, (line) => {
    const entry = json(line);
    return entry?.msg === "scheduler started" ? (entry as { pid: number; owner: string }) : undefined;
  }, "worker");
  const workerPid = started.pid;

  // Seed: first slots spread over one interval, starting just after the insert.
  const base = new Date(Date.now() + 1500);
  const userId = `bench-${randomUUID()}`;
  await client.query(`INSERT INTO "user" (id, name, email, "updatedAt") VALUES ($1, 'Bench', $2, now())`, [userId, `${userId}@example.com`]);
  const ids = Array.from({ length: config.monitors }, () => randomUUID());
  const firstSlots = ids.map(() => initialRunAt(base, config.intervalSeconds));
  for (let i = 0; i < ids.length; i += 10_000) {
    const slice = ids.slice(i, i + 10_000);
    await client.query(
      `INSERT INTO monitor (id, "userId", name, url, "intervalSeconds", "timeoutSeconds", retries, "nextRunAt", "updatedAt")
       SELECT m.id, $1, 'bench ' || m.id, $2 || m.id, $3, $4, $5, m.next, now()
       FROM unnest($6::text[], $7::timestamptz[]) AS m(id, next)`,
      [userId, `http://127.0.0.1:${port}/m/`, config.intervalSeconds, config.timeoutSeconds, config.retries, slice, firstSlots.slice(i, i + 10_000)],
    );
  }
  const seededAt = Date.now();
  if (seededAt > base.getTime()) console.warn(`warning: seeding took until ${seededAt - base.getTime()} ms after the first slot`);
  await client.query("ANALYZE monitor");
  const { rows: stored } = await client.query<{ id: string; next: Date }>(`SELECT id, "nextRunAt" AS next FROM monitor`);
  const firstSlot = new Map(stored.map((row) => [row.id, row.next.getTime()]));
  console.log(`Worker pid ${workerPid} started; ${fmt(config.monitors)} monitors seeded, first slot at +0 s, running ${config.durationSeconds} s`);

  // Sampling
  type Sample = {
    t: number;
    rows: number;
    workerCpu: number;
    workerRssMb: number;
    targetCpu: number;
    pgCpu: number;
    benchCpu: number;
    /** Everything else on the machine (other users' processes, postgres background work), % of one core. */
    otherCpu: number;
    /** % of all cores. */
    machineBusy: number;
  };
  const samples: Sample[] = [];
  const activity = new Map<string, number>();
  let activitySamples = 0;
  const pgTicks = new Map<number, number>();
  let pgBackends: number[] = [];
  const stopAt = base.getTime() + config.durationSeconds * 1000;
  let previous = { t: Date.now(), worker: procCpuTicks(workerPid) ?? 0, target: procCpuTicks(targetPid) ?? 0, machine: machineCpu(), pg: 0, bench: process.cpuUsage() };
  let sampling = true;

  const backendsQuery = () =>
    client!.query<{ pid: number; state: string; query: string }>(
      `SELECT pid, state, query FROM pg_stat_activity WHERE datname = $1 AND pid <> $2 AND backend_type = 'client backend'`,
      [dbName, ownBackend],
    );
  pgBackends = (await backendsQuery()).rows.map((row) => row.pid);
  const activityLoop = (async () => {
    while (sampling) {
      const { rows } = await backendsQuery();
      pgBackends = rows.map((row) => row.pid);
      activitySamples++;
      for (const row of rows) {
        if (row.state === "idle") continue;
        const key = `${row.state === "active" ? "" : `${row.state}: `}${queryKind(row.query)}`;
        activity.set(key, (activity.get(key) ?? 0) + 1);
      }
      await sleep(200);
    }
  })();

  const pgCpuTicks = () => {
    let sum = 0;
    for (const pid of pgBackends) {
      const ticks = procCpuTicks(pid);
      if (ticks !== null) pgTicks.set(pid, ticks);
    }
    for (const ticks of pgTicks.values()) sum += ticks; // backends that ended keep their last value
    return sum;
  };
  previous.pg = pgCpuTicks();

  let lastProgressAt = base.getTime();
  let lastProgressRows = 0;
  let backlogAtStop = 0;
  while (Date.now() < stopAt) {
    await sleep(Math.min(1000, stopAt - Date.now()));
    const now = Date.now();
    const rows = Number((await client.query<{ n: string }>(`SELECT coalesce(max(id), 0) AS n FROM "check"`)).rows[0].n);
    const workerTicks = procCpuTicks(workerPid) ?? previous.worker;
    const targetTicks = procCpuTicks(targetPid) ?? previous.target;
    const pgNow = pgCpuTicks();
    const machine = machineCpu();
    const bench = process.cpuUsage();
    const seconds = (now - previous.t) / 1000;
    const cores = os.cpus().length;
    const machineBusy = ((machine.busy - previous.machine.busy) / Math.max(1, machine.total - previous.machine.total)) * 100;
    const sample: Sample = {
      t: Number(((now - base.getTime()) / 1000).toFixed(2)),
      rows,
      workerCpu: Number((((workerTicks - previous.worker) / CLOCK_TICKS / seconds) * 100).toFixed(1)),
      workerRssMb: Number((procRssMb(workerPid) ?? Number.NaN).toFixed(1)),
      targetCpu: Number((((targetTicks - previous.target) / CLOCK_TICKS / seconds) * 100).toFixed(1)),
      pgCpu: Number((((pgNow - previous.pg) / CLOCK_TICKS / seconds) * 100).toFixed(1)),
      benchCpu: Number((((bench.user - previous.bench.user + bench.system - previous.bench.system) / 1e6 / seconds) * 100).toFixed(1)),
      otherCpu: 0,
      machineBusy: Number(machineBusy.toFixed(1)),
    };
    sample.otherCpu = Number(Math.max(0, machineBusy * cores - sample.workerCpu - sample.targetCpu - sample.pgCpu - sample.benchCpu).toFixed(1));
    samples.push(sample);
    previous = { t: now, worker: workerTicks, target: targetTicks, machine, pg: pgNow, bench };
    if (now - lastProgressAt >= 9_900 || now >= stopAt) {
      const recent = samples.filter((s) => s.t * 1000 > lastProgressAt - base.getTime());
      const avg = (pick: (s: Sample) => number) => recent.reduce((sum, s) => sum + pick(s), 0) / Math.max(1, recent.length);
      const overdue = Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM monitor WHERE "nextRunAt" < now() - interval '2 seconds'`)).rows[0].n);
      console.log(
        `[${String(Math.round(sample.t)).padStart(4)} s] rows ${fmt(rows).padStart(9)}  +${fmt((rows - lastProgressRows) / ((now - lastProgressAt) / 1000)).padStart(5)}/s` +
          `  worker CPU ${fmt(avg((s) => s.workerCpu)).padStart(3)} %  RSS ${fmt(sample.workerRssMb)} MB  pg ${fmt(avg((s) => s.pgCpu)).padStart(3)} %` +
          `  target ${fmt(avg((s) => s.targetCpu)).padStart(3)} %  other ${fmt(avg((s) => s.otherCpu)).padStart(3)} %  machine ${fmt(avg((s) => s.machineBusy)).padStart(3)} % busy  overdue >2 s: ${fmt(overdue)}`,
      );
      lastProgressAt = now;
      lastProgressRows = rows;
      backlogAtStop = overdue;
    }
  }

  // Stop the worker gracefully: in-flight probes finish and every buffered result is written.
  const stoppedAt = Date.now();
  worker.process.kill("SIGTERM");
  const stopRequestedAt = Date.now();
  const exit = await Promise.race([worker.exited, sleep(180_000).then(() => null)]);
  const stopSeconds = (Date.now() - stopRequestedAt) / 1000;
  sampling = false;
  await activityLoop;
  if (!exit) throw new Error("worker did not stop within 180 s of SIGTERM");
  const stopLine = worker.lines.map(json).find((entry) => entry?.msg === "scheduler stopped") ?? {};
  const warnings = worker.lines.map(json).filter((entry) => entry && Number(entry.level) >= 40);
  const loadAfter = os.loadavg();

  // Analysis
  const { rows: checks } = await client.query<{ monitorId: string; t: number; attempt: number; errorKind: string }>(
    `SELECT "monitorId", (extract(epoch FROM "startedAt") * 1000)::float8 AS t, attempt, "errorKind"::text AS "errorKind" FROM "check"`,
  );
  const windowStart = base.getTime() + config.warmupSeconds * 1000;
  const windowEnd = stoppedAt;
  const windowSeconds = (windowEnd - windowStart) / 1000;
  const interval = config.intervalSeconds * 1000;
  const inWindow = checks.filter((check) => check.t >= windowStart && check.t < windowEnd);
  const lags: number[] = [];
  const scheduledPerMonitor = new Map<string, number>();
  const errorKinds: Record<string, number> = {};
  for (const check of checks) {
    errorKinds[check.errorKind] = (errorKinds[check.errorKind] ?? 0) + 1;
    if (check.attempt !== 1) continue;
    scheduledPerMonitor.set(check.monitorId, (scheduledPerMonitor.get(check.monitorId) ?? 0) + 1);
    if (check.t < windowStart || check.t >= windowEnd) continue;
    const s0 = firstSlot.get(check.monitorId)!;
    const slot = s0 + Math.max(0, Math.floor((check.t - s0) / interval)) * interval;
    lags.push(check.t - slot);
  }
  lags.sort((a, b) => a - b);
  // Two scheduled probes of one monitor less than half an interval apart: a slot probed twice
  // (e.g. a lease that expired while the claim was still queued for a probe slot).
  let duplicateProbes = 0;
  const scheduledTimes = new Map<string, number[]>();
  for (const check of checks) {
    if (check.attempt !== 1) continue;
    let list = scheduledTimes.get(check.monitorId);
    if (!list) scheduledTimes.set(check.monitorId, (list = []));
    list.push(check.t);
  }
  for (const list of scheduledTimes.values()) {
    list.sort((a, b) => a - b);
    for (let i = 1; i < list.length; i++) if (list[i] - list[i - 1] < interval / 2) duplicateProbes++;
  }
  let dueSlots = 0;
  let missedSlots = 0;
  for (const [id, s0] of firstSlot) {
    // Slots due at least 2 s before the stop: claimed for sure by a worker that keeps up.
    const due = s0 <= stoppedAt - 2000 ? Math.floor((stoppedAt - 2000 - s0) / interval) + 1 : 0;
    dueSlots += due;
    missedSlots += Math.max(0, due - (scheduledPerMonitor.get(id) ?? 0));
  }
  const sampleAt = (t: number) => samples.reduce((best, s) => (Math.abs(s.t * 1000 - t) < Math.abs(best.t * 1000 - t) ? s : best), samples[0]);
  const rowsFrom = sampleAt(windowStart - base.getTime());
  const rowsTo = samples[samples.length - 1];
  const steady = samples.filter((s) => s.t * 1000 >= windowStart - base.getTime());
  const mean = (pick: (s: Sample) => number) => steady.reduce((sum, s) => sum + pick(s), 0) / Math.max(1, steady.length);
  const max = (pick: (s: Sample) => number) => Math.max(...steady.map(pick));
  const checksPerSecond = inWindow.length / windowSeconds;
  const rowsPerSecond = (rowsTo.rows - rowsFrom.rows) / (rowsTo.t - rowsFrom.t);
  const rawHttp = raw.find((r) => r.client === "node:http");
  const rawUndici = raw.find((r) => r.client === "undici");
  const targetAfter = await targetStats();
  const targetRequests = targetAfter.requests - targetRequestsBeforeWorker;
  const activityShare = [...activity.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([kind, count]) => ({ kind, averageActiveBackends: Number((count / Math.max(1, activitySamples)).toFixed(3)) }));

  let profile: ReturnType<typeof summariseProfile> | null = null;
  if (profileDir) {
    const file = readdirSync(profileDir).find((name) => name.includes(`.${workerPid}.`));
    if (file) {
      const kept = path.join(os.tmpdir(), `hopwatch-worker-${new Date().toISOString().replace(/[:.]/g, "-")}.cpuprofile`);
      writeFileSync(kept, readFileSync(path.join(profileDir, file)));
      profile = summariseProfile(kept);
      profile.file = kept;
    }
    rmSync(profileDir, { recursive: true, force: true });
  }

  const result = {
    benchmark: "probes",
    startedAt: new Date(base.getTime()).toISOString(),
    command: `npm run bench:probes -- ${process.argv.slice(2).join(" ")}`.trim(),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.version, postgres: postgresVersion, loadAverageBefore: loadBefore, loadAverageAfter: loadAfter },
    config: { ...config, offeredChecksPerSecond: Number(offeredPerSecond.toFixed(1)) },
    worker: {
      exit,
      secondsToStopAfterSigterm: Number(stopSeconds.toFixed(1)),
      claimed: stopLine.claimed ?? null,
      completed: stopLine.completed ?? null,
      returnedAtStop: stopLine.returned ?? null,
      warnings: warnings.length,
      firstWarnings: warnings.slice(0, 3).map((w) => w?.msg),
    },
    results: {
      steadyWindowSeconds: Number(windowSeconds.toFixed(1)),
      checksPerSecond: Number(checksPerSecond.toFixed(1)),
      rowsWrittenPerSecond: Number(rowsPerSecond.toFixed(1)),
      checksTotal: checks.length,
      targetRequestsDuringRun: targetRequests,
      errorKinds,
      scheduleLagMs: {
        count: lags.length,
        p50: Math.round(percentile(lags, 50)),
        p90: Math.round(percentile(lags, 90)),
        p99: Math.round(percentile(lags, 99)),
        max: Math.round(lags[lags.length - 1] ?? Number.NaN),
      },
      dueSlots,
      missedSlots,
      duplicateProbes,
      overdueMonitorsAtStop: backlogAtStop,
      workerCpuPercent: { mean: Number(mean((s) => s.workerCpu).toFixed(1)), max: max((s) => s.workerCpu) },
      workerRssMb: { mean: Number(mean((s) => s.workerRssMb).toFixed(1)), max: max((s) => s.workerRssMb) },
      targetCpuPercentMean: Number(mean((s) => s.targetCpu).toFixed(1)),
      postgresBackendsCpuPercentMean: Number(mean((s) => s.pgCpu).toFixed(1)),
      benchProcessCpuPercentMean: Number(mean((s) => s.benchCpu).toFixed(1)),
      otherProcessesCpuPercentMean: Number(mean((s) => s.otherCpu).toFixed(1)),
      machineBusyPercentMean: Number(mean((s) => s.machineBusy).toFixed(1)),
      workerCpuMsPerCheck: Number(((mean((s) => s.workerCpu) * 10) / checksPerSecond).toFixed(3)),
      databaseActivity: activityShare,
      raw,
      ratioToRawNodeHttp: rawHttp ? Number((checksPerSecond / rawHttp.perSecond).toFixed(3)) : null,
      ratioToRawUndici: rawUndici ? Number((checksPerSecond / rawUndici.perSecond).toFixed(3)) : null,
    },
    targets: {
      checksPerSecondAtLeast1000: config.saturate || offeredPerSecond >= 1000 ? checksPerSecond >= 1000 : null,
      lagP99Under1s: config.saturate ? null : percentile(lags, 99) < 1000,
    },
    profile,
    samples,
  };

  // Report
  const rows: Array<[string, string]> = [
    ["offered load", `${fmt(offeredPerSecond)} checks/s (${fmt(config.monitors)} monitors / ${config.intervalSeconds} s)`],
    ["steady-state window", `${fmt(windowSeconds, 1)} s (after ${config.warmupSeconds} s warm-up)`],
    ["checks/s sustained", `${fmt(checksPerSecond, 1)}`],
    ["rows written/s", `${fmt(rowsPerSecond, 1)}`],
    ["checks stored / target requests", `${fmt(checks.length)} / ${fmt(targetRequests)}`],
    ["error kinds", Object.entries(errorKinds).map(([k, v]) => `${k} ${fmt(v)}`).join(", ")],
    ["schedule lag p50 / p90 / p99 / max", `${fmt(result.results.scheduleLagMs.p50)} / ${fmt(result.results.scheduleLagMs.p90)} / ${fmt(result.results.scheduleLagMs.p99)} / ${fmt(result.results.scheduleLagMs.max)} ms (${fmt(lags.length)} scheduled checks)`],
    ["missed slots", `${fmt(missedSlots)} of ${fmt(dueSlots)} due`],
    ["duplicate probes (< interval/2 apart)", `${fmt(duplicateProbes)}`],
    ["monitors overdue > 2 s at stop", `${fmt(backlogAtStop)}`],
    ["worker CPU mean / max", `${fmt(result.results.workerCpuPercent.mean)} % / ${fmt(result.results.workerCpuPercent.max)} % of one core (${fmt(result.results.workerCpuMsPerCheck, 2)} ms CPU per check)`],
    ["worker RSS mean / max", `${fmt(result.results.workerRssMb.mean)} / ${fmt(result.results.workerRssMb.max)} MB`],
    ["postgres backends CPU mean", `${fmt(result.results.postgresBackendsCpuPercentMean)} %`],
    ["target CPU mean", `${fmt(result.results.targetCpuPercentMean)} %`],
    ["bench process / other processes CPU", `${fmt(result.results.benchProcessCpuPercentMean)} % / ${fmt(result.results.otherProcessesCpuPercentMean)} % (other = not worker, target, bench or its pg backends)`],
    ["machine busy mean", `${fmt(result.results.machineBusyPercentMean)} % of ${os.cpus().length} cores`],
    ["db activity (avg active backends)", activityShare.slice(0, 5).map((a) => `${a.kind} ${a.averageActiveBackends}`).join("; ") || "none"],
    ...raw.map((r): [string, string] => [`raw ${r.client} req/s`, `${fmt(r.perSecond)} (client CPU ${fmt(r.clientCpuPercent)} %)`]),
    ["ratio checks/s ÷ raw node:http", rawHttp ? `${fmt(checksPerSecond / rawHttp.perSecond, 3)}` : "n/a"],
    ["ratio checks/s ÷ raw undici", rawUndici ? `${fmt(checksPerSecond / rawUndici.perSecond, 3)}` : "n/a"],
    ["worker claimed / completed / returned", `${stopLine.claimed ?? "?"} / ${stopLine.completed ?? "?"} / ${stopLine.returned ?? "?"} (returned: claimed ahead, given back at stop; exit ${exit.code ?? exit.signal} ${fmt(stopSeconds, 1)} s after SIGTERM, ${warnings.length} warnings)`],
    ["target ≥ 1,000 checks/s", result.targets.checksPerSecondAtLeast1000 === null ? "n/a (offered load < 1,000/s)" : result.targets.checksPerSecondAtLeast1000 ? "MET" : "MISSED"],
    ["target lag p99 < 1 s", result.targets.lagP99Under1s === null ? "n/a (saturation run)" : result.targets.lagP99Under1s ? "MET" : "MISSED"],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log(`\n${"─".repeat(width + 60)}`);
  for (const [key, value] of rows) console.log(`${key.padEnd(width)}  ${value}`);
  console.log("─".repeat(width + 60));
  if (profile) {
    console.log(`\nWorker CPU profile (${fmt(profile.totalMs)} ms sampled; ${profile.file}) — self time by area:`);
    for (const area of profile.byArea) console.log(`  ${String(area.percent).padStart(5)} %  ${area.name}`);
    console.log("Top functions by self time:");
    for (const fn of profile.topFunctions.slice(0, 12)) console.log(`  ${String(fn.percent).padStart(5)} %  ${fn.name}`);
  }

  const resultsDir = path.join(ROOT, "bench/results");
  mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, `probes-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\nWrote ${path.relative(ROOT, file)}`);
  return existsSync(file);
}

try {
  await main();
  await cleanUp();
  process.exit(0);
} catch (error) {
  console.error(error);
  await cleanUp().catch(() => {});
  process.exit(1);
}
