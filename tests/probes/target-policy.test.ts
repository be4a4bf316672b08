// BLOCK_PRIVATE_TARGETS at probe time, against real loopback servers: the probe refuses before
// connecting — for an IP, for a name that resolves to loopback, and for a redirect hop — with a
// message that names the address and the setting. ALLOWED_PRIVATE_TARGETS exempts 127.0.0.2 so
// that a first hop can be allowed and its redirect refused.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import http from "node:http";
import { httpProbe } from "../../lib/probes/http";
import { tcpProbe } from "../../lib/probes/tcp";
import { webhookChannel } from "../../lib/alerts/channels/webhook";
import { listen, probeTarget, type TestServer } from "./helpers";

let target: TestServer;
let redirector: TestServer;
let targetRequests = 0;

beforeAll(async () => {
  target = await listen(
    http.createServer((_req, res) => {
      targetRequests++;
      res.end("internal data");
    }),
  );
  // Listens on every loopback address, so it answers on the exempted 127.0.0.2.
  redirector = await listen(
    http.createServer((_req, res) => {
      res.writeHead(302, { location: `http://127.0.0.1:${target.port}/secret` });
      res.end();
    }),
    "0.0.0.0",
  );
});

afterAll(async () => {
  await target.close();
  await redirector.close();
});

const saved = { block: process.env.BLOCK_PRIVATE_TARGETS, allowed: process.env.ALLOWED_PRIVATE_TARGETS };
beforeEach(() => {
  process.env.BLOCK_PRIVATE_TARGETS = "true";
  process.env.ALLOWED_PRIVATE_TARGETS = "127.0.0.2";
  targetRequests = 0;
});
afterEach(() => {
  process.env.BLOCK_PRIVATE_TARGETS = saved.block;
  process.env.ALLOWED_PRIVATE_TARGETS = saved.allowed;
});

describe("BLOCK_PRIVATE_TARGETS at probe time", () => {
  it("refuses a loopback IP without connecting", async () => {
    const before = target.connections();
    const result = await httpProbe.run(probeTarget({ url: `http://127.0.0.1:${target.port}/` }));
    expect(result).toMatchObject({ ok: false, errorKind: "UNKNOWN", httpStatus: null, remoteIp: "127.0.0.1" });
    expect(result.message).toBe("Refused to connect to 127.0.0.1: it is a loopback address, and BLOCK_PRIVATE_TARGETS is on");
    expect(target.connections()).toBe(before);
  });

  it("refuses a name that resolves to loopback (re-resolved at every probe)", async () => {
    const before = target.connections();
    const result = await httpProbe.run(probeTarget({ url: `http://localhost:${target.port}/` }));
    expect(result.errorKind).toBe("UNKNOWN");
    expect(result.message).toMatch(/^Refused to connect to localhost \((127\.0\.0\.1|::1)\): it is a loopback address, and BLOCK_PRIVATE_TARGETS is on$/);
    expect(target.connections()).toBe(before);
  });

  it("refuses TCP monitors too", async () => {
    const before = target.connections();
    const result = await tcpProbe.run(probeTarget({ type: "TCP", url: `tcp://[::ffff:127.0.0.1]:${target.port}` }));
    expect(result).toMatchObject({ ok: false, errorKind: "UNKNOWN" });
    expect(result.message).toMatch(/^Refused to connect to ::ffff:7f00:1: it is a loopback address/);
    expect(target.connections()).toBe(before);
  });

  it("refuses a redirect to an internal address, after an allowed first hop", async () => {
    const result = await httpProbe.run(probeTarget({ url: `http://127.0.0.2:${redirector.port}/` }));
    expect(result).toMatchObject({ ok: false, errorKind: "UNKNOWN" });
    expect(result.message).toContain("Refused to connect to 127.0.0.1: it is a loopback address");
    expect(targetRequests).toBe(0);
  });

  it("refuses webhook deliveries to an internal address", async () => {
    const before = target.connections();
    const alert = { alertId: "a", idempotencyKey: "k", event: "DOWN", rendered: { subject: "s", text: "t", html: "h", json: {} } };
    const channel = { id: "c", type: "WEBHOOK" as const, name: "hook", target: `http://localhost:${target.port}/hook`, secret: null, accountEmail: "a@example.com" };
    await expect(webhookChannel.send(alert, channel, { smtpUrl: null, alertFrom: "x@example.com", timeoutMs: 2_000, baseUrl: "http://localhost:3000" })).rejects.toThrow(
      /refused: localhost resolves to (127\.0\.0\.1|::1), a loopback address, and BLOCK_PRIVATE_TARGETS is on/,
    );
    expect(target.connections()).toBe(before);
  });

  it("probes as before when the setting is off", async () => {
    process.env.BLOCK_PRIVATE_TARGETS = "false";
    const result = await httpProbe.run(probeTarget({ url: `http://127.0.0.2:${redirector.port}/` }));
    expect(result).toMatchObject({ ok: true, httpStatus: 200 });
    expect(targetRequests).toBe(1);
  });
});
