import { describe, expect, it } from "vitest";
import {
  diagnose,
  formatErrorKindHeadline,
  HOPS,
  PROBABLE_CAUSE_IDS,
  PROBABLE_CAUSE_LABELS,
  type DiagnoseInput,
  type Diagnosis,
  type FailingCheck,
  type FollowUps,
  type Hop,
} from "../../lib/diagnosis/diagnose";
import type { ErrorKind } from "../../lib/probes/error-kinds";
import {
  CLOUDFLARE_BLOCK_PAGE,
  ENVOY_REFUSED_BODY,
  EXPRESS_500_PAGE,
  HAPROXY_502_PAGE,
  NGINX_413_PAGE,
  NGINX_502_PAGE,
  NGINX_504_PAGE,
} from "./fixtures";

const NO_TIMINGS = { dnsMs: null, connectMs: null, tlsMs: null, ttfbMs: null, transferMs: null, totalMs: null };
const CF_HEADERS = { server: "cloudflare", "cf-ray": "8a1b2c3d4e5f6789-FRA" };

interface Case {
  kind: ErrorKind;
  status?: number | null;
  headers?: Record<string, string>;
  body?: string;
  ttfbMs?: number;
  followUps?: FollowUps;
  consecutiveFailures?: number;
  /** Newest first; defaults to a solid streak of the same failure. */
  recent?: ErrorKind[];
}

function input(c: Case): DiagnoseInput {
  const streak = c.consecutiveFailures ?? 5;
  const failing: FailingCheck = {
    errorKind: c.kind,
    httpStatus: c.status ?? null,
    timings: { ...NO_TIMINGS, ttfbMs: c.ttfbMs ?? null, totalMs: c.ttfbMs ?? null },
    evidence:
      c.status === undefined || c.status === null
        ? null
        : { statusLine: `HTTP/1.1 ${c.status}`, headers: c.headers ?? {}, bodyExcerpt: c.body ?? "" },
    message: `check failed: ${c.kind}`,
    timeoutSeconds: 30,
  };
  const recent = c.recent ?? Array.from({ length: streak }, () => c.kind);
  return {
    failing,
    followUps: c.followUps,
    history: {
      recentChecks: recent.map((errorKind, i) => ({ errorKind, at: new Date(Date.UTC(2024, 2, 4, 10, 0) - i * 60_000) })),
      consecutiveFailures: streak,
    },
  };
}

const run = (c: Case) => diagnose(input(c));

/** Every diagnosis produced in this file, to check invariants across all of them. */
const produced: Diagnosis[] = [];
function check(c: Case): Diagnosis {
  const result = run(c);
  produced.push(result);
  return result;
}

const nginx502 = (followUps?: FollowUps, extra: Partial<Case> = {}) =>
  check({ kind: "HTTP_502", status: 502, headers: { server: "nginx/1.24.0" }, body: NGINX_502_PAGE, followUps, ...extra });

const origin = (o: Partial<NonNullable<FollowUps["origin"]>>): FollowUps => ({
  origin: { url: "http://10.0.0.5:3000/health", ok: false, errorKind: "UNKNOWN", httpStatus: null, totalMs: null, ...o },
});

