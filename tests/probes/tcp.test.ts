import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getProbeKind } from "../../lib/probes/registry";
import { httpProbe } from "../../lib/probes/http";
import { tcpProbe } from "../../lib/probes/tcp";
import { closedPort, LOOPBACK, probeTarget, rawServer, type TestServer } from "./helpers";

let server: TestServer;

beforeAll(async () => {
  server = await rawServer(() => {});
});

afterAll(async () => {
  await server.close();
});

const tcpTarget = (url: string) => probeTarget({ type: "TCP", url, timeoutSeconds: 2 });

describe("TCP probe", () => {
  it("connects to an open port", async () => {
    const before = server.connections();
    const result = await tcpProbe.run(tcpTarget(`tcp://${LOOPBACK}:${server.port}`));
    expect(result).toMatchObject({ ok: true, errorKind: "NONE", httpStatus: null, remoteIp: LOOPBACK, evidence: null });
    expect(result.message).toBe(`Connected to ${LOOPBACK}:${server.port}`);
    expect(result.timings).toMatchObject({ dnsMs: null, tlsMs: null, ttfbMs: null, transferMs: null });
    expect(result.timings.connectMs).toBeGreaterThanOrEqual(0);
    expect(result.timings.totalMs).toBeGreaterThanOrEqual(result.timings.connectMs!);
    expect(server.connections() - before).toBe(1);
  });

  it("times DNS for a host name", async () => {
    const result = await tcpProbe.run(tcpTarget(`tcp://localhost:${server.port}`));
    // localhost may resolve to ::1 where nothing listens; either way DNS was done and timed.
    expect(result.timings.dnsMs).toBeGreaterThanOrEqual(0);
    expect(result.remoteIp).not.toBeNull();
  });

  it("a closed port is CONNECT_REFUSED", async () => {
    const port = await closedPort();
    const result = await tcpProbe.run(tcpTarget(`tcp://${LOOPBACK}:${port}`));
    expect(result).toMatchObject({ ok: false, errorKind: "CONNECT_REFUSED", remoteIp: LOOPBACK });
    expect(result.message).toBe(`connect ECONNREFUSED ${LOOPBACK}:${port}`);
  });

  it("an .invalid host is DNS_NXDOMAIN", async () => {
    const result = await tcpProbe.run(tcpTarget("tcp://something.invalid:80"));
    expect(result.errorKind).toBe("DNS_NXDOMAIN");
  });

  it.each(["tcp://127.0.0.1", "http://127.0.0.1:80", "not a url"])("rejects target %j without throwing", async (url) => {
    const result = await tcpProbe.run(tcpTarget(url));
    expect(result).toMatchObject({ ok: false, errorKind: "UNKNOWN" });
  });

  it("an aborted signal stops the check", async () => {
    const result = await tcpProbe.run(tcpTarget(`tcp://${LOOPBACK}:${server.port}`), AbortSignal.abort());
    expect(result).toMatchObject({ ok: false, errorKind: "UNKNOWN", message: "Check aborted before it completed" });
  });
});

describe("probe registry", () => {
  it("returns one implementation per type", () => {
    expect(getProbeKind("HTTP")).toBe(httpProbe);
    expect(getProbeKind("TCP")).toBe(tcpProbe);
    expect(getProbeKind("TCP").type).toBe("TCP");
  });
});
