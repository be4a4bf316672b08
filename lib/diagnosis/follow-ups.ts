/**
 * Follow-up probes run once when an incident opens, to feed diagnose(): a fresh DNS resolution,
 * a TCP connect to every resolved address, a TLS handshake (https) and a direct request to the
 * origin, bypassing the gateway. Everything runs in parallel inside one time box (10 s by
 * default); a part cut short by it is reported as a timeout, never left out. Never throws.
 *
 * Connections go through lib/probes (openConnection, the HTTP probe, classifyError), so each
 * follow-up classifies failures exactly as a regular check would.
 */
import { promises as dns } from "node:dns";
import net from "node:net";
import tls from "node:tls";
import { classifyError, ProbeTimeoutError } from "../probes/classify";
import { openConnection, type TlsCa } from "../probes/connection";
import type { ErrorKind } from "../probes/error-kinds";
import { createHttpProbe } from "../probes/http";
import { ProbeTrace } from "../probes/trace";
import type { FollowUps } from "./diagnose";

export type { FollowUps } from "./diagnose";

export interface FollowUpsInput {
  /** The monitored URL (http or https). */
  url: string;
  /** The same service reached without the gateway, e.g. http://10.0.0.5:3000/health. */
  originUrl: string | null;
  /** The monitor's own timeout; bounds the origin request (itself bounded by the time box). */
  timeoutSeconds?: number;
  /** Addresses the host resolved to at the last successful check; null or empty when unknown. */
  lastGoodAddresses?: string[] | null;
  signal?: AbortSignal;
  /** Trust anchors replacing the default CA store (private CAs, tests), as for the HTTP probe. */
  ca?: TlsCa;
  /** Total budget for all follow-ups together; defaults to FOLLOW_UPS_TIME_BOX_MS. */
  timeBoxMs?: number;
}

export const FOLLOW_UPS_TIME_BOX_MS = 10_000;
/** Resolvers can return long lists; connecting to each one is only useful up to a point. */
const MAX_TCP_ADDRESSES = 16;
/** Leaves the origin probe room to time out on its own (a classified timeout) before the box closes. */
const ORIGIN_MARGIN_MS = 250;
/** Last resort: results are returned this long after the box closes whatever is still pending. */
const HARD_STOP_GRACE_MS = 100;
const DAY_MS = 86_400_000;

type Parsed = { hostname: string; port: number; isHttps: boolean; isIpLiteral: boolean };
type DnsResult = NonNullable<FollowUps["dns"]>;
type TcpResult = NonNullable<FollowUps["tcp"]>[number];
type TlsResult = NonNullable<FollowUps["tls"]>;
type OriginResult = NonNullable<FollowUps["origin"]>;

export async function runFollowUps(input: FollowUpsInput): Promise<FollowUps> {
  const boxMs = Math.max(1, input.timeBoxMs ?? FOLLOW_UPS_TIME_BOX_MS);
  const boxTimeout = new ProbeTimeoutError(round(boxMs / 1000));
  const box = new AbortController();
  const timer = setTimeout(() => box.abort(boxTimeout), boxMs);
  const signal = input.signal ? AbortSignal.any([input.signal, box.signal]) : box.signal;

  try {
    const target = parseTarget(input.url);
    const { originUrl } = input;
    const [networkResult, tlsResult, originResult] = await Promise.all([
      target
        ? hardStop(probeNetwork(target, input, signal), boxMs, () => ({
            dns: target.isIpLiteral ? undefined : dnsTimedOut(boxTimeout),
            tcp: [],
          }))
        : null,
      target?.isHttps
        ? hardStop(probeTls(target, input.ca, signal), boxMs, () => ({ ok: false, errorKind: "CONNECT_TIMEOUT" as const }))
        : null,
      originUrl ? hardStop(probeOrigin(originUrl, input, boxMs), boxMs, () => originTimedOut(originUrl, boxMs)) : null,
    ]);

    const followUps: FollowUps = {};
    if (networkResult?.dns) followUps.dns = networkResult.dns;
    if (networkResult) followUps.tcp = networkResult.tcp;
    if (tlsResult) followUps.tls = tlsResult;
    if (originResult) followUps.origin = originResult;
    return followUps;
  } catch {
    // Every part handles its own failures; this only guards the contract.
    return {};
  } finally {
    clearTimeout(timer);
  }
}

