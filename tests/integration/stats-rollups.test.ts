// Rollups equal a recomputation from raw checks (counts, error kinds, uptime, percentiles within
// 1 ms), whether built in one go or incrementally by the minute-by-minute maintenance — including
// failures that turn transient later, the finalization of finished days, and several
// maintenance runs at once (as several processes would).
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openTestDatabaseWithUser, postgresIsReachable, type OpenedTestDatabase } from "../helpers/postgres";
import { planBursts, rng, seedChecks, seedMonitors } from "../helpers/seed-dashboard";
import { differences, recompute, storedRollups, type StoredRollup } from "../helpers/recompute";
import type { RollupMaintenance } from "@/lib/stats/maintenance";

const postgresAvailable = process.env.CI ? true : await postgresIsReachable();
const HOUR = 3_600_000;
const DAY = 86_400_000;

describe.skipIf(!postgresAvailable)("check rollups", () => {
  let database: OpenedTestDatabase;
  let client: pg.Client;
  const userId = "rollup-user";
  // A synthetic UTC day two days ago (well inside raw retention) and its neighbours.
  const D = Math.floor(Date.now() / DAY) * DAY - 2 * DAY;
  const at = (offsetMs: number) => new Date(D + offsetMs);
  let monitors: { a: string; b: string; c: string; idle: string };

  beforeAll(async () => {
    database = await openTestDatabaseWithUser(userId);
    client = database.client;
  });

  afterAll(async () => {
    await database?.close();
  });

  beforeEach(async () => {
    await client.query(`DELETE FROM monitor`);
    const [a, b, c, idle] = await seedMonitors(client, userId, [
      { name: "A every 30 s with bursts", url: "https://a.example.com", intervalSeconds: 30 },
      { name: "B plain HTTP", url: "http://b.example.com", intervalSeconds: 60 },
      { name: "C only failures", url: "https://c.example.com", intervalSeconds: 60 },
      { name: "Idle", url: "https://idle.example.com", intervalSeconds: 60 },
    ]);
    monitors = { a, b, c, idle };
    // A: 36 h every 30 s, with 502/503/504/timeout bursts, some transient.
    const from = at(-12 * HOUR);
    const to = at(DAY);
    await seedChecks(client, { monitorId: a, from, to, intervalSeconds: 30, baseMs: 150, bursts: planBursts(from, to, 30, rng(5), 6), seed: 5 });
    // B: no TLS, DNS only on every other check, whole-millisecond latencies with many ties.
    await client.query(
      `INSERT INTO "check" ("monitorId", "startedAt", ok, "errorKind", "dnsMs", "connectMs", "ttfbMs", "transferMs", "totalMs")
       SELECT $1, t, true, 'NONE', CASE WHEN extract(minute FROM t)::int % 2 = 0 THEN 2 END, 3, 40 + (extract(minute FROM t)::int % 7), 1,
              46 + (extract(minute FROM t)::int % 7)
       FROM generate_series($2::timestamptz, $3::timestamptz, interval '1 minute') AS t`,
      [b, at(0).toISOString(), at(6 * HOUR - 60_000).toISOString()],
    );
    // C: an hour with failures only (no latency percentiles), then one success.
    await client.query(
      `INSERT INTO "check" ("monitorId", "startedAt", ok, "errorKind", "httpStatus", "totalMs")
       SELECT $1, t, false, 'HTTP_502', 502, 12 FROM generate_series($2::timestamptz, $3::timestamptz, interval '1 minute') AS t`,
      [c, at(7 * HOUR).toISOString(), at(7 * HOUR + 4 * 60_000).toISOString()],
    );
    await client.query(`INSERT INTO "check" ("monitorId", "startedAt", ok, "errorKind", "totalMs", "dnsMs", "tlsMs") VALUES ($1, $2, true, 'NONE', 80.5, 1.5, 9)`, [c, at(8 * HOUR + 30_000).toISOString()]);
  });

  async function expectRollupsMatchRaw(options: { provisionalDays?: number[] } = {}) {
    const expected = await recompute(client);
    const stored = await storedRollups(client);
    const problems: string[] = [];
    for (const [key, value] of expected) {
      const [, granularity, start] = key.split("|");
      const provisional = granularity === "DAY" && (options.provisionalDays ?? []).includes(Date.parse(start));
      const found = differences(stored.get(key), value, { percentiles: !provisional });
      if (found.length) problems.push(`${key}: ${found.join(", ")}`);
    }
    for (const key of stored.keys()) if (!expected.has(key)) problems.push(`${key}: stored but no checks`);
    expect(problems).toEqual([]);
    return { expected, stored };
  }

  it("rebuildRollups equals a recomputation from raw checks: counts, uptime, error kinds, percentiles within 1 ms", async () => {
    const { db } = await import("@/lib/db");
    const { rebuildRollups } = await import("@/lib/stats/rollups");
    await rebuildRollups(await db(), { from: at(-DAY), to: at(2 * DAY) });
    const { expected, stored } = await expectRollupsMatchRaw();
    expect(expected.size).toBeGreaterThan(36 + 6 + 2);
    // Spot checks of the definitions.
    const cHour = stored.get(`${monitors.c}|HOUR|${at(7 * HOUR).toISOString()}`)!;
    expect(cHour).toMatchObject({ total: 5, up: 0, down: 5, transient: 0, errorKinds: { HTTP_502: 5 }, p50: null, p95: null });
    const bHour = stored.get(`${monitors.b}|HOUR|${at(0).toISOString()}`)!;
    expect(bHour.meanTls).toBeNull();
    expect(bHour.meanDns).toBe(2);
    const aDay = stored.get(`${monitors.a}|DAY|${at(0).toISOString()}`)!;
    expect(aDay.total).toBe(2880);
    expect(aDay.transient + aDay.down).toBeGreaterThan(0);
    expect(Object.keys(aDay.errorKinds).length).toBeGreaterThan(1);
    // Uptime: transient failures are not downtime.
    const { uptimePercent } = await import("@/lib/stats/ranges");
    expect(uptimePercent(aDay.total, aDay.down)).toBeCloseTo(((aDay.up + aDay.transient) / aDay.total) * 100, 10);
    expect([...stored.keys()].some((key) => key.startsWith(monitors.idle))).toBe(false);
  });

  it("maintenance builds rollups incrementally, repairs failures that turned transient, finalizes days, and agrees across concurrent runs", { timeout: 120_000 }, async () => {
    const { db } = await import("@/lib/db");
    const { RollupMaintenance, maintenanceOptionsFromEnv } = await import("@/lib/stats/maintenance");
    const { rebuildRollups } = await import("@/lib/stats/rollups");
    const prisma = await db();
    const options = { ...maintenanceOptionsFromEnv(), workBudgetMs: 60_000, retentionBudgetMs: 60_000, chunkMonitors: 2 };
    // Checks keep arriving after midnight.
    await seedChecks(client, { monitorId: monitors.a, from: at(DAY), to: at(DAY + 25 * 60_000), intervalSeconds: 30, baseMs: 150, bursts: [], seed: 6 });

    // First run of a process, 00:25 the next day: the current and previous hours by refresh,
    // the history before them by catch-up, the finished days exactly.
    const maintenance = new RollupMaintenance(db, options);
    const first = await maintenance.runOnce(at(DAY + 25 * 60_000), { force: true });
    expect(first.refresh.skipped).toBe(false);
    expect(first.catchUp.rows).toBeGreaterThan(0);
    expect(first.catchUp.queued).toBe(0);
    expect(first.finalize.pending).toBe(false);
    await expectRollupsMatchRaw({ provisionalDays: [D + DAY] });

    // Idempotent: another minute with nothing new changes no value.
    const before = await storedRollups(client);
    const again = await maintenance.runOnce(at(DAY + 26 * 60_000), { force: true });
    expect(again.refresh.hourRows).toBe(0);
    const after = await storedRollups(client);
    const values = (rows: Map<string, StoredRollup>) => JSON.stringify([...rows.values()].map(({ updatedAt: _ignored, ...rest }) => rest).sort((x, y) => x.key.localeCompare(y.key)));
    expect(values(after)).toBe(values(before));

    // A failure at 23:50 that was being confirmed (PENDING) clears at 00:27: its checks turn
    // transient (as the result writer does) long after their hour was rolled up and the day finalized.
    const failing = await client.query<{ id: string }>(
      `UPDATE "check" SET ok = false, "errorKind" = 'HTTP_502', "httpStatus" = 502
       WHERE "monitorId" = $1 AND "startedAt" >= $2 AND "startedAt" < $3 RETURNING id`,
      [monitors.a, at(DAY - 10 * 60_000).toISOString(), at(DAY - 8 * 60_000).toISOString()],
    );
    expect(failing.rowCount).toBe(4);
    await rebuildRollups(prisma, { from: at(DAY - HOUR), to: at(DAY), now: at(DAY + 26 * 60_000) });
    await client.query(`INSERT INTO state_change ("monitorId", at, "fromState", "toState", "errorKind") VALUES ($1, $2, 'UP', 'PENDING', 'HTTP_502')`, [monitors.a, at(DAY - 10 * 60_000).toISOString()]);
    await client.query(`UPDATE "check" SET transient = true WHERE "monitorId" = $1 AND "startedAt" >= $2 AND NOT ok`, [monitors.a, at(DAY - 10 * 60_000).toISOString()]);
    await client.query(`INSERT INTO state_change ("monitorId", at, "fromState", "toState", "errorKind") VALUES ($1, $2, 'PENDING', 'UP', 'NONE')`, [monitors.a, at(DAY + 27 * 60_000).toISOString()]);
    const repaired = await maintenance.runOnce(at(DAY + 27 * 60_000 + 30_000), { force: true });
    expect(repaired.refresh.repairs).toBe(1);
    const { stored } = await expectRollupsMatchRaw({ provisionalDays: [D + DAY] });
    expect(stored.get(`${monitors.a}|HOUR|${at(DAY - HOUR).toISOString()}`)!.transient).toBeGreaterThanOrEqual(4);

    // Several processes at once: one does each step, the others skip; later minutes finish
    // whatever a skipped step left, and the result is the same.
    await client.query(`DELETE FROM check_rollup`);
    const workers: RollupMaintenance[] = [0, 1, 2].map(() => new RollupMaintenance(db, options));
    const now = at(DAY + 25 * 60_000);
    const concurrent = await Promise.all(workers.map((worker) => worker.runOnce(now, { force: true })));
    expect(concurrent.filter((report) => report.refresh.skipped).length).toBeGreaterThanOrEqual(1);
    for (const [index, worker] of workers.entries()) await worker.runOnce(new Date(now.getTime() + (index + 1) * 1000), { force: true });
    await expectRollupsMatchRaw({ provisionalDays: [D + DAY] });
  });

  it("reads a day's provisional rollup from its hours until it is finalized from raw checks", async () => {
    const { db } = await import("@/lib/db");
    const { RollupMaintenance, maintenanceOptionsFromEnv, FINALIZE_AFTER_MS } = await import("@/lib/stats/maintenance");
    const maintenance = new RollupMaintenance(db, { ...maintenanceOptionsFromEnv(), workBudgetMs: 60_000 });
    // During day D (15:10): D's DAY rollup is summed from its hours so far (00:00–15:59; the
    // seeded checks of later hours are not rolled up yet) — counts exact.
    await maintenance.runOnce(at(15 * HOUR + 10 * 60_000), { force: true });
    const during = await client.query(`SELECT total, "updatedAt" FROM check_rollup WHERE "monitorId" = $1 AND granularity = 'DAY' AND "bucketStart" = $2`, [monitors.a, at(0).toISOString()]);
    expect(during.rows[0].total).toBe(16 * 120);
    expect(new Date(during.rows[0].updatedAt).getTime()).toBeLessThan(D + DAY + FINALIZE_AFTER_MS);
    // 25 min after midnight: finalized from raw, exact percentiles.
    await maintenance.runOnce(at(DAY + 25 * 60_000), { force: true });
    const expected = await recompute(client);
    const stored = await storedRollups(client);
    const key = `${monitors.a}|DAY|${at(0).toISOString()}`;
    expect(differences(stored.get(key), expected.get(key)!, { percentiles: true })).toEqual([]);
    expect(stored.get(key)!.updatedAt.getTime()).toBeGreaterThanOrEqual(D + DAY + FINALIZE_AFTER_MS);
  });
});
