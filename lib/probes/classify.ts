/**
 * Pure mapping from what happened (a status code, a thrown error, a body) to the failure taxonomy.
 * No I/O here so every rule is table-testable.
 */
import type { ErrorKind } from "./error-kinds";
import { statusMatches, type StatusRange } from "./expected-status";
import type { ProbePhase } from "./types";

export function classifyHttpStatus(status: number, expectedRanges: readonly StatusRange[]): ErrorKind {
  if (statusMatches(status, expectedRanges)) return "NONE";
  if (status === 502) return "HTTP_502";
  if (status === 503) return "HTTP_503";
  if (status === 504) return "HTTP_504";
  if (status >= 500) return "HTTP_5XX";
  if (status >= 400) return "HTTP_4XX";
  return "HTTP_UNEXPECTED_STATUS";
}

export type KeywordOutcome = { errorKind: "NONE" } | { errorKind: "ASSERTION_FAILED"; message: string };

/** Case-sensitive substring check, like Uptime Kuma's keyword monitor. */
export function checkKeyword(body: string, keyword: string, mustBeAbsent: boolean): KeywordOutcome {
  const found = body.includes(keyword);
  if (found === !mustBeAbsent) return { errorKind: "NONE" };
  return {
    errorKind: "ASSERTION_FAILED",
    message: mustBeAbsent
      ? `Keyword "${keyword}" is present in the response body but must be absent`
      : `Keyword "${keyword}" not found in the response body`,
  };
}

/**
 * The probes' own deadline (the target's timeoutSeconds). It carries no phase: classifyError reads
 * the phase the probe was in when it fired.
 */
export class ProbeTimeoutError extends Error {
  readonly code = "PROBE_TIMEOUT";
  constructor(readonly timeoutSeconds: number) {
    super(`Check timed out after ${timeoutSeconds} s`);
    this.name = "ProbeTimeoutError";
  }
}

export type ClassifiedError = { errorKind: ErrorKind; message: string; rawError: string };

type ErrorLike = { code?: unknown; name?: unknown; message?: unknown; syscall?: unknown; cause?: unknown; errors?: unknown };

// c-ares / getaddrinfo codes that only ever come from name resolution (ENOTFOUND is handled first).
const DNS_ONLY_CODES = new Set([
  "EAI_AGAIN", "EAI_FAIL", "EAI_NODATA", "EAI_NONAME", "ESERVFAIL", "ETIMEOUT", "ENODATA", "EFORMERR",
  "ENOTIMP", "EREFUSED", "EBADNAME", "EBADQUERY", "EBADRESP", "ECANCELLED", "EDESTRUCTION", "ENONAME",
]);

// OpenSSL chain-verification failures; a not-yet-valid certificate is untrusted rather than expired.
const UNTRUSTED_CERT_CODES = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT", "SELF_SIGNED_CERT_IN_CHAIN", "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT", "UNABLE_TO_GET_ISSUER_CERT_LOCALLY", "CERT_UNTRUSTED", "CERT_REJECTED",
  "CERT_REVOKED", "CERT_SIGNATURE_FAILURE", "CERT_NOT_YET_VALID", "INVALID_CA", "CERT_CHAIN_TOO_LONG",
]);

const INVALID_RESPONSE_CODES = new Set(["UND_ERR_HEADERS_OVERFLOW", "UND_ERR_RES_CONTENT_LENGTH_MISMATCH"]);

// The TLS handshake counts as connecting, as it does for undici's connect timeout.
const TIMEOUT_KINDS: Record<ProbePhase, ErrorKind> = {
  dns: "DNS_FAILURE",
  connect: "CONNECT_TIMEOUT",
  tls: "CONNECT_TIMEOUT",
  response: "RESPONSE_TIMEOUT",
  body: "BODY_TIMEOUT",
};

const TIMEOUT_MESSAGES: Record<ProbePhase, string> = {
  dns: "DNS lookup timed out",
  connect: "TCP connect timed out",
  tls: "TLS handshake timed out",
  response: "No response headers in time",
  body: "Response body did not complete in time",
};

/**
 * Classifies a thrown error. undici and Node wrap errors (`cause`, AggregateError `errors`), so the
 * chain is searched outermost-first for the first recognised one. A bare timeout (our deadline,
 * ETIMEDOUT, AbortSignal.timeout) means whatever the check was doing when it fired, hence `phase`.
 */
