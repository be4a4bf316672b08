// Real worker processes (as `npm run worker`: node --import tsx scripts/worker.ts) against a
// PostgreSQL test database, monitors seeded straight into it, and a loopback target that records
// every request it gets — what the outside world sees of the probes. Shared by the workers
// integration test and the fault scripts (tests/faults/).
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import readline from "node:readline";
import type pg from "pg";
import { initialRunAt } from "@/lib/scheduler/policy";

const ROOT = path.resolve(import.meta.dirname, "../..");

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
export const sleepUntil = (at: number) => sleep(Math.max(0, at - Date.now()));

export const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : Number.NaN;
};

/** The lease of a claimed run (lib/scheduler/claim.ts): every attempt timing out, every confirmation pause, 10 s of slack. */
export function leaseSeconds(monitor: { timeoutSeconds: number; retries: number; intervalSeconds: number }): number {
  return monitor.timeoutSeconds * (monitor.retries + 1) + monitor.retries * Math.max(1, Math.floor(monitor.intervalSeconds / 4)) + 10;
}

// ---- the target: records each request per monitor ----

export type RequestRecord = { start: number; end: number };

/** How the target answers one request: a status after a delay, or never (the probe times out). */
export type TargetAnswer = { status: 200 | 502; delayMs: number } | "hang";

/**
 * A response that takes a while (well under a 2 s timeout) keeps each probe in flight long enough
 * for an overlapping second probe of the same monitor to be seen, and gives a killed worker real
 * in-flight work.
 */
export const slowOk = (): TargetAnswer => ({ status: 200, delayMs: 100 + Math.floor(Math.random() * 500) });

const BAD_GATEWAY_PAGE = "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx/1.24.0</center></body></html>";

export type Target = {
  url: (monitorId: string) => string;
  requests: Map<string, RequestRecord[]>;
  maxInFlight: Map<string, number>;
  unknownPaths: number;
  close: () => Promise<void>;
};

export async function startTarget(answer: (monitorId: string) => TargetAnswer = slowOk): Promise<Target> {
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
    const planned = answer(id);
    const timer =
      planned === "hang"
        ? undefined
        : setTimeout(() => {
            if (planned.status === 200) response.writeHead(200, { "content-type": "text/plain" }).end("ok");
            else response.writeHead(502, { server: "nginx/1.24.0", "content-type": "text/html" }).end(BAD_GATEWAY_PAGE);
          }, planned.delayMs);
    response.on("close", () => {
      clearTimeout(timer);
      finish();
    });
  });
  server.keepAliveTimeout = 1_000;
  server.on("clientError", (_error, socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen({ port: 0, host: "127.0.0.1", backlog: 4096 }, resolve));
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

export type LogLine = { level: number; msg: string; pid: number; time: number; [key: string]: unknown };

export type Worker = {
  child: ChildProcess;
  logs: LogLine[];
  stderr: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The scheduler's lease owner id (hostname:pid:uuid) once it started. */
  owner: () => string | undefined;
};

const spawned: Worker[] = [];

export function spawnWorker(databaseUrl: string, env: Record<string, string> = {}): Worker {
  // Own process group, so that the clean-up reaches anything the worker started too.
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/worker.ts"], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: "info", ...env },
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

export async function waitForStart(worker: Worker, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!worker.owner()) {
    if (worker.child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`worker did not start: ${[...worker.stderr, ...worker.logs.map((line) => JSON.stringify(line))].join("\n")}`);
    }
    await sleep(100);
  }
}

export function killGroup(worker: Worker, signal: NodeJS.Signals): void {
  try {
    process.kill(-worker.child.pid!, signal);
  } catch {
    // already gone
  }
}

/** SIGKILLs every worker spawned here that is still running, and waits until all are gone. */
export async function killAllWorkers(): Promise<void> {
  for (const worker of spawned) if (worker.child.exitCode === null && worker.child.signalCode === null) killGroup(worker, "SIGKILL");
  await Promise.all(spawned.map((worker) => worker.exited));
}

/** Of the monitors it claimed, a worker runs each to completion or, at its stop, returns it unstarted. */
export function stoppedStats(worker: Worker): { claimed: number; returned: number; completed: number } | undefined {
  const line = worker.logs.find((entry) => entry.msg === "scheduler stopped");
  return line ? { claimed: Number(line.claimed), returned: Number(line.returned), completed: Number(line.completed) } : undefined;
}

/** Resident memory of a running process, in MB (Linux /proc). */
export function rssMb(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

// ---- database helpers ----

export type MonitorSeed = { count: number; intervalSeconds: number; timeoutSeconds: number; retries: number; url: (monitorId: string) => string };

/** Seeds monitors of a new user, first due over one interval from `base`; returns each monitor's first slot. */
export async function seedMonitors(client: pg.Client, seed: MonitorSeed, base: Date): Promise<Map<string, number>> {
  const userId = `workers-${randomUUID()}`;
  await client.query(`INSERT INTO "user" (id, name, email, "updatedAt") VALUES ($1, 'Workers', $2, now())`, [userId, `${userId}@example.com`]);
  const ids = Array.from({ length: seed.count }, () => randomUUID());
  const firstSlots = ids.map(() => initialRunAt(base, seed.intervalSeconds));
  await client.query(
    `INSERT INTO monitor (id, "userId", name, url, "intervalSeconds", "timeoutSeconds", retries, "nextRunAt", "updatedAt")
     SELECT m.id, $1, 'm-' || m.id, m.url, $2, $3, $4, m.next, now()
     FROM unnest($5::text[], $6::text[], $7::timestamptz[]) AS m(id, url, next)`,
    [userId, seed.intervalSeconds, seed.timeoutSeconds, seed.retries, ids, ids.map((id) => seed.url(id)), firstSlots],
  );
  // Read back what was stored (timestamptz(3) rounds to the millisecond).
  const { rows } = await client.query<{ id: string; nextRunAt: Date }>(`SELECT id, "nextRunAt" FROM monitor WHERE "userId" = $1`, [userId]);
  return new Map(rows.map((row) => [row.id, row.nextRunAt.getTime()]));
}

/** Samples which worker holds leases, a few times a second, until stopped. */
export function sampleLeases(client: pg.Client) {
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

/** Every stored check's startedAt (ms), per monitor, in order. */
export async function checkStarts(client: pg.Client): Promise<Map<string, number[]>> {
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
 * seconds apart, so the pairing is unambiguous.
 */
export function pairChecks(requests: RequestRecord[], checks: number[]) {
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
