// Two real worker processes (as `npm run worker`: node --import tsx scripts/worker.ts) sharing one PostgreSQL database and 200
// monitors that point at a loopback target in this process. The target records every request,
// so the test sees what the outside world sees: how often each monitor was probed, whether two
// probes of one monitor ever overlapped, and whether every probe became exactly one check row.
// The second test SIGKILLs one worker mid-run and checks that its leases expire and the other
// worker takes its monitors over within interval + lease.
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { createTestDatabase, postgresIsReachable, type TestDatabase } from "../helpers/postgres";
import { checkStarts, killAllWorkers, killGroup, leaseSeconds, pairChecks, percentile, sampleLeases, seedMonitors, sleep, sleepUntil, spawnWorker, startTarget, stoppedStats, waitForStart, type RequestRecord, type Target } from "../helpers/workers";

const postgresAvailable = process.env.CI ? true : await postgresIsReachable();

const MONITORS = 200;
const INTERVAL_S = 10;
const TIMEOUT_S = 2;
const RETRIES = 0;
const SEED = { count: MONITORS, intervalSeconds: INTERVAL_S, timeoutSeconds: TIMEOUT_S, retries: RETRIES };
// claim.ts: timeout × (retries + 1) + retries × max(1, interval / 4) + 10 s of slack = 12 s here.
const LEASE_S = leaseSeconds(SEED);
// A due slot is claimed ahead of time and started at its time, but a lease that expires is noticed
// only by the next claim round (every 250 ms). Plus claim/probe latency on 2 shared cores.
const TICK_SLACK_MS = 1_000;
const FLUSH_INTERVAL_MS = 1_000; // the worker default (HOPWATCH_FLUSH_INTERVAL_MS)

describe.skipIf(!postgresAvailable)("worker processes", () => {
  const databases: TestDatabase[] = [];
  const clients: pg.Client[] = [];
  const targets: Target[] = [];

  afterAll(async () => {
    await killAllWorkers();
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
      const firstSlot = await seedMonitors(client, { ...SEED, url: target.url }, base);
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
      const firstSlot = await seedMonitors(client, { ...SEED, url: target.url }, base);
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
