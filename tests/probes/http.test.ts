import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lookup } from "node:dns/promises";
import { createServer } from "node:http";
import { httpProbe } from "../../lib/probes/http";
import { closedPort, httpServer, listen, LOOPBACK, probeTarget, rawServer, type TestServer } from "./helpers";

const BIG_BODY = "x".repeat(10_000);
let web: TestServer;
let base: string;
const openedServers: TestServer[] = [];
let lastEcho: { method?: string; headers: Record<string, unknown>; body: string } | null = null;

async function raw(onConnection: Parameters<typeof rawServer>[0]): Promise<string> {
  const server = await rawServer(onConnection);
  openedServers.push(server);
  return `http://${LOOPBACK}:${server.port}/`;
}

beforeAll(async () => {
  web = await httpServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://local");
    const status = url.pathname.match(/^\/status\/(\d{3})$/);
    if (status) {
      res.writeHead(Number(status[1]), { "x-upstream": "app-1" });
      res.end(`status ${status[1]} body`);
    } else if (url.pathname === "/bad-gateway-verbose") {
      const bulkyHeaders = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`x-filler-${i}`, "h".repeat(1000)]));
      res.writeHead(502, { "x-first": "kept", ...bulkyHeaders });
      res.end(BIG_BODY);
    } else if (url.pathname === "/ok") {
      res.end("hello hopwatch");
    } else if (url.pathname === "/slow-headers") {
      setTimeout(() => res.end("late"), 300);
    } else if (url.pathname === "/echo") {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        lastEcho = { method: req.method, headers: req.headers, body };
        res.end("echoed");
      });
    } else if (url.pathname.startsWith("/hops/")) {
      const left = Number(url.pathname.slice("/hops/".length));
      if (left === 0) res.end("arrived");
      else res.writeHead(302, { location: `/hops/${left - 1}` }).end();
    } else if (url.pathname === "/see-other") {
      res.writeHead(303, { location: "/echo" }).end();
    } else {
      res.writeHead(404).end("no such page");
    }
  });
  base = `http://${LOOPBACK}:${web.port}`;
});

afterAll(async () => {
  await Promise.all([web, ...openedServers].map((server) => server.close()));
});

describe("HTTP probe status classification", () => {
  it.each([
    [502, "HTTP_502", "502 Bad Gateway"],
    [503, "HTTP_503", "503 Service Unavailable"],
    [504, "HTTP_504", "504 Gateway Timeout"],
    [500, "HTTP_5XX", "500 Internal Server Error"],
    [404, "HTTP_4XX", "404 Not Found"],
  ])("%i → %s", async (status, errorKind, message) => {
    const result = await httpProbe.run(probeTarget({ url: `${base}/status/${status}` }));
    expect(result).toMatchObject({ ok: false, errorKind, httpStatus: status, message, rawError: null });
    expect(result.evidence).toMatchObject({
      statusLine: `HTTP/1.1 ${message}`,
      headers: expect.objectContaining({ "x-upstream": "app-1" }),
      bodyExcerpt: `status ${status} body`,
    });
  });

  it("accepts a 503 when the expected ranges include it", async () => {
    const result = await httpProbe.run(probeTarget({ url: `${base}/status/503`, expectedStatus: "200-299,503" }));
    expect(result).toMatchObject({ ok: true, errorKind: "NONE", httpStatus: 503, evidence: null });
  });

  it("caps 502 evidence: status line, headers at 8 KB, body at 2 KB", async () => {
    const result = await httpProbe.run(probeTarget({ url: `${base}/bad-gateway-verbose` }));
    expect(result.errorKind).toBe("HTTP_502");
    const evidence = result.evidence!;
    expect(evidence.statusLine).toBe("HTTP/1.1 502 Bad Gateway");
    expect(evidence.headers!["x-first"]).toBe("kept");
    const headerBytes = Object.entries(evidence.headers!).reduce((sum, [name, value]) => sum + name.length + value.length + 4, 0);
    expect(headerBytes).toBeLessThanOrEqual(8 * 1024);
    expect(Object.keys(evidence.headers!).length).toBeLessThan(12);
    expect(evidence.bodyExcerpt).toBe("x".repeat(2048));
  });

  it("reports an unparseable expected-status spec instead of throwing", async () => {
    const result = await httpProbe.run(probeTarget({ url: `${base}/ok`, expectedStatus: "2xx" }));
    expect(result).toMatchObject({ ok: false, errorKind: "UNKNOWN" });
    expect(result.message).toContain('"2xx"');
  });
});

