import { describe, expect, it } from "vitest";
import { errors } from "undici";
import type { ErrorKind } from "../../lib/probes/error-kinds";
import { checkKeyword, classifyError, classifyHttpStatus, ProbeTimeoutError } from "../../lib/probes/classify";
import { parseStatusRanges } from "../../lib/probes/expected-status";
import type { ProbePhase } from "../../lib/probes/types";

/** Shaped like the errors Node's net, dns and tls modules throw. */
function systemError(code: string, message: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { code, ...extra });
}

describe("classifyHttpStatus", () => {
  const defaults = parseStatusRanges("200-299");
  it.each<[number, string, ErrorKind]>([
    [200, "200-299", "NONE"],
    [204, "200-299", "NONE"],
    [301, "200-299,301", "NONE"],
    [503, "200-299,503", "NONE"],
    [502, "200-299", "HTTP_502"],
    [503, "200-299", "HTTP_503"],
    [504, "200-299", "HTTP_504"],
    [500, "200-299", "HTTP_5XX"],
    [599, "200-299", "HTTP_5XX"],
    [404, "200-299", "HTTP_4XX"],
    [429, "200-299", "HTTP_4XX"],
    [200, "300-399", "HTTP_UNEXPECTED_STATUS"],
    [302, "200-299", "HTTP_UNEXPECTED_STATUS"],
    [101, "200-299", "HTTP_UNEXPECTED_STATUS"],
  ])("%i with expected %s → %s", (status, expected, kind) => {
    expect(classifyHttpStatus(status, parseStatusRanges(expected))).toBe(kind);
  });

  it("uses the given ranges, not a built-in 2xx rule", () => {
    expect(classifyHttpStatus(200, [[201, 201]])).toBe("HTTP_UNEXPECTED_STATUS");
    expect(classifyHttpStatus(200, defaults)).toBe("NONE");
  });
});

describe("checkKeyword", () => {
  it.each([
    ["<h1>Welcome</h1>", "Welcome", false, "NONE"],
    ["<h1>Welcome</h1>", "Maintenance", false, "ASSERTION_FAILED"],
    ["<h1>Welcome</h1>", "welcome", false, "ASSERTION_FAILED"], // case-sensitive
    ["<h1>Welcome</h1>", "Maintenance", true, "NONE"],
    ["<h1>Maintenance</h1>", "Maintenance", true, "ASSERTION_FAILED"],
  ] as const)("%j / %j / mustBeAbsent=%s → %s", (body, keyword, mustBeAbsent, kind) => {
    expect(checkKeyword(body, keyword, mustBeAbsent).errorKind).toBe(kind);
  });

  it("says which way the assertion failed", () => {
    expect(checkKeyword("ok", "error", false)).toEqual({ errorKind: "ASSERTION_FAILED", message: 'Keyword "error" not found in the response body' });
    expect(checkKeyword("error", "error", true)).toEqual({
      errorKind: "ASSERTION_FAILED",
      message: 'Keyword "error" is present in the response body but must be absent',
    });
  });
});

