// The alerting rules with a controllable clock: every function takes `now`.
import { describe, expect, it } from "vitest";
import {
  afterFailure,
  countsTowardsFlapping,
  decideFlapping,
  DEFAULT_RETRY_POLICY,
  nextReminder,
  retryDelayMs,
  tlsExpiryDue,
  type FlapDecision,
} from "@/lib/alerts/policy";

const T0 = Date.UTC(2026, 10, 22, 12, 0, 0);
const at = (minutes: number) => new Date(T0 + minutes * 60_000);
const hours = (n: number) => n * 3_600_000;

describe("delivery retries", () => {
  it("backs off 30 s, 1 min, 2 min… capped at 1 h", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => retryDelayMs(n, DEFAULT_RETRY_POLICY) / 1000)).toEqual([30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
  });

  it("retries until 24 h after creation, the last try exactly at the deadline, then gives up", () => {
    const createdAt = at(0);
    expect(afterFailure({ createdAt, failedAttempts: 1, now: at(0) }, DEFAULT_RETRY_POLICY)).toEqual({ status: "PENDING", nextAttemptAt: new Date(T0 + 30_000) });
    expect(afterFailure({ createdAt, failedAttempts: 20, now: new Date(T0 + hours(23.5)) }, DEFAULT_RETRY_POLICY)).toEqual({ status: "PENDING", nextAttemptAt: new Date(T0 + hours(24)) });
    expect(afterFailure({ createdAt, failedAttempts: 21, now: new Date(T0 + hours(24)) }, DEFAULT_RETRY_POLICY)).toEqual({ status: "FAILED" });
  });

  it("simulated over a day: about 30 attempts, never more than an hour apart", () => {
    let now = at(0);
    const attempts: Date[] = [];
    for (let failed = 1; ; failed++) {
      attempts.push(now);
      const next = afterFailure({ createdAt: at(0), failedAttempts: failed, now }, DEFAULT_RETRY_POLICY);
      if (next.status === "FAILED") break;
      expect(next.nextAttemptAt.getTime() - now.getTime()).toBeLessThanOrEqual(hours(1));
      now = next.nextAttemptAt;
    }
    expect(attempts.length).toBeGreaterThan(20);
    expect(attempts.length).toBeLessThan(35);
    expect(attempts.at(-1)).toEqual(new Date(T0 + hours(24)));
  });
});

describe("flapping", () => {
  // A controllable clock: the monitor toggles DOWN/UP at these minutes.
  function run(toggles: number[], checkAt: number[]) {
    let flappingSince: Date | null = null;
    const decisions: Array<[number, FlapDecision["action"]]> = [];
    for (const minute of checkAt) {
      const decision = decideFlapping({ changes: toggles.filter((t) => t <= minute).map(at), flappingSince, now: at(minute) });
      if (decision.action === "start") flappingSince = at(minute);
      if (decision.action === "end") flappingSince = null;
      if (decision.action !== "none") decisions.push([minute, decision.action]);
    }
    return decisions;
  }

  it("needs more than 4 changes within 30 min", () => {
    expect(decideFlapping({ changes: [1, 2, 3, 4].map(at), flappingSince: null, now: at(5) })).toEqual({ action: "none", flapping: false });
    expect(decideFlapping({ changes: [1, 2, 3, 4, 5].map(at), flappingSince: null, now: at(5) })).toEqual({ action: "start", changesInWindow: 5 });
    // Five changes spread over more than 30 min are not flapping.
    expect(decideFlapping({ changes: [0, 8, 16, 24, 32].map(at), flappingSince: null, now: at(32) })).toEqual({ action: "none", flapping: false });
  });

  it("alerts once, stays silent while it keeps flapping, ends after 30 stable minutes, and can start again", () => {
    const toggles = [0, 2, 4, 6, 8, 10, 12, 14, 16, 30, 44, /* quiet until 74 */ 100, 101, 102, 103, 104];
    const checks = Array.from({ length: 120 }, (_, minute) => minute);
    expect(run(toggles, checks)).toEqual([
      [8, "start"],
      [74, "end"],
      [104, "start"],
    ]);
  });

  it("counts each change once, and ends an episode by the latest change even when it is older than the window", () => {
    expect(decideFlapping({ changes: [0, 2, 4, 6].map(at), lastChangeAt: at(6), flappingSince: null, now: at(6) })).toEqual({ action: "none", flapping: false });
    expect(decideFlapping({ changes: [], lastChangeAt: at(10), flappingSince: at(5), now: at(39) })).toEqual({ action: "none", flapping: true });
    expect(decideFlapping({ changes: [], lastChangeAt: at(10), flappingSince: at(5), now: at(40) })).toEqual({ action: "end" });
  });

  it("does not end an episode while changes keep coming less than 30 min apart", () => {
    expect(decideFlapping({ changes: [0, 29].map(at), flappingSince: at(0), now: at(58) })).toEqual({ action: "none", flapping: true });
    expect(decideFlapping({ changes: [0, 29].map(at), flappingSince: at(0), now: at(59) })).toEqual({ action: "end" });
  });

  it("ignores changes after `now` (a clock behind the database) and counts only outages", () => {
    expect(decideFlapping({ changes: [1, 2, 3, 4, 6].map(at), flappingSince: null, now: at(5) })).toEqual({ action: "none", flapping: false });
    expect(countsTowardsFlapping({ fromState: "UP", toState: "DOWN" })).toBe(true);
    expect(countsTowardsFlapping({ fromState: "DOWN", toState: "UP" })).toBe(true);
    expect(countsTowardsFlapping({ fromState: "PENDING", toState: "DOWN" })).toBe(true);
    expect(countsTowardsFlapping({ fromState: "UP", toState: "PENDING" })).toBe(false);
    expect(countsTowardsFlapping({ fromState: "PENDING", toState: "UP" })).toBe(false);
  });
});

