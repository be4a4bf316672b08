/**
 * HTTP(S) probe. Every hop gets its own undici Client over a connection we open ourselves
 * (see connection.ts), so nothing is ever reused between checks and each phase can be timed.
 */
import { STATUS_CODES } from "node:http";
import { Client, type Dispatcher } from "undici";
import { checkKeyword, classifyHttpStatus } from "./classify";
import { openConnection, type TlsCa } from "./connection";
import { parseStatusRanges, type StatusRange } from "./expected-status";
import { msSince, probeDeadline, ProbeTrace } from "./trace";
import type { ProbeEvidence, ProbeKind, ProbeResult, ProbeTarget } from "./types";

const MAX_REDIRECTS = 10;
const BODY_READ_CAP_BYTES = 1024 * 1024;
const BODY_EXCERPT_BYTES = 2 * 1024;
const HEADERS_EVIDENCE_CAP_BYTES = 8 * 1024;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
// The probe owns connection management (always a fresh connection, closed after the response).
const PROBE_OWNED_HEADERS = new Set(["connection", "keep-alive"]);
// As in fetch: credentials and Host do not follow a redirect to another origin…
const ORIGIN_BOUND_HEADERS = new Set(["authorization", "proxy-authorization", "cookie", "host"]);
// …and headers describing the body go when the redirect turns the request into a GET.
const BODY_HEADERS = new Set(["content-type", "content-length", "content-encoding", "content-language", "content-location"]);

export type HttpProbeOptions = {
  /** Trust anchors replacing the default CA store (private CAs, tests). Verification stays on. */
  ca?: TlsCa;
};

export function createHttpProbe(options: HttpProbeOptions = {}): ProbeKind {
  return { type: "HTTP", run: (target, signal) => runHttpProbe(target, signal, options) };
}

export const httpProbe: ProbeKind = createHttpProbe();

type HopRequest = { url: URL; method: string; headers: Record<string, string>; body: string | null };

async function runHttpProbe(target: ProbeTarget, callerSignal: AbortSignal | undefined, options: HttpProbeOptions): Promise<ProbeResult> {
  const trace = new ProbeTrace();
  const deadline = probeDeadline(target.timeoutSeconds, callerSignal);
  let response: CapturedResponse | null = null;
  try {
    const expectedRanges = parseStatusRanges(target.expectedStatus);
    let request: HopRequest = {
      url: new URL(target.url),
      method: target.method.toUpperCase(),
      headers: withoutHeaders(target.headers, PROBE_OWNED_HEADERS),
      body: target.body,
    };
    for (let redirects = 0; ; redirects++) {
      trace.startHop();
      response = new CapturedResponse();
      await exchange(request, response, trace, deadline.signal, options);
      const location = target.followRedirects && REDIRECT_STATUSES.has(response.status) ? response.headers.location : undefined;
      if (location === undefined) return judge(response, target, expectedRanges, trace);
      if (redirects === MAX_REDIRECTS) {
        return trace.result({
          ok: false,
          errorKind: "HTTP_UNEXPECTED_STATUS",
          httpStatus: response.status,
          message: `Stopped after ${MAX_REDIRECTS} redirects (last: ${response.describeStatus()} to ${location})`,
          rawError: null,
          evidence: response.evidence(),
        });
      }
      request = redirectedRequest(request, response.status, new URL(location, request.url));
    }
  } catch (err) {
    return trace.failure(err, callerSignal, {
      httpStatus: response?.received ? response.status : null,
      evidence: response?.evidence() ?? unparsableResponseEvidence(err),
    });
  } finally {
    deadline.dispose();
  }
}

/** One request/response on a fresh connection; fills `response` as data arrives so failures keep evidence. */
async function exchange(
  request: HopRequest,
  response: CapturedResponse,
  trace: ProbeTrace,
  signal: AbortSignal,
  options: HttpProbeOptions,
): Promise<void> {
  const { url } = request;
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new Error(`Unsupported URL scheme "${url.protocol}" in ${url.href}`);
  }
  const isHttps = url.protocol === "https:";
  let requestWrittenAt = 0;
  const client = new Client(url.origin, {
    connect: ({ hostname, port }, callback) => {
      openConnection({ hostname, port: Number(port) || (isHttps ? 443 : 80), tls: isHttps ? { ca: options.ca } : undefined }, trace, signal).then(
        (socket) => {
          trace.phase = "response";
          // undici writes the request as soon as it gets the socket.
          requestWrittenAt = performance.now();
          callback(null, socket);
        },
        (err: unknown) => callback(err instanceof Error ? err : new Error(String(err)), null),
      );
    },
    // The deadline covers every phase; undici's own 300 s timers would only race it.
    headersTimeout: 0,
    bodyTimeout: 0,
  });
  try {
    const res = await client.request({
      path: url.pathname + url.search,
      method: request.method,
      headers: request.headers,
      body: request.body ?? undefined,
      signal,
      reset: true, // sends "connection: close"
    });
    trace.timings.ttfbMs = msSince(requestWrittenAt);
    trace.phase = "body";
    const headersAt = performance.now();
    response.start(res.statusCode, res.statusText, res.headers);
    for await (const chunk of res.body) {
      if (!response.append(chunk as Buffer)) break; // leaving the loop destroys the body stream
    }
    trace.timings.transferMs = msSince(headersAt);
  } finally {
    await client.destroy();
  }
}

