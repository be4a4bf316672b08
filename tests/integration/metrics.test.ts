// GET /api/metrics of the real built app on PostgreSQL, with HOPWATCH_METRICS_TOKEN set: 401
// without the token or with a wrong one, and with it Prometheus text carrying every Hopwatch
// metric, the checks counter included once the in-process scheduler has written a check.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiClient, signUp, startAppServer, type AppServer } from "../helpers/app-server";
import { createTestDatabase, postgresIsReachable, type TestDatabase } from "../helpers/postgres";
import { startTarget, type Target } from "../helpers/workers";

const postgresAvailable = process.env.CI ? true : await postgresIsReachable();
const TOKEN = "metrics-test-token";

describe.skipIf(!postgresAvailable)("metrics endpoint", () => {
  let app: AppServer;
  let database: TestDatabase;
  let target: Target;

  beforeAll(async () => {
    database = await createTestDatabase();
    target = await startTarget(() => ({ status: 200, delayMs: 0 }));
    app = await startAppServer({ databaseUrl: database.url, env: { HOPWATCH_METRICS_TOKEN: TOKEN } });
  });

  afterAll(async () => {
    await app?.stop();
    await target?.close();
    await database?.drop();
  });

  const scrape = (authorization?: string) => fetch(`${app.url}/api/metrics`, { headers: authorization ? { authorization } : {} });

  it("answers 401 without the token and with a wrong one", async () => {
    for (const authorization of [undefined, "Bearer wrong-token", TOKEN]) {
      const response = await scrape(authorization);
      expect(response.status, String(authorization)).toBe(401);
      expect(response.headers.get("www-authenticate")).toMatch(/^Bearer/);
      expect(await response.text()).not.toContain("hopwatch_");
    }
  });

  it("serves every metric in the Prometheus text format with the token", async () => {
    const user = await signUp(app.url, "metrics@example.com");
    const api = apiClient(app.url, user);
    const monitor = await api("POST", "/api/v1/monitors", { name: "Loopback", url: target.url("metrics") });
    expect(monitor.status).toBe(201);
    expect((await api("POST", `/api/v1/monitors/${monitor.json.id}/check-now`)).status).toBe(200);

    const response = await scrape(`Bearer ${TOKEN}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const body = await response.text();
    for (const line of [
      /^# TYPE hopwatch_checks_total counter$/m,
      /^hopwatch_checks_total\{error_kind="NONE"\} [1-9]\d*$/m,
      /^# TYPE hopwatch_probe_duration_seconds histogram$/m,
      /^hopwatch_probe_duration_seconds_count\{result="ok"\} [1-9]\d*$/m,
      /^# TYPE hopwatch_scheduler_lag_seconds histogram$/m,
      /^hopwatch_check_results_buffered 0$/m,
      /^hopwatch_database_up 1$/m,
      // The monitor's first slot is up to an interval away: nothing is due and unclaimed.
      /^hopwatch_monitors_due_unclaimed 0$/m,
      /^hopwatch_alerts\{status="pending"\} 0$/m,
      /^hopwatch_alerts\{status="failed"\} 0$/m,
      /^# TYPE hopwatch_rollup_age_seconds gauge$/m,
      /^process_resident_memory_bytes \d+$/m,
    ]) {
      expect(body).toMatch(line);
    }
  });
});