describe("diagnose: 5xx behind a gateway", () => {
  it("nginx 502 + origin refusing → upstream down", () => {
    const result = nginx502(origin({ errorKind: "CONNECT_REFUSED" }));
    expect(result.hop).toBe("upstream");
    expect(result.probableCauses[0]).toBe("upstream_down");
    expect(result.gateway).toMatchObject({ name: "nginx", alsoSeen: [] });
    expect(result.headline).toBe("502 Bad Gateway from nginx (upstream refused)");
    expect(result.summary).toMatch(/^nginx answered 502 and the origin refuses connections/);
    expect(result.summary).toContain("persistent: 5 consecutive failures");
    expect(result.nextSteps[0]).toBe(
      "http://10.0.0.5:3000/health probed directly: connection refused → the application is down: check its process and logs",
    );
    expect(result.nextSteps.join("\n")).toContain("connect() failed (111: Connection refused) while connecting to upstream");
  });

  it("nginx 502 while the origin answers 200 directly → the gateway misroutes", () => {
    const result = nginx502(origin({ ok: true, errorKind: "NONE", httpStatus: 200, totalMs: 85 }));
    expect(result.hop).toBe("gateway");
    expect(result.probableCauses[0]).toBe("gateway_routing");
    expect(result.summary).toContain("even though the origin answers 200 directly in 85 ms");
    expect(result.headline).toBe("502 Bad Gateway from nginx");
    expect(result.nextSteps[0]).toContain("answers 200 in 85 ms → check the gateway's upstream address and timeouts");
    expect(result.nextSteps.join("\n")).toContain("proxy_pass");
  });

  it("nginx 502 while the origin is slow → upstream overloaded or slow", () => {
    const result = nginx502(origin({ ok: true, errorKind: "NONE", httpStatus: 200, totalMs: 55_000 }));
    expect(result.hop).toBe("upstream");
    expect(result.probableCauses).toEqual(["upstream_slow"]);
    expect(result.summary).toContain("the origin takes 55 s to answer directly");
  });

  it("nginx 502 while the origin times out → upstream overloaded or slow", () => {
    const result = nginx502(origin({ errorKind: "RESPONSE_TIMEOUT" }));
    expect(result.hop).toBe("upstream");
    expect(result.probableCauses[0]).toBe("upstream_slow");
  });

  it("nginx 502 and the origin answers the same 5xx → application error", () => {
    const result = nginx502(origin({ errorKind: "HTTP_5XX", httpStatus: 500, totalMs: 40 }));
    expect(result.hop).toBe("application");
    expect(result.probableCauses).toEqual(["application_error"]);
    expect(result.summary).toContain("the error comes from the application itself");
  });

  it("nginx 502 without an origin probe → upstream, and asks for an origin URL", () => {
    const result = nginx502(undefined, { ttfbMs: 4 });
    expect(result.hop).toBe("upstream");
    expect(result.probableCauses).toEqual(["upstream_down", "gateway_routing", "upstream_slow"]);
    expect(result.nextSteps.join("\n")).toMatch(/came back in 4 ms: the gateway gave up at once/);
    expect(result.nextSteps.join("\n")).toContain("configure an origin URL that bypasses the gateway");
  });

  it("a slow 502 ranks a slow upstream first", () => {
    const result = nginx502(undefined, { ttfbMs: 25_000 });
    expect(result.probableCauses[0]).toBe("upstream_slow");
  });

  it("nginx 504 after ~60 s → upstream slower than proxy_read_timeout", () => {
    const result = check({ kind: "HTTP_504", status: 504, headers: { server: "nginx" }, body: NGINX_504_PAGE, ttfbMs: 60_020 });
    expect(result.hop).toBe("upstream");
    expect(result.probableCauses).toEqual(["upstream_slow"]);
    expect(result.nextSteps.join("\n")).toContain(
      "504 after ~60 s matches nginx's default 60 s limit: the upstream is slower than the gateway allows, so speed up the endpoint or raise proxy_read_timeout",
    );
    expect(result.headline).toBe("504 Gateway Timeout from nginx (upstream timed out)");
  });

  it("nginx 504 well before its default → a shorter timeout is configured", () => {
    const result = check({ kind: "HTTP_504", status: 504, headers: { server: "nginx" }, body: NGINX_504_PAGE, ttfbMs: 12_000 });
    expect(result.nextSteps.join("\n")).toContain("504 after only 12 s, well under nginx's default 60 s limit");
  });

  it("an anonymous 504 after ~60 s names the gateways whose default matches", () => {
    const result = check({ kind: "HTTP_504", status: 504, body: "", ttfbMs: 59_800 });
    expect(result.hop).toBe("upstream");
    expect(result.gateway.name).toBe("unknown");
    const timing = result.nextSteps.find((step) => step.startsWith("504 after ~60 s"));
    expect(timing).toContain("nginx");
    expect(timing).toContain("AWS ALB/ELB");
    expect(timing).not.toContain("Cloudflare");
  });

  it("Envoy refusing (reset reason) → upstream down with Envoy-specific steps", () => {
    const result = check({ kind: "HTTP_503", status: 503, headers: { server: "envoy" }, body: ENVOY_REFUSED_BODY });
    expect(result.hop).toBe("upstream");
    expect(result.probableCauses[0]).toBe("upstream_down");
    expect(result.headline).toBe("503 Service Unavailable from Envoy (upstream refused)");
    expect(result.nextSteps[0]).toBe('Envoy reports "delayed connect error: 111" → the application is down: check its process and logs');
    expect(result.nextSteps.join("\n")).toContain("upstream_reset_before_response_started");
  });

  it("Envoy no healthy upstream → upstream down first, health checks next", () => {
    const result = check({ kind: "HTTP_503", status: 503, headers: { server: "envoy" }, body: "no healthy upstream" });
    expect(result.hop).toBe("upstream");
    expect(result.probableCauses).toEqual(["upstream_down", "upstream_slow", "gateway_routing"]);
  });

  it("HAProxy invalid response → application", () => {
    const result = check({ kind: "HTTP_502", status: 502, headers: {}, body: HAPROXY_502_PAGE });
    expect(result.hop).toBe("application");
    expect(result.probableCauses[0]).toBe("application_error");
    expect(result.nextSteps.join("\n")).toContain('"SH--"');
  });

  it("Cloudflare 521 → upstream down with Cloudflare's meaning", () => {
    const result = check({ kind: "HTTP_5XX", status: 521, headers: CF_HEADERS, body: "error code: 521" });
    expect(result.hop).toBe("upstream");
    expect(result.probableCauses[0]).toBe("upstream_down");
    expect(result.headline).toBe("Server error (5xx) from Cloudflare (upstream refused)");
    expect(result.nextSteps.join("\n")).toContain("Cloudflare 521: the origin refused Cloudflare's connection");
  });

  it("Cloudflare 522 → network path first", () => {
    const result = check({ kind: "HTTP_5XX", status: 522, headers: CF_HEADERS, body: "error code: 522" });
    expect(result.probableCauses).toEqual(["network_path", "upstream_down"]);
    expect(result.nextSteps.join("\n")).toContain("Cloudflare 522");
  });

  it("Cloudflare 525 → TLS between Cloudflare and the origin", () => {
    const result = check({ kind: "HTTP_5XX", status: 525, headers: CF_HEADERS, body: "error code: 525" });
    expect(result.hop).toBe("tls");
    expect(result.probableCauses[0]).toBe("tls");
    expect(result.nextSteps.join("\n")).toContain("Full (strict)");
  });

  it("Cloudflare relaying the origin's own 502 → the origin side, not Cloudflare", () => {
    const result = check({ kind: "HTTP_502", status: 502, headers: CF_HEADERS, body: '{"error":"payment provider unavailable"}' });
    expect(result.hop).toBe("upstream");
    expect(result.gateway).toMatchObject({ name: "unknown", confidence: 0, alsoSeen: ["cloudflare"] });
    expect(result.summary).toMatch(/^A server behind Cloudflare answered 502, so the error comes from the origin side/);
    expect(result.nextSteps.join("\n")).toContain("Cloudflare only relayed this response");
  });

  it("nginx's 502 page relayed by Cloudflare names nginx and the relay", () => {
    const result = check({ kind: "HTTP_502", status: 502, headers: CF_HEADERS, body: NGINX_502_PAGE });
    expect(result.gateway).toMatchObject({ name: "nginx", alsoSeen: ["cloudflare"] });
    expect(result.summary).toMatch(/^nginx \(via Cloudflare\) answered 502/);
  });

  it("a weakly identified gateway is hedged in the summary", () => {
    const result = check({ kind: "HTTP_502", status: 502, headers: {}, body: "Bad Gateway" });
    expect(result.gateway.name).toBe("traefik");
    expect(result.summary).toMatch(/^What looks like Traefik answered 502/);
  });

  it("ALB 503 → no healthy targets", () => {
    const result = check({ kind: "HTTP_503", status: 503, headers: { server: "awselb/2.0" } });
    expect(result.hop).toBe("upstream");
    expect(result.nextSteps.join("\n")).toContain("target group");
  });

  it("Vercel NO_RESPONSE_FROM_FUNCTION → application", () => {
    const result = check({
      kind: "HTTP_502",
      status: 502,
      headers: { server: "Vercel", "x-vercel-error": "NO_RESPONSE_FROM_FUNCTION" },
      body: "An error occurred with this application.\n\nNO_RESPONSE_FROM_FUNCTION",
    });
    expect(result.hop).toBe("application");
    expect(result.nextSteps.join("\n")).toContain("check its runtime logs");
  });

  it("mentions Retry-After on a 503", () => {
    const result = check({ kind: "HTTP_503", status: 503, headers: { server: "awselb/2.0", "retry-after": "120" } });
    expect(result.nextSteps.join("\n")).toContain("Retry-After: 120");
  });
});

