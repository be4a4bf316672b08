/**
 * Turns one failing check (plus optional follow-up probes and recent history) into an
 * SRE-style diagnosis: which hop broke, who answered, ranked causes and concrete next steps.
 * Pure: no network, no clock, no database.
 */
import { ERROR_KIND_LABELS, type ErrorKind } from "../probes/error-kinds";
import type { Timings } from "../probes/types";
import { CAUSE_STEPS, type ProbableCause } from "./causes";
import { fingerprintGateway, type GatewayFingerprint, type UpstreamHint } from "./fingerprint";
import { GATEWAY_TIMEOUTS, GATEWAY_TIPS } from "./gateway-advice";
import { GATEWAY_DISPLAY_NAMES, type GatewayName } from "./gateways";

export { PROBABLE_CAUSE_IDS, PROBABLE_CAUSE_LABELS, type ProbableCause } from "./causes";

export const HOPS = ["dns", "tcp", "tls", "gateway", "upstream", "application", "unknown"] as const;
export type Hop = (typeof HOPS)[number];

/** How a hop is named to people (incident page, alerts). */
export const HOP_LABELS: Record<Hop, string> = {
  dns: "DNS",
  tcp: "TCP connection",
  tls: "TLS",
  gateway: "Gateway",
  upstream: "Upstream (origin)",
  application: "Application",
  unknown: "Unknown",
};
export type Persistence = "transient" | "persistent";

/** The failing check's phase timings, as the probe measured them. */
export type CheckTimings = Timings;

export interface FailingCheck {
  errorKind: ErrorKind;
  httpStatus: number | null;
  timings: CheckTimings;
  evidence: { statusLine: string | null; headers: Record<string, string> | null; bodyExcerpt: string | null } | null;
  message: string;
  timeoutSeconds: number;
}

export interface FollowUps {
  dns?: { addresses: string[]; changedSinceLastGood: boolean | null; error?: string };
  tcp?: Array<{ ip: string; ok: boolean; errorKind?: ErrorKind; connectMs?: number | null }>;
  tls?: { ok: boolean; errorKind?: ErrorKind; validTo?: string | null; daysLeft?: number | null };
  /** The same request sent straight to the application, bypassing the gateway. */
  origin?: { url: string; ok: boolean; errorKind: ErrorKind; httpStatus: number | null; totalMs: number | null };
}

export interface CheckHistory {
  /** Newest first, including transient failures. */
  recentChecks: Array<{ errorKind: ErrorKind; at: Date | string }>;
  consecutiveFailures: number;
  /** The failure outlasted the monitor's confirmation re-probes (an incident): not a blip, however short the streak. */
  confirmedDown?: boolean;
}

export interface DiagnoseInput {
  failing: FailingCheck;
  followUps?: FollowUps;
  history: CheckHistory;
}

export interface Diagnosis {
  hop: Hop;
  gateway: Pick<GatewayFingerprint, "name" | "confidence" | "evidence"> & { alsoSeen: GatewayName[] };
  persistence: Persistence;
  /** One sentence. */
  summary: string;
  /** Short subject line for alerts, e.g. "502 Bad Gateway from nginx (upstream refused)". */
  headline: string;
  /** Ranked, most likely first. */
  probableCauses: ProbableCause[];
  nextSteps: string[];
}

/** Fewer consecutive failures than this are treated as a blip, not an outage. */
const PERSISTENT_AFTER_CONSECUTIVE_FAILURES = 3;
/** Below this fingerprint confidence the summary hedges the gateway's name. */
const WEAK_CONFIDENCE = 0.5;
/** A gateway error this fast means it gave up at once (refused, no healthy upstream), not slowness. */
const FAST_FAILURE_MS = 1_000;
/** A gateway error this slow means the upstream hung before failing. */
const SLOW_FAILURE_MS = 10_000;
/** An origin answering within this share of the relevant timeout is considered slow. */
const SLOW_ORIGIN_SHARE = 0.8;
/** How close to a gateway's default timeout a 504 must arrive to blame that limit. */
const TIMEOUT_MATCH_LOW = 0.85;
const TIMEOUT_MATCH_HIGH = 1.2;

const HINT_PHRASES: Record<UpstreamHint, string> = {
  "connection refused": "upstream refused",
  "connect timeout": "upstream connect timeout",
  "connection failure": "upstream unreachable",
  reset: "upstream reset the connection",
  timeout: "upstream timed out",
  "no healthy upstream": "no healthy upstream",
  overloaded: "upstream overloaded",
  "invalid response": "invalid upstream response",
  "dns failure": "upstream DNS failure",
  "tls failure": "upstream TLS failure",
  routing: "no matching route",
};

