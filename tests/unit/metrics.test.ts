import { describe, expect, it } from "vitest";
import { metricsAccess, metricsToken } from "@/lib/metrics";

describe("metrics access", () => {
  it("is off while HOPWATCH_METRICS_TOKEN is unset or blank", () => {
    expect(metricsToken({})).toBeNull();
    expect(metricsToken({ HOPWATCH_METRICS_TOKEN: "  " })).toBeNull();
    expect(metricsAccess("Bearer anything", null)).toBe("disabled");
  });

  it("lets in exactly the configured Bearer token", () => {
    expect(metricsAccess("Bearer s3cret", "s3cret")).toBe("allowed");
    expect(metricsAccess("bearer  s3cret ", "s3cret")).toBe("allowed");
    for (const header of [null, "", "s3cret", "Bearer", "Bearer s3cre", "Bearer s3cret2", "Basic s3cret"]) {
      expect(metricsAccess(header, "s3cret"), String(header)).toBe("denied");
    }
  });
});
