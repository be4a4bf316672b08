/**
 * Opens one fresh TCP (and optionally TLS) connection, doing each step ourselves so that DNS, TCP
 * connect and TLS handshake can be timed separately and the phase is known when something fails.
 */
import { promises as dns } from "node:dns";
import net from "node:net";
import tls from "node:tls";
import { assertAddressAllowed } from "./target-policy";
import { msSince, type ProbeTrace } from "./trace";
import type { CertificateInfo } from "./types";

export type TlsCa = string | Buffer | Array<string | Buffer>;

export type ConnectTarget = {
  hostname: string;
  port: number;
  /** Present for TLS. `ca` replaces the default trust store; verification itself is never relaxed. */
  tls?: { ca?: TlsCa };
};

export async function openConnection(target: ConnectTarget, trace: ProbeTrace, signal: AbortSignal): Promise<net.Socket> {
  signal.throwIfAborted();
  const isIpLiteral = net.isIP(target.hostname) !== 0;

  trace.phase = "dns";
  const dnsStart = performance.now();
  const ip = isIpLiteral ? target.hostname : (await abortable(dns.lookup(target.hostname), signal)).address;
  if (!isIpLiteral) trace.timings.dnsMs = msSince(dnsStart);
  trace.remoteIp = ip;
  // Checked on the address actually dialled, for every hop: no window for DNS rebinding.
  assertAddressAllowed(target.hostname, ip);

  trace.phase = "connect";
  const connectStart = performance.now();
  const socket = await whenReady(net.connect({ host: ip, port: target.port }), "connect", signal);
  trace.timings.connectMs = msSince(connectStart);
  if (!target.tls) return socket;

  trace.phase = "tls";
  const tlsStart = performance.now();
  try {
    const secureSocket = tls.connect({
      socket,
      host: target.hostname, // what the certificate is checked against
      servername: isIpLiteral ? undefined : target.hostname, // SNI must not be an IP
      ca: target.tls.ca,
      rejectUnauthorized: true,
      ALPNProtocols: ["http/1.1"],
      // The only hook that sees the peer certificate before a hostname mismatch tears the socket down;
      // Node calls it on every full handshake whose chain verified.
      checkServerIdentity: (hostname, cert) => {
        trace.certificate = certificateInfo(cert);
        return tls.checkServerIdentity(hostname, cert);
      },
    });
    await whenReady(secureSocket, "secureConnect", signal);
    trace.timings.tlsMs = msSince(tlsStart);
    return secureSocket;
  } catch (err) {
    socket.destroy();
    throw err;
  }
}

function whenReady<S extends net.Socket>(socket: S, readyEvent: "connect" | "secureConnect", signal: AbortSignal): Promise<S> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      socket.destroy();
      reject(signal.reason);
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    // Left attached on purpose: until the socket's next owner (undici) adds its handler, a late
    // 'error' must not go unhandled, and rejecting a settled promise is a no-op.
    socket.on("error", (err) => {
      signal.removeEventListener("abort", onAbort);
      reject(err);
    });
    socket.once(readyEvent, () => {
      signal.removeEventListener("abort", onAbort);
      resolve(socket);
    });
  });
}

/** dns.lookup cannot be cancelled, but the check must not wait for it past its deadline. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

function certificateInfo(cert: tls.PeerCertificate): CertificateInfo {
  const validTo = new Date(cert.valid_to);
  return {
    subject: distinguishedName(cert.subject),
    issuer: distinguishedName(cert.issuer),
    validTo: Number.isNaN(validTo.getTime()) ? cert.valid_to : validTo.toISOString(),
  };
}

function distinguishedName(dn: tls.Certificate | undefined): string {
  return [dn?.CN ?? dn?.O ?? ""].flat().join(", ");
}