/** Alert subject: the failure, who produced it and, when known, why. */
export function formatErrorKindHeadline(
  errorKind: ErrorKind,
  gatewayName: GatewayName | "unknown" | null,
  hint?: UpstreamHint | null,
): string {
  const from = gatewayName && gatewayName !== "unknown" ? ` from ${GATEWAY_DISPLAY_NAMES[gatewayName]}` : "";
  const why = hint ? ` (${HINT_PHRASES[hint]})` : "";
  return `${ERROR_KIND_LABELS[errorKind]}${from}${why}`;
}

interface Context {
  failing: FailingCheck;
  followUps: FollowUps;
  fingerprint: GatewayFingerprint;
  status: number | null;
  persistence: Persistence;
}

interface Finding {
  hop: Hop;
  causes: ProbableCause[];
  /** Main clause of the summary, without the persistence note or the final period. */
  statement: string;
  steps: string[];
  /** What happened upstream, when a gateway's wording or the origin probe establishes it. */
  hint?: UpstreamHint;
}

export function diagnose(input: DiagnoseInput): Diagnosis {
  const { failing } = input;
  const fingerprint = fingerprintGateway({
    status: failing.httpStatus,
    headers: failing.evidence?.headers ?? null,
    body: failing.evidence?.bodyExcerpt ?? null,
  });
  const persistence = judgePersistence(input.history);
  const context: Context = {
    failing,
    followUps: input.followUps ?? {},
    fingerprint,
    status: failing.httpStatus,
    persistence: persistence.kind,
  };
  const finding = FINDERS[failing.errorKind](context);

  return {
    hop: finding.hop,
    gateway: {
      name: fingerprint.name,
      confidence: fingerprint.confidence,
      evidence: fingerprint.evidence,
      alsoSeen: fingerprint.alsoSeen.map((layer) => layer.name),
    },
    persistence: persistence.kind,
    summary: `${finding.statement} (${persistence.note}).`,
    headline: formatErrorKindHeadline(failing.errorKind, fingerprint.name, finding.hint ?? fingerprint.upstreamHint),
    probableCauses: finding.causes,
    nextSteps: composeSteps(context, finding),
  };
}

function judgePersistence(history: CheckHistory): { kind: Persistence; note: string } {
  const streak = Math.max(history.consecutiveFailures, 1);
  if (history.confirmedDown) {
    return { kind: "persistent", note: `confirmed down after ${streak} consecutive ${streak === 1 ? "failure" : "failures"}` };
  }
  if (streak >= PERSISTENT_AFTER_CONSECUTIVE_FAILURES) {
    return { kind: "persistent", note: `persistent: ${streak} consecutive failures` };
  }
  const total = history.recentChecks.length;
  const failed = history.recentChecks.filter((check) => check.errorKind !== "NONE").length;
  return {
    kind: "transient",
    note:
      total > failed
        ? `transient: ${failed} of the last ${total} checks failed`
        : `transient so far: ${streak} consecutive ${streak === 1 ? "failure" : "failures"}`,
  };
}

// ---------------------------------------------------------------------------------------------
// What the gateway reported, or the origin probe showed, about the upstream.

interface UpstreamVerdict {
  hop: Hop;
  causes: ProbableCause[];
  /** Completes "<gateway> answered 502 because …". */
  gatewaySays: string;
  /** Completes "…, so …". */
  conclusion: string;
  advice: string;
}

