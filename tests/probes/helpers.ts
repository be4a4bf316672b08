/** Real loopback servers and certificates for the probe integration tests. */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import type { ProbeTarget } from "../../lib/probes/types";

export const LOOPBACK = "127.0.0.1";

export function probeTarget(overrides: Partial<ProbeTarget> & Pick<ProbeTarget, "url">): ProbeTarget {
  return {
    type: "HTTP",
    method: "GET",
    headers: {},
    body: null,
    expectedStatus: "200-299",
    keyword: null,
    keywordMustBeAbsent: false,
    timeoutSeconds: 5,
    followRedirects: true,
    ...overrides,
  };
}

export type TestServer = {
  port: number;
  /** TCP connections accepted so far. */
  connections: () => number;
  close: () => Promise<void>;
};

/** Listens on a random loopback port. */
export async function listen(server: net.Server, host = LOOPBACK): Promise<TestServer> {
  let connections = 0;
  const sockets = new Set<net.Socket>();
  // TLS servers report the raw TCP socket on "connection" too.
  server.on("connection", (socket: net.Socket) => {
    connections++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    port,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export function httpServer(handler: http.RequestListener) {
  return listen(http.createServer(handler));
}

/** Raw TCP responder for behaviour no well-behaved HTTP server would show. */
export function rawServer(onConnection: (socket: net.Socket) => void) {
  return listen(
    net.createServer((socket) => {
      socket.on("error", () => {}); // the probe may reset us; that is the point of some tests
      onConnection(socket);
    }),
  );
}

export function httpsServer(tls: { key: string; cert: string }, handler: http.RequestListener) {
  return listen(https.createServer(tls, handler));
}

/** A port that was just free: nothing listens on it. */
export async function closedPort(): Promise<number> {
  const { port, close } = await listen(net.createServer());
  await close();
  return port;
}

export type Pem = { key: string; cert: string };
export type TestPki = { ca: string; valid: Pem; expired: Pem; wrongHost: Pem; selfSigned: Pem; dispose: () => void };

/** A throwaway CA plus leaf certificates, made with the openssl CLI. */
export function createTestPki(): TestPki {
  const dir = mkdtempSync(path.join(tmpdir(), "hopwatch-pki-"));
  const file = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync("/usr/bin/openssl", args, { cwd: dir, stdio: "pipe" });
  const newKey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];

  openssl("req", "-x509", ...newKey, "-keyout", "ca.key", "-out", "ca.crt", "-subj", "/CN=Hopwatch Test CA", "-days", "2");
  const leaf = (name: string, subjectAltName: string, days: string): Pem => {
    writeFileSync(file(`${name}.ext`), `subjectAltName=${subjectAltName}\n`);
    openssl("req", ...newKey, "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", `/CN=${name}`);
    // A negative -days makes notAfter precede "now": the quickest way to an expired certificate.
    openssl("x509", "-req", "-in", `${name}.csr`, "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-days", days, "-extfile", `${name}.ext`, "-out", `${name}.crt`);
    return { key: readFileSync(file(`${name}.key`), "utf8"), cert: readFileSync(file(`${name}.crt`), "utf8") };
  };
  const valid = leaf("valid", "IP:127.0.0.1", "2");
  const expired = leaf("expired", "IP:127.0.0.1", "-1");
  const wrongHost = leaf("wrong-host", "DNS:wrong.example", "2");
  openssl("req", "-x509", ...newKey, "-keyout", "self.key", "-out", "self.crt", "-subj", "/CN=self-signed", "-addext", "subjectAltName=IP:127.0.0.1", "-days", "2");
  return {
    ca: readFileSync(file("ca.crt"), "utf8"),
    valid,
    expired,
    wrongHost,
    selfSigned: { key: readFileSync(file("self.key"), "utf8"), cert: readFileSync(file("self.crt"), "utf8") },
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
