// Alerts end to end in this process: the scheduler probing loopback responders against a real
// PostgreSQL database, the outbox written with the incident, a dispatcher delivering to a real
// SMTP server (smtp-server) and a webhook receiver on loopback. Then SMTP down → retries → a
// restarted dispatcher delivering exactly once; and flapping, reminders and TLS expiry driven by
// a controllable clock through the real writer and pass.
import { createHmac } from "node:crypto";
import type http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, postgresIsReachable, type TestDatabase } from "../helpers/postgres";
import { closedPort, httpServer, type TestServer } from "../probes/helpers";
import { freePort } from "../helpers/app-server";
import { startSmtpServer, type TestSmtpServer } from "../helpers/smtp";
import type { Scheduler } from "@/lib/scheduler/scheduler";
import type { AlertDispatcher } from "@/lib/alerts/dispatcher";
import type { AlertOptions } from "@/lib/alerts/config";
import type { CheckOutcome } from "@/lib/scheduler/writer";

const postgresAvailable = process.env.CI ? true : await postgresIsReachable();

const NGINX_502 = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.24.0</center>\r\n</body>\r\n</html>\r\n";

describe.skipIf(!postgresAvailable)("alerts", () => {
  let database: TestDatabase;
  let scheduler: Scheduler;
  let smtp: TestSmtpServer;
  let userId: string;
  const servers: TestServer[] = [];
  const dispatchers: AlertDispatcher[] = [];

  async function prisma() {
    const { db } = await import("@/lib/db");
    return db();
  }

  async function waitFor<T>(read: () => Promise<T> | T, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await read();
      if (done(value)) return value;
      if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms; last value: ${JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? String(v) : v))?.slice(0, 2000)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  function dispatcherOptions(smtpPort: number, overrides: Partial<AlertOptions> = {}): AlertOptions {
    return {
      retry: { baseMs: 300, maxDelayMs: 1_000, giveUpAfterMs: 120_000 },
      holdForDiagnosisMs: 20_000,
      pollIntervalMs: 100,
      passIntervalMs: 3_600_000, // the pass is driven by hand where a test needs it
      tlsCheckIntervalMs: 0,
      maxInFlight: 10,
      leaseMs: 30_000,
      delivery: { smtpUrl: `smtp://127.0.0.1:${smtpPort}`, alertFrom: "Hopwatch <alerts@hopwatch.test>", timeoutMs: 5_000, baseUrl: "http://hopwatch.test" },
      ...overrides,
    };
  }

  async function startDispatcher(options: AlertOptions, clock?: () => Date, start = true): Promise<AlertDispatcher> {
    const { db } = await import("@/lib/db");
    const { AlertDispatcher } = await import("@/lib/alerts/dispatcher");
    const dispatcher = new AlertDispatcher(db, options, clock);
    dispatchers.push(dispatcher);
    if (start) dispatcher.start();
    return dispatcher;
  }

  const mailsFor = (name: string) => smtp.messages.filter((message) => message.subject.includes(`: ${name}`));

  beforeAll(async () => {
    database = await createTestDatabase();
    process.env.DATABASE_URL = database.url;
    const { db } = await import("@/lib/db");
    const { Scheduler } = await import("@/lib/scheduler/scheduler");
    userId = (await (await db()).user.create({ data: { id: "alerts-user", name: "Ops", email: "oncall@example.com" } })).id;
    // Probing only: each test runs the dispatcher(s) it needs.
    scheduler = new Scheduler(db, { maxActiveMonitors: 100, maxConcurrentProbes: 20, retryBaseSeconds: 0.25, flushIntervalMs: 200, maxBufferedResults: 1000 });
    scheduler.start();
    smtp = await startSmtpServer();
  });

  afterAll(async () => {
    await Promise.all(dispatchers.map((dispatcher) => dispatcher.stop()));
    await scheduler?.stop();
    await smtp?.close();
    await Promise.all(servers.map((server) => server.close()));
    const { closeDatabase } = await import("@/lib/db");
    await closeDatabase();
    await database?.drop();
  });

  it("a 502 from an nginx-like responder gives exactly one DOWN email with the diagnosis, then one RESOLVED email after the fix", async () => {
    let healthy = false;
    const gateway = await httpServer((_request, response) => {
      if (healthy) response.writeHead(200).end("ok");
      else response.writeHead(502, { server: "nginx/1.24.0", "content-type": "text/html" }).end(NGINX_502);
    });
    servers.push(gateway);
    const originPort = await closedPort(); // the app behind the gateway is not listening
    const dispatcher = await startDispatcher(dispatcherOptions(smtp.port));
    const monitor = await (await prisma()).monitor.create({
      data: { userId, name: "Checkout API", url: `http://127.0.0.1:${gateway.port}/api/cart`, originUrl: `http://127.0.0.1:${originPort}/api/cart`, intervalSeconds: 10, timeoutSeconds: 2, retries: 1, nextRunAt: new Date() },
    });

    const [down] = await waitFor(() => mailsFor("Checkout API"), (mails) => mails.length >= 1);
    expect(down.subject).toBe("[Hopwatch] DOWN: Checkout API — 502 Bad Gateway from nginx (upstream refused)");
    expect(down.to).toEqual(["oncall@example.com"]);
    expect(down.headers.from).toBe("Hopwatch <alerts@hopwatch.test>");
    expect(down.messageId).toMatch(/^<alert-[0-9a-f-]{36}@hopwatch\.test>$/);
    expect(down.text).toContain("Checkout API is DOWN: 502 Bad Gateway from nginx (upstream refused).");
    expect(down.text).toContain("HTTP_502 (502 Bad Gateway)");
    expect(down.text).toContain("Upstream (origin)");
    expect(down.text).toMatch(/Gateway:\s+nginx \(\d+% confidence/);
    expect(down.text).toContain("refuses connections when probed directly");
    expect(down.text).toMatch(/Next steps\n {2}1\. /);
    expect(down.text).toMatch(/Timings: DNS .* · connect [\d.]+ ms · TLS — · first byte [\d.]+ ms/);
    expect(down.text).toMatch(/Incident: http:\/\/hopwatch\.test\/incidents\/[0-9a-f-]{36}/);
    expect(down.html).toContain("<ol");
    expect(down.html).toContain("502 Bad Gateway from nginx (upstream refused)");
    console.log(`---- DOWN email as received by the SMTP server ----\nSubject: ${down.subject}\nFrom: ${down.headers.from}\nTo: ${down.to.join(", ")}\nMessage-ID: ${down.messageId}\n\n${down.text}`);

    healthy = true;
    await (await prisma()).monitor.update({ where: { id: monitor.id }, data: { nextRunAt: new Date() } });
    const resolved = (await waitFor(() => mailsFor("Checkout API"), (mails) => mails.length >= 2))[1];
    expect(resolved.subject).toMatch(/^\[Hopwatch\] RESOLVED: Checkout API — down \d+ s$/);
    expect(resolved.text).toMatch(/Checkout API is back UP after \d+ s down\./);
    expect(resolved.html).toContain("back UP");
    console.log(`---- RESOLVED email as received by the SMTP server ----\nSubject: ${resolved.subject}\nFrom: ${resolved.headers.from}\nTo: ${resolved.to.join(", ")}\nMessage-ID: ${resolved.messageId}\n\n${resolved.text}`);

    // Exactly one of each, and the outbox agrees.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(mailsFor("Checkout API").map((mail) => mail.subject.split(":")[0])).toEqual(["[Hopwatch] DOWN", "[Hopwatch] RESOLVED"]);
    const alerts = await (await prisma()).alert.findMany({ where: { monitorId: monitor.id }, orderBy: { seq: "asc" }, include: { attemptLog: true } });
    expect(alerts.map((alert) => [alert.event, alert.status, alert.attempts, alert.attemptLog.length])).toEqual([
      ["DOWN", "SENT", 1, 1],
      ["RESOLVED", "SENT", 1, 1],
    ]);
    expect(alerts[0].idempotencyKey).toBe(`incident:${alerts[0].incidentId}:DOWN:${alerts[0].channelId}`);
    expect(alerts[0].attemptLog[0].response).toMatch(/^250/);
    await dispatcher.stop();
  });

  it("SMTP down when the alert is due: retried with backoff, and after a dispatcher restart and the server's return it arrives exactly once", async () => {
    const smtpPort = await freePort(); // nothing listens here yet
    const responder = await httpServer((_request, response) => response.writeHead(503).end("maintenance"));
    servers.push(responder);
    const first = await startDispatcher(dispatcherOptions(smtpPort));
    const monitor = await (await prisma()).monitor.create({
      data: { userId, name: "Billing API", url: `http://127.0.0.1:${responder.port}/`, intervalSeconds: 60, timeoutSeconds: 2, retries: 0, nextRunAt: new Date() },
    });
    const failing = await waitFor(
      () => prisma().then((client) => client.alert.findFirst({ where: { monitorId: monitor.id, event: "DOWN" }, include: { attemptLog: { orderBy: { number: "asc" } } } })),
      (alert) => (alert?.attempts ?? 0) >= 2,
    );
    expect(failing!.status).toBe("PENDING");
    expect(failing!.lastError).toMatch(/ECONNREFUSED 127\.0\.0\.1:\d+/);
    expect(failing!.attemptLog.every((attempt) => !attempt.ok && attempt.owner === first.owner)).toBe(true);

    // Restart: the first dispatcher stops (as on SIGTERM), the server comes back, a new one starts.
    await first.stop();
    const receiver = await startSmtpServer(smtpPort);
    try {
      const second = await startDispatcher(dispatcherOptions(smtpPort));
      await waitFor(() => receiver.messages.filter((message) => message.subject.includes("Billing API")), (mails) => mails.length >= 1, 15_000);
      await new Promise((resolve) => setTimeout(resolve, 2_000)); // any duplicate would have arrived by now
      const received = receiver.messages.filter((message) => message.subject.includes("Billing API"));
      expect(received).toHaveLength(1);
      expect(received[0].subject).toBe("[Hopwatch] DOWN: Billing API — 503 Service Unavailable");
      const sent = await (await prisma()).alert.findFirstOrThrow({ where: { monitorId: monitor.id, event: "DOWN" }, include: { attemptLog: { orderBy: { number: "asc" } } } });
      expect(sent.status).toBe("SENT");
      expect(received[0].messageId).toBe(`<alert-${sent.id}@hopwatch.test>`);
      const last = sent.attemptLog.at(-1)!;
      expect(last).toMatchObject({ ok: true, owner: second.owner, error: null });
      expect(sent.attemptLog.slice(0, -1).every((attempt) => !attempt.ok && /ECONNREFUSED/.test(attempt.error ?? ""))).toBe(true);
      expect(sent.attempts).toBe(sent.attemptLog.length);
      // Backoff: the pauses between failed attempts grow.
      const failedTimes = sent.attemptLog.filter((attempt) => !attempt.ok).map((attempt) => attempt.at.getTime());
      if (failedTimes.length >= 3) expect(failedTimes[2] - failedTimes[1]).toBeGreaterThan(failedTimes[1] - failedTimes[0]);

      // A third dispatcher, started afterwards, has nothing to send again.
      await second.stop();
      const third = await startDispatcher(dispatcherOptions(smtpPort), undefined, false);
      expect(await third.runOnce()).toBe(0);
      expect(receiver.messages.filter((message) => message.subject.includes("Billing API"))).toHaveLength(1);
    } finally {
      await receiver.close();
    }
  });

  it("a webhook receiver on loopback gets correctly signed JSON, retried after an HTTP 500; per-monitor channel selection is honoured", async () => {
    const received: Array<{ headers: http.IncomingHttpHeaders; body: string }> = [];
    let answers = 0;
    const receiver = await httpServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        received.push({ headers: request.headers, body: Buffer.concat(chunks).toString("utf8") });
        if (++answers === 1) response.writeHead(500, { "content-type": "text/plain" }).end("receiver restarting");
        else response.writeHead(204).end();
      });
    });
    const broken = await httpServer((_request, response) => response.writeHead(502, { server: "nginx/1.24.0", "content-type": "text/html" }).end(NGINX_502));
    servers.push(receiver, broken);
    const client = await prisma();
    const secret = "whsec_test_0123456789";
    const webhook = await client.alertChannel.create({ data: { userId, type: "WEBHOOK", name: "Ops webhook", target: `http://127.0.0.1:${receiver.port}/hooks/hopwatch`, secret } });
    const account = await client.alertChannel.findUniqueOrThrow({ where: { accountUserId: userId } });
    const monitor = await client.monitor.create({
      data: { userId, name: "Search API", url: `http://127.0.0.1:${broken.port}/search`, intervalSeconds: 60, timeoutSeconds: 2, retries: 0, nextRunAt: new Date(Date.now() + 60_000) },
    });
    const { setMonitorChannels } = await import("@/lib/alerts/service");
    expect(await setMonitorChannels(userId, monitor.id, [webhook.id])).toBe(true); // the webhook only, not the account email
    expect(await setMonitorChannels("someone-else", monitor.id, [])).toBe(false);
    await client.monitor.update({ where: { id: monitor.id }, data: { nextRunAt: new Date() } });
    const dispatcher = await startDispatcher(dispatcherOptions(smtp.port));

    await waitFor(() => received, (requests) => requests.length >= 2);
    const [failedTry, delivered] = received;
    for (const request of [failedTry, delivered]) {
      expect(request.headers["content-type"]).toBe("application/json");
      const expected = `sha256=${createHmac("sha256", secret).update(request.body).digest("hex")}`;
      expect(request.headers["x-hopwatch-signature"]).toBe(expected);
      expect(JSON.parse(request.body).timestamp).toBe(Number(request.headers["x-hopwatch-timestamp"]));
      expect(Math.abs(Number(request.headers["x-hopwatch-timestamp"]) - Date.now() / 1000)).toBeLessThan(60);
    }
    const payload = JSON.parse(delivered.body);
    const incident = await client.incident.findFirstOrThrow({ where: { monitorId: monitor.id } });
    expect(delivered.headers["x-hopwatch-delivery"]).toBe(`incident:${incident.id}:DOWN:${webhook.id}`);
    expect(failedTry.headers["x-hopwatch-delivery"]).toBe(delivered.headers["x-hopwatch-delivery"]);
    expect(payload).toMatchObject({
      event: "DOWN",
      subject: "[Hopwatch] DOWN: Search API — 502 Bad Gateway from nginx",
      text: expect.stringMatching(/^\*\[Hopwatch\] DOWN: Search API — 502 Bad Gateway from nginx\*\n/),
      monitor: { id: monitor.id, name: "Search API" },
      incident: { id: incident.id, status: "OPEN", cause: "HTTP_502", link: `http://hopwatch.test/incidents/${incident.id}` },
      diagnosis: { headline: "502 Bad Gateway from nginx", gateway: { name: "nginx" } },
      check: { errorKind: "HTTP_502", httpStatus: 502 },
    });
    expect(payload.diagnosis.nextSteps.length).toBeGreaterThan(0);

    const alert = await client.alert.findUniqueOrThrow({ where: { idempotencyKey: `incident:${incident.id}:DOWN:${webhook.id}` }, include: { attemptLog: { orderBy: { number: "asc" } } } });
    expect(alert.status).toBe("SENT");
    expect(alert.attemptLog.map((attempt) => [attempt.ok, attempt.error ?? attempt.response])).toEqual([
      [false, `POST http://127.0.0.1:${receiver.port}/hooks/hopwatch answered HTTP 500 Internal Server Error: receiver restarting`],
      [true, "HTTP 204 No Content"],
    ]);
    // The account email was deselected for this monitor: no row, no email.
    expect(await client.alert.count({ where: { monitorId: monitor.id, channelId: account.id } })).toBe(0);
    expect(mailsFor("Search API")).toHaveLength(0);
    await dispatcher.stop();
    await client.alertChannel.delete({ where: { id: webhook.id } });
  });

  describe("with a controllable clock", () => {
    // Everything below happens "in the future" (T0 = now + 1 h), so rows the database stamps with
    // its own now() count as already due, and nothing else in this file runs at those times.
    const T0 = Date.now() + 3_600_000;
    const minutes = (n: number) => new Date(T0 + n * 60_000);
    let clock = minutes(0);
    let hookUserId: string;
    let deliveries: Array<{ event: string; subject: string; at: Date }>;
    let dispatcher: AlertDispatcher;

    beforeAll(async () => {
      deliveries = [];
      const receiver = await httpServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on("data", (chunk: Buffer) => chunks.push(chunk));
        request.on("end", () => {
          const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
          deliveries.push({ event: body.event, subject: body.subject, at: clock });
          response.writeHead(200).end();
        });
      });
      servers.push(receiver);
      const client = await prisma();
      hookUserId = (await client.user.create({ data: { id: "clock-user", name: "Clock", email: "clock@example.com" } })).id;
      const { listChannels } = await import("@/lib/alerts/service");
      const [account] = await listChannels(hookUserId); // creates the account-email channel
      await client.alertChannel.update({ where: { id: account.id }, data: { enabled: false } }); // webhook only
      await client.alertChannel.create({ data: { userId: hookUserId, type: "WEBHOOK", name: "Clock hook", target: `http://127.0.0.1:${receiver.port}/` } });
      dispatcher = await startDispatcher(dispatcherOptions(smtp.port, { holdForDiagnosisMs: 0 }), () => clock, false);
    });

    /** A synthetic check through the real writer: the outbox rows come from writeOutcomes' transaction. */
    async function record(monitorId: string, at: Date, ok: boolean, previousState: "UP" | "DOWN" | "UNKNOWN") {
      const { writeOutcomes } = await import("@/lib/scheduler/writer");
      const state = ok ? "UP" : "DOWN";
      const outcome: CheckOutcome = {
        monitorId,
        leaseOwner: "clock-test",
        attempt: 1,
        state,
        previousState,
        stateChanged: state !== previousState,
        pendingSince: null,
        transientSince: null,
        releaseLease: false,
        result: {
          ok,
          errorKind: ok ? "NONE" : "HTTP_503",
          httpStatus: ok ? 200 : 503,
          message: ok ? "200 OK" : "503 Service Unavailable",
          rawError: null,
          timings: { dnsMs: null, connectMs: 0.3, tlsMs: null, ttfbMs: 1.1, transferMs: 0.1, totalMs: 1.6 },
          remoteIp: "127.0.0.1",
          certificate: null,
          evidence: null,
          startedAt: at,
        },
      };
      await writeOutcomes(await prisma(), [outcome]);
    }

    async function clockMonitor(name: string, fields: Record<string, unknown> = {}) {
      // Never due for the real scheduler; held by the "clock-test" writer.
      return (await prisma()).monitor.create({
        data: { userId: hookUserId, name, url: "http://127.0.0.1:9/", intervalSeconds: 60, nextRunAt: new Date("2100-01-01"), leaseOwner: "clock-test", leaseExpiresAt: new Date("2100-01-01"), ...fields },
      });
    }

    async function at(minute: number, action?: () => Promise<void>) {
      clock = minutes(minute);
      await action?.();
      await dispatcher.runOnce();
    }

    it("flapping: more than 4 changes in 30 min give one FLAPPING alert, then silence until stable for 30 min", async () => {
      const monitor = await clockMonitor("Flappy API");
      const change = (minute: number, ok: boolean) => at(minute, () => record(monitor.id, minutes(minute), ok, ok ? "DOWN" : minute === 0 ? "UNKNOWN" : "UP"));
      await change(0, false);
      await change(2, true);
      await change(4, false);
      await change(6, true);
      await change(8, false); // the 5th change: flapping
      await change(10, true);
      await change(12, false);
      await change(14, true);
      await at(43, () => dispatcher.runPass(minutes(43)));
      const { flappingSince } = await import("@/lib/alerts/produce");
      expect(await flappingSince(await prisma(), monitor.id)).toEqual(minutes(8));
      await at(44, () => dispatcher.runPass(minutes(44))); // 30 min without a change: stable
      expect(await flappingSince(await prisma(), monitor.id)).toBeNull();
      await change(50, false); // alerts again

      const mine = deliveries.filter((delivery) => delivery.subject.includes("Flappy API"));
      expect(mine.map((delivery) => [delivery.event, (delivery.at.getTime() - T0) / 60_000])).toEqual([
        ["DOWN", 0],
        ["RESOLVED", 2],
        ["DOWN", 4],
        ["RESOLVED", 6],
        ["FLAPPING", 8],
        ["DOWN", 50],
      ]);
      expect(mine[4].subject).toBe("[Hopwatch] FLAPPING: Flappy API — 5 state changes in 30 min");
      const alerts = await (await prisma()).alert.findMany({ where: { monitorId: monitor.id }, orderBy: { seq: "asc" } });
      expect(alerts.map((alert) => `${alert.event}:${alert.status}`)).toEqual([
        "DOWN:SENT",
        "RESOLVED:SENT",
        "DOWN:SENT",
        "RESOLVED:SENT",
        "DOWN:SUPPRESSED",
        "FLAPPING:SENT",
        "RESOLVED:SUPPRESSED",
        "DOWN:SUPPRESSED",
        "RESOLVED:SUPPRESSED",
        "DOWN:SENT",
      ]);
    });

    it("flapping detected by several processes at once still gives one FLAPPING alert", async () => {
      const monitor = await clockMonitor("Flappy twin", { stateChangedAt: minutes(68) });
      await (await prisma()).stateChange.createMany({
        data: [60, 62, 64, 66, 68].map((minute, index) => ({ monitorId: monitor.id, at: minutes(minute), fromState: index % 2 ? "DOWN" : "UP", toState: index % 2 ? "UP" : "DOWN", errorKind: "HTTP_503" })),
      });
      const { evaluateFlapping } = await import("@/lib/alerts/produce");
      const client = await prisma();
      // Three passes at slightly different times race; each would start an episode of its own.
      const outcomes = await Promise.all([69, 69.1, 69.2].map((minute) => evaluateFlapping(client, minutes(minute))));
      expect(outcomes.filter((outcome) => outcome.started.includes(monitor.id))).toHaveLength(1);
      expect(await client.alert.count({ where: { monitorId: monitor.id, event: "FLAPPING" } })).toBe(1);
      await client.monitor.delete({ where: { id: monitor.id } });
    });

    it("reminders every N minutes while down, none in a burst after a gap, none after recovery", async () => {
      const { setReminderMinutes } = await import("@/lib/alerts/service");
      expect(await setReminderMinutes(hookUserId, "10")).toEqual({ ok: true });
      expect(await setReminderMinutes(hookUserId, "-1")).toMatchObject({ ok: false, errors: [{ field: "reminderMinutes" }] });
      const monitor = await clockMonitor("Slow API");
      const pass = (minute: number) => at(minute, () => dispatcher.runPass(minutes(minute)));
      await at(100, () => record(monitor.id, minutes(100), false, "UP"));
      await pass(105);
      await pass(110); // reminder 1
      await pass(115);
      await pass(145); // slots 120, 130, 140 missed: one reminder (2), not three
      await pass(146);
      // Reminder 3 is produced at 155 but the monitor recovers before it goes out.
      clock = minutes(155);
      await dispatcher.runPass(minutes(155));
      await at(156, () => record(monitor.id, minutes(156), true, "DOWN"));
      await pass(200);

      const mine = deliveries.filter((delivery) => delivery.subject.includes("Slow API"));
      expect(mine.map((delivery) => [delivery.event, (delivery.at.getTime() - T0) / 60_000])).toEqual([
        ["DOWN", 100],
        ["REMINDER", 110],
        ["REMINDER", 145],
        ["RESOLVED", 156],
      ]);
      expect(mine[1].subject).toBe("[Hopwatch] STILL DOWN: Slow API — 503 Service Unavailable, down 10 min");
      expect(mine[2].subject).toBe("[Hopwatch] STILL DOWN: Slow API — 503 Service Unavailable, down 40 min");
      expect(mine[3].subject).toBe("[Hopwatch] RESOLVED: Slow API — down 56 min");
      const reminders = await (await prisma()).alert.findMany({ where: { monitorId: monitor.id, event: "REMINDER" }, orderBy: { sequence: "asc" } });
      expect(reminders.map((alert) => [alert.sequence, alert.status, (alert.payload as { dueAt: string }).dueAt])).toEqual([
        [1, "SENT", minutes(110).toISOString()],
        [2, "SENT", minutes(140).toISOString()],
        [3, "SUPPRESSED", minutes(150).toISOString()],
      ]);
    });

    it("TLS certificate expiring within 14 days: one alert, at most once a day", async () => {
      const monitor = await clockMonitor("Storefront", { url: "https://127.0.0.1:9443/" });
      const validTo = new Date(T0 + 10 * 86_400_000);
      await (await prisma()).check.create({
        data: { monitorId: monitor.id, startedAt: minutes(200), ok: true, errorKind: "NONE", httpStatus: 200, certSubject: "CN=shop.example.com", certIssuer: "CN=Test CA", certValidTo: validTo },
      });
      await at(201, () => dispatcher.runPass(minutes(201)));
      await at(260, () => dispatcher.runPass(minutes(260))); // an hour later: nothing new
      await at(201 + 24 * 60, () => dispatcher.runPass(minutes(201 + 24 * 60))); // a day later: again (certificate still the latest seen)
      const mine = deliveries.filter((delivery) => delivery.subject.includes("Storefront"));
      expect(mine.map((delivery) => [delivery.event, delivery.subject])).toEqual([
        ["TLS_EXPIRING", "[Hopwatch] TLS certificate expires in 9 days: Storefront"],
      ]);
      // The check is older than a day at the last pass: the next warning needs a fresh check.
      await (await prisma()).check.create({
        data: { monitorId: monitor.id, startedAt: minutes(200 + 24 * 60), ok: true, errorKind: "NONE", httpStatus: 200, certSubject: "CN=shop.example.com", certIssuer: "CN=Test CA", certValidTo: validTo },
      });
      await at(202 + 24 * 60, () => dispatcher.runPass(minutes(202 + 24 * 60)));
      expect(deliveries.filter((delivery) => delivery.subject.includes("Storefront")).map((delivery) => delivery.subject)).toEqual([
        "[Hopwatch] TLS certificate expires in 9 days: Storefront",
        "[Hopwatch] TLS certificate expires in 8 days: Storefront",
      ]);
    });
  });
});