const UPSTREAM_VERDICTS: Record<UpstreamHint, UpstreamVerdict> = {
  "connection refused": {
    hop: "upstream",
    causes: ["upstream_down"],
    gatewaySays: "its upstream refused the connection",
    conclusion: "the origin app is down or not listening",
    advice: "the application is down: check its process and logs",
  },
  "connect timeout": {
    hop: "upstream",
    causes: ["network_path", "upstream_down"],
    gatewaySays: "its connection to the upstream timed out",
    conclusion: "the origin host is down or traffic to it is dropped",
    advice: "check that the origin host is up and that firewalls and security groups let the gateway reach it",
  },
  "connection failure": {
    hop: "upstream",
    causes: ["upstream_down", "network_path"],
    gatewaySays: "it could not connect to its upstream",
    conclusion: "the origin is down or unreachable from the gateway",
    advice: "check that the origin is up and reachable from the gateway (address, port, firewall)",
  },
  reset: {
    hop: "upstream",
    causes: ["upstream_down", "gateway_routing"],
    gatewaySays: "its upstream closed or reset the connection before answering",
    conclusion: "the app is crashing or dropping connections",
    advice: "check the app's logs for crashes and make its keep-alive timeout longer than the gateway's",
  },
  timeout: {
    hop: "upstream",
    causes: ["upstream_slow"],
    gatewaySays: "its upstream did not answer before the gateway's timeout",
    conclusion: "the upstream is overloaded or stuck",
    advice: "the upstream is too slow: check its latency, CPU and worker/DB pools",
  },
  "no healthy upstream": {
    hop: "upstream",
    causes: ["upstream_down", "upstream_slow", "gateway_routing"],
    gatewaySays: "it has no healthy upstream instance to send the request to",
    conclusion: "every upstream instance is down or failing its health check",
    advice: "check the upstream instances and the health check's path and timeout",
  },
  overloaded: {
    hop: "upstream",
    causes: ["upstream_slow"],
    gatewaySays: "its upstream is at capacity",
    conclusion: "the upstream is overloaded or in maintenance",
    advice: "scale the upstream out or find what saturates it",
  },
  "invalid response": {
    hop: "application",
    causes: ["application_error", "gateway_routing"],
    gatewaySays: "its upstream sent an empty or malformed response",
    conclusion: "the application is crashing mid-response or speaks another protocol",
    advice: "check the app's logs around the failure and that the gateway uses the protocol the app speaks",
  },
  "dns failure": {
    hop: "upstream",
    causes: ["dns", "gateway_routing"],
    gatewaySays: "it could not resolve its upstream's hostname",
    conclusion: "the gateway points at a hostname that does not resolve",
    advice: "check the upstream hostname in the gateway's configuration and its DNS records",
  },
  "tls failure": {
    hop: "tls",
    causes: ["tls", "gateway_routing"],
    gatewaySays: "its TLS handshake with the upstream failed",
    conclusion: "the upstream's certificate or TLS setup is broken",
    advice: "check the origin certificate (expiry, chain, hostname) and the protocol the gateway uses to reach it",
  },
  routing: {
    hop: "gateway",
    causes: ["gateway_routing", "request_mapping"],
    gatewaySays: "it has no route or site configured for this request",
    conclusion: "the gateway is not configured for this host or path",
    advice: "check the gateway's host/path routing and that the domain is attached to the right service",
  },
};

/** How a failed direct probe of the origin reads, and what it implies about the upstream. */
const ORIGIN_FAILURES: Partial<Record<ErrorKind, { hint: UpstreamHint; shows: string }>> = {
  CONNECT_REFUSED: { hint: "connection refused", shows: "the origin refuses connections when probed directly" },
  CONNECT_TIMEOUT: { hint: "connect timeout", shows: "connecting to the origin directly times out" },
  CONNECTION_RESET: { hint: "reset", shows: "the origin resets the connection when probed directly" },
  DNS_NXDOMAIN: { hint: "dns failure", shows: "the origin hostname does not resolve" },
  DNS_FAILURE: { hint: "dns failure", shows: "the origin hostname does not resolve" },
  TLS_CERT_EXPIRED: { hint: "tls failure", shows: "the origin's certificate has expired" },
  TLS_CERT_UNTRUSTED: { hint: "tls failure", shows: "the origin's certificate is not trusted" },
  TLS_HOSTNAME_MISMATCH: { hint: "tls failure", shows: "the origin's certificate does not match its hostname" },
  TLS_HANDSHAKE: { hint: "tls failure", shows: "the TLS handshake with the origin fails" },
  RESPONSE_TIMEOUT: { hint: "timeout", shows: "the origin also times out when probed directly" },
  BODY_TIMEOUT: { hint: "timeout", shows: "the origin also stalls when probed directly" },
  HTTP_504: { hint: "timeout", shows: "the origin itself answers 504 when probed directly" },
  HTTP_503: { hint: "overloaded", shows: "the origin itself answers 503 when probed directly" },
  INVALID_RESPONSE: { hint: "invalid response", shows: "the origin sends malformed HTTP when probed directly" },
};

function verdictFinding(hint: UpstreamHint, lead: string, step: string): Finding {
  const verdict = UPSTREAM_VERDICTS[hint];
  return {
    hop: verdict.hop,
    causes: verdict.causes,
    statement: `${lead}, so ${verdict.conclusion}`,
    steps: [`${step} → ${verdict.advice}`],
    hint,
  };
}

/** The direct origin probe is the strongest evidence there is, so it is consulted first. */
function fromOrigin(context: Context, subject: string): Finding | null {
  const origin = context.followUps.origin;
  if (!origin) return null;
  const probed = `${origin.url} probed directly`;
  const failure = ORIGIN_FAILURES[origin.errorKind];
  if (failure) {
    const outcome = ERROR_KIND_LABELS[origin.errorKind].toLowerCase();
    return verdictFinding(failure.hint, `${subject} and ${failure.shows}`, `${probed}: ${outcome}`);
  }
  if (origin.httpStatus === null) return null;
  const took = origin.totalMs === null ? "" : ` in ${formatDuration(origin.totalMs)}`;
  if (origin.totalMs !== null && origin.totalMs >= slowOriginThresholdMs(context)) {
    return verdictFinding(
      "timeout",
      `${subject} and the origin takes ${formatDuration(origin.totalMs)} to answer directly`,
      `${probed}: answered ${origin.httpStatus}${took}`,
    );
  }
  if (origin.httpStatus >= 500) {
    return {
      hop: "application",
      causes: ["application_error"],
      statement: `${subject}, and the origin answers ${origin.httpStatus} when probed directly, so the error comes from the application itself`,
      steps: [`${probed} also answers ${origin.httpStatus} → the application itself fails: check its error logs and recent deploys`],
    };
  }
  return {
    hop: "gateway",
    causes: ["gateway_routing", "network_path"],
    statement: `${subject} even though the origin answers ${origin.httpStatus} directly${took}, so the gateway is misrouting or cannot reach it`,
    steps: [`${probed} answers ${origin.httpStatus}${took} → check the gateway's upstream address and timeouts`],
  };
}

