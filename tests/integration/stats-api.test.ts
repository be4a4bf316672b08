// GET /api/v1/monitors/{id}/stats and GET /api/v1/overview on the real built app: shapes,
// bucket counts per range, values that agree with the raw checks, and the API's errors.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiClient, signUp, startAppServer, type AppServer, type TestUser } from "../helpers/app-server";
import { createTestDatabase, postgresIsReachable, type TestDatabase } from "../helpers/postgres";
import { planBursts, rng, seedChecks, seedIncidents, seedMonitors } from "../helpers/seed-dashboard";

const postgresAvailable = process.env.CI ? true : await postgresIsReachable();
const DAY = 86_400_000;

describe.skipIf(!postgresAvailable)("stats API", () => {
  let database: TestDatabase;
  let app: AppServer;
  let alice: TestUser;
  let bob: TestUser;
  let api: ReturnType<typeof apiClient>;
  let busy: string;
  let quiet: string;
  let bobs: string;
  let incidents502In30d = 0;

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startAppServer({ databaseUrl: database.url, env: { HOPWATCH_SCHEDULER: "off" } });
    alice = await signUp(app.url, "alice-stats@example.com");
    bob = await signUp(app.url, "bob-stats@example.com");
    api = apiClient(app.url, alice);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const now = new Date();
      [busy, quiet] = await seedMonitors(client, alice.id, [
        { name: "Busy", url: "https://busy.example.com", intervalSeconds: 120 },
        { name: "Quiet", url: "https://quiet.example.com", intervalSeconds: 60, state: "UNKNOWN" },
      ]);
      [bobs] = await seedMonitors(client, bob.id, [{ name: "Bob's", url: "https://bob.example.com", intervalSeconds: 60 }]);
      const from = new Date(now.getTime() - 95 * DAY);
      const bursts = planBursts(from, now, 120, rng(9), 1);
      await seedChecks(client, { monitorId: busy, from, to: now, intervalSeconds: 120, baseMs: 90, bursts });
      const ids = await seedIncidents(client, { monitorId: busy, intervalSeconds: 120, bursts, openLast: true });
      const { rows } = await client.query(`SELECT count(*)::int AS n FROM incident WHERE id = ANY($1) AND cause = 'HTTP_502' AND "openedAt" >= $2`, [
        ids,
        new Date(Math.floor(now.getTime() / DAY) * DAY - 29 * DAY).toISOString(),
      ]);
      incidents502In30d = rows[0].n;
    } finally {
      await client.end();
    }
    process.env.DATABASE_URL = database.url;
    const { db } = await import("@/lib/db");
    const { rebuildRollups } = await import("@/lib/stats/rollups");
    await rebuildRollups(await db(), { from: new Date(Date.now() - 96 * DAY), to: new Date(Date.now() + 3_600_000) });
  }, 180_000);

  afterAll(async () => {
    await app?.stop();
    const { closeDatabase } = await import("@/lib/db");
    await closeDatabase();
    await database?.drop();
  });

  it.each([
    ["24h", 24, "hour"],
    ["7d", 168, "hour"],
    ["30d", 30, "day"],
    ["90d", 90, "day"],
  ] as const)("returns the %s stats with %i %s buckets", async (range, buckets, granularity) => {
    const response = await api("GET", `/api/v1/monitors/${busy}/stats?range=${range}`);
    expect(response.status).toBe(200);
    const stats = response.json;
    expect(stats).toMatchObject({ monitorId: busy, range, granularity, uptimePercent: expect.any(Number), latency: { p50: expect.any(Number), p95: expect.any(Number), p99: expect.any(Number) } });
    expect(stats.buckets).toHaveLength(buckets);
    expect(stats.buckets.find((bucket: { up: number }) => bucket.up > 0)).toEqual({
      start: expect.any(String),
      total: expect.any(Number),
      up: expect.any(Number),
      down: expect.any(Number),
      transient: expect.any(Number),
      uptimePercent: expect.any(Number),
      p50: expect.any(Number),
      p95: expect.any(Number),
      p99: expect.any(Number),
      phases: { dns: expect.any(Number), connect: expect.any(Number), tls: expect.any(Number), ttfb: expect.any(Number), transfer: expect.any(Number) },
      errorKinds: expect.any(Object),
      incidents502: expect.any(Number),
    });
    // Consecutive buckets, oldest first, the last one containing now.
    const size = granularity === "hour" ? 3_600_000 : DAY;
    const starts = stats.buckets.map((bucket: { start: string }) => Date.parse(bucket.start));
    starts.forEach((start: number, index: number) => index > 0 && expect(start - starts[index - 1]).toBe(size));
    expect(Date.now() - starts[starts.length - 1]).toBeLessThan(size);
    const { p50, p95, p99 } = stats.latency;
    expect(p50).toBeLessThanOrEqual(p95);
    expect(p95).toBeLessThanOrEqual(p99);
    // The error kinds of the range add up to the buckets' (24 h: the exact rolling window may differ slightly).
    if (range !== "24h") {
      const summed: Record<string, number> = {};
      for (const bucket of stats.buckets) for (const [kind, n] of Object.entries(bucket.errorKinds as Record<string, number>)) summed[kind] = (summed[kind] ?? 0) + n;
      expect(stats.errorKinds).toEqual(summed);
    }
  });

  it("agrees with the raw checks", async () => {
    const { json: stats } = await api("GET", `/api/v1/monitors/${busy}/stats?range=30d`);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query(
        `SELECT count(*)::int AS total, count(*) FILTER (WHERE NOT ok AND NOT transient)::int AS down FROM "check" WHERE "monitorId" = $1 AND "startedAt" >= $2`,
        [busy, stats.from],
      );
      expect(stats.checks.total).toBe(rows[0].total);
      expect(stats.uptimePercent).toBeCloseTo(((rows[0].total - rows[0].down) / rows[0].total) * 100, 2);
    } finally {
      await client.end();
    }
    const counted = stats.buckets.reduce((sum: number, bucket: { incidents502: number }) => sum + bucket.incidents502, 0);
    expect(counted).toBe(incidents502In30d);
  });

  it("answers 400 naming the range, 404 for someone else's monitor, 401 without credentials", async () => {
    const bad = await api("GET", `/api/v1/monitors/${busy}/stats?range=1y`);
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatchObject({ field: "range", message: expect.stringContaining("24h, 7d, 30d, 90d") });
    expect((await api("GET", `/api/v1/monitors/${bobs}/stats?range=7d`)).status).toBe(404);
    expect((await api("GET", `/api/v1/monitors/${bobs}/stats?range=1y`)).status).toBe(404);
    expect((await api("GET", `/api/v1/monitors/does-not-exist/stats`)).status).toBe(404);
    expect((await fetch(`${app.url}/api/v1/monitors/${busy}/stats?range=7d`)).status).toBe(401);
    expect((await fetch(`${app.url}/api/v1/overview`)).status).toBe(401);
    // A monitor without checks: empty buckets, no numbers.
    const empty = await api("GET", `/api/v1/monitors/${quiet}/stats?range=7d`);
    expect(empty.status).toBe(200);
    expect(empty.json).toMatchObject({ uptimePercent: null, latency: { p50: null, p95: null, p99: null }, errorKinds: {} });
    expect(empty.json.buckets.every((bucket: { total: number; uptimePercent: null }) => bucket.total === 0 && bucket.uptimePercent === null)).toBe(true);
  });

  it("returns the overview of the caller's monitors only", async () => {
    const { status, json: overview } = await api("GET", "/api/v1/overview");
    expect(status).toBe(200);
    expect(overview.summary).toEqual({ monitors: 2, up: 1, down: 0, pending: 0, paused: 0, unknown: 1, openIncidents: 1, incidents502Last7d: expect.any(Number) });
    expect(overview.monitors.map((monitor: { name: string }) => monitor.name)).toEqual(["Busy", "Quiet"]);
    const [busyRow, quietRow] = overview.monitors;
    expect(busyRow).toMatchObject({ id: busy, url: "https://busy.example.com", uptime24h: expect.any(Number), uptime30d: expect.any(Number), p95Ms24h: expect.any(Number), openIncident: { id: expect.any(String) } });
    expect(busyRow.daily.uptimePercent).toHaveLength(overview.days);
    expect(busyRow.daily.uptimePercent.every((value: number | null) => typeof value === "number")).toBe(true);
    expect(busyRow.daily.checks502.some((count: number) => count > 0)).toBe(true);
    expect(quietRow).toMatchObject({ uptime24h: null, uptime30d: null, p95Ms24h: null, openIncident: null });
    expect(quietRow.daily.uptimePercent.every((value: number | null) => value === null)).toBe(true);
  });
});
