// The alerting rules as pure functions of their inputs and `now`: retry backoff, flapping,
// reminders, TLS-expiry warnings. No I/O and no clock of their own, so they are unit-tested with
// any time they are given; the SQL around them (lib/alerts/produce.ts, dispatcher.ts) stays thin.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

// ---- delivery retries ----

export type RetryPolicy = {
  /** Pause after the first failed attempt; doubles after each further one. */
  baseMs: number;
  /** Cap on any one pause. */
  maxDelayMs: number;
  /** An alert still undelivered this long after it was created is given up (FAILED). */
  giveUpAfterMs: number;
};

export const DEFAULT_RETRY_POLICY: RetryPolicy = { baseMs: 30_000, maxDelayMs: HOUR, giveUpAfterMs: DAY };

/** Pause after `failedAttempts` failures (1-based): base, 2×base, 4×base… capped. */
export function retryDelayMs(failedAttempts: number, policy: RetryPolicy): number {
  return Math.min(policy.baseMs * 2 ** Math.max(0, failedAttempts - 1), policy.maxDelayMs);
}

export type AfterFailure = { status: "PENDING"; nextAttemptAt: Date } | { status: "FAILED" };

/**
 * What becomes of an alert whose attempt number `failedAttempts` just failed at `now`: another
 * try after the backoff — the last one exactly at the 24 h deadline — or, past it, FAILED.
 */
export function afterFailure(input: { createdAt: Date; failedAttempts: number; now: Date }, policy: RetryPolicy): AfterFailure {
  const deadline = input.createdAt.getTime() + policy.giveUpAfterMs;
  if (input.now.getTime() >= deadline) return { status: "FAILED" };
  const next = Math.min(input.now.getTime() + retryDelayMs(input.failedAttempts, policy), deadline);
  return { status: "PENDING", nextAttemptAt: new Date(next) };
}

// ---- flapping ----

/** More than this many DOWN↔UP changes within FLAP_WINDOW_MS make a monitor flap. */
export const FLAP_MAX_CHANGES = 4;
export const FLAP_WINDOW_MS = 30 * MINUTE;
/** A flapping monitor is quiet until it has not changed state for this long. */
export const FLAP_STABLE_MS = 30 * MINUTE;

export type FlapDecision =
  /** Starts an episode: one FLAPPING alert, then silence. */
  | { action: "start"; changesInWindow: number }
  /** Stable again: the episode ends and alerts resume. */
  | { action: "end" }
  | { action: "none"; flapping: boolean };

/**
 * `changes`: when the monitor went DOWN or came back from DOWN (PENDING blips are not outages
 * and do not count), at least those of the last FLAP_WINDOW_MS, each once. `lastChangeAt`: the
 * latest such change, if it may be older than those. `flappingSince`: the current episode's
 * start, or null.
 */
export function decideFlapping(input: { changes: Date[]; lastChangeAt?: Date | null; flappingSince: Date | null; now: Date }): FlapDecision {
  const now = input.now.getTime();
  const times = input.changes.map((change) => change.getTime()).filter((time) => time <= now);
  if (input.flappingSince) {
    const candidates = input.lastChangeAt && input.lastChangeAt.getTime() <= now ? [...times, input.lastChangeAt.getTime()] : times;
    const last = candidates.length === 0 ? null : Math.max(...candidates);
    return last === null || now - last >= FLAP_STABLE_MS ? { action: "end" } : { action: "none", flapping: true };
  }
  const inWindow = times.filter((time) => time > now - FLAP_WINDOW_MS).length;
  return inWindow > FLAP_MAX_CHANGES ? { action: "start", changesInWindow: inWindow } : { action: "none", flapping: false };
}

/** Only outages count towards flapping: entering DOWN or leaving it. */
export function countsTowardsFlapping(change: { fromState: string; toState: string }): boolean {
  return change.fromState === "DOWN" || change.toState === "DOWN";
}

// ---- reminders ----

export const DEFAULT_REMINDER_MINUTES = 60;

/**
 * The reminder due for an open incident at `now`, if any. Reminder n+1 is due `reminderMinutes`
 * after reminder n's slot (the first after the opening); slots missed while no process ran are
 * skipped, not replayed as a burst, and a changed interval applies from the last reminder on.
 */
export function nextReminder(input: {
  openedAt: Date;
  reminderMinutes: number;
  last: { number: number; dueAt: Date } | null;
  now: Date;
}): { number: number; dueAt: Date } | null {
  if (!(input.reminderMinutes > 0)) return null;
  const period = input.reminderMinutes * MINUTE;
  const anchor = (input.last?.dueAt ?? input.openedAt).getTime();
  const elapsed = input.now.getTime() - anchor;
  if (elapsed < period) return null;
  return { number: (input.last?.number ?? 0) + 1, dueAt: new Date(anchor + Math.floor(elapsed / period) * period) };
}

// ---- TLS certificate expiry ----

export const TLS_WARN_WITHIN_MS = 14 * DAY;
export const TLS_REPEAT_AFTER_MS = DAY;

/** A certificate that expires within 14 days (and has not yet) warrants an alert, once a day at most. */
export function tlsExpiryDue(input: { validTo: Date; lastAlertedAt: Date | null; now: Date }): boolean {
  const left = input.validTo.getTime() - input.now.getTime();
  if (left <= 0 || left > TLS_WARN_WITHIN_MS) return false;
  return input.lastAlertedAt === null || input.now.getTime() - input.lastAlertedAt.getTime() >= TLS_REPEAT_AFTER_MS;
}

export function daysLeft(validTo: Date, now: Date): number {
  return Math.max(0, Math.floor((validTo.getTime() - now.getTime()) / DAY));
}