describe("reminders", () => {
  it("are due every N minutes after the opening, numbered, and off at 0", () => {
    const openedAt = at(0);
    expect(nextReminder({ openedAt, reminderMinutes: 60, last: null, now: at(59) })).toBeNull();
    expect(nextReminder({ openedAt, reminderMinutes: 60, last: null, now: at(60) })).toEqual({ number: 1, dueAt: at(60) });
    expect(nextReminder({ openedAt, reminderMinutes: 60, last: { number: 1, dueAt: at(60) }, now: at(100) })).toBeNull();
    expect(nextReminder({ openedAt, reminderMinutes: 60, last: { number: 1, dueAt: at(60) }, now: at(120.5) })).toEqual({ number: 2, dueAt: at(120) });
    expect(nextReminder({ openedAt, reminderMinutes: 0, last: null, now: at(1000) })).toBeNull();
  });

  it("skips slots missed while nothing ran instead of sending a burst", () => {
    // Nothing ran between minute 60 and 400: one reminder (#2), due at the latest slot.
    expect(nextReminder({ openedAt: at(0), reminderMinutes: 60, last: { number: 1, dueAt: at(60) }, now: at(400) })).toEqual({ number: 2, dueAt: at(360) });
  });

  it("a changed interval applies from the last reminder on", () => {
    const last = { number: 1, dueAt: at(60) };
    expect(nextReminder({ openedAt: at(0), reminderMinutes: 15, last, now: at(74) })).toBeNull();
    expect(nextReminder({ openedAt: at(0), reminderMinutes: 15, last, now: at(75) })).toEqual({ number: 2, dueAt: at(75) });
  });

  it("a simulated 5-hour outage at 60 min gets exactly 5 reminders, polled every 15 s", () => {
    let last: { number: number; dueAt: Date } | null = null;
    const sent: number[] = [];
    for (let seconds = 0; seconds <= 5 * 3600 + 30; seconds += 15) {
      const due = nextReminder({ openedAt: at(0), reminderMinutes: 60, last, now: new Date(T0 + seconds * 1000) });
      if (due) {
        last = due;
        sent.push((due.dueAt.getTime() - T0) / 60_000);
      }
    }
    expect(sent).toEqual([60, 120, 180, 240, 300]);
  });
});

describe("TLS expiry", () => {
  const validTo = new Date(T0 + 10 * 86_400_000);
  it("warns within 14 days, at most once a day", () => {
    expect(tlsExpiryDue({ validTo, lastAlertedAt: null, now: new Date(validTo.getTime() - 15 * 86_400_000) })).toBe(false);
    expect(tlsExpiryDue({ validTo, lastAlertedAt: null, now: at(0) })).toBe(true);
    expect(tlsExpiryDue({ validTo, lastAlertedAt: at(0), now: at(23 * 60 + 59) })).toBe(false);
    expect(tlsExpiryDue({ validTo, lastAlertedAt: at(0), now: at(24 * 60) })).toBe(true);
  });

  it("says nothing once it has expired (the probe fails with TLS_CERT_EXPIRED and an incident opens)", () => {
    expect(tlsExpiryDue({ validTo, lastAlertedAt: null, now: new Date(validTo.getTime() + 1) })).toBe(false);
  });
});
