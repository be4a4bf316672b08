/**
 * The contract between the scheduler and a probe kind. Kept deliberately small: a probe takes a
 * target, never throws, and reports one ProbeResult whose `errorKind` is `NONE` on success.
 */
import type { ErrorKind } from "./error-kinds";

/** Milliseconds (0.1 ms resolution); null when the phase did not happen (e.g. no DNS for an IP literal). */
export type Timings = {
  dnsMs: number | null;
  connectMs: number | null;
  tlsMs: number | null;
  /** Request written on a fresh connection → response headers received. */
  ttfbMs: number | null;
  /** Response headers → end of body (or the body read cap). */
  transferMs: number | null;
  /** Whole check, including every redirect hop. */
  totalMs: number | null;
};

/** Just the timings of a stored check row (which has many more columns). */
export function timingsOf(row: Timings): Timings {
  return { dnsMs: row.dnsMs, connectMs: row.connectMs, tlsMs: row.tlsMs, ttfbMs: row.ttfbMs, transferMs: row.transferMs, totalMs: row.totalMs };
}

export type ProbeTarget = {
  type: "HTTP" | "TCP";
  /** `http(s)://…` for HTTP, `tcp://host:port` for TCP. */
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | null;
  /** Comma-separated codes and ranges, e.g. "200-299,301". */
  expectedStatus: string;
  keyword: string | null;
  keywordMustBeAbsent: boolean;
  timeoutSeconds: number;
  followRedirects: boolean;
};

/** What the server actually said; set on failures as soon as any part of a response arrived, else null. */
export type ProbeEvidence = {
  statusLine: string | null;
  /** Capped at 8 KB in total. */
  headers: Record<string, string> | null;
  /** First 2 KB of the body; of the raw bytes received when they were not parseable HTTP. */
  bodyExcerpt: string | null;
};

export type CertificateInfo = { subject: string; issuer: string; /** ISO 8601 */ validTo: string };

/** Where a check was when it failed; decides what a bare timeout means. */
export type ProbePhase = "dns" | "connect" | "tls" | "response" | "body";

export type ProbeResult = {
  ok: boolean;
  errorKind: ErrorKind;
  httpStatus: number | null;
  /** A human sentence, e.g. "502 Bad Gateway" or "connect ECONNREFUSED 127.0.0.1:9". */
  message: string;
  /** `CODE: message` of the underlying error when the check failed on an exception, else null. */
  rawError: string | null;
  /** Of the last hop when redirects were followed (totalMs covers all hops). */
  timings: Timings;
  remoteIp: string | null;
  certificate: CertificateInfo | null;
  evidence: ProbeEvidence | null;
  startedAt: Date;
};

export interface ProbeKind {
  type: ProbeTarget["type"];
  /** Never rejects; an aborted `signal` yields an UNKNOWN result saying so. */
  run(target: ProbeTarget, signal?: AbortSignal): Promise<ProbeResult>;
}
