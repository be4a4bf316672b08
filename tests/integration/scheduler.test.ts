// The scheduler in this process against a real PostgreSQL database and loopback HTTP servers:
// confirmation before DOWN, transient failures, atomic state changes, checks API shape; probes
// start at their slot; probe slots, result flushes, and what a stop waits for and gives back.
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { applyMigrations } from "@/lib/db/migrate";
import type { ProbeResult } from "@/lib/probes/types";
import type { Scheduler } from "@/lib/scheduler/scheduler";
import type { CheckOutcome } from "@/lib/scheduler/writer";
import { createTestDatabase, postgresIsReachable, type TestDatabase } from "../helpers/postgres";
import { useSchedulerHarness, waitFor } from "../helpers/scheduler-harness";
import { httpServer, type TestServer } from "../probes/helpers";

const postgresAvailable = process.env.CI ? true : await postgresIsReachable();

describe.skipIf(!postgresAvailable)("scheduler", () => {
  const servers: TestServer[] = [];
  const harness = useSchedulerHarness("scheduler-user", [async () => void (await Promise.all(servers.map((server) => server.close())))]);
  const db = async () => harness.prisma;

  async function addMonitor(url: string, fields: Record<string, unknown> = {}) {
    return harness.prisma.monitor.create({
      data: { userId: harness.userId, name: url, url, intervalSeconds: 60, timeoutSeconds: 2, retries: 2, nextRunAt: new Date(), ...fields },
    });
  }

  async function monitorAndChecks(id: string) {
    const prisma = harness.prisma;
    const monitor = await prisma.monitor.findUniqueOrThrow({ where: { id } });
    const checks = await prisma.check.findMany({ where: { monitorId: id }, orderBy: { startedAt: "asc" } });
    return { monitor, checks };
  }

  it("confirms a failure that clears within the retries as transient, and stays UP", async () => {
    let requests = 0;
    const flaky = await httpServer((_request, response) => {
      requests++;
      response.writeHead(requests <= 2 ? 502 : 200).end(requests <= 2 ? "bad gateway" : "ok");
    });
    servers.push(flaky);
    const monitor = await addMonitor(`http://127.0.0.1:${flaky.port}/flaky`);
    const { monitor: after, checks } = await waitFor(
      () => monitorAndChecks(monitor.id),
      ({ checks }) => checks.length >= 3 && checks.some((check) => check.ok),
    );
    expect(after.state).toBe("UP");
    expect(after.pendingSince).toBeNull();
    expect(after.leaseOwner).toBeNull();
    expect(checks.map((check) => [check.attempt, check.errorKind, check.transient])).toEqual([
      [1, "HTTP_502", true],
      [2, "HTTP_502", true],
      [3, "NONE", false],
    ]);
  });

  it("goes PENDING, then DOWN after the retries, keeping the evidence and timings", async () => {
    const broken = await httpServer((_request, response) => {
      response.writeHead(502, { server: "nginx/1.24.0", "content-type": "text/html" }).end("<html><center>nginx</center></html>");
    });
    servers.push(broken);
    const monitor = await addMonitor(`http://127.0.0.1:${broken.port}/down`, { retries: 2 });
    const pending = await waitFor(() => monitorAndChecks(monitor.id), ({ monitor }) => monitor.state !== "UNKNOWN");
    expect(pending.monitor.state).toBe("PENDING");
    expect(pending.monitor.pendingSince).toEqual(pending.checks[0].startedAt);
    // The state never shows without the check that caused it.
    expect(pending.checks.length).toBeGreaterThanOrEqual(1);

    const { monitor: down, checks } = await waitFor(() => monitorAndChecks(monitor.id), ({ monitor }) => monitor.state === "DOWN");
    expect(checks).toHaveLength(3);
    expect(checks.every((check) => check.errorKind === "HTTP_502" && !check.transient && check.httpStatus === 502)).toBe(true);
    expect(down.stateChangedAt).toEqual(checks[2].startedAt);
    expect(down.lastErrorKind).toBe("HTTP_502");
    expect(down.leaseOwner).toBeNull();
    expect(checks[0].evidence).toMatchObject({ statusLine: "HTTP/1.1 502 Bad Gateway", headers: { server: "nginx/1.24.0" }, bodyExcerpt: expect.stringContaining("nginx") });
    expect(checks[0].connectMs).toEqual(expect.any(Number));
    expect(checks[0].totalMs).toBeGreaterThanOrEqual(checks[0].ttfbMs!);
  });

  it("declares DOWN at once with retries 0, and UP again on recovery", async () => {
    let healthy = false;
    const server = await httpServer((_request, response) => response.writeHead(healthy ? 200 : 503).end());
    servers.push(server);
    const monitor = await addMonitor(`http://127.0.0.1:${server.port}/`, { retries: 0, intervalSeconds: 10, timeoutSeconds: 2 });
    const down = await waitFor(() => monitorAndChecks(monitor.id), ({ monitor }) => monitor.state === "DOWN");
    expect(down.checks.map((check) => check.errorKind)).toEqual(["HTTP_503"]);
    healthy = true;
    await (await db()).monitor.update({ where: { id: monitor.id }, data: { nextRunAt: new Date() } });
    const up = await waitFor(() => monitorAndChecks(monitor.id), ({ monitor }) => monitor.state === "UP");
    expect(up.checks.map((check) => [check.errorKind, check.transient])).toEqual([["HTTP_503", false], ["NONE", false]]);
    const changes = await (await db()).stateChange.findMany({ where: { monitorId: monitor.id }, orderBy: { at: "asc" } });
    expect(changes.map((change) => [change.fromState, change.toState, change.errorKind])).toEqual([
      ["UNKNOWN", "DOWN", "HTTP_503"],
      ["DOWN", "UP", "NONE"],
    ]);
  });

  it("keeps the schedule's phase: the next run is one interval after the slot, not after the probe", async () => {
    const server = await httpServer((_request, response) => response.writeHead(200).end());
    servers.push(server);
    const slot = new Date(Date.now() - 2_500);
    const monitor = await addMonitor(`http://127.0.0.1:${server.port}/phase`, { intervalSeconds: 10, nextRunAt: slot });
    const { monitor: after } = await waitFor(() => monitorAndChecks(monitor.id), ({ checks }) => checks.length === 1);
    expect(after.nextRunAt.getTime()).toBe(slot.getTime() + 10_000);
  });

  it("starts each probe at its slot, not at the next whole-second tick, and keeps the schedule", async () => {
    const server = await httpServer((_request, response) => response.writeHead(200).end());
    servers.push(server);
    // Slots spread over a second: a scheduler that only claims on whole-second ticks starts most
    // of them hundreds of ms late.
    const first = Date.now() + 1_500;
    const slots = Array.from({ length: 8 }, (_, i) => new Date(first + i * 125));
    const monitors = await Promise.all(slots.map((slot, i) => addMonitor(`http://127.0.0.1:${server.port}/slot-${i}`, { nextRunAt: slot })));
    const runs = await waitFor(
      () => Promise.all(monitors.map((monitor) => monitorAndChecks(monitor.id))),
      (all) => all.every(({ checks }) => checks.length === 1),
    );
    const lags = runs.map(({ checks }, i) => checks[0].startedAt.getTime() - slots[i].getTime());
    expect(Math.min(...lags)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...lags), `lags ${lags.join(", ")} ms`).toBeLessThan(200);
    // Claimed ahead of its slot, the next run is still exactly one interval after it.
    expect(runs.map(({ monitor }) => monitor.nextRunAt.getTime())).toEqual(slots.map((slot) => slot.getTime() + 60_000));
  });

  it("flush() returns only once everything buffered before the call is stored, even while other flushes run", async () => {
    const { ResultWriter } = await import("@/lib/scheduler/writer");
    const monitor = await addMonitor("http://127.0.0.1:9/writer", { enabled: false });
    const writer = new ResultWriter(db, { flushIntervalMs: 60_000, maxBuffered: 1000 });
    const outcome = (startedAt: Date): CheckOutcome => ({
      monitorId: monitor.id,
      leaseOwner: "writer-test",
      result: okResult(startedAt),
      attempt: 1,
      state: "UP",
      previousState: "UP",
      stateChanged: false,
      pendingSince: null,
      transientSince: null,
      releaseLease: true,
    });
    writer.push(outcome(new Date(Date.now() - 2_000)));
    const first = writer.flush(); // under way: writes the first result only
    writer.push(outcome(new Date(Date.now() - 1_000)));
    const other = writer.flush(); // e.g. the flush timer, waiting for the first flush
    await writer.flush(); // e.g. a graceful stop: must not return before the second result is stored
    expect(await harness.prisma.check.count({ where: { monitorId: monitor.id } })).toBe(2);
    await Promise.all([first, other]);
  });
});

