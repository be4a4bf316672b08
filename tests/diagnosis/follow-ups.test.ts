/** runFollowUps against real loopback servers: refused, healthy, hanging, TLS and unresolvable targets. */
import { promises as dns } from "node:dns";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FOLLOW_UPS_TIME_BOX_MS, runFollowUps } from "../../lib/diagnosis/follow-ups";
import { closedPort, createTestPki, httpServer, httpsServer, LOOPBACK, rawServer, type TestPki, type TestServer } from "../probes/helpers";

describe("runFollowUps", () => {
  let healthy: TestServer;
  let hanging: TestServer;
  let refusedPort: number;

  beforeAll(async () => {
    healthy = await httpServer((_req, res) => res.end("ok"));
    hanging = await rawServer(() => {}); // accepts, then never says a word (not even a TLS ServerHello)
    refusedPort = await closedPort();
  });
  afterAll(async () => {
    await healthy.close();
    await hanging.close();
  });

  it("defaults to a 10 s time box", () => {
    expect(FOLLOW_UPS_TIME_BOX_MS).toBe(10_000);
  });

  it("reports a refused origin and a refused TCP connect, skipping DNS for an IP literal", async () => {
    const url = `http://${LOOPBACK}:${refusedPort}/health`;
    const followUps = await runFollowUps({ url, originUrl: url });

    expect(followUps.dns).toBeUndefined();
    expect(followUps.tls).toBeUndefined();
    expect(followUps.tcp).toEqual([{ ip: LOOPBACK, ok: false, errorKind: "CONNECT_REFUSED", connectMs: null }]);
    expect(followUps.origin).toMatchObject({ url, ok: false, errorKind: "CONNECT_REFUSED", httpStatus: null });
    expect(followUps.origin?.totalMs).toEqual(expect.any(Number));
  });

  it("reports a healthy origin with its status and timing", async () => {
    const originUrl = `http://${LOOPBACK}:${healthy.port}/`;
    const followUps = await runFollowUps({ url: `http://${LOOPBACK}:${refusedPort}/`, originUrl, timeoutSeconds: 5 });

    expect(followUps.origin).toMatchObject({ url: originUrl, ok: true, errorKind: "NONE", httpStatus: 200 });
    expect(followUps.origin!.totalMs).toBeGreaterThan(0);
  });

  it("connects to an IP literal's port and times the connect", async () => {
    const followUps = await runFollowUps({ url: `http://${LOOPBACK}:${healthy.port}/`, originUrl: null });

    expect(followUps.dns).toBeUndefined();
    expect(followUps.origin).toBeUndefined();
    expect(followUps.tcp).toHaveLength(1);
    expect(followUps.tcp![0]).toMatchObject({ ip: LOOPBACK, ok: true });
    expect(followUps.tcp![0].connectMs).toEqual(expect.any(Number));
  });

  it("reports a DNS error for a *.invalid host, with nothing to connect to", async () => {
    const followUps = await runFollowUps({
      url: "https://hopwatch-follow-up-test.invalid/health",
      originUrl: null,
      lastGoodAddresses: ["192.0.2.10"],
      timeBoxMs: 5_000, // a resolver that never answers must not stall the suite
    });

    expect(followUps.dns).toMatchObject({ addresses: [], changedSinceLastGood: null });
    expect(followUps.dns?.error).toMatch(/ENOTFOUND|EAI_AGAIN|timed out/);
    expect(followUps.tcp).toEqual([]);
    // The TLS handshake resolves the name itself and fails at the same step.
    expect(followUps.tls).toMatchObject({ ok: false, validTo: null, daysLeft: null });
    expect(followUps.tls?.errorKind).toMatch(/^DNS_/);
  });

  it("resolves a hostname to every address and compares them with the last good answer", async () => {
    const expected = [...new Set((await dns.lookup("localhost", { all: true })).map((record) => record.address))];
    const url = `http://localhost:${healthy.port}/`;

    const same = await runFollowUps({ url, originUrl: null, lastGoodAddresses: [...expected].reverse() });
    expect(same.dns).toEqual({ addresses: expected, changedSinceLastGood: false });
    expect(same.tcp?.map((probe) => probe.ip)).toEqual(expected);
    expect(same.tcp?.find((probe) => probe.ip === LOOPBACK)).toMatchObject({ ok: true });

    const moved = await runFollowUps({ url, originUrl: null, lastGoodAddresses: ["192.0.2.10"] });
    expect(moved.dns?.changedSinceLastGood).toBe(true);

    const unknown = await runFollowUps({ url, originUrl: null });
    expect(unknown.dns?.changedSinceLastGood).toBeNull();
  });

  it("respects the time box with a hanging server and reports each cut-short part as a timeout", async () => {
    const timeBoxMs = 1_000;
    const started = performance.now();
    const followUps = await runFollowUps({
      url: `https://${LOOPBACK}:${hanging.port}/`,
      originUrl: `http://${LOOPBACK}:${hanging.port}/`,
      timeoutSeconds: 30,
      timeBoxMs,
    });
    const elapsed = performance.now() - started;

    expect(elapsed).toBeLessThan(timeBoxMs + 500);
    expect(elapsed).toBeGreaterThanOrEqual(timeBoxMs * 0.8);
    expect(followUps.tcp).toEqual([expect.objectContaining({ ip: LOOPBACK, ok: true })]);
    expect(followUps.tls).toEqual({ ok: false, errorKind: "CONNECT_TIMEOUT", validTo: null, daysLeft: null });
    expect(followUps.origin).toMatchObject({ ok: false, errorKind: "RESPONSE_TIMEOUT", httpStatus: null });
    expect(followUps.origin!.totalMs).toBeLessThanOrEqual(timeBoxMs);
  });

  it("bounds the origin request by the monitor's own shorter timeout", async () => {
    const started = performance.now();
    const followUps = await runFollowUps({
      url: `http://${LOOPBACK}:${hanging.port}/`,
      originUrl: `http://${LOOPBACK}:${hanging.port}/`,
      timeoutSeconds: 0.3,
      timeBoxMs: 5_000,
    });
    expect(performance.now() - started).toBeLessThan(1_500);
    expect(followUps.origin).toMatchObject({ errorKind: "RESPONSE_TIMEOUT" });
  });

  it("returns promptly without throwing when the caller aborts", async () => {
    const controller = new AbortController();
    controller.abort();
    const started = performance.now();
    const followUps = await runFollowUps({
      url: `https://${LOOPBACK}:${hanging.port}/`,
      originUrl: `http://${LOOPBACK}:${hanging.port}/`,
      signal: controller.signal,
    });
    expect(performance.now() - started).toBeLessThan(500);
    expect(followUps.tcp?.[0]).toMatchObject({ ok: false });
    expect(followUps.tls).toMatchObject({ ok: false });
    expect(followUps.origin).toMatchObject({ ok: false, errorKind: "UNKNOWN" });
  });

  it("never throws on a URL it cannot use", async () => {
    await expect(runFollowUps({ url: "not a url", originUrl: null })).resolves.toEqual({});
    const followUps = await runFollowUps({ url: "ftp://127.0.0.1/", originUrl: "also not a url" });
    expect(followUps.dns).toBeUndefined();
    expect(followUps.tcp).toBeUndefined();
    expect(followUps.origin).toMatchObject({ ok: false, errorKind: "UNKNOWN" });
  });
});