export function classifyError(err: unknown, phase?: ProbePhase): ClassifiedError {
  const chain = errorChain(err);
  const rawError = chain.length > 0 ? chain.map(describeError).join(" <- ") : String(err);
  for (const candidate of chain) {
    if (isBareTimeout(candidate)) {
      const timedOut = phase ?? "response";
      const after = candidate instanceof ProbeTimeoutError ? ` (${candidate.timeoutSeconds} s)` : "";
      return { errorKind: TIMEOUT_KINDS[timedOut], message: TIMEOUT_MESSAGES[timedOut] + after, rawError };
    }
    const errorKind = kindOf(candidate);
    if (errorKind) return { errorKind, message: messageOf(candidate), rawError };
  }
  return { errorKind: "UNKNOWN", message: chain.length > 0 ? messageOf(chain[0]) : String(err), rawError };
}

function kindOf(err: ErrorLike): ErrorKind | null {
  const code = typeof err.code === "string" ? err.code : "";
  const message = typeof err.message === "string" ? err.message : "";
  if (code === "ENOTFOUND") return "DNS_NXDOMAIN";
  if (DNS_ONLY_CODES.has(code) || isResolverSyscall(err.syscall)) return "DNS_FAILURE";
  if (code === "ECONNREFUSED") return "CONNECT_REFUSED";
  if (code === "UND_ERR_CONNECT_TIMEOUT" || (code === "ETIMEDOUT" && err.syscall === "connect")) return "CONNECT_TIMEOUT";
  if (code === "UND_ERR_HEADERS_TIMEOUT") return "RESPONSE_TIMEOUT";
  if (code === "UND_ERR_BODY_TIMEOUT") return "BODY_TIMEOUT";
  // undici 7 leaves HTTPParserError.code undefined (its llhttp error table is looked up backwards),
  // and reports some unparseable responses as SocketError("bad response"), i.e. UND_ERR_SOCKET.
  if (
    code.startsWith("HPE_") ||
    err.name === "HTTPParserError" ||
    INVALID_RESPONSE_CODES.has(code) ||
    ((code === "UND_ERR_SOCKET" || code === "UND_ERR_INFO") && /^bad (response|upgrade)$/.test(message))
  ) {
    return "INVALID_RESPONSE";
  }
  if (code === "ECONNRESET" || code === "EPIPE" || code === "UND_ERR_SOCKET") return "CONNECTION_RESET";
  if (code === "CERT_HAS_EXPIRED") return "TLS_CERT_EXPIRED";
  if (UNTRUSTED_CERT_CODES.has(code)) return "TLS_CERT_UNTRUSTED";
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID" || code === "HOSTNAME_MISMATCH") return "TLS_HOSTNAME_MISMATCH";
  if (code.startsWith("ERR_SSL_") || code.startsWith("ERR_TLS_") || (code === "EPROTO" && /ssl|tls/i.test(message))) {
    return "TLS_HANDSHAKE";
  }
  return null;
}

function isResolverSyscall(syscall: unknown): boolean {
  return typeof syscall === "string" && (syscall === "getaddrinfo" || syscall === "getnameinfo" || syscall.startsWith("query"));
}

/** A timeout that does not say what timed out (unlike ETIMEDOUT on connect or undici's own timeouts). */
function isBareTimeout(err: ErrorLike): boolean {
  return (
    err.code === "PROBE_TIMEOUT" ||
    (err.code === "ETIMEDOUT" && err.syscall !== "connect") ||
    err.name === "TimeoutError"
  );
}

function messageOf(err: ErrorLike): string {
  return (typeof err.message === "string" && err.message) || describeError(err);
}

function errorChain(err: unknown): ErrorLike[] {
  const chain: ErrorLike[] = [];
  const seen = new Set<object>();
  const queue: unknown[] = [err];
  while (queue.length > 0 && chain.length < 16) {
    const next = queue.shift();
    if (typeof next !== "object" || next === null || seen.has(next)) continue;
    seen.add(next);
    const candidate = next as ErrorLike;
    chain.push(candidate);
    queue.push(candidate.cause);
    if (Array.isArray(candidate.errors)) queue.push(...candidate.errors);
  }
  return chain;
}

function describeError(err: ErrorLike): string {
  const label = typeof err.code === "string" ? err.code : typeof err.name === "string" ? err.name : "Error";
  return typeof err.message === "string" && err.message ? `${label}: ${err.message}` : label;
}