describe("probe slots", () => {
  it("never let more than `limit` callers run, also when a newcomer arrives as a slot is handed on", async () => {
    const { semaphore } = await import("@/lib/scheduler/scheduler");
    const slots = semaphore(1);
    let running = 0;
    let maxRunning = 0;
    const probe = async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await new Promise((resolve) => setTimeout(resolve, 20));
      running--;
    };
    let finishFirst!: () => void;
    const firstDone = new Promise<void>((resolve) => (finishFirst = resolve));
    const first = slots.run(() => firstDone);
    const queued = slots.run(probe);
    expect(slots.free()).toBe(-1);
    // Runs right after the first caller's slot is handed to `queued`, before `queued` resumes.
    const newcomer = firstDone.then(() => slots.run(probe));
    finishFirst();
    await Promise.all([first, queued, newcomer]);
    expect(maxRunning).toBe(1);
    expect(slots.free()).toBe(1);
  });
});

function okResult(startedAt: Date): ProbeResult {
  return {
    ok: true,
    errorKind: "NONE",
    httpStatus: 200,
    message: "200 OK",
    rawError: null,
    timings: { dnsMs: null, connectMs: 1, tlsMs: null, ttfbMs: 1, transferMs: 0, totalMs: 2 },
    remoteIp: "127.0.0.1",
    certificate: null,
    evidence: null,
    startedAt,
  };
}

