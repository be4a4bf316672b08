import { describe, expect, it } from "vitest";
import { validateMonitorInput } from "@/lib/monitors/schema";
import { monitorFormToInput, parseHeaderLines } from "@/lib/monitors/form";

const valid = { name: "Checkout API", url: "https://api.example.com/health" };

function firstError(raw: unknown) {
  const result = validateMonitorInput(raw);
  if (result.ok) throw new Error("expected a validation error");
  return result.errors[0];
}

describe("monitor validation", () => {
  it("fills in the documented defaults", () => {
    const result = validateMonitorInput(valid);
    expect(result).toEqual({
      ok: true,
      value: {
        ...valid,
        type: "HTTP",
        method: "GET",
        headers: {},
        body: null,
        expectedStatus: "200-399",
        keyword: null,
        keywordMustBeAbsent: false,
        intervalSeconds: 60,
        timeoutSeconds: 10,
        retries: 2,
        followRedirects: true,
        originUrl: null,
        enabled: true,
      },
    });
  });

  it.each([
    [{ ...valid, name: "" }, "name", /required/],
    [{ ...valid, name: "   " }, "name", /required/],
    [{ ...valid, name: "x".repeat(101) }, "name", /100/],
    [{ ...valid, url: "ftp://example.com" }, "url", /http:\/\/ or https:\/\//],
    [{ ...valid, url: "not a url" }, "url", /http/],
    [{ ...valid, url: `https://example.com/${"a".repeat(2048)}` }, "url", /2048/],
    [{ ...valid, method: "TRACE" }, "method", /GET/],
    [{ ...valid, headers: { "Bad Name": "x" } }, "headers", /valid header name/],
    [{ ...valid, headers: { "X-Ok": "a\r\nInjected: 1" } }, "headers", /line breaks/],
    [{ ...valid, headers: { "X-Big": "a".repeat(8200) } }, "headers", /8 KB/],
    [{ ...valid, headers: ["x"] }, "headers", /object/],
    [{ ...valid, body: "a".repeat(64 * 1024 + 1) }, "body", /64 KB/],
    [{ ...valid, expectedStatus: "abc" }, "expectedStatus", /./],
    [{ ...valid, expectedStatus: "299-200" }, "expectedStatus", /./],
    [{ ...valid, expectedStatus: "700" }, "expectedStatus", /./],
    [{ ...valid, intervalSeconds: 9 }, "intervalSeconds", /at least 10/],
    [{ ...valid, intervalSeconds: 86_401 }, "intervalSeconds", /at most 86400/],
    [{ ...valid, intervalSeconds: 30.5 }, "intervalSeconds", /whole number/],
    [{ ...valid, intervalSeconds: "60" }, "intervalSeconds", /number/],
    [{ ...valid, timeoutSeconds: 0 }, "timeoutSeconds", /at least 1/],
    [{ ...valid, timeoutSeconds: 61, intervalSeconds: 120 }, "timeoutSeconds", /at most 60/],
    [{ ...valid, timeoutSeconds: 30, intervalSeconds: 30 }, "timeoutSeconds", /shorter than the interval/],
    [{ ...valid, retries: 11 }, "retries", /at most 10/],
    [{ ...valid, retries: -1 }, "retries", /at least 0/],
    [{ ...valid, followRedirects: "yes" }, "followRedirects", /true or false/],
    [{ ...valid, originUrl: "gopher://x" }, "originUrl", /http/],
    [{ ...valid, enabled: 1 }, "enabled", /true or false/],
    [{ ...valid, id: "abc" }, "id", /Unknown field/],
    [{ ...valid, type: "TCP" }, "url", /tcp:\/\/host:port/],
  ])("rejects %j on the field that is wrong", (raw, field, message) => {
    const error = firstError(raw);
    expect(error.field).toBe(field);
    expect(error.message).toMatch(message);
  });

  it.each([null, [], "monitor", 42])("rejects a body that is not an object (%j) without naming a field", (raw) => {
    expect(firstError(raw)).toEqual({ field: null, message: expect.stringMatching(/JSON object/) });
  });

  it("reports every invalid field at once", () => {
    const result = validateMonitorInput({ name: "", url: "x", retries: 99 });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((error) => error.field).sort()).toEqual(["name", "retries", "url"]);
  });

  it("accepts TCP monitors addressed as tcp://host:port and trims text", () => {
    const result = validateMonitorInput({ name: "  DB  ", type: "TCP", url: "tcp://db.internal:5432" });
    expect(result.ok && result.value.name).toBe("DB");
  });

  it("turns empty optional text into null", () => {
    const result = validateMonitorInput({ ...valid, keyword: "", originUrl: "", body: "" });
    expect(result.ok && [result.value.keyword, result.value.originUrl, result.value.body]).toEqual([null, null, null]);
  });
});

describe("monitor form encoding", () => {
  it("parses header lines and names the bad line", () => {
    expect(parseHeaderLines("Authorization: Bearer x:y\n\nX-Env: prod")).toEqual({ headers: { Authorization: "Bearer x:y", "X-Env": "prod" } });
    expect(parseHeaderLines("X-Ok: 1\nno colon here")).toEqual({ error: expect.stringMatching(/^Line 2/) });
  });

  it("turns checkboxes, numbers and text into the API's input", () => {
    const form = new FormData();
    form.set("name", "API");
    form.set("url", "https://example.com");
    form.set("intervalSeconds", "30");
    form.set("timeoutSeconds", "");
    form.set("followRedirects", "on");
    form.set("headers", "X-A: 1");
    const { input, errors } = monitorFormToInput(form);
    expect(errors).toEqual([]);
    expect(input).toMatchObject({ name: "API", intervalSeconds: 30, followRedirects: true, enabled: false, keywordMustBeAbsent: false, headers: { "X-A": "1" } });
    expect(input).not.toHaveProperty("timeoutSeconds");
  });
});
