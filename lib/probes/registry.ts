/** One implementation per monitor type, each in its own file behind ProbeKind. */
import { httpProbe } from "./http";
import { tcpProbe } from "./tcp";
import type { ProbeKind, ProbeTarget } from "./types";

const PROBE_KINDS: Record<ProbeTarget["type"], ProbeKind> = { HTTP: httpProbe, TCP: tcpProbe };

export function getProbeKind(type: ProbeTarget["type"]): ProbeKind {
  return PROBE_KINDS[type];
}
