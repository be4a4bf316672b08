import { describe, expect, it } from "vitest";
import { parseStatusRanges, statusMatches } from "../../lib/probes/expected-status";

describe("parseStatusRanges", () => {
  it.each([
    ["200-299", [[200, 299]]],
    ["200-299,301", [[200, 299], [301, 301]]],
    [" 200 - 204 , 301 ,302", [[200, 204], [301, 301], [302, 302]]],
    ["503", [[503, 503]]],
    ["100-599", [[100, 599]]],
  ])("%j → %j", (spec, ranges) => {
    expect(parseStatusRanges(spec)).toEqual(ranges);
  });

  it.each([
    ["", /empty/],
    [" , ", /empty/],
    ["2xx", /Invalid expected status "2xx"/],
    ["200-", /Invalid expected status "200-"/],
    ["200-299-300", /Invalid expected status/],
    ["99", /Invalid expected status "99"/],
    ["600", /Invalid expected status "600"/],
    ["200,,301", /Invalid expected status ""/],
    ["299-200", /start is greater than end/],
  ])("rejects %j", (spec, message) => {
    expect(() => parseStatusRanges(spec)).toThrow(message);
  });
});

describe("statusMatches", () => {
  const ranges = parseStatusRanges("200-299,301");
  it.each([
    [200, true],
    [299, true],
    [301, true],
    [199, false],
    [300, false],
    [302, false],
    [502, false],
  ])("%i → %s", (status, matches) => {
    expect(statusMatches(status, ranges)).toBe(matches);
  });

  it("matches nothing against no ranges", () => {
    expect(statusMatches(200, [])).toBe(false);
  });
});
