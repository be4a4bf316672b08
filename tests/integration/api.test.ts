// The REST API and auth endpoints of the real built app, once against a PostgreSQL server and
// once against the embedded PGlite: the same behaviour is expected from both.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiClient, signUp, startAppServer, type AppServer, type TestUser } from "../helpers/app-server";
import { createTestDatabase, postgresIsReachable, type TestDatabase } from "../helpers/postgres";

const postgresAvailable = process.env.CI ? true : await postgresIsReachable();
if (!postgresAvailable) console.warn("PostgreSQL is not reachable on TEST_DATABASE_URL: skipping the server-mode API tests");

const modes = [
  { mode: "PostgreSQL server", usePostgres: true },
  { mode: "embedded PGlite", usePostgres: false },
].filter((entry) => postgresAvailable || !entry.usePostgres);

describe.each(modes)("REST API on $mode", ({ usePostgres }) => {
  let app: AppServer;
  let database: TestDatabase | undefined;
  let alice: TestUser;
  let api: ReturnType<typeof apiClient>;

  beforeAll(async () => {
    database = usePostgres ? await createTestDatabase() : undefined;
    app = await startAppServer({ databaseUrl: database?.url });
    alice = await signUp(app.url, "alice@example.com");
    api = apiClient(app.url, alice);
  });

  afterAll(async () => {
    await app?.stop();
    await database?.drop();
  });

  it("reports health with the database", async () => {
    const response = await fetch(`${app.url}/api/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "ok", db: "ok", scheduler: { status: "ok" } });
  });

  it("sends security headers on pages, with a CSP that allows no eval and no framing", async () => {
    const response = await fetch(`${app.url}/sign-in`);
    const csp = response.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("unsafe-eval");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
  });

  it("answers 401 without a session or key, and with a bad key", async () => {
    const anonymous = await fetch(`${app.url}/api/v1/monitors`);
    expect(anonymous.status).toBe(401);
    expect((await anonymous.json()).error.message).toMatch(/API key/);
    const badKey = await apiClient(app.url, { apiKey: "hw_not-a-real-key" })("GET", "/api/v1/monitors");
    expect(badKey.status).toBe(401);
  });

  it("creates, reads, lists, updates and deletes a monitor", async () => {
    const created = await api("POST", "/api/v1/monitors", { name: "Checkout", url: "https://shop.example.com/health", headers: { "X-Env": "prod" } });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ id: expect.any(String), name: "Checkout", method: "GET", intervalSeconds: 60, state: "UNKNOWN", headers: { "X-Env": "prod" } });
    const id = created.json.id as string;

    expect((await api("GET", `/api/v1/monitors/${id}`)).json).toMatchObject({ id, name: "Checkout" });
    const listed = await api("GET", "/api/v1/monitors");
    expect(listed.json.monitors.map((monitor: { id: string }) => monitor.id)).toContain(id);

    const patched = await api("PATCH", `/api/v1/monitors/${id}`, { name: "Checkout API", intervalSeconds: 30 });
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({ name: "Checkout API", intervalSeconds: 30, timeoutSeconds: 10, url: "https://shop.example.com/health" });

    const deleted = await api("DELETE", `/api/v1/monitors/${id}`);
    expect(deleted.status).toBe(204);
    expect((await api("GET", `/api/v1/monitors/${id}`)).status).toBe(404);
    expect((await api("DELETE", `/api/v1/monitors/${id}`)).status).toBe(404);
  });

  it("rejects bad input with 400 naming the field, and changes nothing", async () => {
    const created = await api("POST", "/api/v1/monitors", { name: "Stable", url: "https://stable.example.com", intervalSeconds: 60, timeoutSeconds: 5 });
    const id = created.json.id as string;

    const cases: Array<[string, string, unknown, string | null]> = [
      ["POST", "/api/v1/monitors", { name: "", url: "https://x.example.com" }, "name"],
      ["POST", "/api/v1/monitors", { name: "x", url: "ftp://x.example.com" }, "url"],
      ["POST", "/api/v1/monitors", "{not json", null],
      ["POST", "/api/v1/monitors", "[]", null],
      ["PATCH", `/api/v1/monitors/${id}`, { timeoutSeconds: 60 }, "timeoutSeconds"],
      ["PATCH", `/api/v1/monitors/${id}`, { intervalSeconds: 5 }, "intervalSeconds"],
      ["PATCH", `/api/v1/monitors/${id}`, { method: "BREW" }, "method"],
      ["PATCH", `/api/v1/monitors/${id}`, { state: "UP" }, "state"],
      ["PATCH", `/api/v1/monitors/${id}`, "{", null],
      ["PATCH", `/api/v1/monitors/${id}`, "null", null],
    ];
    for (const [method, path, body, field] of cases) {
      const response = await api(method, path, body);
      expect(response.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(400);
      expect(response.json.error.field).toBe(field);
      expect(response.json.error.message).toEqual(expect.any(String));
    }
    const after = await api("GET", `/api/v1/monitors/${id}`);
    expect(after.json).toMatchObject({ name: "Stable", intervalSeconds: 60, timeoutSeconds: 5, method: "GET" });
    expect(after.json.updatedAt).toBe(created.json.updatedAt);
  });

  it("pauses and resumes through PATCH enabled", async () => {
    const { json } = await api("POST", "/api/v1/monitors", { name: "Pausable", url: "https://p.example.com" });
    expect((await api("PATCH", `/api/v1/monitors/${json.id}`, { enabled: false })).json).toMatchObject({ enabled: false, nextRunAt: null });
    const resumed = await api("PATCH", `/api/v1/monitors/${json.id}`, { enabled: true });
    expect(resumed.json.enabled).toBe(true);
    // Resuming starts a fresh schedule within one interval (60 s by default).
    expect(new Date(resumed.json.nextRunAt).getTime()).toBeLessThanOrEqual(Date.now() + 60_000);
  });

  it("says why sign-up and sign-in fail", async () => {
    const post = (path: string, body: unknown) =>
      fetch(`${app.url}/api/auth/${path}`, { method: "POST", headers: { "content-type": "application/json", origin: app.url }, body: JSON.stringify(body) });
    const weak = await post("sign-up/email", { email: "weak@example.com", password: "1234567", name: "w" });
    expect(weak.status).toBe(400);
    expect((await weak.json()).code).toBe("PASSWORD_TOO_SHORT");
    const taken = await post("sign-up/email", { email: alice.email, password: "another long password", name: "a" });
    expect((await taken.json()).code).toMatch(/USER_ALREADY_EXISTS/);
    const wrong = await post("sign-in/email", { email: alice.email, password: "not the password" });
    expect(wrong.status).toBe(401);
    expect((await wrong.json()).code).toBe("INVALID_EMAIL_OR_PASSWORD");
    const right = await post("sign-in/email", { email: alice.email, password: "correct horse battery" });
    expect(right.status).toBe(200);
    expect(right.headers.getSetCookie().join(";")).toMatch(/HttpOnly/i);
  });

  it("redirects dashboard pages to sign-in when signed out", async () => {
    for (const path of ["/monitors", "/monitors/new", "/settings", "/"]) {
      const response = await fetch(`${app.url}${path}`, { redirect: "manual" });
      expect(response.status, path).toBe(307);
      expect(response.headers.get("location"), path).toMatch(/\/sign-in$/);
    }
  });

  it("rate limits sign-in attempts per IP with 429 and Retry-After", async () => {
    // A different account each time: the per-account limit (tests/integration/security.test.ts) stays out of the way.
    let tries = 0;
    const attempt = () =>
      fetch(`${app.url}/api/auth/sign-in/email`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: app.url, "x-forwarded-for": "203.0.113.9" },
        body: JSON.stringify({ email: `nobody${++tries}@example.com`, password: "whatever123" }),
      });
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await attempt()).status);
    expect(statuses.slice(0, 10).every((status) => status === 401)).toBe(true);
    const limited = await attempt();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});