function parseTarget(raw: string): Parsed | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  const isHttps = url.protocol === "https:";
  const hostname = url.hostname.replace(/^\[(.*)\]$/, "$1"); // IPv6 literals keep their brackets in URL.hostname
  if (!hostname) return null;
  return { hostname, port: Number(url.port) || (isHttps ? 443 : 80), isHttps, isIpLiteral: net.isIP(hostname) !== 0 };
}

// ---------------------------------------------------------------------------------------------
// DNS, then a TCP connect to every address it returned.

async function probeNetwork(
  target: Parsed,
  input: FollowUpsInput,
  signal: AbortSignal,
): Promise<{ dns: DnsResult | undefined; tcp: TcpResult[] }> {
  if (target.isIpLiteral) {
    return { dns: undefined, tcp: [await probeTcp(target.hostname, target.port, signal)] };
  }
  const resolved = await resolveAll(target.hostname, input.lastGoodAddresses ?? null, signal);
  const addresses = resolved.addresses.slice(0, MAX_TCP_ADDRESSES);
  const tcp = await Promise.all(addresses.map((ip) => probeTcp(ip, target.port, signal)));
  return { dns: resolved, tcp };
}

/**
 * getaddrinfo with all: true, as the probe itself resolves (connection.ts uses dns.lookup), so
 * /etc/hosts and search domains count the same way.
 */
async function resolveAll(hostname: string, lastGood: string[] | null, signal: AbortSignal): Promise<DnsResult> {
  try {
    const records = await untilAborted(dns.lookup(hostname, { all: true }), signal);
    const addresses = [...new Set(records.map((record) => record.address))];
    return { addresses, changedSinceLastGood: compareAddresses(addresses, lastGood) };
  } catch (err) {
    return { addresses: [], changedSinceLastGood: null, error: describeFailure(err, "dns") };
  }
}

/** Order-insensitive; unknown (null) without a previous answer to compare with. */
function compareAddresses(addresses: string[], lastGood: string[] | null): boolean | null {
  if (!lastGood || lastGood.length === 0) return null;
  const before = new Set(lastGood);
  return addresses.length !== before.size || addresses.some((address) => !before.has(address));
}

async function probeTcp(ip: string, port: number, signal: AbortSignal): Promise<TcpResult> {
  const trace = new ProbeTrace();
  try {
    const socket = await openConnection({ hostname: ip, port }, trace, signal);
    socket.destroy();
    return { ip, ok: true, connectMs: trace.timings.connectMs };
  } catch (err) {
    return { ip, ok: false, errorKind: classifyError(err, trace.phase).errorKind, connectMs: null };
  }
}

// ---------------------------------------------------------------------------------------------
// TLS: the probe's own verified handshake; certificate dates also when verification fails.

async function probeTls(target: Parsed, ca: TlsCa | undefined, signal: AbortSignal): Promise<TlsResult> {
  const trace = new ProbeTrace();
  try {
    const socket = await openConnection({ hostname: target.hostname, port: target.port, tls: { ca } }, trace, signal);
    socket.destroy();
    return { ok: true, ...certificateDates(trace.certificate?.validTo ?? null) };
  } catch (err) {
    const errorKind = classifyError(err, trace.phase).errorKind;
    // Node only shows the certificate to checkServerIdentity once its chain verified, so an
    // expired or untrusted one is read from a second, inspection-only handshake.
    const validTo =
      trace.certificate?.validTo ?? (isCertificateError(errorKind) && !signal.aborted ? await peekValidTo(target, signal) : null);
    return { ok: false, errorKind, ...certificateDates(validTo) };
  }
}

function isCertificateError(kind: ErrorKind): boolean {
  return kind === "TLS_CERT_EXPIRED" || kind === "TLS_CERT_UNTRUSTED" || kind === "TLS_HOSTNAME_MISMATCH";
}

