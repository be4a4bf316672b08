// Two real worker processes (as `npm run worker`: node --import tsx scripts/worker.ts) sharing one PostgreSQL database and 200
// monitors that point at a loopback target in this process. The target records every request,
// so the test sees what the outside world sees: how often each monitor was probed, whether two
// probes of one monitor ever overlapped, and whether every probe became exactly one check row.
// The second test SIGKILLs one worker mid-run and checks that its leases expire and the other
// worker takes its monitors over within interval + lease.
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import readline from "node:readline";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { initialRunAt } from "@/lib/scheduler/policy";
import { createTestDatabase, postgresIsReachable, type TestDatabase } from "../helpers/postgres";

const postgresAvailable = process.env.CI ? true : await postgresIsReachable();

const ROOT = path.resolve(import.meta.dirname, "../..");
const MONITORS = 200;
const INTERVAL_S = 10;
const TIMEOUT_S = 2;
const RETRIES = 0;
// claim.ts: timeout × (retries + 1) + retries × max(1, interval / 4) + 10 s of slack = 12 s here.
const LEASE_S = TIMEOUT_S * (RETRIES + 1) + RETRIES * Math.max(1, Math.floor(INTERVAL_S / 4)) + 10;
// A due slot is claimed ahead of time and started at its time, but a lease that expires is noticed
// only by the next claim round (every 250 ms). Plus claim/probe latency on 2 shared cores.
const TICK_SLACK_MS = 1_000;
const FLUSH_INTERVAL_MS = 1_000; // the worker default (HOPWATCH_FLUSH_INTERVAL_MS)

// ---- the target: records each request per monitor ----

type RequestRecord = { start: number; end: number };

type Target = {
  url: (monitorId: string) => string;
  requests: Map<string, RequestRecord[]>;
  maxInFlight: Map<string, number>;
  unknownPaths: number;
  close: () => Promise<void>;
};

async function startTarget(): Promise<Target> {
  const requests = new Map<string, RequestRecord[]>();
  const inFlight = new Map<string, number>();
  const maxInFlight = new Map<string, number>();
  const target = { requests, maxInFlight, unknownPaths: 0 } as Target;
  const server = http.createServer((request, response) => {
    const match = /^\/m\/([^/?]+)$/.exec(request.url ?? "");
    if (!match) {
      target.unknownPaths++;
      response.writeHead(404).end();
      return;
    }
    const id = match[1];
    const record: RequestRecord = { start: Date.now(), end: Number.NaN };
    let list = requests.get(id);
    if (!list) requests.set(id, (list = []));
    list.push(record);
    const now = (inFlight.get(id) ?? 0) + 1;
    inFlight.set(id, now);
    maxInFlight.set(id, Math.max(maxInFlight.get(id) ?? 0, now));
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      record.end = Date.now();
      inFlight.set(id, inFlight.get(id)! - 1);
    };
    // A response that takes a while (well under the 2 s timeout) keeps each probe in flight long
    // enough for an overlapping second probe of the same monitor to be seen, and gives a killed
    // worker real in-flight work.
    const timer = setTimeout(() => response.writeHead(200, { "content-type": "text/plain" }).end("ok"), 100 + Math.floor(Math.random() * 500));
    response.on("close", () => {
      clearTimeout(timer);
      finish();
    });
  });
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  target.url = (id) => `http://127.0.0.1:${port}/m/${id}`;
  target.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return target;
}

// ---- worker processes ----

type LogLine = { level: number; msg: string; pid: number; [key: string]: unknown };

type Worker = {
  child: ChildProcess;
  logs: LogLine[];
  stderr: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The scheduler's lease owner id (hostname:pid:uuid) once it started. */
  owner: () => string | undefined;
};

const spawned: Worker[] = [];