function slowOriginThresholdMs(context: Context): number {
  const gateway = context.fingerprint.name;
  const limitSeconds = (gateway === "unknown" ? undefined : GATEWAY_TIMEOUTS[gateway]?.seconds) ?? context.failing.timeoutSeconds;
  return limitSeconds * 1000 * SLOW_ORIGIN_SHARE;
}

/** Only the generating gateway's own wording counts (see fingerprint's detectHint). */
function fromHint(context: Context, subject: string): Finding | null {
  const { upstreamHint, hintSource, name } = context.fingerprint;
  if (!upstreamHint) return null;
  const reporter = name === "unknown" ? "the response" : GATEWAY_DISPLAY_NAMES[name];
  const lead = `${subject} because ${UPSTREAM_VERDICTS[upstreamHint].gatewaySays}`;
  return verdictFinding(upstreamHint, lead, `${reporter} reports "${hintSource}"`);
}

// ---------------------------------------------------------------------------------------------
// Finders, one per error kind family.

const FINDERS: Record<ErrorKind, (context: Context) => Finding> = {
  NONE: () => ({ hop: "unknown", causes: [], statement: "The check succeeded, so there is nothing to diagnose", steps: [] }),
  HTTP_502: serverErrorFinding,
  HTTP_503: serverErrorFinding,
  HTTP_504: serverErrorFinding,
  HTTP_5XX: serverErrorFinding,
  HTTP_4XX: clientErrorFinding,
  HTTP_UNEXPECTED_STATUS: clientErrorFinding,
  DNS_NXDOMAIN: dnsFinding,
  DNS_FAILURE: dnsFinding,
  CONNECT_REFUSED: (context) => tcpFinding(context, TCP_FAILURES.CONNECT_REFUSED),
  CONNECT_TIMEOUT: (context) => tcpFinding(context, TCP_FAILURES.CONNECT_TIMEOUT),
  CONNECTION_RESET: (context) => tcpFinding(context, TCP_FAILURES.CONNECTION_RESET),
  TLS_CERT_EXPIRED: (context) => tlsFinding(context, TLS_FAILURES.TLS_CERT_EXPIRED),
  TLS_CERT_UNTRUSTED: (context) => tlsFinding(context, TLS_FAILURES.TLS_CERT_UNTRUSTED),
  TLS_HOSTNAME_MISMATCH: (context) => tlsFinding(context, TLS_FAILURES.TLS_HOSTNAME_MISMATCH),
  TLS_HANDSHAKE: (context) => tlsFinding(context, TLS_FAILURES.TLS_HANDSHAKE),
  RESPONSE_TIMEOUT: noResponseFinding,
  BODY_TIMEOUT: bodyTimeoutFinding,
  INVALID_RESPONSE: invalidResponseFinding,
  ASSERTION_FAILED: (context) => ({
    hop: "application",
    causes: ["application_error", "request_mapping"],
    statement: `${answeredBy(context)} but the expected content was missing, so the application returned something else`,
    steps: [
      "compare the body excerpt with the assertion: a maintenance page, login page or error JSON served with a success status means the app is degraded; if the page changed on purpose, update the assertion",
    ],
  }),
  UNKNOWN: (context) => ({
    hop: "unknown",
    causes: [],
    statement: "The check failed with an unclassified error, so there is not enough evidence to name the failing hop",
    steps: [`raw error: ${context.failing.message}`, "re-run the check and capture the response status, headers and body"],
  }),
};

function serverErrorFinding(context: Context): Finding {
  const subject = answeredBy(context);
  return fromOrigin(context, subject) ?? fromHint(context, subject) ?? fromResponder(context, subject);
}

