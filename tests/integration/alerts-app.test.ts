// Alerts through the real built app: a new user's monitor on a failing local server gives the
// DOWN and RESOLVED emails at an SMTP catcher named by SMTP_URL; GET /api/v1/alerts lists the
// user's own alerts; and without SMTP_URL (embedded default) alerts stay readable in the outbox
// with a banner on the Notifications page explaining how to set it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiClient, signUp, startAppServer, type AppServer, type TestUser } from "../helpers/app-server";
import { createTestDatabase, postgresIsReachable, type TestDatabase } from "../helpers/postgres";
import { startSmtpServer, type TestSmtpServer } from "../helpers/smtp";
import { httpServer, type TestServer } from "../probes/helpers";

const postgresAvailable = process.env.CI ? true : await postgresIsReachable();

async function waitFor<T>(read: () => Promise<T> | T, done: (value: T) => boolean, timeoutMs = 40_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms; last value: ${JSON.stringify(value)?.slice(0, 2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** "Check now" until the app runs it (a scheduled probe of the monitor may hold it for a moment). */
async function checkNow(api: ReturnType<typeof apiClient>, monitorId: string) {
  return waitFor(() => api("POST", `/api/v1/monitors/${monitorId}/check-now`), (response) => response.status !== 409, 15_000);
}

describe.skipIf(!postgresAvailable)("alerts in the built app with SMTP_URL set", () => {
  let app: AppServer;
  let database: TestDatabase;
  let smtp: TestSmtpServer;
  let target: TestServer;
  let healthy = false;
  let alice: TestUser;
  let api: ReturnType<typeof apiClient>;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    target = await httpServer((_request, response) => {
      if (healthy) response.writeHead(200).end("ok");
      else response.writeHead(502, { server: "nginx/1.24.0", "content-type": "text/html" }).end("<html><center><h1>502 Bad Gateway</h1></center><hr><center>nginx/1.24.0</center></html>");
    });
    database = await createTestDatabase();
    app = await startAppServer({ databaseUrl: database.url, env: { SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, ALERT_FROM: "Hopwatch <alerts@hopwatch.test>" } });
    alice = await signUp(app.url, "alice@example.com");
    api = apiClient(app.url, alice);
  });

  afterAll(async () => {
    await app?.stop();
    await database?.drop();
    await smtp?.close();
    await target?.close();
  });

  it("emails a new user DOWN and RESOLVED for a monitor on a failing local server, and lists the alerts", async () => {
    const created = await api("POST", "/api/v1/monitors", { name: "Orders API", url: `http://127.0.0.1:${target.port}/orders`, retries: 0, intervalSeconds: 30, timeoutSeconds: 2 });
    expect(created.status).toBe(201);
    const monitorId = created.json.id as string;
    expect((await checkNow(api, monitorId)).json.result).toMatchObject({ ok: false, errorKind: "HTTP_502" });

    const mails = () => smtp.messages.filter((message) => message.subject.includes("Orders API"));
    const [down] = await waitFor(mails, (list) => list.length >= 1);
    expect(down.to).toEqual(["alice@example.com"]);
    expect(down.subject).toBe("[Hopwatch] DOWN: Orders API — 502 Bad Gateway from nginx");
    expect(down.text).toContain("Diagnosis\n");
    expect(down.text).toContain(`${app.url}/incidents/`);
    expect(down.html).toContain("<html>");

    healthy = true;
    expect((await checkNow(api, monitorId)).json.result).toMatchObject({ ok: true });
    const resolved = (await waitFor(mails, (list) => list.length >= 2))[1];
    expect(resolved.subject).toMatch(/^\[Hopwatch\] RESOLVED: Orders API — down \d+ s$/);
    console.log(`---- RESOLVED email from the built app ----\nSubject: ${resolved.subject}\n\n${resolved.text}`);

    const sent = await waitFor(() => api("GET", "/api/v1/alerts?status=sent"), (response) => response.json.alerts?.length === 2);
    expect(sent.json.alerts.map((alert: { event: string }) => alert.event).sort()).toEqual(["DOWN", "RESOLVED"]);
    expect(sent.json.alerts[0]).toMatchObject({ status: "SENT", monitorId, monitorName: "Orders API", channel: { type: "EMAIL", name: "Account email" }, attempts: 1, lastError: null });
    expect((await api("GET", "/api/v1/alerts?status=pending")).json.alerts).toEqual([]);
    expect((await api("GET", "/api/v1/alerts")).json.alerts).toHaveLength(2);
    expect(mails()).toHaveLength(2);
  });

  it("rejects a bad status naming the field, needs a caller, and shows nobody else's alerts", async () => {
    const bad = await api("GET", "/api/v1/alerts?status=delivered");
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatchObject({ field: "status", message: expect.stringContaining("pending, sent, failed") });
    expect((await fetch(`${app.url}/api/v1/alerts`)).status).toBe(401);
    const bob = await signUp(app.url, "bob@example.com");
    const asBob = apiClient(app.url, bob);
    expect((await asBob("GET", "/api/v1/alerts")).json).toEqual({ alerts: [] });
  });

  it("renders the Notifications page with the channels and the delivery log, without the SMTP banner", async () => {
    const page = await fetch(`${app.url}/settings/notifications`, { headers: { cookie: alice.cookie } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Delivery log");
    expect(html).toContain("alice@example.com");
    expect(html).toContain("[Hopwatch] DOWN: Orders API");
    expect(html).not.toContain('data-testid="smtp-banner"');
  });
});

describe("alerts in the built app without SMTP_URL (embedded database)", () => {
  let app: AppServer;
  let target: TestServer;

  beforeAll(async () => {
    target = await httpServer((_request, response) => response.writeHead(503).end("down for maintenance"));
    app = await startAppServer({ env: { SMTP_URL: "" } });
  });

  afterAll(async () => {
    await app?.stop();
    await target?.close();
  });

  it("keeps the alert in the outbox with the reason, and the page explains how to set SMTP_URL", async () => {
    const carol = await signUp(app.url, "carol@example.com");
    const api = apiClient(app.url, carol);
    const created = await api("POST", "/api/v1/monitors", { name: "Legacy API", url: `http://127.0.0.1:${target.port}/`, retries: 0, intervalSeconds: 30, timeoutSeconds: 2 });
    expect(created.status).toBe(201);
    await checkNow(api, created.json.id);
    const pending = await waitFor(() => api("GET", "/api/v1/alerts?status=pending"), (response) => response.json.alerts?.[0]?.attempts >= 1);
    expect(pending.json.alerts[0]).toMatchObject({
      event: "DOWN",
      status: "PENDING",
      monitorName: "Legacy API",
      subject: "[Hopwatch] DOWN: Legacy API — 503 Service Unavailable",
      lastError: expect.stringContaining("Email is not configured: set SMTP_URL"),
    });
    const page = await fetch(`${app.url}/settings/notifications`, { headers: { cookie: carol.cookie } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('data-testid="smtp-banner"');
    expect(html).toContain("Email is not configured on this server.");
    expect(html).toContain("SMTP_URL");
    expect(html).toContain("[Hopwatch] DOWN: Legacy API");
    expect(app.logs()).not.toMatch(/unhandled|TypeError/i);
  });
});
