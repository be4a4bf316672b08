import { describe, expect, it } from "vitest";
import { initialRunAt, maxRetryDelaySeconds, nextRunAfter, retryDelaySeconds, transition } from "@/lib/scheduler/policy";
import { ERROR_KINDS } from "@/lib/probes/error-kinds";
import { ErrorKind as PrismaErrorKind } from "@/lib/generated/prisma/enums";

const at = (seconds: number) => new Date(Date.UTC(2026, 10, 22, 12, 0, 0) + seconds * 1000);
const ok = { ok: true, errorKind: "NONE" as const };
const bad = { ok: false, errorKind: "HTTP_502" as const };

describe("schedule", () => {
  it("spreads first runs over the interval", () => {
    expect(initialRunAt(at(0), 60, () => 0)).toEqual(at(0));
    expect(initialRunAt(at(0), 60, () => 0.5)).toEqual(at(30));
    expect(initialRunAt(at(0), 60, () => 0.999)).toEqual(new Date(at(0).getTime() + 59_940));
  });

  it("keeps the phase and skips missed slots instead of replaying them", () => {
    expect(nextRunAfter(at(0), 30, at(0.4))).toEqual(at(30));
    expect(nextRunAfter(at(0), 30, at(29.9))).toEqual(at(30));
    expect(nextRunAfter(at(0), 30, at(95))).toEqual(at(120));
  });

  it("backs off 2 s, 4 s, 8 s… capped at a quarter of the interval", () => {
    expect([1, 2, 3, 4].map((retry) => retryDelaySeconds(retry, 60))).toEqual([2, 4, 8, 15]);
    expect([1, 2, 3].map((retry) => retryDelaySeconds(retry, 10))).toEqual([2, 2, 2]);
    expect(maxRetryDelaySeconds(10)).toBe(2);
    expect(maxRetryDelaySeconds(2)).toBe(1);
  });
});

describe("state transitions", () => {
  it("confirms a failure `retries` times before DOWN", () => {
    expect(transition("UP", bad, 1, 2)).toEqual({ state: "PENDING", changed: true, confirmAgain: true, clearedTransient: false });
    expect(transition("PENDING", bad, 2, 2)).toEqual({ state: "PENDING", changed: false, confirmAgain: true, clearedTransient: false });
    expect(transition("PENDING", bad, 3, 2)).toEqual({ state: "DOWN", changed: true, confirmAgain: false, clearedTransient: false });
  });

  it("goes DOWN at once with retries 0, and from a first-ever check", () => {
    expect(transition("UP", bad, 1, 0)).toMatchObject({ state: "DOWN", changed: true, confirmAgain: false });
    expect(transition("UNKNOWN", bad, 1, 0)).toMatchObject({ state: "DOWN", changed: true });
  });

  it("marks a cleared confirmation transient, and recovers from DOWN", () => {
    expect(transition("PENDING", ok, 2, 2)).toEqual({ state: "UP", changed: true, confirmAgain: false, clearedTransient: true });
    expect(transition("DOWN", ok, 1, 2)).toEqual({ state: "UP", changed: true, confirmAgain: false, clearedTransient: false });
    expect(transition("UNKNOWN", ok, 1, 2)).toMatchObject({ state: "UP", changed: true, clearedTransient: false });
    expect(transition("UP", ok, 1, 2)).toMatchObject({ state: "UP", changed: false });
  });

  it("does not re-confirm while already DOWN", () => {
    expect(transition("DOWN", bad, 1, 5)).toEqual({ state: "DOWN", changed: false, confirmAgain: false, clearedTransient: false });
  });
});

it("keeps the TypeScript taxonomy and the database enum identical", () => {
  expect([...ERROR_KINDS].sort()).toEqual(Object.values(PrismaErrorKind).sort());
});
