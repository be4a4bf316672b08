// The scheduler's rules as pure functions: when a monitor runs, how failures are confirmed,
// and which state a check result leads to. No I/O, so they are unit-tested on their own.
import type { ErrorKind } from "../probes/error-kinds";

export type MonitorState = "UNKNOWN" | "UP" | "PENDING" | "DOWN";

/** A first run somewhere within the interval, so monitors created together do not probe together. */
export function initialRunAt(now: Date, intervalSeconds: number, random = Math.random): Date {
  return new Date(now.getTime() + Math.floor(random() * intervalSeconds * 1000));
}

/**
 * The next slot on the monitor's own schedule: the phase is kept (no drift from probe duration
 * or claim latency) and slots missed while nobody was running are skipped, not replayed.
 */
export function nextRunAfter(scheduledAt: Date, intervalSeconds: number, now: Date): Date {
  const interval = intervalSeconds * 1000;
  const missed = Math.max(0, Math.floor((now.getTime() - scheduledAt.getTime()) / interval));
  return new Date(scheduledAt.getTime() + (missed + 1) * interval);
}

/**
 * Pause before confirmation re-probe number `retry` (1-based): 2 s, 4 s, 8 s… doubling, but
 * never so long that confirming would take more than the monitor's interval.
 */
export function retryDelaySeconds(retry: number, intervalSeconds: number, baseSeconds = 2): number {
  return Math.min(baseSeconds * 2 ** (retry - 1), maxRetryDelaySeconds(intervalSeconds));
}

/** The cap on any one pause; the claim's lease (claim.ts) is sized with it. */
export function maxRetryDelaySeconds(intervalSeconds: number): number {
  return Math.max(1, Math.floor(intervalSeconds / 4));
}

export type Transition = {
  state: MonitorState;
  /** The state changed (UP→PENDING, PENDING→DOWN, DOWN→UP, …). */
  changed: boolean;
  /** Probe again now to confirm a failure. */
  confirmAgain: boolean;
  /** The failure being confirmed cleared: its failed checks were transient. */
  clearedTransient: boolean;
};

/**
 * The state after one check. `attempt` is 1 for the scheduled probe and counts up through the
 * confirmation re-probes; a monitor is DOWN only after `retries` re-probes all failed too.
 */
export function transition(current: MonitorState, result: { ok: boolean; errorKind: ErrorKind }, attempt: number, retries: number): Transition {
  if (result.ok) {
    return { state: "UP", changed: current !== "UP", confirmAgain: false, clearedTransient: current === "PENDING" };
  }
  if (current === "DOWN") return { state: "DOWN", changed: false, confirmAgain: false, clearedTransient: false };
  const confirmed = attempt > retries;
  const state: MonitorState = confirmed ? "DOWN" : "PENDING";
  return { state, changed: state !== current, confirmAgain: !confirmed, clearedTransient: false };
}