/** No probe or gateway wording to go on: judge by who answered and how fast. */
function fromResponder(context: Context, subject: string): Finding {
  const { fingerprint, failing } = context;
  if (failing.errorKind === "HTTP_5XX") {
    return fingerprint.basis === "error page" && fingerprint.name !== "unknown"
      ? {
          hop: "gateway",
          causes: ["gateway_routing", "application_error"],
          statement: `${subject} with its own error page, so the gateway itself failed rather than the application`,
          steps: [`check ${GATEWAY_DISPLAY_NAMES[fingerprint.name]}'s own error log for this request`],
        }
      : {
          hop: "application",
          causes: ["application_error"],
          statement: `${subject}, an error produced by the application rather than by a proxy`,
          steps: [],
        };
  }
  const unavailable = failing.errorKind === "HTTP_503";
  const pace = badGatewayPace(context);
  if (fingerprint.name !== "unknown") {
    return {
      hop: "upstream",
      causes: unavailable ? ["upstream_down", "upstream_slow", "gateway_routing"] : pace.causes,
      statement: unavailable
        ? `${subject}, so it has no upstream able to serve the request`
        : `${subject}, so it got no usable answer from its upstream`,
      steps: unavailable ? [] : pace.steps,
    };
  }
  if (fingerprint.originServer) {
    return {
      hop: "application",
      causes: unavailable ? ["upstream_slow", "application_error"] : ["application_error", "upstream_down"],
      statement: `${subject} itself, so the application or a service it calls is failing`,
      steps: [],
    };
  }
  if (fingerprint.alsoSeen.length > 0) {
    return {
      hop: "upstream",
      causes: ["upstream_down", "application_error", "gateway_routing"],
      statement: `${subject}, so the error comes from the origin side, not from ${joinList(relayNames(fingerprint))}`,
      steps: [],
    };
  }
  return {
    hop: "unknown",
    causes: unavailable ? ["upstream_slow", "upstream_down"] : pace.causes,
    statement: `${subject} but nothing in the response identifies which layer generated it`,
    steps: pace.steps,
  };
}

function badGatewayPace(context: Context): { causes: ProbableCause[]; steps: string[] } {
  const elapsed = context.failing.timings.ttfbMs ?? context.failing.timings.totalMs;
  const code = context.status ?? "error";
  if (elapsed !== null && elapsed < FAST_FAILURE_MS) {
    return {
      causes: ["upstream_down", "gateway_routing", "upstream_slow"],
      steps: [`the ${code} came back in ${formatDuration(elapsed)}: the gateway gave up at once, typical of a refused connection or no healthy upstream rather than slowness`],
    };
  }
  if (elapsed !== null && elapsed >= SLOW_FAILURE_MS) {
    return {
      causes: ["upstream_slow", "upstream_down", "gateway_routing"],
      steps: [`the ${code} took ${formatDuration(elapsed)}: the upstream hung before failing, so look for saturation or a crash under load`],
    };
  }
  return { causes: ["upstream_down", "gateway_routing", "upstream_slow"], steps: [] };
}

interface ClientErrorMeaning {
  causes: ProbableCause[];
  meaning: string;
  step: string;
}

const CLIENT_ERRORS: Record<number, ClientErrorMeaning> = {
  400: {
    causes: ["request_mapping"],
    meaning: "the service rejected the request as malformed",
    step: "400: check the request body, Content-Type and required parameters the monitor sends",
  },
  401: {
    causes: ["security_or_rate_limit", "request_mapping"],
    meaning: "the request lacks valid credentials",
    step: "401: give the monitor the credentials the endpoint needs (Authorization header or API key) and check they have not expired",
  },
  403: {
    causes: ["security_or_rate_limit", "request_mapping"],
    meaning: "a WAF or access rule refused the monitor's request",
    step: "403: find the WAF or access rule that matched (IP allow-list, bot protection, geo block) and exempt the monitor",
  },
  404: {
    causes: ["request_mapping", "gateway_routing"],
    meaning: "nothing is routed at this path",
    step: "404: check the path (base path, prefix stripping at the gateway, trailing slash) against the app's routes",
  },
  405: {
    causes: ["request_mapping"],
    meaning: "the HTTP method is not allowed on this route",
    step: "405: check the monitor's HTTP method against the route",
  },
  413: {
    causes: ["request_mapping", "gateway_routing"],
    meaning: "the request body exceeds a size limit",
    step: "413: shrink the body or raise the limit (nginx client_max_body_size, load balancer or API gateway payload limits)",
  },
  414: {
    causes: ["request_mapping", "gateway_routing"],
    meaning: "the URL is longer than a server or gateway accepts",
    step: "414: shorten the query string or raise the URI limit (nginx large_client_header_buffers)",
  },
  429: {
    causes: ["security_or_rate_limit"],
    meaning: "the monitor is being rate-limited",
    step: "429: lower the check frequency or exempt the monitor from the rate limit",
  },
  431: {
    causes: ["request_mapping", "gateway_routing"],
    meaning: "the request headers are too large",
    step: "431: trim the monitor's cookies/headers or raise the header buffer limit",
  },
};