describe("diagnose: the application itself", () => {
  it("Express 500 without a gateway → application error", () => {
    const result = check({ kind: "HTTP_5XX", status: 500, headers: { "x-powered-by": "Express" }, body: EXPRESS_500_PAGE });
    expect(result.hop).toBe("application");
    expect(result.probableCauses).toEqual(["application_error"]);
    expect(result.summary).toMatch(/^The Express app answered 500/);
    expect(result.nextSteps.join("\n")).not.toContain("configure an origin URL");
  });

  it("an app answering 502 itself → application", () => {
    const result = check({ kind: "HTTP_502", status: 502, headers: { "x-powered-by": "Express" }, body: '{"error":"Bad Gateway"}' });
    expect(result.hop).toBe("application");
    expect(result.probableCauses[0]).toBe("application_error");
  });

  it("a gateway's own 500 page → the gateway failed", () => {
    const page = NGINX_502_PAGE.replaceAll("502 Bad Gateway", "500 Internal Server Error");
    const result = check({ kind: "HTTP_5XX", status: 500, headers: { server: "nginx" }, body: page });
    expect(result.hop).toBe("gateway");
    expect(result.probableCauses[0]).toBe("gateway_routing");
  });

  it("a failed keyword assertion → application", () => {
    const result = check({ kind: "ASSERTION_FAILED", status: 200, headers: {}, body: "<h1>Down for maintenance</h1>" });
    expect(result.hop).toBe("application");
    expect(result.probableCauses[0]).toBe("application_error");
  });

  it("a stalled body → application, slow", () => {
    const result = check({ kind: "BODY_TIMEOUT", status: 200, headers: { server: "nginx" } });
    expect(result.hop).toBe("application");
    expect(result.probableCauses[0]).toBe("upstream_slow");
    expect(result.summary).toContain("the body did not finish within 30 s");
  });
});