/** Reads the served certificate's expiry without trusting it; the connection is closed at once. */
async function peekValidTo(target: Parsed, signal: AbortSignal): Promise<string | null> {
  let socket: net.Socket | null = null;
  try {
    socket = await openConnection({ hostname: target.hostname, port: target.port }, new ProbeTrace(), signal);
    const secure = tls.connect({
      socket,
      servername: target.isIpLiteral ? undefined : target.hostname,
      rejectUnauthorized: false, // inspection only: nothing is sent over this connection
    });
    const validTo = await new Promise<string | null>((resolve) => {
      const done = (value: string | null) => {
        signal.removeEventListener("abort", onAbort);
        secure.destroy();
        resolve(value);
      };
      const onAbort = () => done(null);
      signal.addEventListener("abort", onAbort, { once: true });
      secure.once("error", () => done(null));
      secure.once("secureConnect", () => done(secure.getPeerCertificate().valid_to || null));
    });
    return validTo === null ? null : toIso(validTo);
  } catch {
    return null;
  } finally {
    socket?.destroy();
  }
}

function certificateDates(validTo: string | null): { validTo: string | null; daysLeft: number | null } {
  if (validTo === null) return { validTo: null, daysLeft: null };
  const ms = Date.parse(validTo) - Date.now();
  return { validTo, daysLeft: Number.isNaN(ms) ? null : daysLeft(ms) };
}

/** Whole days left; once expired, whole days since expiry as a negative number, never 0. */
function daysLeft(ms: number): number {
  const days = ms / DAY_MS;
  return days >= 0 ? Math.floor(days) : Math.min(-1, Math.ceil(days));
}

function toIso(date: string): string {
  const parsed = new Date(date);
  return Number.isNaN(parsed.getTime()) ? date : parsed.toISOString();
}

// ---------------------------------------------------------------------------------------------
// The origin, requested directly with the regular HTTP probe.

async function probeOrigin(originUrl: string, input: FollowUpsInput, boxMs: number): Promise<OriginResult> {
  // The probe's own deadline ends just inside the box, so a slow origin yields a classified
  // timeout (RESPONSE_TIMEOUT, CONNECT_TIMEOUT…) rather than an "aborted" UNKNOWN.
  const boxSeconds = Math.max(boxMs - Math.min(ORIGIN_MARGIN_MS, boxMs / 10), 1) / 1000;
  const timeoutSeconds = input.timeoutSeconds && input.timeoutSeconds > 0 ? Math.min(input.timeoutSeconds, boxSeconds) : boxSeconds;
  const result = await createHttpProbe({ ca: input.ca }).run(
    {
      type: "HTTP",
      url: originUrl,
      method: "GET",
      headers: {},
      body: null,
      // Any answer short of an error shows the app is up; its redirects could lead back through the gateway.
      expectedStatus: "200-399",
      keyword: null,
      keywordMustBeAbsent: false,
      timeoutSeconds,
      followRedirects: false,
    },
    input.signal,
  );
  return {
    url: originUrl,
    ok: result.ok,
    errorKind: result.errorKind,
    httpStatus: result.httpStatus,
    totalMs: result.timings.totalMs,
  };
}

// ---------------------------------------------------------------------------------------------
// Time box.

/** Rejects with the signal's reason once it aborts; the underlying work may finish unobserved. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/** Parts honour the box signal themselves; this only guarantees the call returns shortly after it. */
function hardStop<T>(work: Promise<T>, boxMs: number, onTimeout: () => T): Promise<T> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(onTimeout()), boxMs + HARD_STOP_GRACE_MS);
    work.then(
      (value) => resolve(value),
      () => resolve(onTimeout()),
    ).finally(() => clearTimeout(timer));
  });
}

function dnsTimedOut(timeout: ProbeTimeoutError): DnsResult {
  return { addresses: [], changedSinceLastGood: null, error: describeFailure(timeout, "dns") };
}

function originTimedOut(url: string, boxMs: number): OriginResult {
  return { url, ok: false, errorKind: "RESPONSE_TIMEOUT", httpStatus: null, totalMs: boxMs };
}

function describeFailure(err: unknown, phase: "dns"): string {
  return classifyError(err, phase).message;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
