// Turns the monitor form's FormData into the same input the API receives, so both are
// validated by one schema. Only the form-specific encodings live here: numbers arrive as text,
// checkboxes as presence, headers as "Name: value" lines.
import type { Monitor } from "../generated/prisma/client";
import type { FieldError } from "./schema";
import { decryptMonitorHeaders } from "./headers";

const NUMBER_FIELDS = ["intervalSeconds", "timeoutSeconds", "retries"] as const;
const BOOLEAN_FIELDS = ["keywordMustBeAbsent", "followRedirects", "enabled"] as const;
const TEXT_FIELDS = ["name", "type", "url", "method", "body", "expectedStatus", "keyword", "originUrl"] as const;

export function headersToText(headers: Record<string, string>): string {
  return Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}`)
    .join("\n");
}

export function parseHeaderLines(text: string): { headers: Record<string, string> } | { error: string } {
  const headers: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (const [index, line] of lines.entries()) {
    if (line.trim() === "") continue;
    const colon = line.indexOf(":");
    if (colon <= 0) return { error: `Line ${index + 1}: write each header as Name: value` };
    headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return { headers };
}

/** The input for the schema, plus errors only the form can have (unreadable header lines). */
export function monitorFormToInput(form: FormData): { input: Record<string, unknown>; errors: FieldError[] } {
  const input: Record<string, unknown> = {};
  for (const field of TEXT_FIELDS) {
    const value = form.get(field);
    if (typeof value === "string") input[field] = value;
  }
  for (const field of NUMBER_FIELDS) {
    const value = form.get(field);
    if (typeof value === "string" && value.trim() !== "") input[field] = Number(value);
  }
  for (const field of BOOLEAN_FIELDS) input[field] = form.get(field) === "on";
  const headers = parseHeaderLines(String(form.get("headers") ?? ""));
  if ("error" in headers) return { input, errors: [{ field: "headers", message: headers.error }] };
  input.headers = headers.headers;
  return { input, errors: [] };
}

/** Initial values as the form encodes them (text, and booleans for checkboxes). */
export type MonitorFormValues = {
  name: string;
  type: string;
  url: string;
  method: string;
  headers: string;
  body: string;
  expectedStatus: string;
  keyword: string;
  keywordMustBeAbsent: boolean;
  intervalSeconds: string;
  timeoutSeconds: string;
  retries: string;
  followRedirects: boolean;
  originUrl: string;
  enabled: boolean;
};

export const NEW_MONITOR_VALUES: MonitorFormValues = {
  name: "",
  type: "HTTP",
  url: "",
  method: "GET",
  headers: "",
  body: "",
  expectedStatus: "200-399",
  keyword: "",
  keywordMustBeAbsent: false,
  intervalSeconds: "60",
  timeoutSeconds: "10",
  retries: "2",
  followRedirects: true,
  originUrl: "",
  enabled: true,
};

/** A stored monitor as the edit form shows it. */
export function monitorToFormValues(monitor: Monitor): MonitorFormValues {
  return {
    name: monitor.name,
    type: monitor.type,
    url: monitor.url,
    method: monitor.method,
    headers: headersToText(decryptMonitorHeaders(monitor.encryptedHeaders, monitor.legacyHeaders)),
    body: monitor.body ?? "",
    expectedStatus: monitor.expectedStatus,
    keyword: monitor.keyword ?? "",
    keywordMustBeAbsent: monitor.keywordMustBeAbsent,
    intervalSeconds: String(monitor.intervalSeconds),
    timeoutSeconds: String(monitor.timeoutSeconds),
    retries: String(monitor.retries),
    followRedirects: monitor.followRedirects,
    originUrl: monitor.originUrl ?? "",
    enabled: monitor.enabled,
  };
}
