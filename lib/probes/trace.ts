/** Bookkeeping shared by the probe kinds: phase, timings and peer details of one check, and its deadline. */
import { classifyError, ProbeTimeoutError } from "./classify";
import type { CertificateInfo, ProbeEvidence, ProbePhase, ProbeResult, Timings } from "./types";

export type ProbeOutcome = Pick<ProbeResult, "ok" | "errorKind" | "httpStatus" | "message" | "rawError" | "evidence">;

type PhaseTimings = Omit<Timings, "totalMs">;

export function msSince(mark: number): number {
  return Math.round((performance.now() - mark) * 10) / 10;
}

export class ProbeTrace {
  readonly startedAt = new Date();
  private readonly startMark = performance.now();
  phase: ProbePhase = "dns";
  timings: PhaseTimings = emptyPhaseTimings();
  remoteIp: string | null = null;
  certificate: CertificateInfo | null = null;

  /** A redirect opens a new connection; the result reports the last one. */
  startHop(): void {
    this.phase = "dns";
    this.timings = emptyPhaseTimings();
    this.remoteIp = null;
    this.certificate = null;
  }

  result(outcome: ProbeOutcome): ProbeResult {
    return {
      ...outcome,
      timings: { ...this.timings, totalMs: msSince(this.startMark) },
      remoteIp: this.remoteIp,
      certificate: this.certificate,
      startedAt: this.startedAt,
    };
  }

  /** An aborted `callerSignal` wins over whatever error the abort surfaced as. */
  failure(
    err: unknown,
    callerSignal: AbortSignal | undefined,
    response: { httpStatus: number | null; evidence: ProbeEvidence | null } = { httpStatus: null, evidence: null },
  ): ProbeResult {
    const classified = callerSignal?.aborted
      ? { ...classifyError(callerSignal.reason, this.phase), errorKind: "UNKNOWN" as const, message: "Check aborted before it completed" }
      : classifyError(err, this.phase);
    return this.result({ ok: false, ...classified, ...response });
  }
}

function emptyPhaseTimings(): PhaseTimings {
  return { dnsMs: null, connectMs: null, tlsMs: null, ttfbMs: null, transferMs: null };
}

/** One signal that fires at the target's timeout or when the caller aborts, whichever comes first. */
export function probeDeadline(timeoutSeconds: number, callerSignal?: AbortSignal): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new ProbeTimeoutError(timeoutSeconds)), timeoutSeconds * 1000);
  return {
    signal: callerSignal ? AbortSignal.any([callerSignal, controller.signal]) : controller.signal,
    dispose: () => clearTimeout(timer),
  };
}
