import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RequestListener } from "node:http";
import { createHttpProbe, httpProbe } from "../../lib/probes/http";
import { createTestPki, httpsServer, LOOPBACK, probeTarget, rawServer, type TestPki, type TestServer } from "./helpers";

type ServerName = "valid" | "expired" | "wrongHost" | "selfSigned" | "plainText" | "silent";

let pki: TestPki;
let servers: Record<ServerName, TestServer>;
const urlOf = (name: ServerName) => `https://${LOOPBACK}:${servers[name].port}/`;

beforeAll(async () => {
  pki = createTestPki();
  const hello: RequestListener = (_req, res) => res.end("secure hello");
  servers = {
    valid: await httpsServer(pki.valid, hello),
    expired: await httpsServer(pki.expired, hello),
    wrongHost: await httpsServer(pki.wrongHost, hello),
    selfSigned: await httpsServer(pki.selfSigned, hello),
    plainText: await rawServer((socket) => socket.once("data", () => socket.end("HTTP/1.1 400 Bad Request\r\n\r\n"))),
    silent: await rawServer(() => {}),
  };
});

afterAll(async () => {
  await Promise.all(Object.values(servers).map((server) => server.close()));
  pki.dispose();
});

describe("HTTPS probe", () => {
  const trustingTestCa = () => createHttpProbe({ ca: pki.ca });

  it("succeeds against a trusted certificate, timing TLS and reporting the certificate", async () => {
    const result = await trustingTestCa().run(probeTarget({ url: urlOf("valid"), keyword: "secure hello" }));
    expect(result).toMatchObject({ ok: true, errorKind: "NONE", httpStatus: 200, remoteIp: LOOPBACK });
    expect(result.timings.tlsMs).toBeGreaterThan(0);
    expect(result.timings.connectMs).toBeGreaterThanOrEqual(0);
    expect(result.certificate).toMatchObject({ subject: "valid", issuer: "Hopwatch Test CA" });
    expect(Date.parse(result.certificate!.validTo)).toBeGreaterThan(Date.now());
    expect(result.certificate!.validTo).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it("the default probe does not trust a private CA", async () => {
    const result = await httpProbe.run(probeTarget({ url: urlOf("valid") }));
    expect(result).toMatchObject({ ok: false, errorKind: "TLS_CERT_UNTRUSTED", certificate: null });
    expect(result.timings.connectMs).toBeGreaterThanOrEqual(0);
    expect(result.timings.tlsMs).toBeNull();
  });

  it("a self-signed certificate is TLS_CERT_UNTRUSTED", async () => {
    const result = await trustingTestCa().run(probeTarget({ url: urlOf("selfSigned") }));
    expect(result).toMatchObject({ ok: false, errorKind: "TLS_CERT_UNTRUSTED" });
    expect(result.rawError).toContain("DEPTH_ZERO_SELF_SIGNED_CERT");
  });

  it("an expired certificate from a trusted CA is TLS_CERT_EXPIRED", async () => {
    const result = await trustingTestCa().run(probeTarget({ url: urlOf("expired") }));
    expect(result).toMatchObject({ ok: false, errorKind: "TLS_CERT_EXPIRED", message: "certificate has expired" });
  });

  it("a certificate for another name is TLS_HOSTNAME_MISMATCH, still reporting the certificate", async () => {
    const result = await trustingTestCa().run(probeTarget({ url: urlOf("wrongHost") }));
    expect(result).toMatchObject({ ok: false, errorKind: "TLS_HOSTNAME_MISMATCH" });
    expect(result.message).toContain("127.0.0.1");
    expect(result.certificate).toMatchObject({ subject: "wrong-host", issuer: "Hopwatch Test CA" });
  });

  it("a plain-text server on an https URL is TLS_HANDSHAKE", async () => {
    const result = await trustingTestCa().run(probeTarget({ url: urlOf("plainText") }));
    expect(result).toMatchObject({ ok: false, errorKind: "TLS_HANDSHAKE" });
    expect(result.rawError).toMatch(/ERR_SSL_/);
  });

  it("a handshake that never completes is CONNECT_TIMEOUT, after a timed TCP connect", async () => {
    const result = await trustingTestCa().run(probeTarget({ url: urlOf("silent"), timeoutSeconds: 1 }));
    expect(result).toMatchObject({ ok: false, errorKind: "CONNECT_TIMEOUT", message: "TLS handshake timed out (1 s)" });
    expect(result.timings.connectMs).toBeGreaterThanOrEqual(0);
    expect(result.timings.tlsMs).toBeNull();
  });
});