describe("diagnose: 4xx", () => {
  it("Cloudflare block page → security layer at the gateway", () => {
    const result = check({ kind: "HTTP_4XX", status: 403, headers: CF_HEADERS, body: CLOUDFLARE_BLOCK_PAGE });
    expect(result.hop).toBe("gateway");
    expect(result.probableCauses[0]).toBe("security_or_rate_limit");
    expect(result.nextSteps.join("\n")).toContain("Security → Events");
  });

  it("an app rate-limiting the monitor → application, rate limit", () => {
    const result = check({ kind: "HTTP_4XX", status: 429, headers: { "x-powered-by": "Express" }, body: "Too Many Requests" });
    expect(result.hop).toBe("application");
    expect(result.probableCauses).toEqual(["security_or_rate_limit"]);
  });

  it("Kong 404 no route → gateway routing", () => {
    const result = check({
      kind: "HTTP_4XX",
      status: 404,
      headers: { server: "kong/3.4.2" },
      body: '{"message":"no Route matched with those values"}',
    });
    expect(result.hop).toBe("gateway");
    expect(result.probableCauses[0]).toBe("gateway_routing");
    expect(result.headline).toBe("Client error (4xx) from Kong (no matching route)");
  });

  it("nginx 413 → request mapping at the gateway", () => {
    const result = check({ kind: "HTTP_4XX", status: 413, headers: { server: "nginx/1.24.0" }, body: NGINX_413_PAGE });
    expect(result.hop).toBe("gateway");
    expect(result.probableCauses[0]).toBe("request_mapping");
    expect(result.nextSteps.join("\n")).toContain("client_max_body_size");
  });

  it("a 404 the origin gives too → application", () => {
    const result = check({
      kind: "HTTP_4XX",
      status: 404,
      headers: { server: "nginx" },
      body: "{}",
      followUps: origin({ ok: false, errorKind: "HTTP_4XX", httpStatus: 404, totalMs: 20 }),
    });
    expect(result.hop).toBe("application");
    expect(result.probableCauses[0]).toBe("request_mapping");
  });

  it("an unexpected redirect → request mapping", () => {
    const result = check({ kind: "HTTP_UNEXPECTED_STATUS", status: 301, headers: { location: "https://api.example.com/health/" } });
    expect(result.probableCauses).toEqual(["request_mapping", "gateway_routing"]);
    expect(result.nextSteps.join("\n")).toContain("Location header");
  });
});