function spawnWorker(databaseUrl: string): Worker {
  // Own process group, so that the afterAll clean-up reaches anything the worker started too.
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/worker.ts"], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: "info" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const logs: LogLine[] = [];
  const stderr: string[] = [];
  readline.createInterface({ input: child.stdout! }).on("line", (line) => {
    try {
      logs.push(JSON.parse(line) as LogLine);
    } catch {
      stderr.push(line);
    }
  });
  readline.createInterface({ input: child.stderr! }).on("line", (line) => stderr.push(line));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  const worker: Worker = {
    child,
    logs,
    stderr,
    exited,
    owner: () => logs.find((line) => line.msg === "scheduler started")?.owner as string | undefined,
  };
  spawned.push(worker);
  return worker;
}

async function waitForStart(worker: Worker, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!worker.owner()) {
    if (worker.child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`worker did not start: ${[...worker.stderr, ...worker.logs.map((line) => JSON.stringify(line))].join("\n")}`);
    }
    await sleep(100);
  }
}

function killGroup(worker: Worker, signal: NodeJS.Signals): void {
  try {
    process.kill(-worker.child.pid!, signal);
  } catch {
    // already gone
  }
}

/** Of the monitors it claimed, a worker runs each to completion or, at its stop, returns it unstarted. */
function stoppedStats(worker: Worker): { claimed: number; returned: number; completed: number } | undefined {
  const line = worker.logs.find((entry) => entry.msg === "scheduler stopped");
  return line ? { claimed: Number(line.claimed), returned: Number(line.returned), completed: Number(line.completed) } : undefined;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const sleepUntil = (at: number) => sleep(Math.max(0, at - Date.now()));

// ---- database helpers ----

async function seedMonitors(client: pg.Client, target: Target, base: Date): Promise<Map<string, number>> {
  const userId = `workers-${randomUUID()}`;
  await client.query(`INSERT INTO "user" (id, name, email, "updatedAt") VALUES ($1, 'Workers', $2, now())`, [userId, `${userId}@example.com`]);
  const ids = Array.from({ length: MONITORS }, () => randomUUID());
  const firstSlots = ids.map(() => initialRunAt(base, INTERVAL_S));
  await client.query(
    `INSERT INTO monitor (id, "userId", name, url, "intervalSeconds", "timeoutSeconds", retries, "nextRunAt", "updatedAt")
     SELECT m.id, $1, 'm-' || m.id, m.url, $2, $3, $4, m.next, now()
     FROM unnest($5::text[], $6::text[], $7::timestamptz[]) AS m(id, url, next)`,
    [userId, INTERVAL_S, TIMEOUT_S, RETRIES, ids, ids.map((id) => target.url(id)), firstSlots],
  );
  // Read back what was stored (timestamptz(3) rounds to the millisecond).
  const { rows } = await client.query<{ id: string; nextRunAt: Date }>(`SELECT id, "nextRunAt" FROM monitor`);
  return new Map(rows.map((row) => [row.id, row.nextRunAt.getTime()]));
}

/** Samples which worker holds leases, a few times a second, until stopped. */
function sampleLeases(client: pg.Client) {
  const seen = new Map<string, number>();
  let running = true;
  const loop = (async () => {
    while (running) {
      const { rows } = await client.query<{ owner: string; n: number }>(
        `SELECT "leaseOwner" AS owner, count(*)::int AS n FROM monitor WHERE "leaseOwner" IS NOT NULL GROUP BY 1`,
      );
      for (const row of rows) seen.set(row.owner, (seen.get(row.owner) ?? 0) + row.n);
      await sleep(200);
    }
  })();
  return {
    seen,
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

async function checkStarts(client: pg.Client): Promise<Map<string, number[]>> {
  const { rows } = await client.query<{ monitorId: string; startedAt: Date }>(`SELECT "monitorId", "startedAt" FROM "check" ORDER BY "startedAt"`);
  const byMonitor = new Map<string, number[]>();
  for (const row of rows) {
    let list = byMonitor.get(row.monitorId);
    if (!list) byMonitor.set(row.monitorId, (list = []));
    list.push(row.startedAt.getTime());
  }
  return byMonitor;
}

/**
 * Pairs each check row with the request it produced: the probe's startedAt is taken just before
 * it connects, so the request reaches the target a few ms later. Probes of one monitor are
 * ~10 s apart, so the pairing is unambiguous.
 */
function pairChecks(requests: RequestRecord[], checks: number[]) {
  const MAX_SKEW_MS = 1_000;
  const unmatchedRequests: RequestRecord[] = [];
  const used = new Set<number>();
  for (const request of requests) {
    const index = checks.findIndex((startedAt, i) => !used.has(i) && request.start - startedAt >= -5 && request.start - startedAt <= MAX_SKEW_MS);
    if (index === -1) unmatchedRequests.push(request);
    else used.add(index);
  }
  const unmatchedChecks = checks.filter((_startedAt, i) => !used.has(i));
  return { unmatchedRequests, unmatchedChecks };
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : Number.NaN;
};

// ---- the tests ----

describe.skipIf(!postgresAvailable)("worker processes", () => {
  const databases: TestDatabase[] = [];
  const clients: pg.Client[] = [];
  const targets: Target[] = [];

  afterAll(async () => {
    for (const worker of spawned) if (worker.child.exitCode === null && worker.child.signalCode === null) killGroup(worker, "SIGKILL");
    await Promise.all(spawned.map((worker) => worker.exited));
    await Promise.all(clients.map((client) => client.end().catch(() => {})));
    await Promise.all(targets.map((target) => target.close()));
    await Promise.all(databases.map((database) => database.drop()));
  }, 30_000);

  async function setUp() {
    const database = await createTestDatabase();
    databases.push(database);
    const target = await startTarget();
    targets.push(target);
    // Both workers apply the migrations (serialised by an advisory lock) before they start.
    const workers = [spawnWorker(database.url), spawnWorker(database.url)];
    await Promise.all(workers.map((worker) => waitForStart(worker)));
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    clients.push(client);
    return { target, workers, client };
  }

  it(
    "two workers share 200 monitors: each probed on schedule, never twice at once, every probe stored once",
    async () => {
      const RUN_MS = 60_000;
      const { target, workers, client } = await setUp();
      const base = new Date();
      const firstSlot = await seedMonitors(client, target, base);
      const leases = sampleLeases(client);

      await sleepUntil(base.getTime() + RUN_MS);
      const stopAt = Date.now();
      for (const worker of workers) worker.child.kill("SIGTERM");
      const exits = await Promise.all(workers.map((worker) => worker.exited));
      await leases.stop();
      expect(exits, workers.map((worker) => worker.stderr.join("\n")).join("\n---\n")).toEqual([
        { code: 0, signal: null },
        { code: 0, signal: null },
      ]);

      const checks = await checkStarts(client);
      expect(target.unknownPaths).toBe(0);
      let totalRequests = 0;
      let totalChecks = 0;
      let maxConcurrency = 0;
      const lags: number[] = [];
      const countProblems: string[] = [];
      const pairingProblems: string[] = [];
      const minGapMs = { value: Number.POSITIVE_INFINITY };
      for (const [id, first] of firstSlot) {
        const requests = target.requests.get(id) ?? [];
        const rows = checks.get(id) ?? [];
        totalRequests += requests.length;
        totalChecks += rows.length;
        maxConcurrency = Math.max(maxConcurrency, target.maxInFlight.get(id) ?? 0);
        // Slots are first, first + 10 s, …: nextRunAt advances by exactly one interval per run.
        const slots: number[] = [];
        for (let slot = first; slot < stopAt; slot += INTERVAL_S * 1000) slots.push(slot);
        // A slot due in the last tick before SIGTERM may not have been claimed yet.
        const certain = slots.filter((slot) => slot < stopAt - TICK_SLACK_MS - 1_000).length;
        if (requests.length < certain || requests.length > slots.length) countProblems.push(`${id}: ${requests.length} probes, expected ${certain}..${slots.length}`);
        requests.forEach((request, i) => {
          if (i < slots.length) lags.push(request.start - slots[i]);
          if (i > 0) minGapMs.value = Math.min(minGapMs.value, request.start - requests[i - 1].start);
        });
        const { unmatchedRequests, unmatchedChecks } = pairChecks(requests, rows);
        if (unmatchedRequests.length || unmatchedChecks.length || rows.length !== requests.length) {
          pairingProblems.push(`${id}: ${requests.length} requests, ${rows.length} checks, ${unmatchedRequests.length} requests without a check, ${unmatchedChecks.length} checks without a request`);
        }
      }
      const stats = workers.map(stoppedStats);
      const owners = workers.map((worker) => worker.owner()!);
      const leaseSamples = owners.map((owner) => leases.seen.get(owner) ?? 0);
      console.log(
        `[workers] 2 workers, ${MONITORS} monitors, ${((stopAt - base.getTime()) / 1000).toFixed(1)} s: ` +
          `${totalRequests} requests, ${totalChecks} checks, per-worker claimed/returned ${stats.map((s) => `${s?.claimed}/${s?.returned}`).join(", ")} ` +
          `(lease samples ${leaseSamples.join("/")}), max concurrency per monitor ${maxConcurrency}, ` +
          `slot→request lag p50 ${percentile(lags, 50)} ms p99 ${percentile(lags, 99)} max ${Math.max(...lags)} ms, ` +
          `min gap between probes of a monitor ${minGapMs.value} ms`,
      );

      expect(countProblems).toEqual([]);
      expect(maxConcurrency).toBe(1);
      expect(pairingProblems).toEqual([]);
      expect(totalChecks).toBe(totalRequests);
      // No probe before its slot (clock is shared), none much later than a tick after it.
      expect(Math.min(...lags)).toBeGreaterThanOrEqual(-5);
      expect(Math.max(...lags)).toBeLessThan(TICK_SLACK_MS + 2_000);
      // Both workers did work, and between them exactly what the target saw.
      expect(stats.every((s) => s !== undefined && s.claimed > 0 && s.completed + s.returned === s.claimed)).toBe(true);
      expect(stats.reduce((sum, s) => sum + s!.completed, 0)).toBe(totalRequests);
      expect(leaseSamples.every((n) => n > 0)).toBe(true);
      // A graceful stop leaves no lease behind.
      const { rows: leased } = await client.query(`SELECT count(*)::int AS n FROM monitor WHERE "leaseOwner" IS NOT NULL`);
      expect(leased[0].n).toBe(0);
    },
    150_000,
  );

  it(
    "after one worker is SIGKILLed, the other takes its monitors over within interval + lease, still never twice at once",
    async () => {
      const KILL_AFTER_MS = 15_000;
      const RUN_MS = 50_000; // ≥ kill + interval + lease + a full interval more
      const { target, workers, client } = await setUp();
      const base = new Date();
      const firstSlot = await seedMonitors(client, target, base);
      const leases = sampleLeases(client);

      await sleepUntil(base.getTime() + KILL_AFTER_MS);
      // Kill a worker while it holds leases (claimed work not yet written back): the one holding the
      // most right now (its results are buffered for up to ~1 s after a probe).
      let victimIndex = -1;
      for (let attempt = 0; victimIndex === -1 && attempt < 10; attempt++) {
        if (attempt > 0) await sleep(200);
        const { rows } = await client.query<{ owner: string }>(
          `SELECT "leaseOwner" AS owner FROM monitor WHERE "leaseOwner" IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`,
        );
        victimIndex = rows.length ? workers.findIndex((worker) => worker.owner() === rows[0].owner) : -1;
      }
      expect(victimIndex).toBeGreaterThanOrEqual(0);
      const victim = workers[victimIndex];
      const survivor = workers[1 - victimIndex];
      const killAt = Date.now();
      killGroup(victim, "SIGKILL");
      const victimExit = await victim.exited;
      const { rows: stranded } = await client.query(`SELECT count(*)::int AS n FROM monitor WHERE "leaseOwner" = $1`, [victim.owner()]);

      await sleepUntil(base.getTime() + RUN_MS);
      const stopAt = Date.now();
      survivor.child.kill("SIGTERM");
      const survivorExit = await survivor.exited;
      await leases.stop();
      expect(victimExit.signal).toBe("SIGKILL");
      expect(survivorExit, survivor.stderr.join("\n")).toEqual({ code: 0, signal: null });

      const checks = await checkStarts(client);
      expect(target.unknownPaths).toBe(0);
      // What the victim may have lost: results buffered since its last flush, and probes in flight.
      const lossWindowStart = killAt - FLUSH_INTERVAL_MS - TIMEOUT_S * 1000 - 500;
      const maxAllowedGapMs = (INTERVAL_S + LEASE_S) * 1000 + 2 * TICK_SLACK_MS + 500;
      let totalRequests = 0;
      let totalChecks = 0;
      let maxConcurrency = 0;
      let maxGap = 0;
      let requestsInLossWindow = 0;
      const lost: RequestRecord[] = [];
      const problems: string[] = [];
      for (const [id, first] of firstSlot) {
        const requests = target.requests.get(id) ?? [];
        const rows = checks.get(id) ?? [];
        totalRequests += requests.length;
        totalChecks += rows.length;
        maxConcurrency = Math.max(maxConcurrency, target.maxInFlight.get(id) ?? 0);
        requestsInLossWindow += requests.filter((request) => request.start >= lossWindowStart && request.start <= killAt).length;
        if (requests.length === 0) {
          problems.push(`${id}: never probed`);
          continue;
        }
        // Gaps: first slot → first probe, probe → probe, last probe → stop.
        const times = [first, ...requests.map((request) => request.start), stopAt];
        for (let i = 1; i < times.length; i++) maxGap = Math.max(maxGap, times[i] - times[i - 1]);
        if (times[1] - first > TICK_SLACK_MS + 2_000) problems.push(`${id}: first probe ${times[1] - first} ms after its slot`);
        // Probed again after the takeover window: the monitor did not get stuck.
        if (!requests.some((request) => request.start > killAt + (LEASE_S * 1000 + TICK_SLACK_MS))) problems.push(`${id}: not probed after the takeover`);
        const { unmatchedRequests, unmatchedChecks } = pairChecks(requests, rows);
        if (unmatchedChecks.length) problems.push(`${id}: ${unmatchedChecks.length} checks without a request (duplicate or phantom)`);
        for (const request of unmatchedRequests) {
          lost.push(request);
          if (request.start < lossWindowStart || request.start > killAt) problems.push(`${id}: request at kill${request.start - killAt >= 0 ? "+" : ""}${request.start - killAt} ms has no check row`);
        }
      }
      const survivorStats = stoppedStats(survivor);
      console.log(
        `[workers:kill -9] killed 1 of 2 workers at ${((killAt - base.getTime()) / 1000).toFixed(1)} s, stopped at ${((stopAt - base.getTime()) / 1000).toFixed(1)} s: ` +
          `${totalRequests} requests, ${totalChecks} checks, ${lost.length} probes lost with the killed worker ` +
          `(bound: ${requestsInLossWindow} requests in its last ${((killAt - lossWindowStart) / 1000).toFixed(1)} s; lost probes started kill${Math.min(...lost.map((r) => r.start - killAt))}..${Math.max(...lost.map((r) => r.start - killAt))} ms), ` +
          `${stranded[0].n} leases stranded at kill, survivor claimed ${survivorStats?.claimed}, ` +
          `max concurrency per monitor ${maxConcurrency}, max gap ${(maxGap / 1000).toFixed(2)} s (allowed ${(maxAllowedGapMs / 1000).toFixed(1)} s = interval ${INTERVAL_S} + lease ${LEASE_S} + tick slack)`,
      );

      expect(problems).toEqual([]);
      expect(maxConcurrency).toBe(1);
      expect(maxGap).toBeLessThanOrEqual(maxAllowedGapMs);
      expect(totalChecks).toBe(totalRequests - lost.length);
      expect(lost.length).toBeLessThanOrEqual(requestsInLossWindow);
      expect(stranded[0].n).toBeGreaterThan(0); // the victim had work when it died
      expect((leases.seen.get(victim.owner()!) ?? 0) > 0 && (leases.seen.get(survivor.owner()!) ?? 0) > 0).toBe(true);
      // Every stranded lease was taken over: after the survivor's graceful stop none is left.
      const { rows: leased } = await client.query(`SELECT count(*)::int AS n FROM monitor WHERE "leaseOwner" IS NOT NULL`);
      expect(leased[0].n).toBe(0);
    },
    120_000,
  );
});