describe("classifyError by error code", () => {
  it.each<[string, unknown, ErrorKind]>([
    ["ENOTFOUND", systemError("ENOTFOUND", "getaddrinfo ENOTFOUND x.invalid", { syscall: "getaddrinfo" }), "DNS_NXDOMAIN"],
    ["EAI_AGAIN", systemError("EAI_AGAIN", "getaddrinfo EAI_AGAIN example.com", { syscall: "getaddrinfo" }), "DNS_FAILURE"],
    ["ESERVFAIL", systemError("ESERVFAIL", "queryA ESERVFAIL example.com", { syscall: "queryA" }), "DNS_FAILURE"],
    ["c-ares ETIMEOUT", systemError("ETIMEOUT", "queryA ETIMEOUT example.com", { syscall: "queryA" }), "DNS_FAILURE"],
    ["ECONNREFUSED from the resolver", systemError("ECONNREFUSED", "queryA ECONNREFUSED example.com", { syscall: "queryA" }), "DNS_FAILURE"],
    ["ECONNREFUSED", systemError("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:9", { syscall: "connect" }), "CONNECT_REFUSED"],
    ["UND_ERR_CONNECT_TIMEOUT", new errors.ConnectTimeoutError(), "CONNECT_TIMEOUT"],
    ["ETIMEDOUT on connect", systemError("ETIMEDOUT", "connect ETIMEDOUT 10.0.0.1:443", { syscall: "connect" }), "CONNECT_TIMEOUT"],
    ["ECONNRESET", systemError("ECONNRESET", "read ECONNRESET", { syscall: "read" }), "CONNECTION_RESET"],
    ["EPIPE", systemError("EPIPE", "write EPIPE", { syscall: "write" }), "CONNECTION_RESET"],
    ["other side closed", new errors.SocketError("other side closed"), "CONNECTION_RESET"],
    ["CERT_HAS_EXPIRED", systemError("CERT_HAS_EXPIRED", "certificate has expired"), "TLS_CERT_EXPIRED"],
    ["DEPTH_ZERO_SELF_SIGNED_CERT", systemError("DEPTH_ZERO_SELF_SIGNED_CERT", "self-signed certificate"), "TLS_CERT_UNTRUSTED"],
    ["SELF_SIGNED_CERT_IN_CHAIN", systemError("SELF_SIGNED_CERT_IN_CHAIN", "self-signed certificate in certificate chain"), "TLS_CERT_UNTRUSTED"],
    ["UNABLE_TO_VERIFY_LEAF_SIGNATURE", systemError("UNABLE_TO_VERIFY_LEAF_SIGNATURE", "unable to verify the first certificate"), "TLS_CERT_UNTRUSTED"],
    ["UNABLE_TO_GET_ISSUER_CERT", systemError("UNABLE_TO_GET_ISSUER_CERT", "unable to get issuer certificate"), "TLS_CERT_UNTRUSTED"],
    ["UNABLE_TO_GET_ISSUER_CERT_LOCALLY", systemError("UNABLE_TO_GET_ISSUER_CERT_LOCALLY", "unable to get local issuer certificate"), "TLS_CERT_UNTRUSTED"],
    ["ERR_TLS_CERT_ALTNAME_INVALID", systemError("ERR_TLS_CERT_ALTNAME_INVALID", "Hostname/IP does not match certificate's altnames"), "TLS_HOSTNAME_MISMATCH"],
    ["ERR_SSL_WRONG_VERSION_NUMBER", systemError("ERR_SSL_WRONG_VERSION_NUMBER", "wrong version number", { library: "SSL routines" }), "TLS_HANDSHAKE"],
    ["EPROTO with an SSL message", systemError("EPROTO", "write EPROTO 0:error:0A000410:SSL routines::sslv3 alert handshake failure"), "TLS_HANDSHAKE"],
    ["UND_ERR_HEADERS_TIMEOUT", new errors.HeadersTimeoutError(), "RESPONSE_TIMEOUT"],
    ["UND_ERR_BODY_TIMEOUT", new errors.BodyTimeoutError(), "BODY_TIMEOUT"],
    ["HPE_* code", systemError("HPE_INVALID_CONSTANT", "Expected HTTP/"), "INVALID_RESPONSE"],
    ["undici HTTPParserError (no code)", new errors.HTTPParserError("Response does not match the HTTP/1.1 protocol"), "INVALID_RESPONSE"],
    ["bad response", new errors.SocketError("bad response"), "INVALID_RESPONSE"],
    ["UND_ERR_INFO bad response", new errors.InformationalError("bad response"), "INVALID_RESPONSE"],
    ["content-length mismatch", new errors.ResponseContentLengthMismatchError(), "INVALID_RESPONSE"],
    ["EPROTO without TLS context", systemError("EPROTO", "protocol error"), "UNKNOWN"],
    ["EHOSTUNREACH", systemError("EHOSTUNREACH", "connect EHOSTUNREACH 10.9.9.9:80", { syscall: "connect" }), "UNKNOWN"],
    ["a plain Error", new Error("boom"), "UNKNOWN"],
  ])("%s → %s", (_label, err, kind) => {
    expect(classifyError(err).errorKind).toBe(kind);
  });

  it("keeps the error's own message and a CODE: message rawError", () => {
    expect(classifyError(systemError("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:9"))).toEqual({
      errorKind: "CONNECT_REFUSED",
      message: "connect ECONNREFUSED 127.0.0.1:9",
      rawError: "ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9",
    });
  });

  it("never throws on values that are not errors", () => {
    expect(classifyError("just a string")).toEqual({ errorKind: "UNKNOWN", message: "just a string", rawError: "just a string" });
    expect(classifyError(null).errorKind).toBe("UNKNOWN");
    expect(classifyError({ code: 42 }).errorKind).toBe("UNKNOWN");
  });
});