describe("diagnose: below HTTP", () => {
  it("NXDOMAIN → dns", () => {
    const result = check({ kind: "DNS_NXDOMAIN", followUps: { dns: { addresses: [], changedSinceLastGood: null, error: "ENOTFOUND" } } });
    expect(result.hop).toBe("dns");
    expect(result.probableCauses).toEqual(["dns"]);
    expect(result.summary).toContain("NXDOMAIN");
    expect(result.gateway).toEqual({ name: "unknown", confidence: 0, evidence: [], alsoSeen: [] });
  });

  it("a DNS failure that a fresh lookup no longer shows → intermittent resolver", () => {
    const result = check({ kind: "DNS_FAILURE", followUps: { dns: { addresses: ["203.0.113.7"], changedSinceLastGood: false } } });
    expect(result.hop).toBe("dns");
    expect(result.nextSteps.join("\n")).toContain("a fresh lookup now returns 203.0.113.7");
  });

  it("connection refused with no HTTP answer → tcp", () => {
    const result = check({
      kind: "CONNECT_REFUSED",
      followUps: {
        tcp: [
          { ip: "203.0.113.7", ok: false, errorKind: "CONNECT_REFUSED", connectMs: null },
          { ip: "203.0.113.8", ok: true, connectMs: 12 },
        ],
      },
    });
    expect(result.hop).toBe("tcp");
    expect(result.probableCauses[0]).toBe("upstream_down");
    expect(result.nextSteps.join("\n")).toContain("203.0.113.7 fail while 203.0.113.8 accept connections");
    expect(result.nextSteps.join("\n")).not.toContain("upstream service is running");
  });

  it("connect timeout right after a DNS change → DNS ranked first", () => {
    const result = check({
      kind: "CONNECT_TIMEOUT",
      followUps: { dns: { addresses: ["198.51.100.20"], changedSinceLastGood: true } },
    });
    expect(result.hop).toBe("tcp");
    expect(result.probableCauses).toEqual(["dns", "network_path", "upstream_down"]);
    expect(result.nextSteps.join("\n")).toContain("DNS answers changed since the last good check (now 198.51.100.20)");
  });

  it("connection reset → tcp, network path first", () => {
    const result = check({ kind: "CONNECTION_RESET" });
    expect(result.hop).toBe("tcp");
    expect(result.probableCauses[0]).toBe("network_path");
  });

  it("expired certificate → tls", () => {
    const result = check({
      kind: "TLS_CERT_EXPIRED",
      followUps: { tls: { ok: false, errorKind: "TLS_CERT_EXPIRED", validTo: "2024-03-01T00:00:00Z", daysLeft: -3 } },
    });
    expect(result.hop).toBe("tls");
    expect(result.probableCauses).toEqual(["tls"]);
    expect(result.summary).toContain("the certificate has expired");
    expect(result.nextSteps.join("\n")).toContain("expired 3 days ago");
  });

  it("hostname mismatch → tls with SNI advice", () => {
    const result = check({ kind: "TLS_HOSTNAME_MISMATCH" });
    expect(result.hop).toBe("tls");
    expect(result.nextSteps.join("\n")).toContain("SNI");
  });
});

describe("diagnose: thin evidence stays unknown", () => {
  it("an anonymous 502 with no probe → unknown", () => {
    const result = check({ kind: "HTTP_502", status: 502, headers: { "content-type": "text/html" }, body: "<h1>Error</h1>" });
    expect(result.hop).toBe("unknown");
    expect(result.gateway.name).toBe("unknown");
    expect(result.summary).toContain("nothing in the response identifies which layer generated it");
    expect(result.nextSteps.join("\n")).toContain("configure an origin URL");
  });

  it("no response in time without an origin probe → unknown", () => {
    const result = check({ kind: "RESPONSE_TIMEOUT" });
    expect(result.hop).toBe("unknown");
    expect(result.summary).toMatch(/^No response arrived within 30 s, and without an origin probe/);
  });

  it("no response in time while the origin answers fast → gateway", () => {
    const result = check({ kind: "RESPONSE_TIMEOUT", followUps: origin({ ok: true, errorKind: "NONE", httpStatus: 200, totalMs: 120 }) });
    expect(result.hop).toBe("gateway");
  });

  it("no response in time and the origin times out too → upstream slow", () => {
    const result = check({ kind: "RESPONSE_TIMEOUT", followUps: origin({ errorKind: "RESPONSE_TIMEOUT" }) });
    expect(result.hop).toBe("upstream");
    expect(result.probableCauses).toEqual(["upstream_slow"]);
  });

  it("invalid HTTP → unknown, unless the origin is just as broken", () => {
    expect(check({ kind: "INVALID_RESPONSE" }).hop).toBe("unknown");
    expect(check({ kind: "INVALID_RESPONSE", followUps: origin({ errorKind: "INVALID_RESPONSE" }) }).hop).toBe("application");
  });

  it("an unclassified error → unknown with the raw message", () => {
    const result = check({ kind: "UNKNOWN" });
    expect(result.hop).toBe("unknown");
    expect(result.probableCauses).toEqual([]);
    expect(result.nextSteps).toContain("raw error: check failed: UNKNOWN");
  });

  it("a success has nothing to diagnose", () => {
    const result = run({ kind: "NONE", status: 200, consecutiveFailures: 0, recent: ["NONE"] });
    expect(result.hop).toBe("unknown");
    expect(result.probableCauses).toEqual([]);
    expect(result.nextSteps).toEqual([]);
  });
});