describe("runFollowUps TLS", () => {
  let pki: TestPki;
  let valid: TestServer;
  let expired: TestServer;

  beforeAll(async () => {
    pki = createTestPki();
    valid = await httpsServer(pki.valid, (_req, res) => res.end("ok"));
    expired = await httpsServer(pki.expired, (_req, res) => res.end("ok"));
  });
  afterAll(async () => {
    await valid.close();
    await expired.close();
    pki.dispose();
  });

  it("reports a good handshake with the certificate's expiry", async () => {
    const followUps = await runFollowUps({ url: `https://${LOOPBACK}:${valid.port}/`, originUrl: null, ca: pki.ca });

    expect(followUps.tls).toMatchObject({ ok: true, daysLeft: 1 }); // issued for 2 days, a moment ago
    expect(Date.parse(followUps.tls!.validTo!)).toBeGreaterThan(Date.now());
    expect(followUps.tcp).toEqual([expect.objectContaining({ ip: LOOPBACK, ok: true })]);
  });

  it("reads an expired certificate's date even though the handshake fails verification", async () => {
    const followUps = await runFollowUps({ url: `https://${LOOPBACK}:${expired.port}/`, originUrl: null, ca: pki.ca });

    expect(followUps.tls).toMatchObject({ ok: false, errorKind: "TLS_CERT_EXPIRED", daysLeft: -1 });
    expect(Date.parse(followUps.tls!.validTo!)).toBeLessThan(Date.now());
  });

  it("reports an untrusted certificate without a custom CA", async () => {
    const followUps = await runFollowUps({ url: `https://${LOOPBACK}:${valid.port}/`, originUrl: null });

    expect(followUps.tls).toMatchObject({ ok: false, errorKind: "TLS_CERT_UNTRUSTED", daysLeft: 1 });
  });
});
