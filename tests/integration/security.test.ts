// Security of the built app, two processes on one PostgreSQL database: rate limits shared through
// the database (API per key and per user, password attempts per IP and per account), cross-site
// protection of cookie API calls and Server Actions, monitor headers encrypted at rest (and the
// plaintext left by older versions sealed at start), and the BLOCK_PRIVATE_TARGETS policy.
import http from "node:http";
import type { AddressInfo } from "node:net";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiClient, signUp as signUpFromOneIp, startAppServer, type AppServer, type TestUser } from "../helpers/app-server";
import { createTestDatabase, postgresIsReachable, type TestDatabase } from "../helpers/postgres";
import { builtServerActions, callServerAction } from "../helpers/server-actions";

const postgresAvailable = process.env.CI ? true : await postgresIsReachable();
const API_LIMIT = 30;
const PASSWORD = "correct horse battery";
let signUps = 0;
// Each from its own address: this file signs up more users than the per-IP limit allows.
const signUp = (baseUrl: string, email: string) => signUpFromOneIp(baseUrl, email, PASSWORD, `10.99.0.${++signUps}`);

describe.skipIf(!postgresAvailable)("security", () => {
  let database: TestDatabase;
  let sql: pg.Client;
  // Both share the database; `guarded` also has BLOCK_PRIVATE_TARGETS on.
  let open: AppServer;
  let guarded: AppServer;
  let echo: http.Server;
  let echoUrl: string;
  const echoed: http.IncomingHttpHeaders[] = [];
  // One session secret, so a session works on both, as README asks of several processes.
  const env = { HOPWATCH_SCHEDULER: "off", HOPWATCH_API_RATE_LIMIT: String(API_LIMIT), BETTER_AUTH_SECRET: "security-test-session-secret-0123456789" };
  const startGuarded = () => startAppServer({ databaseUrl: database.url, env: { ...env, BLOCK_PRIVATE_TARGETS: "true" } });

  beforeAll(async () => {
    database = await createTestDatabase();
    open = await startAppServer({ databaseUrl: database.url, env });
    guarded = await startGuarded();
    sql = new pg.Client({ connectionString: database.url });
    await sql.connect();
    echo = http.createServer((req, res) => {
      echoed.push(req.headers);
      res.end("ok");
    });
    await new Promise<void>((resolve) => echo.listen(0, "127.0.0.1", resolve));
    echoUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}/health`;
  });

  afterAll(async () => {
    const { closeDatabase } = await import("@/lib/db");
    await closeDatabase();
    await sql?.end();
    await open?.stop();
    await guarded?.stop();
    echo?.close();
    await database?.drop();
  });

  /** A POST to better-auth as the browser would send it, from a given client IP. */
  const authPost = (app: AppServer, path: string, body: unknown, ip: string, cookie?: string) =>
    fetch(`${app.url}/api/auth/${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: app.url, "x-forwarded-for": ip, ...(cookie ? { cookie } : {}) },
      body: JSON.stringify(body),
    });

  describe("rate limits", () => {
    it("limits the API per API key, shared by every process, with 429 and Retry-After", async () => {
      const carol = await signUp(open.url, "carol@example.com");
      const createKey = async () => {
        const { createApiKey } = await import("@/lib/auth/api-keys");
        return (await createApiKey(carol.id, "script")).key;
      };
      process.env.DATABASE_URL = database.url;
      const [first, second] = [await createKey(), await createKey()];
      const withFirst = apiClient(open.url, { apiKey: first });
      for (let i = 0; i < API_LIMIT; i++) expect((await withFirst("GET", "/api/v1/monitors")).status, `request ${i + 1}`).toBe(200);
      const limited = await withFirst("GET", "/api/v1/monitors");
      expect(limited.status).toBe(429);
      expect(limited.json.error.message).toMatch(/at most 30 a minute per API key/);
      const retryAfter = Number(limited.headers.get("retry-after"));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(60);
      // The other process counts in the same table.
      expect((await apiClient(guarded.url, { apiKey: first })("GET", "/api/v1/monitors")).status).toBe(429);
      // Another key, and the user's browser session, have limits of their own.
      expect((await apiClient(open.url, { apiKey: second })("GET", "/api/v1/monitors")).status).toBe(200);
      expect((await apiClient(open.url, carol)("GET", "/api/v1/monitors")).status).toBe(200);
    });

    it("limits the browser session per user", async () => {
      const erin = await signUp(open.url, "erin@example.com");
      const statuses: number[] = [];
      for (let i = 0; i <= API_LIMIT; i++) statuses.push((await apiClient(i % 2 ? open.url : guarded.url, erin)("GET", "/api/v1/overview")).status);
      expect(statuses.slice(0, API_LIMIT).every((status) => status === 200)).toBe(true);
      expect(statuses[API_LIMIT]).toBe(429);
    });

    it("limits sign-in attempts per account, whatever the IP, and a success clears them", async () => {
      const frank = await signUp(open.url, "frank@example.com");
      const grace = await signUp(open.url, "grace@example.com");
      for (let i = 0; i < 5; i++) expect((await authPost(i % 2 ? open : guarded, "sign-in/email", { email: frank.email, password: "wrong password" }, `198.51.100.${i + 1}`)).status).toBe(401);
      // Even the right password is refused now, from yet another address.
      const limited = await authPost(open, "sign-in/email", { email: "FRANK@example.com", password: PASSWORD }, "198.51.100.99");
      expect(limited.status).toBe(429);
      expect((await limited.json()).code).toBe("TOO_MANY_ATTEMPTS");
      expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(14 * 60);
      // Another account is not affected.
      expect((await authPost(open, "sign-in/email", { email: grace.email, password: PASSWORD }, "198.51.100.100")).status).toBe(200);
      for (let i = 0; i < 4; i++) expect((await authPost(open, "sign-in/email", { email: grace.email, password: "wrong" }, `198.51.101.${i}`)).status).toBe(401);
      expect((await authPost(open, "sign-in/email", { email: grace.email, password: PASSWORD }, "198.51.101.50")).status).toBe(200);
      for (let i = 0; i < 4; i++) expect((await authPost(open, "sign-in/email", { email: grace.email, password: "wrong" }, `198.51.102.${i}`)).status).toBe(401);
    });

    it("limits password changes per account and per IP", async () => {
      const heidi = await signUp(open.url, "heidi@example.com");
      const change = (ip: string) => authPost(open, "change-password", { currentPassword: "not it", newPassword: "a new long password" }, ip, heidi.cookie);
      for (let i = 0; i < 5; i++) expect((await change(`203.0.113.${i + 1}`)).status).toBe(400);
      const perAccount = await change("203.0.113.50");
      expect(perAccount.status).toBe(429);
      expect(perAccount.headers.get("retry-after")).toMatch(/^\d+$/);

      // Two accounts, three attempts each: only the IP's limit (5 a minute) is reached.
      const [ivan, kim] = [await signUp(open.url, "ivan@example.com"), await signUp(open.url, "kim@example.com")];
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await authPost(open, "change-password", { currentPassword: "x", newPassword: "a new long password" }, "203.0.113.200", i % 2 ? ivan.cookie : kim.cookie)).status);
      expect(statuses).toEqual([400, 400, 400, 400, 400, 429]);
    });

    it("limits sign-ups per IP", async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 11; i++) statuses.push((await authPost(open, "sign-up/email", { email: `bulk${i}@example.com`, password: PASSWORD, name: "bulk" }, "192.0.2.77")).status);
      expect(statuses.slice(0, 10).every((status) => status === 200)).toBe(true);
      expect(statuses[10]).toBe(429);
    });
  });

  describe("cross-site requests", () => {
    let dave: TestUser;
    let monitorId: string;
    const monitorRow = async () => (await sql.query(`SELECT name, enabled, "updatedAt" FROM monitor WHERE id = $1`, [monitorId])).rows[0];

    beforeAll(async () => {
      dave = await signUp(open.url, "dave@example.com");
      monitorId = (await apiClient(open.url, dave)("POST", "/api/v1/monitors", { name: "Dave's", url: "https://dave.example.com" })).json.id;
    });

    const cookieCall = (method: string, path: string, headers: Record<string, string>, body?: unknown) =>
      fetch(`${open.url}${path}`, { method, headers: { cookie: dave.cookie, "content-type": "application/json", ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });

    it("refuses cookie-authenticated changes from another origin, or from nowhere, with 403", async () => {
      const before = await monitorRow();
      const refused: Array<[string, string, Record<string, string>, unknown]> = [
        ["POST", "/api/v1/monitors", { origin: "https://evil.example" }, { name: "x", url: "https://x.example.com" }],
        ["PATCH", `/api/v1/monitors/${monitorId}`, { origin: "https://evil.example" }, { name: "pwned" }],
        ["DELETE", `/api/v1/monitors/${monitorId}`, { origin: "null" }, undefined],
        ["PATCH", `/api/v1/monitors/${monitorId}`, { "sec-fetch-site": "cross-site" }, { enabled: false }],
        ["PATCH", `/api/v1/monitors/${monitorId}`, {}, { enabled: false }],
        ["POST", `/api/v1/monitors/${monitorId}/check-now`, { origin: `http://127.0.0.1:1` }, undefined],
      ];
      for (const [method, path, headers, body] of refused) {
        const response = await cookieCall(method, path, headers, body);
        expect(response.status, `${method} ${path} ${JSON.stringify(headers)}`).toBe(403);
        expect((await response.json()).error.message).toMatch(/Cross-site request refused.*API key/);
      }
      expect(await monitorRow()).toEqual(before);
      expect((await sql.query(`SELECT count(*)::int AS n FROM monitor WHERE "userId" = $1`, [dave.id])).rows[0].n).toBe(1);
    });

    it("lets the app's own pages, reads, and API keys through", async () => {
      expect((await cookieCall("GET", "/api/v1/monitors", { origin: "https://evil.example" })).status).toBe(200);
      expect((await cookieCall("PATCH", `/api/v1/monitors/${monitorId}`, { origin: open.url }, { name: "Renamed" })).status).toBe(200);
      expect((await cookieCall("PATCH", `/api/v1/monitors/${monitorId}`, { "sec-fetch-site": "same-origin" }, { name: "Renamed again" })).status).toBe(200);
      process.env.DATABASE_URL = database.url;
      const { createApiKey } = await import("@/lib/auth/api-keys");
      const { key } = await createApiKey(dave.id, "script");
      const response = await fetch(`${open.url}/api/v1/monitors/${monitorId}`, {
        method: "PATCH",
        headers: { authorization: `Bearer ${key}`, origin: "https://evil.example", "content-type": "application/json" },
        body: JSON.stringify({ name: "By key" }),
      });
      expect(response.status).toBe(200);
    });

    it("runs Server Actions only for the app's own origin", async () => {
      const action = builtServerActions().get("app/(dashboard)/monitors/actions.ts#setMonitorEnabledAction")!;
      const call = { id: action.id, page: `/monitors/${monitorId}` };
      const crossSite = await callServerAction(open.url, call, [monitorId, false], { cookie: dave.cookie, origin: "https://evil.example" });
      expect(crossSite.status).toBeGreaterThanOrEqual(400);
      expect((await monitorRow()).enabled).toBe(true);
      const sameSite = await callServerAction(open.url, call, [monitorId, false], { cookie: dave.cookie });
      expect(sameSite.status).toBe(200);
      expect((await monitorRow()).enabled).toBe(false);
    });
  });

  describe("monitor headers at rest", () => {
    const TOKEN = "tok_9f8e7d6c5b4a-never-in-plaintext";
    let alice: TestUser;

    beforeAll(async () => {
      alice = await signUp(open.url, "alice@example.com");
    });

    it("stores headers encrypted, shows them to the owner, and still sends them", async () => {
      const api = apiClient(open.url, alice);
      const created = await api("POST", "/api/v1/monitors", { name: "Secret API", url: echoUrl, headers: { Authorization: `Bearer ${TOKEN}`, "X-Tenant": "acme" } });
      expect(created.status).toBe(201);
      const id = created.json.id as string;
      const raw = (await sql.query(`SELECT row_to_json(m)::text AS row, "encryptedHeaders", headers FROM monitor m WHERE id = $1`, [id])).rows[0];
      expect(raw.row).not.toContain(TOKEN);
      expect(raw.row).not.toContain("acme");
      expect(raw.encryptedHeaders).toMatch(/^v1\./);
      expect(raw.headers).toEqual({});

      expect((await api("GET", `/api/v1/monitors/${id}`)).json.headers).toEqual({ Authorization: `Bearer ${TOKEN}`, "X-Tenant": "acme" });
      const editPage = await (await fetch(`${open.url}/monitors/${id}/edit`, { headers: { cookie: alice.cookie } })).text();
      expect(editPage).toContain(`Authorization: Bearer ${TOKEN}`);

      echoed.length = 0;
      const check = await api("POST", `/api/v1/monitors/${id}/check-now`);
      expect(check.json.result).toMatchObject({ ok: true, httpStatus: 200 });
      expect(echoed[0]).toMatchObject({ authorization: `Bearer ${TOKEN}`, "x-tenant": "acme" });
    });

    it("reads plaintext headers left by an older version, and seals them at the next start", async () => {
      const api = apiClient(open.url, alice);
      const id = (await api("POST", "/api/v1/monitors", { name: "Legacy", url: echoUrl })).json.id as string;
      await sql.query(`UPDATE monitor SET headers = $2::jsonb, "encryptedHeaders" = NULL WHERE id = $1`, [id, JSON.stringify({ "X-Legacy": TOKEN })]);
      expect((await api("GET", `/api/v1/monitors/${id}`)).json.headers).toEqual({ "X-Legacy": TOKEN });

      await guarded.stop();
      guarded = await startGuarded();
      const raw = (await sql.query(`SELECT row_to_json(m)::text AS row FROM monitor m WHERE id = $1`, [id])).rows[0];
      expect(raw.row).not.toContain(TOKEN);
      expect((await api("GET", `/api/v1/monitors/${id}`)).json.headers).toEqual({ "X-Legacy": TOKEN });
      expect(guarded.logs()).not.toContain(TOKEN);
      expect(open.logs()).not.toContain(TOKEN);
    });
  });

  describe("BLOCK_PRIVATE_TARGETS", () => {
    let judy: TestUser;

    beforeAll(async () => {
      judy = await signUp(guarded.url, "judy@example.com");
    });

    it("refuses to save a monitor whose target is internal, naming the field", async () => {
      const api = apiClient(guarded.url, judy);
      const cases: Array<[Record<string, unknown>, string, RegExp]> = [
        [{ url: "http://127.0.0.1:8080/health" }, "url", /URL not allowed: 127\.0\.0\.1 is a loopback address.*BLOCK_PRIVATE_TARGETS/],
        [{ url: "http://localhost:3000/" }, "url", /URL not allowed: localhost resolves to (127\.0\.0\.1|::1), a loopback address/],
        [{ url: "http://169.254.169.254/latest/meta-data/" }, "url", /the cloud metadata service/],
        [{ url: "https://10.1.2.3/" }, "url", /private network address/],
        [{ url: "http://[fd00::1]/" }, "url", /unique local/],
        [{ url: "http://[::ffff:127.0.0.1]/" }, "url", /loopback/],
        [{ url: "http://2130706433/" }, "url", /loopback/],
        [{ type: "TCP", url: "tcp://[::1]:5432" }, "url", /loopback/],
        [{ url: "https://93.184.215.14/", originUrl: "http://10.0.0.5:3000/health" }, "originUrl", /Origin URL not allowed: 10\.0\.0\.5 is a private network address/],
      ];
      for (const [fields, field, message] of cases) {
        const response = await api("POST", "/api/v1/monitors", { name: "Internal", ...fields });
        expect(response.status, JSON.stringify(fields)).toBe(400);
        expect(response.json.error, JSON.stringify(fields)).toMatchObject({ field, message: expect.stringMatching(message) });
      }
      expect((await sql.query(`SELECT count(*)::int AS n FROM monitor WHERE "userId" = $1`, [judy.id])).rows[0].n).toBe(0);
      expect((await api("POST", "/api/v1/monitors", { name: "Public", url: "https://93.184.215.14/" })).status).toBe(201);
    });

    it("refuses at probe time a monitor saved before the policy was on, without connecting", async () => {
      const id = (await apiClient(open.url, judy)("POST", "/api/v1/monitors", { name: "Saved earlier", url: echoUrl })).json.id as string;
      echoed.length = 0;
      const api = apiClient(guarded.url, judy);
      const check = await api("POST", `/api/v1/monitors/${id}/check-now`);
      expect(check.json.result).toMatchObject({ ok: false, errorKind: "UNKNOWN", message: expect.stringMatching(/^Refused to connect to 127\.0\.0\.1: it is a loopback address, and BLOCK_PRIVATE_TARGETS is on$/) });
      expect(echoed).toHaveLength(0);
      // Its other settings can still be changed; only a new target is checked.
      expect((await api("PATCH", `/api/v1/monitors/${id}`, { name: "Renamed", enabled: false })).status).toBe(200);
      expect((await api("PATCH", `/api/v1/monitors/${id}`, { url: "http://localhost/" })).json.error.field).toBe("url");
    });
  });
});