describe("diagnose: transient vs persistent", () => {
  it("three consecutive failures are persistent", () => {
    const result = nginx502(undefined, { consecutiveFailures: 3 });
    expect(result.persistence).toBe("persistent");
    expect(result.nextSteps.join("\n")).not.toContain("keep-alive connection the gateway was reusing");
  });

  it("a lone 502 among successes is transient and points at keep-alive races", () => {
    const result = check({
      kind: "HTTP_502",
      status: 502,
      headers: { server: "awselb/2.0" },
      consecutiveFailures: 1,
      recent: ["HTTP_502", "NONE", "NONE", "NONE", "NONE", "NONE", "NONE", "NONE", "NONE", "NONE"],
    });
    expect(result.persistence).toBe("transient");
    expect(result.summary).toContain("(transient: 1 of the last 10 checks failed).");
    expect(result.nextSteps.join("\n")).toContain("keep-alive");
  });

  it("a failure confirmed DOWN is persistent however short the streak, with no blip advice", () => {
    const result = diagnose({
      failing: { errorKind: "HTTP_502", httpStatus: 502, timings: { dnsMs: null, connectMs: 1, tlsMs: null, ttfbMs: 2, transferMs: 0, totalMs: 3 }, evidence: null, message: "502 Bad Gateway", timeoutSeconds: 10 },
      history: { recentChecks: [{ errorKind: "HTTP_502", at: new Date() }, { errorKind: "HTTP_502", at: new Date() }, { errorKind: "NONE", at: new Date() }], consecutiveFailures: 2, confirmedDown: true },
    });
    expect(result.persistence).toBe("persistent");
    expect(result.summary).toContain("(confirmed down after 2 consecutive failures).");
    expect(result.nextSteps.join("\n")).not.toContain("keep-alive connection the gateway was reusing");
  });

  it("a fresh streak without successes in history is transient so far", () => {
    const result = check({ kind: "CONNECT_TIMEOUT", consecutiveFailures: 2 });
    expect(result.persistence).toBe("transient");
    expect(result.summary).toContain("transient so far: 2 consecutive failures");
    expect(result.nextSteps.join("\n")).toContain("correlate its time with deploys");
  });
});

describe("formatErrorKindHeadline", () => {
  it("names the failure, the gateway and the reason", () => {
    expect(formatErrorKindHeadline("HTTP_502", "nginx", "connection refused")).toBe("502 Bad Gateway from nginx (upstream refused)");
    expect(formatErrorKindHeadline("HTTP_503", "istio", "no healthy upstream")).toBe(
      "503 Service Unavailable from Envoy (Istio) (no healthy upstream)",
    );
  });

  it("leaves out what is not known", () => {
    expect(formatErrorKindHeadline("HTTP_502", "unknown", null)).toBe("502 Bad Gateway");
    expect(formatErrorKindHeadline("CONNECT_REFUSED", null)).toBe("Connection refused");
  });
});

describe("diagnose: invariants over every case above", () => {
  it("covers every hop", () => {
    const seen = new Set<Hop>(produced.map((d) => d.hop));
    expect([...seen].sort()).toEqual([...HOPS].sort());
  });

  it("writes one-sentence summaries", () => {
    for (const d of produced) {
      expect(d.summary, d.summary).toMatch(/\.$/);
      expect(d.summary, d.summary).not.toMatch(/[.!?]\s/);
    }
  });

  it("draws causes only from the catalogue, without repeats", () => {
    for (const d of produced) {
      for (const cause of d.probableCauses) expect(PROBABLE_CAUSE_IDS).toContain(cause);
      expect(new Set(d.probableCauses).size).toBe(d.probableCauses.length);
    }
    expect(PROBABLE_CAUSE_LABELS.gateway_routing).toBe("gateway misconfiguration or routing");
  });

  it("always gives a failing check something to do, without duplicates", () => {
    for (const d of produced) {
      expect(d.nextSteps.length, d.summary).toBeGreaterThan(0);
      expect(new Set(d.nextSteps).size).toBe(d.nextSteps.length);
    }
  });
});