const REDIRECT: ClientErrorMeaning = {
  causes: ["request_mapping", "gateway_routing"],
  meaning: "the URL redirects instead of answering",
  step: "follow the Location header: point the monitor at the final URL (https, host, trailing slash) or accept the redirect; a redirect to a login page means the endpoint needs credentials",
};

const OTHER_CLIENT_ERROR: ClientErrorMeaning = {
  causes: ["request_mapping"],
  meaning: "the service did not accept the request as sent",
  step: "confirm which status the endpoint should return for this request and align the monitor's request or expectation",
};

function clientErrorFinding(context: Context): Finding {
  const subject = answeredBy(context);
  const hinted = fromHint(context, subject);
  if (hinted) return hinted;
  const status = context.status;
  const meaning =
    status === null ? OTHER_CLIENT_ERROR : (CLIENT_ERRORS[status] ?? (status >= 300 && status < 400 ? REDIRECT : OTHER_CLIENT_ERROR));
  return { hop: clientErrorHop(context), causes: meaning.causes, statement: `${subject}, so ${meaning.meaning}`, steps: [meaning.step] };
}

/** A 4xx is decided where the request was judged: at the gateway or in the app. */
function clientErrorHop({ fingerprint, followUps, status }: Context): Hop {
  const originStatus = followUps.origin?.httpStatus ?? null;
  if (originStatus !== null && originStatus === status) return "application";
  if (fingerprint.name !== "unknown") return "gateway";
  if (originStatus !== null && originStatus < 400) return "gateway";
  return fingerprint.originServer ? "application" : "unknown";
}

function dnsFinding({ failing, followUps }: Context): Finding {
  const dns = followUps.dns;
  const nxdomain = failing.errorKind === "DNS_NXDOMAIN";
  const reason = nxdomain ? "the name does not exist (NXDOMAIN)" : `the lookup failed${dns?.error ? ` (${dns.error})` : ""}`;
  const steps = [
    nxdomain
      ? "NXDOMAIN: check the record name for typos, that the domain registration has not lapsed, and the delegation (dig +trace <host>)"
      : "resolution failed: check that the authoritative nameservers answer (dig @<nameserver> <host>), DNSSEC validity (dig +dnssec <host>) and the monitor's resolver",
  ];
  if (dns && !dns.error && dns.addresses.length > 0) {
    steps.push(`a fresh lookup now returns ${dns.addresses.join(", ")}: resolution is intermittent, so check nameserver health and TTLs`);
  }
  return {
    hop: "dns",
    causes: ["dns"],
    statement: `The monitored hostname did not resolve because ${reason}, so no request could be sent`,
    steps,
  };
}

interface TcpFailure {
  statement: string;
  causes: ProbableCause[];
  step: string;
}

const TCP_FAILURES: Record<"CONNECT_REFUSED" | "CONNECT_TIMEOUT" | "CONNECTION_RESET", TcpFailure> = {
  CONNECT_REFUSED: {
    statement:
      "The monitored host refused the TCP connection before any HTTP exchange, so nothing listens on that port and the gateway or server itself is down",
    causes: ["upstream_down", "gateway_routing", "network_path"],
    step: "nothing listens on the monitored port: check that the web server or load balancer listener is up (ss -ltnp on the host, or the listener configuration)",
  },
  CONNECT_TIMEOUT: {
    statement: "The TCP connection to the monitored host timed out before any HTTP exchange, so the host is down or traffic to it is dropped",
    causes: ["network_path", "upstream_down"],
    step: "packets are dropped: check that the host is up and that firewalls and security groups allow the monitor's source addresses",
  },
  CONNECTION_RESET: {
    statement:
      "The monitored host reset the connection before any HTTP answer, so the server crashed or a firewall or load balancer cut the connection",
    causes: ["network_path", "upstream_down", "security_or_rate_limit"],
    step: "check the server's logs for crashes at the failure time and any firewall or IPS that resets connections",
  },
};

function tcpFinding({ followUps }: Context, failure: TcpFailure): Finding {
  const probes = followUps.tcp ?? [];
  const dead = probes.filter((probe) => !probe.ok).map((probe) => probe.ip);
  const alive = probes.filter((probe) => probe.ok).map((probe) => probe.ip);
  const steps = [failure.step];
  if (dead.length > 0 && alive.length > 0) {
    steps.push(`${dead.join(", ")} fail while ${alive.join(", ")} accept connections: take the dead address out of DNS or the load balancer pool`);
  } else if (dead.length > 1) {
    steps.push(`all ${dead.length} addresses fail: the whole service or the path to it is down, not a single node`);
  } else if (alive.length > 0) {
    steps.push(`a fresh connection to ${alive.join(", ")} now succeeds: the failure was momentary (restart, deploy or packet loss)`);
  }
  const dnsMoved = followUps.dns?.changedSinceLastGood === true;
  return {
    hop: "tcp",
    causes: dnsMoved ? ["dns", ...failure.causes] : failure.causes,
    statement: failure.statement,
    steps,
  };
}

