// One claimed run of a monitor: the scheduled probe, then — if it failed and the monitor is not
// already DOWN — confirmation re-probes on fresh connections until the failure clears or the
// retries run out. Every probe becomes a check outcome for the writer.
import { setTimeout as sleep } from "node:timers/promises";
import { logger } from "../logger";
import { getProbeKind } from "../probes/registry";
import type { ProbeResult } from "../probes/types";
import type { ClaimedMonitor } from "./claim";
import { retryDelaySeconds, transition } from "./policy";
import type { CheckOutcome } from "./writer";

export type JobOptions = {
  owner: string;
  record: (outcome: CheckOutcome) => void;
  /** Base of the 2 s, 4 s, 8 s… pauses between confirmation re-probes. */
  retryBaseSeconds: number;
  /** Limits how many probes run at once across the process; waiting for a slot is not probing. */
  withProbeSlot: <T>(run: () => Promise<T>) => Promise<T>;
  /** Set when the process is stopping: probes in flight finish, but no further re-probe starts. */
  stopSignal?: AbortSignal;
};

export async function runMonitorJob(monitor: ClaimedMonitor, options: JobOptions, onFirstResult?: (result: ProbeResult) => void): Promise<void> {
  const probe = getProbeKind(monitor.type);
  let state = monitor.state;
  let pendingSince = monitor.pendingSince;
  for (let attempt = 1; ; attempt++) {
    const result = await options.withProbeSlot(() => probe.run(monitor));
    if (attempt === 1) onFirstResult?.(result);
    const next = transition(state, result, attempt, monitor.retries);
    const nowPending = next.state === "PENDING";
    const outcome: CheckOutcome = {
      monitorId: monitor.id,
      leaseOwner: options.owner,
      result,
      attempt,
      state: next.state,
      previousState: state,
      stateChanged: next.changed,
      pendingSince: nowPending ? (pendingSince ?? result.startedAt) : null,
      transientSince: next.clearedTransient ? pendingSince : null,
      releaseLease: !next.confirmAgain,
    };
    options.record(outcome);
    logger.debug({ monitorId: monitor.id, attempt, errorKind: result.errorKind, httpStatus: result.httpStatus, totalMs: result.timings.totalMs, state: next.state }, "check");
    state = next.state;
    pendingSince = outcome.pendingSince;
    if (outcome.releaseLease) return;
    try {
      await sleep(retryDelaySeconds(attempt, monitor.intervalSeconds, options.retryBaseSeconds) * 1000, undefined, { signal: options.stopSignal });
    } catch {
      return; // stopping: the PENDING state stays, and whoever runs it next carries on confirming
    }
  }
}
