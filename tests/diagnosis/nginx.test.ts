/**
 * End to end through a REAL nginx reverse proxy on loopback: the HTTP probe hits nginx, the
 * follow-ups probe the origin directly, and diagnose() must name the gateway and the hop.
 * Each upstream failure is produced for real (stopped, hanging, garbage, reset, misrouted).
 */
import type net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { diagnose, type Diagnosis, type FailingCheck, type FollowUps } from "../../lib/diagnosis/diagnose";
import { runFollowUps } from "../../lib/diagnosis/follow-ups";
import { httpProbe } from "../../lib/probes/http";
import type { ProbeResult } from "../../lib/probes/types";
import { nginxUnavailableReason, startNginx, type NginxOptions, type NginxServer } from "../helpers/nginx";
import { closedPort, httpServer, LOOPBACK, probeTarget, rawServer, type TestServer } from "../probes/helpers";

const PROBE_TIMEOUT_SECONDS = 5;
const skipReason = nginxUnavailableReason();
if (skipReason) console.warn(`Skipping the real-nginx diagnosis tests: ${skipReason}`);

type Scenario = {
  probe: ProbeResult;
  followUps: FollowUps;
  diagnosis: Diagnosis;
  /** nginx's own explanation, from its error.log. */
  errorLog: string;
};