interface TlsFailure {
  what: string;
  step: string;
}

const TLS_FAILURES: Record<"TLS_CERT_EXPIRED" | "TLS_CERT_UNTRUSTED" | "TLS_HOSTNAME_MISMATCH" | "TLS_HANDSHAKE", TlsFailure> = {
  TLS_CERT_EXPIRED: {
    what: "the certificate has expired",
    step: "renew the certificate and check that auto-renewal (certbot timer, ACM, cert-manager) also reloads the server that serves it",
  },
  TLS_CERT_UNTRUSTED: {
    what: "the certificate chain is not trusted",
    step: "serve the full chain (leaf plus intermediates, e.g. fullchain.pem for nginx ssl_certificate) from a publicly trusted CA",
  },
  TLS_HOSTNAME_MISMATCH: {
    what: "the certificate does not cover this hostname",
    step: "add the hostname to the certificate's SAN list or fix SNI routing on the load balancer or CDN (a default certificate is served when no SNI rule matches)",
  },
  TLS_HANDSHAKE: {
    what: "protocol or cipher negotiation failed",
    step: "check that the port really speaks TLS, supports TLS 1.2 or newer with modern ciphers, and does not require a client certificate",
  },
};

function tlsFinding({ followUps }: Context, failure: TlsFailure): Finding {
  const tls = followUps.tls;
  const steps = [failure.step];
  if (tls?.ok) {
    steps.push("a fresh TLS handshake now succeeds: one node or edge location may still serve a bad certificate, so check every address");
  } else if (tls?.daysLeft != null && tls.daysLeft < 0) {
    steps.push(`the served certificate expired ${-tls.daysLeft} days ago${tls.validTo ? ` (valid to ${tls.validTo})` : ""}`);
  }
  return {
    hop: "tls",
    causes: ["tls"],
    statement: `The TLS handshake with the monitored host failed because ${failure.what}, so no HTTP request was sent`,
    steps,
  };
}

function noResponseFinding(context: Context): Finding {
  const subject = `No response arrived within ${context.failing.timeoutSeconds} s`;
  return (
    fromOrigin(context, subject) ?? {
      hop: "unknown",
      causes: ["upstream_slow", "gateway_routing"],
      statement: `${subject}, and without an origin probe it is unclear whether the gateway or the application is stuck`,
      steps: [],
    }
  );
}

function bodyTimeoutFinding(context: Context): Finding {
  const started = context.status === null ? "The response started" : answeredBy(context);
  return {
    hop: "application",
    causes: ["upstream_slow", "network_path"],
    statement: `${started} but the body did not finish within ${context.failing.timeoutSeconds} s, so the application stalls while producing it`,
    steps: ["the headers arrived but the body stalled: look for slow streaming or pagination, very large payloads or a blocked worker in the app"],
  };
}

function invalidResponseFinding(context: Context): Finding {
  const subject = "The monitored host answered with invalid HTTP";
  return (
    fromOrigin(context, subject) ?? {
      hop: "unknown",
      causes: ["gateway_routing", "application_error"],
      statement: `${subject}, so the port serves another protocol or the server is broken`,
      steps: ["check the URL's scheme and port: plain HTTP sent to a TLS port (or the reverse), or a non-HTTP service on that port, gives this error"],
    }
  );
}

// ---------------------------------------------------------------------------------------------
// Wording and next steps.

function answeredBy({ fingerprint, status }: Context): string {
  const code = status === null ? "an error" : String(status);
  const relays = relayNames(fingerprint);
  const via = relays.length > 0 ? ` (via ${joinList(relays)})` : "";
  if (fingerprint.name !== "unknown") {
    const hedge = fingerprint.confidence < WEAK_CONFIDENCE ? "What looks like " : "";
    return `${hedge}${GATEWAY_DISPLAY_NAMES[fingerprint.name]}${via} answered ${code}`;
  }
  if (fingerprint.originServer) return `The ${fingerprint.originServer.name} app${via} answered ${code}`;
  return relays.length > 0 ? `A server behind ${joinList(relays)} answered ${code}` : `The server answered ${code}`;
}

function relayNames(fingerprint: GatewayFingerprint): string[] {
  return fingerprint.alsoSeen.map((layer) => GATEWAY_DISPLAY_NAMES[layer.name]);
}

/** dns/tcp/tls findings carry their own steps; generic upstream advice would not fit them. */
const SELF_EXPLAINED_HOPS: ReadonlySet<Hop> = new Set(["dns", "tcp", "tls"]);

const KEEP_ALIVE_STEP =
  "isolated 502s and resets usually mean the upstream closed an idle keep-alive connection the gateway was reusing: make the app's keep-alive timeout longer than the gateway's idle timeout";