describe("HTTP probe success and timings", () => {
  it("a 200 is NONE with sane timings and no DNS for an IP literal", async () => {
    const result = await httpProbe.run(probeTarget({ url: `${base}/ok` }));
    expect(result).toMatchObject({ ok: true, errorKind: "NONE", httpStatus: 200, message: "200 OK", remoteIp: LOOPBACK, evidence: null, certificate: null });
    const { dnsMs, connectMs, tlsMs, ttfbMs, transferMs, totalMs } = result.timings;
    expect(dnsMs).toBeNull();
    expect(tlsMs).toBeNull();
    expect(connectMs).toBeGreaterThanOrEqual(0);
    expect(ttfbMs).toBeGreaterThanOrEqual(0);
    expect(transferMs).toBeGreaterThanOrEqual(0);
    expect(totalMs).toBeGreaterThanOrEqual(ttfbMs! + connectMs!);
    expect(result.startedAt).toBeInstanceOf(Date);
  });

  it("times DNS when the URL has a host name", async () => {
    const { address } = await lookup("localhost"); // loopback; may be ::1 on some systems
    const local = await listen(createServer((_req, res) => res.end("ok")), address);
    openedServers.push(local);
    const result = await httpProbe.run(probeTarget({ url: `http://localhost:${local.port}/` }));
    expect(result.errorKind).toBe("NONE");
    expect(result.timings.dnsMs).toBeGreaterThanOrEqual(0);
    expect(result.remoteIp).toBe(address);
  });

  it("measures a 300 ms header delay in ttfbMs", async () => {
    const result = await httpProbe.run(probeTarget({ url: `${base}/slow-headers` }));
    expect(result.errorKind).toBe("NONE");
    expect(result.timings.ttfbMs).toBeGreaterThanOrEqual(300);
    expect(result.timings.totalMs).toBeGreaterThanOrEqual(result.timings.ttfbMs!);
  });

  it("sends method, headers and body, and asks the server to close the connection", async () => {
    const result = await httpProbe.run(
      probeTarget({ url: `${base}/echo`, method: "post", headers: { "x-probe": "yes", Connection: "keep-alive" }, body: "ping" }),
    );
    expect(result.errorKind).toBe("NONE");
    expect(lastEcho).toMatchObject({ method: "POST", body: "ping", headers: { "x-probe": "yes", connection: "close" } });
  });

  it("opens a fresh connection for every check (keep-alive off)", async () => {
    const before = web.connections();
    await httpProbe.run(probeTarget({ url: `${base}/ok` }));
    await httpProbe.run(probeTarget({ url: `${base}/ok` }));
    expect(web.connections() - before).toBe(2);
  });
});

describe("HTTP probe keyword assertions", () => {
  it("fails when a required keyword is missing, with evidence", async () => {
    const result = await httpProbe.run(probeTarget({ url: `${base}/ok`, keyword: "goodbye" }));
    expect(result).toMatchObject({ ok: false, errorKind: "ASSERTION_FAILED", httpStatus: 200 });
    expect(result.message).toContain('"goodbye"');
    expect(result.evidence?.bodyExcerpt).toBe("hello hopwatch");
  });

  it("passes when a required keyword is present", async () => {
    const result = await httpProbe.run(probeTarget({ url: `${base}/ok`, keyword: "hopwatch" }));
    expect(result.errorKind).toBe("NONE");
  });

  it("fails when a forbidden keyword is present and passes when it is absent", async () => {
    const present = await httpProbe.run(probeTarget({ url: `${base}/ok`, keyword: "hopwatch", keywordMustBeAbsent: true }));
    expect(present.errorKind).toBe("ASSERTION_FAILED");
    const absent = await httpProbe.run(probeTarget({ url: `${base}/ok`, keyword: "error", keywordMustBeAbsent: true }));
    expect(absent.errorKind).toBe("NONE");
  });
});

describe("HTTP probe redirects", () => {
  it("follows redirects and reports the final response", async () => {
    const result = await httpProbe.run(probeTarget({ url: `${base}/hops/3`, keyword: "arrived" }));
    expect(result).toMatchObject({ ok: true, errorKind: "NONE", httpStatus: 200 });
  });

  it("gives up after 10 redirects", async () => {
    const result = await httpProbe.run(probeTarget({ url: `${base}/hops/11` }));
    expect(result).toMatchObject({ ok: false, errorKind: "HTTP_UNEXPECTED_STATUS", httpStatus: 302 });
    expect(result.message).toContain("10 redirects");
    const tenHops = await httpProbe.run(probeTarget({ url: `${base}/hops/10` }));
    expect(tenHops.errorKind).toBe("NONE");
  });

  it("judges the 3xx itself when redirects are not followed", async () => {
    const unexpected = await httpProbe.run(probeTarget({ url: `${base}/hops/1`, followRedirects: false }));
    expect(unexpected).toMatchObject({ errorKind: "HTTP_UNEXPECTED_STATUS", httpStatus: 302 });
    expect(unexpected.evidence?.headers?.location).toBe("/hops/0");
    const expected = await httpProbe.run(probeTarget({ url: `${base}/hops/1`, followRedirects: false, expectedStatus: "200-299,302" }));
    expect(expected.errorKind).toBe("NONE");
  });

  it("turns a POST into a body-less GET on 303", async () => {
    const result = await httpProbe.run(
      probeTarget({ url: `${base}/see-other`, method: "POST", headers: { "content-type": "text/plain" }, body: "secret" }),
    );
    expect(result.errorKind).toBe("NONE");
    expect(lastEcho).toMatchObject({ method: "GET", body: "" });
    expect(lastEcho?.headers).not.toHaveProperty("content-type");
  });
});