function judge(response: CapturedResponse, target: ProbeTarget, expectedRanges: StatusRange[], trace: ProbeTrace): ProbeResult {
  const httpStatus = response.status;
  const statusKind = classifyHttpStatus(httpStatus, expectedRanges);
  if (statusKind !== "NONE") {
    const expectation = statusKind === "HTTP_UNEXPECTED_STATUS" ? ` (expected ${target.expectedStatus})` : "";
    return trace.result({
      ok: false,
      errorKind: statusKind,
      httpStatus,
      message: response.describeStatus() + expectation,
      rawError: null,
      evidence: response.evidence(),
    });
  }
  const keywordOutcome = target.keyword
    ? checkKeyword(response.bodyText(), target.keyword, target.keywordMustBeAbsent)
    : { errorKind: "NONE" as const };
  if (keywordOutcome.errorKind === "ASSERTION_FAILED") {
    return trace.result({ ok: false, ...keywordOutcome, httpStatus, rawError: null, evidence: response.evidence() });
  }
  return trace.result({ ok: true, errorKind: "NONE", httpStatus, message: response.describeStatus(), rawError: null, evidence: null });
}

function redirectedRequest(previous: HopRequest, status: number, url: URL): HopRequest {
  // What browsers do: 303 (except for HEAD), and 301/302 after a POST, become a body-less GET.
  const becomesGet = (status === 303 && previous.method !== "HEAD") || ((status === 301 || status === 302) && previous.method === "POST");
  let headers = previous.headers;
  if (url.origin !== previous.url.origin) headers = withoutHeaders(headers, ORIGIN_BOUND_HEADERS);
  if (becomesGet) headers = withoutHeaders(headers, BODY_HEADERS);
  return { url, method: becomesGet ? "GET" : previous.method, headers, body: becomesGet ? null : previous.body };
}

function withoutHeaders(headers: Record<string, string>, names: ReadonlySet<string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !names.has(name.toLowerCase())));
}

/** The response as far as it arrived: status and headers, then the body up to BODY_READ_CAP_BYTES. */
class CapturedResponse {
  received = false;
  status = 0;
  /** The reason phrase as sent, possibly empty. */
  private reason = "";
  headers: Record<string, string> = {};
  private readonly chunks: Buffer[] = [];
  private size = 0;

  start(status: number, reason: string, headers: Dispatcher.ResponseData["headers"]): void {
    this.received = true;
    this.status = status;
    this.reason = reason;
    for (const [name, value] of Object.entries(headers)) {
      if (value !== undefined) this.headers[name] = Array.isArray(value) ? value.join(", ") : value;
    }
  }

  /** Returns false once the read cap is reached. */
  append(chunk: Buffer): boolean {
    const room = BODY_READ_CAP_BYTES - this.size;
    const kept = chunk.subarray(0, room);
    this.chunks.push(kept);
    this.size += kept.length;
    return this.size < BODY_READ_CAP_BYTES;
  }

  bodyText(): string {
    return Buffer.concat(this.chunks).toString("utf8");
  }

  /** "502 Bad Gateway", falling back to the standard phrase when the server sent none. */
  describeStatus(): string {
    return `${this.status} ${this.reason || STATUS_CODES[this.status] || ""}`.trimEnd();
  }

  evidence(): ProbeEvidence | null {
    if (!this.received) return null;
    return {
      // undici speaks HTTP/1.1 only and does not expose the version the server answered with.
      statusLine: `HTTP/1.1 ${this.status} ${this.reason}`.trimEnd(),
      headers: capHeaders(this.headers),
      bodyExcerpt: Buffer.concat(this.chunks).subarray(0, BODY_EXCERPT_BYTES).toString("utf8"),
    };
  }
}

/** undici's HTTPParserError carries the bytes it choked on: the best evidence of what answered instead. */
function unparsableResponseEvidence(err: unknown): ProbeEvidence | null {
  const data = (err as { data?: unknown } | null)?.data;
  if (typeof data !== "string") return null;
  return { statusLine: null, headers: null, bodyExcerpt: Buffer.from(data).subarray(0, BODY_EXCERPT_BYTES).toString("utf8") };
}

/** Keeps whole headers, in order, while "name: value\r\n" still fits the cap. */
function capHeaders(headers: Record<string, string>): Record<string, string> {
  const capped: Record<string, string> = {};
  let size = 0;
  for (const [name, value] of Object.entries(headers)) {
    size += Buffer.byteLength(name) + Buffer.byteLength(value) + 4;
    if (size > HEADERS_EVIDENCE_CAP_BYTES) break;
    capped[name] = value;
  }
  return capped;
}