const CORRELATE_STEP =
  "isolated failure: correlate its time with deploys, restarts, autoscaling and traffic spikes before changing any configuration";
const ORIGIN_PROBE_STEP =
  "configure an origin URL that bypasses the gateway so the next diagnosis can tell a dead upstream from a misrouted gateway";

function composeSteps(context: Context, finding: Finding): string[] {
  const { fingerprint, followUps, failing } = context;
  const tips = fingerprint.name === "unknown" ? undefined : GATEWAY_TIPS[fingerprint.name];
  const causeSteps = finding.causes
    .slice(0, 2)
    .map((cause) => tips?.[cause] ?? (SELF_EXPLAINED_HOPS.has(finding.hop) ? null : CAUSE_STEPS[cause]));
  const retryAfter = failing.evidence?.headers?.["retry-after"];
  const dns = followUps.dns;
  const isServerSide = (context.status !== null && context.status >= 500) || failing.errorKind === "RESPONSE_TIMEOUT";

  const steps: Array<string | null> = [
    ...finding.steps,
    timeoutStep(context, finding),
    ...causeSteps,
    fingerprint.name === "unknown" && fingerprint.alsoSeen.length > 0
      ? `${joinList(relayNames(fingerprint))} only relayed this response: it was generated behind them, so check the origin directly`
      : null,
    dns?.changedSinceLastGood
      ? `DNS answers changed since the last good check (now ${dns.addresses.join(", ") || "none"}): confirm the change was intended and points at a live host`
      : null,
    context.status === 503 && retryAfter
      ? `Retry-After: ${retryAfter} suggests planned maintenance or deliberate load shedding: check for a maintenance window`
      : null,
    persistenceStep(context, finding),
    !followUps.origin && isServerSide && finding.hop !== "application" ? ORIGIN_PROBE_STEP : null,
  ];
  return [...new Set(steps.filter((step): step is string => step !== null))];
}

function persistenceStep(context: Context, finding: Finding): string | null {
  if (context.persistence === "persistent" || finding.causes.length === 0) return null;
  const resetLike = context.failing.errorKind === "HTTP_502" || context.fingerprint.upstreamHint === "reset";
  return resetLike ? KEEP_ALIVE_STEP : CORRELATE_STEP;
}

/** Compares when a gateway timeout fired with the gateway's default limit. */
function timeoutStep({ fingerprint, failing, status }: Context, finding: Finding): string | null {
  const elapsedMs = failing.timings.ttfbMs ?? failing.timings.totalMs;
  if (fingerprint.upstreamHint !== "timeout" || !finding.causes.includes("upstream_slow") || elapsedMs === null) return null;
  const seconds = Math.round(elapsedMs / 1000);
  const code = status ?? "timeout";
  const limit = fingerprint.name === "unknown" ? undefined : GATEWAY_TIMEOUTS[fingerprint.name];
  if (fingerprint.name === "unknown" || !limit) {
    const matching = Object.entries(GATEWAY_TIMEOUTS)
      .filter(([, timeout]) => isNear(elapsedMs, timeout.seconds))
      .map(([name]) => GATEWAY_DISPLAY_NAMES[name as GatewayName]);
    return matching.length > 0
      ? `${code} after ~${seconds} s matches the default timeout of ${joinList(matching)}: the upstream is slower than the gateway allows, so speed up the endpoint or raise the proxy timeout`
      : `${code} after ${seconds} s: the upstream is slower than the gateway's timeout allows, so speed up the endpoint or raise the proxy timeout`;
  }
  const ownLimit = `${GATEWAY_DISPLAY_NAMES[fingerprint.name]}'s default ${limit.seconds} s limit`;
  if (isNear(elapsedMs, limit.seconds)) {
    const remedy = limit.setting ? `speed up the endpoint or raise ${limit.setting}` : "speed up the endpoint (this limit cannot be raised)";
    return `${code} after ~${seconds} s matches ${ownLimit}: the upstream is slower than the gateway allows, so ${remedy}`;
  }
  return elapsedMs < limit.seconds * 1000
    ? `${code} after only ${seconds} s, well under ${ownLimit}: a shorter timeout is configured or a proxy further back gave up first`
    : `${code} after ${seconds} s, beyond ${ownLimit}: a longer custom timeout is configured and the upstream still did not answer`;
}

function isNear(elapsedMs: number, limitSeconds: number): boolean {
  const ratio = elapsedMs / (limitSeconds * 1000);
  return ratio >= TIMEOUT_MATCH_LOW && ratio <= TIMEOUT_MATCH_HIGH;
}

function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${Math.round(ms / 1000)} s`;
}

function joinList(items: string[]): string {
  return items.length <= 1 ? items.join("") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}