describe("HTTP probe network failures", () => {
  it("a closed port is CONNECT_REFUSED", async () => {
    const port = await closedPort();
    const result = await httpProbe.run(probeTarget({ url: `http://${LOOPBACK}:${port}/` }));
    expect(result).toMatchObject({ ok: false, errorKind: "CONNECT_REFUSED", httpStatus: null, evidence: null });
    expect(result.message).toContain("ECONNREFUSED");
    expect(result.timings.connectMs).toBeNull();
  });

  it("a server that never answers is RESPONSE_TIMEOUT after ~1 s", async () => {
    const url = await raw(() => {});
    const result = await httpProbe.run(probeTarget({ url, timeoutSeconds: 1 }));
    expect(result).toMatchObject({ ok: false, errorKind: "RESPONSE_TIMEOUT", evidence: null });
    expect(result.timings.connectMs).toBeGreaterThanOrEqual(0);
    expect(result.timings.ttfbMs).toBeNull();
    expect(result.timings.totalMs).toBeGreaterThanOrEqual(950);
    expect(result.timings.totalMs).toBeLessThan(3000);
  });

  it("headers then a stalled body is BODY_TIMEOUT, keeping what arrived", async () => {
    const url = await raw((socket) => socket.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial"));
    const result = await httpProbe.run(probeTarget({ url, timeoutSeconds: 1 }));
    expect(result).toMatchObject({ ok: false, errorKind: "BODY_TIMEOUT", httpStatus: 200 });
    expect(result.evidence).toMatchObject({ statusLine: "HTTP/1.1 200 OK", bodyExcerpt: "partial" });
    expect(result.timings.ttfbMs).toBeGreaterThanOrEqual(0);
    expect(result.timings.transferMs).toBeNull();
  });

  it("a reset socket is CONNECTION_RESET", async () => {
    const url = await raw((socket) => socket.once("data", () => socket.resetAndDestroy()));
    const result = await httpProbe.run(probeTarget({ url }));
    expect(result).toMatchObject({ ok: false, errorKind: "CONNECTION_RESET" });
    expect(result.rawError).toMatch(/ECONNRESET|UND_ERR_SOCKET/);
  });

  it("a close without any response is CONNECTION_RESET", async () => {
    const url = await raw((socket) => socket.once("data", () => socket.end()));
    const result = await httpProbe.run(probeTarget({ url }));
    expect(result.errorKind).toBe("CONNECTION_RESET");
  });

  it("garbage instead of HTTP is INVALID_RESPONSE", async () => {
    const url = await raw((socket) => socket.once("data", () => socket.end("SSH-2.0-OpenSSH_9.6\r\n")));
    const result = await httpProbe.run(probeTarget({ url }));
    expect(result).toMatchObject({ ok: false, errorKind: "INVALID_RESPONSE", httpStatus: null });
    expect(result.evidence).toEqual({ statusLine: null, headers: null, bodyExcerpt: "SSH-2.0-OpenSSH_9.6\r\n" });
  });

  it("an .invalid host name is DNS_NXDOMAIN", async () => {
    const result = await httpProbe.run(probeTarget({ url: "http://something.invalid/" }));
    expect(result).toMatchObject({ ok: false, errorKind: "DNS_NXDOMAIN", remoteIp: null });
    expect(result.message).toContain("ENOTFOUND");
  });

  it("an unsupported scheme is UNKNOWN, not a throw", async () => {
    const result = await httpProbe.run(probeTarget({ url: "ftp://127.0.0.1/" }));
    expect(result).toMatchObject({ ok: false, errorKind: "UNKNOWN" });
    expect(result.message).toContain("ftp:");
  });

  it("honours the caller's AbortSignal", async () => {
    const url = await raw(() => {});
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const result = await httpProbe.run(probeTarget({ url, timeoutSeconds: 10 }), controller.signal);
    expect(result).toMatchObject({ ok: false, errorKind: "UNKNOWN", message: "Check aborted before it completed" });
    expect(result.timings.totalMs).toBeLessThan(2000);
  });
});