describe.skipIf(skipReason !== null)("diagnosis through a real nginx reverse proxy", () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
  });

  async function upstream(server: Promise<TestServer>): Promise<TestServer> {
    const started = await server;
    cleanups.push(started.close);
    return started;
  }

  /** Probe through nginx, run the follow-ups, diagnose: what the scheduler does when an incident opens. */
  async function throughNginx(options: NginxOptions, originUrl: string | null, followUpTimeoutSeconds = PROBE_TIMEOUT_SECONDS): Promise<Scenario> {
    const nginx: NginxServer = await startNginx(options);
    try {
      const url = `http://${LOOPBACK}:${nginx.port}/health`;
      const probe = await httpProbe.run(probeTarget({ url, timeoutSeconds: PROBE_TIMEOUT_SECONDS }));
      const followUps = await runFollowUps({ url, originUrl, timeoutSeconds: followUpTimeoutSeconds, timeBoxMs: 3_000 });
      const at = new Date().toISOString();
      const diagnosis = diagnose({
        failing: failingCheck(probe),
        followUps,
        // The incident opened on the third failure in a row.
        history: { recentChecks: Array.from({ length: 3 }, () => ({ errorKind: probe.errorKind, at })), consecutiveFailures: 3 },
      });
      return { probe, followUps, diagnosis, errorLog: nginx.errorLog() };
    } finally {
      await nginx.stop();
    }
  }

  it("stopped upstream: 502 from nginx, the origin refuses, hop upstream", async () => {
    const stoppedPort = await closedPort();
    const { probe, followUps, diagnosis, errorLog } = await throughNginx(
      { upstreamPort: stoppedPort },
      `http://${LOOPBACK}:${stoppedPort}/health`,
    );
    console.log(`Diagnosis for a stopped upstream behind nginx:\n${JSON.stringify(diagnosis, null, 2)}`);

    expect(probe.errorKind).toBe("HTTP_502");
    expect(probe.evidence?.headers?.server).toMatch(/^nginx\/\d/);
    expect(errorLog).toContain("connect() failed (111: Connection refused) while connecting to upstream");
    expect(followUps.origin).toMatchObject({ ok: false, errorKind: "CONNECT_REFUSED" });
    expect(followUps.tcp).toEqual([expect.objectContaining({ ip: LOOPBACK, ok: true })]); // nginx itself is up

    expect(diagnosis.gateway.name).toBe("nginx");
    expect(diagnosis.gateway.evidence.join("\n")).toMatch(/<center>nginx\/[\d.]+<\/center>/);
    expect(diagnosis.hop).toBe("upstream");
    expect(diagnosis.probableCauses[0]).toBe("upstream_down");
    expect(diagnosis.headline).toBe("502 Bad Gateway from nginx (upstream refused)");
    expect(diagnosis.persistence).toBe("persistent");
  });

  it("hanging upstream with proxy_read_timeout 1s: 504 from nginx after ~1 s, hop upstream", async () => {
    const hanging = await upstream(rawServer(() => {}));
    const { probe, followUps, diagnosis, errorLog } = await throughNginx(
      { upstreamPort: hanging.port, proxyReadTimeoutSeconds: 1 },
      `http://${LOOPBACK}:${hanging.port}/health`,
      1,
    );

    expect(probe.errorKind).toBe("HTTP_504");
    expect(probe.timings.ttfbMs).toBeGreaterThanOrEqual(900);
    expect(probe.evidence?.bodyExcerpt).toContain("504 Gateway Time-out");
    expect(errorLog).toContain("upstream timed out (110: Connection timed out) while reading response header from upstream");
    expect(followUps.origin).toMatchObject({ ok: false, errorKind: "RESPONSE_TIMEOUT" });

    expect(diagnosis.gateway.name).toBe("nginx");
    expect(diagnosis.hop).toBe("upstream");
    expect(diagnosis.probableCauses[0]).toBe("upstream_slow");
    expect(diagnosis.headline).toBe("504 Gateway Timeout from nginx (upstream timed out)");
    // The 1 s is far from nginx's 60 s default, and the diagnosis says a custom limit is set.
    expect(diagnosis.nextSteps.join("\n")).toMatch(/504 after only 1 s, well under nginx's default 60 s limit/);
  });

  it("upstream answering garbage after its status line: 502 from nginx, hop application", async () => {
    const garbage = await upstream(rawServer(answerOnce("HTTP/1.1 200 OK\r\n\x01\x02\x7f not a header\r\n\r\nhello")));
    const { probe, followUps, diagnosis, errorLog } = await throughNginx(
      { upstreamPort: garbage.port },
      `http://${LOOPBACK}:${garbage.port}/health`,
    );

    expect(probe.errorKind).toBe("HTTP_502");
    expect(errorLog).toContain("upstream sent invalid header");
    expect(followUps.origin).toMatchObject({ ok: false, errorKind: "INVALID_RESPONSE" });

    expect(diagnosis.gateway.name).toBe("nginx");
    expect(diagnosis.hop).toBe("application");
    expect(diagnosis.probableCauses[0]).toBe("application_error");
    expect(diagnosis.headline).toBe("502 Bad Gateway from nginx (invalid upstream response)");
  });

  it("upstream answering pure garbage: nginx relays it as an HTTP/0.9 body, so no 502 and no nginx fingerprint", async () => {
    // nginx treats a reply without an HTTP status line as HTTP/0.9 and passes the raw bytes on
    // without any status line or headers of its own ("upstream sent no valid HTTP/1.0 header").
    const garbage = await upstream(rawServer(answerOnce("this is not http\r\n\r\n")));
    const { probe, followUps, diagnosis, errorLog } = await throughNginx(
      { upstreamPort: garbage.port },
      `http://${LOOPBACK}:${garbage.port}/health`,
    );

    expect(errorLog).toContain("upstream sent no valid HTTP/1.0 header");
    expect(probe.errorKind).toBe("INVALID_RESPONSE");
    expect(probe.httpStatus).toBeNull();
    expect(probe.evidence?.bodyExcerpt).toBe("this is not http\r\n\r\n");
    expect(followUps.origin).toMatchObject({ errorKind: "INVALID_RESPONSE" });

    expect(diagnosis.gateway.name).toBe("unknown");
    expect(diagnosis.hop).toBe("application"); // the direct origin probe shows the same bytes
  });

  it("upstream resetting the connection: 502 from nginx, hop upstream", async () => {
    const resetting = await upstream(rawServer((socket) => socket.once("data", () => socket.resetAndDestroy())));
    const { probe, followUps, diagnosis, errorLog } = await throughNginx(
      { upstreamPort: resetting.port },
      `http://${LOOPBACK}:${resetting.port}/health`,
    );

    expect(probe.errorKind).toBe("HTTP_502");
    expect(errorLog).toContain("(104: Connection reset by peer) while reading response header from upstream");
    expect(followUps.origin).toMatchObject({ ok: false, errorKind: "CONNECTION_RESET" });

    expect(diagnosis.gateway.name).toBe("nginx");
    expect(diagnosis.hop).toBe("upstream");
    expect(diagnosis.probableCauses).toEqual(["upstream_down", "gateway_routing"]);
    expect(diagnosis.headline).toBe("502 Bad Gateway from nginx (upstream reset the connection)");
  });

  it("nginx proxying to the wrong port while the origin answers 200 directly: hop gateway (routing)", async () => {
    const healthy = await upstream(httpServer((_req, res) => res.end("ok")));
    const wrongPort = await closedPort();
    const originUrl = `http://${LOOPBACK}:${healthy.port}/health`;
    const { probe, followUps, diagnosis } = await throughNginx({ upstreamPort: wrongPort }, originUrl);

    expect(probe.errorKind).toBe("HTTP_502");
    expect(followUps.origin).toMatchObject({ url: originUrl, ok: true, errorKind: "NONE", httpStatus: 200 });

    expect(diagnosis.gateway.name).toBe("nginx");
    expect(diagnosis.hop).toBe("gateway");
    expect(diagnosis.probableCauses[0]).toBe("gateway_routing");
    expect(diagnosis.summary).toMatch(/even though the origin answers 200 directly .*misrouting/);
    expect(diagnosis.nextSteps.join("\n")).toContain("check the proxy_pass URL and upstream block");
  });
});

function failingCheck(probe: ProbeResult): FailingCheck {
  return {
    errorKind: probe.errorKind,
    httpStatus: probe.httpStatus,
    timings: probe.timings,
    evidence: probe.evidence,
    message: probe.message,
    timeoutSeconds: PROBE_TIMEOUT_SECONDS,
  };
}

/** Waits for the request, writes `bytes`, closes. */
function answerOnce(bytes: string): (socket: net.Socket) => void {
  return (socket) => socket.once("data", () => socket.end(Buffer.from(bytes, "latin1")));
}
