// Retention deletes exactly what has expired — raw checks after RAW_RETENTION_DAYS, rollups after
// 400 days — in small batches that never hold up writers, and never before the checks were
// rolled up.
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openTestDatabaseWithUser, postgresIsReachable, type OpenedTestDatabase } from "../helpers/postgres";
import { seedMonitors } from "../helpers/seed-dashboard";

const postgresAvailable = process.env.CI ? true : await postgresIsReachable();
const DAY = 86_400_000;

describe.skipIf(!postgresAvailable)("retention", () => {
  let database: OpenedTestDatabase;
  let client: pg.Client;
  const userId = "retention-user";
  const now = new Date(Math.floor(Date.now() / 60_000) * 60_000);
  let ids: string[];

  beforeAll(async () => {
    database = await openTestDatabaseWithUser(userId);
    client = database.client;
  });

  afterAll(async () => {
    await database?.close();
  });

  beforeEach(async () => {
    await client.query(`DELETE FROM monitor`);
    ids = await seedMonitors(client, userId, [
      { name: "one", url: "https://one.example.com", intervalSeconds: 60 },
      { name: "two", url: "https://two.example.com", intervalSeconds: 60 },
      { name: "three", url: "https://three.example.com", intervalSeconds: 60 },
    ]);
    // Every 20 minutes for 40 days back from now, for each monitor, plus one check exactly at
    // the 30-day cutoff and one a millisecond before it.
    await client.query(
      `INSERT INTO "check" ("monitorId", "startedAt", ok, "errorKind", "totalMs")
       SELECT m, t, true, 'NONE', 100 FROM unnest($1::text[]) AS m,
         generate_series($2::timestamptz - interval '40 days', $2::timestamptz, interval '20 minutes') AS t`,
      [ids, now.toISOString()],
    );
    const cutoff = new Date(now.getTime() - 30 * DAY);
    await client.query(`INSERT INTO "check" ("monitorId", "startedAt", ok, "errorKind") VALUES ($1, $2, true, 'NONE'), ($1, $3, true, 'NONE')`, [
      ids[0],
      new Date(cutoff.getTime() + 7).toISOString(),
      new Date(cutoff.getTime() - 1).toISOString(),
    ]);
  });

  const count = async (sql: string, params: unknown[] = []) => Number((await client.query(sql, params)).rows[0].count);

  it("deletes checks older than the retention, only those, in batches", async () => {
    const { db } = await import("@/lib/db");
    const { applyRetention, rawCutoff } = await import("@/lib/stats/retention");
    const cutoff = rawCutoff(now, 30);
    const expired = await count(`SELECT count(*) FROM "check" WHERE "startedAt" < $1`, [cutoff.toISOString()]);
    const kept = await count(`SELECT count(*) FROM "check" WHERE "startedAt" >= $1`, [cutoff.toISOString()]);
    expect(expired).toBeGreaterThan(1000);
    const report = await applyRetention(await db(), { now, rawDays: 30, rollupDays: 400, batchSize: 250 });
    expect(report).toMatchObject({ checksDeleted: expired, complete: true });
    expect(report.batches).toBeGreaterThanOrEqual(Math.ceil(expired / 250));
    expect(await count(`SELECT count(*) FROM "check" WHERE "startedAt" < $1`, [cutoff.toISOString()])).toBe(0);
    expect(await count(`SELECT count(*) FROM "check"`)).toBe(kept);
    // The check 7 ms after the cutoff stays; the one 1 ms before it went.
    expect(await count(`SELECT count(*) FROM "check" WHERE "startedAt" = $1`, [new Date(cutoff.getTime() + 7).toISOString()])).toBe(1);
    // Nothing left to do: a second pass deletes nothing.
    expect((await applyRetention(await db(), { now, rawDays: 30, rollupDays: 400 })).checksDeleted).toBe(0);
  });

  it("keeps rollups 400 days, both granularities", async () => {
    const { db } = await import("@/lib/db");
    const { applyRetention } = await import("@/lib/stats/retention");
    await client.query(`DELETE FROM "check"`);
    await client.query(
      `INSERT INTO check_rollup ("monitorId", granularity, "bucketStart", total, up, down, transient)
       SELECT m, g::"RollupGranularity", date_trunc('day', $2::timestamptz, 'UTC') - make_interval(days => d), 1, 1, 0, 0
       FROM unnest($1::text[]) AS m, unnest(ARRAY['HOUR', 'DAY']) AS g, generate_series(0, 420) AS d`,
      [ids, now.toISOString()],
    );
    const cutoff = new Date(now.getTime() - 400 * DAY);
    const expired = await count(`SELECT count(*) FROM check_rollup WHERE "bucketStart" < $1`, [cutoff.toISOString()]);
    const total = await count(`SELECT count(*) FROM check_rollup`);
    expect(expired).toBe(3 * 2 * 21); // days 400…420 before today's midnight: day 400 started before now − 400 d
    const report = await applyRetention(await db(), { now, rawDays: 30, rollupDays: 400, batchSize: 7 });
    expect(report.rollupsDeleted).toBe(expired);
    expect(await count(`SELECT count(*) FROM check_rollup`)).toBe(total - expired);
    expect(await count(`SELECT count(*) FROM check_rollup WHERE "bucketStart" < $1`, [cutoff.toISOString()])).toBe(0);
    expect(await count(`SELECT count(*) FROM check_rollup WHERE granularity = 'HOUR'`)).toBe(await count(`SELECT count(*) FROM check_rollup WHERE granularity = 'DAY'`));
  });

  it("never blocks writers: checks keep being inserted while retention deletes", async () => {
    const { db } = await import("@/lib/db");
    const { applyRetention } = await import("@/lib/stats/retention");
    const writer = new pg.Client({ connectionString: database.url });
    await writer.connect();
    try {
      await writer.query(`SET lock_timeout = '200ms'`);
      let inserted = 0;
      let done = false;
      const writing = (async () => {
        while (!done) {
          await writer.query(`INSERT INTO "check" ("monitorId", "startedAt", ok, "errorKind") VALUES ($1, now(), true, 'NONE')`, [ids[inserted % 3]]);
          inserted++;
        }
      })();
      const report = await applyRetention(await db(), { now, rawDays: 30, rollupDays: 400, batchSize: 100 });
      done = true;
      await writing; // any lock wait over 200 ms would have thrown here
      expect(report.complete).toBe(true);
      expect(inserted).toBeGreaterThan(0);
    } finally {
      await writer.end();
    }
  });

  it("rolls old checks up before deleting them, via the maintenance; RAW_RETENTION_DAYS configures it", async () => {
    const { db } = await import("@/lib/db");
    const { RollupMaintenance, maintenanceOptionsFromEnv } = await import("@/lib/stats/maintenance");
    const { rawRetentionDays } = await import("@/lib/stats/retention");
    expect(rawRetentionDays({})).toBe(30);
    expect(rawRetentionDays({ RAW_RETENTION_DAYS: "7" })).toBe(7);
    expect(() => rawRetentionDays({ RAW_RETENTION_DAYS: "soon" })).toThrow(/RAW_RETENTION_DAYS/);

    const options = maintenanceOptionsFromEnv({ RAW_RETENTION_DAYS: "7" });
    expect(options.rawRetentionDays).toBe(7);
    const maintenance = new RollupMaintenance(db, { ...options, workBudgetMs: 60_000, retentionBudgetMs: 60_000 });
    const report = await maintenance.runOnce(now, { force: true });
    expect(report.catchUp.queued).toBe(0);
    expect(report.retention.complete).toBe(true);
    const cutoff = new Date(now.getTime() - 7 * DAY);
    expect(await count(`SELECT count(*) FROM "check" WHERE "startedAt" < $1`, [cutoff.toISOString()])).toBe(0);
    // The 40 days of history live on in the rollups: 3 checks an hour per monitor.
    const rolled = await client.query(`SELECT sum(total)::int AS total, min("bucketStart") AS first FROM check_rollup WHERE granularity = 'HOUR' AND "monitorId" = $1`, [ids[1]]);
    expect(rolled.rows[0].total).toBe(40 * 24 * 3 + 1);
    expect(new Date(rolled.rows[0].first).getTime()).toBeLessThanOrEqual(now.getTime() - 40 * DAY);
  });
});