// Schedulers driven tick by tick (no node-cron), each test alone on its own database so that no
// other scheduler claims its monitors.
describe.skipIf(!postgresAvailable)("scheduler lifecycle", () => {
  let database: TestDatabase;
  let prisma: PrismaClient;
  let userId: string;
  const schedulers: Scheduler[] = [];
  const servers: TestServer[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    await applyMigrations(database.url);
    prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: database.url }) });
    userId = (await prisma.user.create({ data: { id: "lifecycle-user", name: "lifecycle", email: "lifecycle@example.com" } })).id;
  });
  afterEach(async () => {
    await Promise.all(schedulers.splice(0).map((scheduler) => scheduler.stop()));
    await Promise.all(servers.splice(0).map((server) => server.close()));
    await prisma.monitor.deleteMany();
  });
  afterAll(async () => {
    await prisma?.$disconnect();
    await database?.drop();
  });

  async function newScheduler(maxConcurrentProbes = 20) {
    const { Scheduler } = await import("@/lib/scheduler/scheduler");
    const scheduler = new Scheduler(async () => prisma, { maxActiveMonitors: 100, maxConcurrentProbes, retryBaseSeconds: 0.25, flushIntervalMs: 200, maxBufferedResults: 1000 });
    schedulers.push(scheduler);
    return scheduler;
  }

  /** Answers after `delayMs`, counting requests and the most in flight at once. */
  async function slowServer(delayMs: number) {
    const seen = { requests: 0, inFlight: 0, maxInFlight: 0 };
    const server = await httpServer((_request, response) => {
      seen.requests++;
      seen.maxInFlight = Math.max(seen.maxInFlight, ++seen.inFlight);
      setTimeout(() => {
        seen.inFlight--;
        response.writeHead(200).end("ok");
      }, delayMs);
    });
    servers.push(server);
    return { url: `http://127.0.0.1:${server.port}/`, seen };
  }

  async function addMonitors(count: number, url: string, nextRunAt = new Date()) {
    const monitors = Array.from({ length: count }, (_, i) => ({ userId, name: `m${i}`, url, intervalSeconds: 60, timeoutSeconds: 5, retries: 0, nextRunAt }));
    return prisma.monitor.createManyAndReturn({ data: monitors });
  }

  const leased = () => prisma.monitor.count({ where: { leaseOwner: { not: null } } });

  it("stop() waits for a tick whose claim is still running: what it claimed is probed, stored and released", async () => {
    const target = await slowServer(300);
    const [monitor] = await addMonitors(1, target.url);
    const scheduler = await newScheduler();
    // Hold the claim query in a lock wait, and stop the scheduler meanwhile.
    const locker = new pg.Client({ connectionString: database.url });
    await locker.connect();
    await locker.query("BEGIN; LOCK TABLE monitor IN EXCLUSIVE MODE");
    const ticked = scheduler.tick();
    await waitFor(
      async () => (await prisma.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`)[0].n,
      (waiting) => waiting > 0,
    );
    const stopped = scheduler.stop();
    await locker.query("COMMIT");
    await locker.end();
    await stopped;
    await ticked;
    const after = await prisma.monitor.findUniqueOrThrow({ where: { id: monitor.id } });
    expect(target.seen.requests).toBe(1);
    expect(await prisma.check.count({ where: { monitorId: monitor.id } })).toBe(1);
    expect(after.leaseOwner).toBeNull();
    expect(after.nextRunAt.getTime()).toBe(monitor.nextRunAt.getTime() + 60_000);
  });

  it("claims no more monitors than its free probe slots plus a small headroom", async () => {
    const { claimHeadroom } = await import("@/lib/scheduler/scheduler");
    const target = await slowServer(1_500);
    await addMonitors(12, target.url);
    const scheduler = await newScheduler(4);
    await scheduler.tick(); // every claim round of one second, while the first probes still run
    expect(await leased()).toBe(4 + claimHeadroom(4));
    expect(target.seen.maxInFlight).toBe(4);
  });

  it("gives back a claimed monitor whose slot has not come when it stops, slot included", async () => {
    const target = await slowServer(0);
    // Due within the claim's look-ahead (500 ms): claimed now, started by a timer at its slot.
    const [monitor] = await addMonitors(1, target.url, new Date(Date.now() + 450));
    const scheduler = await newScheduler();
    const ticked = scheduler.tick();
    await waitFor(leased, (n) => n === 1, 2_000);
    await scheduler.stop();
    await ticked;
    const after = await prisma.monitor.findUniqueOrThrow({ where: { id: monitor.id } });
    expect(after.leaseOwner).toBeNull();
    expect(after.nextRunAt).toEqual(monitor.nextRunAt); // another process runs this slot, on time
    expect(target.seen.requests).toBe(0);
    expect(scheduler.stats).toMatchObject({ claimed: 1, returned: 1, completed: 0 });
  });

  it("does not start a second run of a monitor it is still running when it claims it again", async () => {
    const target = await slowServer(3_000);
    const [monitor] = await addMonitors(1, target.url);
    const scheduler = await newScheduler();
    await scheduler.tick();
    expect(target.seen.inFlight).toBe(1);
    // The lease ran out while the probe is still running (a stalled process), and the slot is due.
    await prisma.monitor.update({ where: { id: monitor.id }, data: { leaseExpiresAt: new Date(Date.now() - 1_000), nextRunAt: new Date() } });
    await scheduler.tick();
    await scheduler.stop();
    expect(target.seen).toMatchObject({ requests: 1, maxInFlight: 1 });
    expect(await prisma.check.count({ where: { monitorId: monitor.id } })).toBe(1);
    expect(await leased()).toBe(0);
  });
});
