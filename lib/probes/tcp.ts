/** TCP probe: succeeds when a connection to `tcp://host:port` opens within the timeout. */
import { openConnection } from "./connection";
import { probeDeadline, ProbeTrace } from "./trace";
import type { ProbeKind, ProbeResult, ProbeTarget } from "./types";

export const tcpProbe: ProbeKind = { type: "TCP", run: runTcpProbe };

async function runTcpProbe(target: ProbeTarget, callerSignal?: AbortSignal): Promise<ProbeResult> {
  const trace = new ProbeTrace();
  const deadline = probeDeadline(target.timeoutSeconds, callerSignal);
  try {
    const { hostname, port } = parseTcpUrl(target.url);
    const socket = await openConnection({ hostname, port }, trace, deadline.signal);
    socket.destroy();
    return trace.result({
      ok: true,
      errorKind: "NONE",
      httpStatus: null,
      message: `Connected to ${trace.remoteIp}:${port}`,
      rawError: null,
      evidence: null,
    });
  } catch (err) {
    return trace.failure(err, callerSignal);
  } finally {
    deadline.dispose();
  }
}

function parseTcpUrl(raw: string): { hostname: string; port: number } {
  const url = new URL(raw);
  const port = Number(url.port);
  if (url.protocol !== "tcp:" || url.hostname === "" || !port) {
    throw new Error(`Invalid TCP target "${raw}"; expected tcp://host:port`);
  }
  // Non-special URL schemes keep IPv6 brackets in `hostname`.
  return { hostname: url.hostname.replace(/^\[(.*)\]$/, "$1"), port };
}
