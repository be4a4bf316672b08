// The fast case of `npm run test:faults` (tests/faults/): the worker-crash scenario at small
// scale. Beyond the workers test's kill -9 case it checks incidents and alerts across the crash:
// one incident per outage, every DOWN and RESOLVED email received exactly once.
import { describe, expect, it } from "vitest";
import { workerCrash } from "../faults/worker-crash";
import { postgresIsReachable } from "../helpers/postgres";

const postgresAvailable = process.env.CI ? true : await postgresIsReachable();

describe.skipIf(!postgresAvailable)("fault: worker crash", () => {
  it(
    "kill -9 of one of two workers in the middle of an outage loses only its last buffered results and duplicates nothing",
    async () => {
      const report = await workerCrash.run({ monitors: "100", "outage-from": "12", "outage-to": "35", "kill-at": "25", duration: "45" });
      expect(report.problems).toEqual([]);
    },
    // Alerts the killed worker had claimed come back after their 2 min lease.
    300_000,
  );
});