describe("classifyError through wrappers", () => {
  it("finds the cause behind fetch's TypeError", () => {
    const err = new TypeError("fetch failed", { cause: systemError("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:9") });
    expect(classifyError(err)).toMatchObject({ errorKind: "CONNECT_REFUSED", message: "connect ECONNREFUSED 127.0.0.1:9" });
  });

  it("walks several levels of cause", () => {
    const root = systemError("CERT_HAS_EXPIRED", "certificate has expired");
    const err = new Error("request failed", { cause: new Error("connect failed", { cause: root }) });
    const classified = classifyError(err);
    expect(classified.errorKind).toBe("TLS_CERT_EXPIRED");
    expect(classified.rawError).toBe("Error: request failed <- Error: connect failed <- CERT_HAS_EXPIRED: certificate has expired");
  });

  it("looks inside AggregateError (happy-eyeballs connect)", () => {
    const err = new AggregateError(
      [systemError("ECONNREFUSED", "connect ECONNREFUSED ::1:80"), systemError("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:80")],
      "",
    );
    expect(classifyError(err).errorKind).toBe("CONNECT_REFUSED");
  });

  it("survives a cause cycle", () => {
    const a = new Error("a") as Error & { cause?: unknown };
    a.cause = new Error("b", { cause: a });
    expect(classifyError(a).errorKind).toBe("UNKNOWN");
  });

  it("keeps the whole chain for UNKNOWN", () => {
    const err = new Error("proxy said no", { cause: systemError("EWHATEVER", "strange thing") });
    expect(classifyError(err)).toEqual({
      errorKind: "UNKNOWN",
      message: "proxy said no",
      rawError: "Error: proxy said no <- EWHATEVER: strange thing",
    });
  });
});

describe("classifyError for timeouts", () => {
  const bareTimeouts: Array<[string, unknown]> = [
    ["our deadline", new ProbeTimeoutError(5)],
    ["AbortSignal.timeout", new DOMException("The operation was aborted due to timeout", "TimeoutError")],
    ["ETIMEDOUT on read", systemError("ETIMEDOUT", "read ETIMEDOUT", { syscall: "read" })],
  ];
  const byPhase: Array<[ProbePhase | undefined, ErrorKind]> = [
    ["dns", "DNS_FAILURE"],
    ["connect", "CONNECT_TIMEOUT"],
    ["tls", "CONNECT_TIMEOUT"],
    ["response", "RESPONSE_TIMEOUT"],
    ["body", "BODY_TIMEOUT"],
    [undefined, "RESPONSE_TIMEOUT"],
  ];
  for (const [label, err] of bareTimeouts) {
    it.each(byPhase)(`${label} during %s → %s`, (phase, kind) => {
      expect(classifyError(err, phase).errorKind).toBe(kind);
    });
  }

  it("names the phase and the limit in the message", () => {
    expect(classifyError(new ProbeTimeoutError(1), "response").message).toBe("No response headers in time (1 s)");
    expect(classifyError(new ProbeTimeoutError(1), "connect").message).toBe("TCP connect timed out (1 s)");
  });

  it("a timeout that names its phase ignores the current one", () => {
    expect(classifyError(new errors.HeadersTimeoutError(), "body").errorKind).toBe("RESPONSE_TIMEOUT");
    expect(classifyError(new errors.BodyTimeoutError(), "response").errorKind).toBe("BODY_TIMEOUT");
    expect(classifyError(systemError("ETIMEDOUT", "connect ETIMEDOUT", { syscall: "connect" }), "body").errorKind).toBe("CONNECT_TIMEOUT");
  });

  it("a deadline wrapped by undici is still found", () => {
    const err = new Error("request failed", { cause: new ProbeTimeoutError(3) });
    expect(classifyError(err, "body")).toMatchObject({ errorKind: "BODY_TIMEOUT", message: "Response body did not complete in time (3 s)" });
  });
});
