// One description of a valid monitor, shared by the form (Server Actions) and the REST API.
import { z } from "zod";
import { isStorableText, UNSTORABLE_TEXT } from "../db/storable";
import { parseStatusRanges } from "../probes/expected-status";

export const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
export const MONITOR_TYPES = ["HTTP", "TCP"] as const;

const MAX_HEADERS_BYTES = 8 * 1024;
const MAX_BODY_BYTES = 64 * 1024;
// RFC 9110 token characters.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
  } catch {
    return false;
  }
}

function isTcpAddress(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "tcp:" && url.hostname !== "" && url.port !== "";
  } catch {
    return false;
  }
}

const wholeNumber = (label: string, min: number, max: number) =>
  z
    .number({ error: `${label} must be a number` })
    .int({ error: `${label} must be a whole number` })
    .min(min, { error: `${label} must be at least ${min}` })
    .max(max, { error: `${label} must be at most ${max}` });

const storable = (label: string) => ({ error: `${label} ${UNSTORABLE_TEXT}` });

const optionalText = (label: string, max: number) =>
  z
    .string({ error: `${label} must be text` })
    .max(max, { error: `${label} must be at most ${max} characters` })
    .refine(isStorableText, storable(label))
    .nullish()
    .transform((value) => (value === undefined || value === null || value === "" ? null : value));

export const monitorInputSchema = z
  .strictObject(
    {
      name: z
        .string({ error: "Name is required" })
        .trim()
        .min(1, { error: "Name is required" })
        .max(100, { error: "Name must be at most 100 characters" })
        .refine(isStorableText, storable("Name")),
      type: z.enum(MONITOR_TYPES, { error: "Type must be HTTP or TCP" }).default("HTTP"),
      url: z
        .string({ error: "URL is required" })
        .trim()
        .min(1, { error: "URL is required" })
        .max(2048, { error: "URL must be at most 2048 characters" })
        .refine(isStorableText, storable("URL"))
        // Checked here as well as per type below, so a bad URL is reported alongside other errors.
        .refine((value) => isHttpUrl(value) || isTcpAddress(value), { error: "URL must start with http:// or https://" }),
      method: z.enum(HTTP_METHODS, { error: `Method must be one of ${HTTP_METHODS.join(", ")}` }).default("GET"),
      headers: z
        .record(z.string(), z.string({ error: "Header values must be text" }), { error: "Headers must be an object of name → value" })
        .default({})
        .superRefine((headers, ctx) => {
          let size = 0;
          for (const [name, value] of Object.entries(headers)) {
            if (!HEADER_NAME.test(name)) ctx.addIssue({ code: "custom", message: `"${name}" is not a valid header name` });
            if (/[\r\n\0]/.test(value)) ctx.addIssue({ code: "custom", message: `The value of ${name} must not contain line breaks` });
            else if (!isStorableText(value)) ctx.addIssue({ code: "custom", message: `The value of ${name} ${UNSTORABLE_TEXT}` });
            size += Buffer.byteLength(name) + Buffer.byteLength(value) + 4;
          }
          if (size > MAX_HEADERS_BYTES) ctx.addIssue({ code: "custom", message: "Headers must be at most 8 KB in total" });
        }),
      body: z
        .string({ error: "Body must be text" })
        .refine(isStorableText, storable("Body"))
        .nullish()
        .transform((value) => (value ? value : null))
        .refine((value) => value === null || Buffer.byteLength(value) <= MAX_BODY_BYTES, { error: "Body must be at most 64 KB" }),
      expectedStatus: z
        .string({ error: "Expected status must be text such as 200-299,301" })
        .trim()
        .default("200-399")
        .superRefine((value, ctx) => {
          try {
            parseStatusRanges(value);
          } catch (error) {
            ctx.addIssue({ code: "custom", message: (error as Error).message });
          }
        }),
      keyword: optionalText("Keyword", 1000),
      keywordMustBeAbsent: z.boolean({ error: "keywordMustBeAbsent must be true or false" }).default(false),
      intervalSeconds: wholeNumber("Interval", 10, 86_400).default(60),
      timeoutSeconds: wholeNumber("Timeout", 1, 60).default(10),
      retries: wholeNumber("Retries", 0, 10).default(2),
      followRedirects: z.boolean({ error: "followRedirects must be true or false" }).default(true),
      originUrl: optionalText("Origin URL", 2048).refine((value) => value === null || isHttpUrl(value), {
        error: "Origin URL must start with http:// or https://",
      }),
      enabled: z.boolean({ error: "enabled must be true or false" }).default(true),
    },
  )
  .superRefine((monitor, ctx) => {
    if (monitor.type === "HTTP" && !isHttpUrl(monitor.url)) {
      ctx.addIssue({ code: "custom", path: ["url"], message: "URL must start with http:// or https://" });
    }
    if (monitor.type === "TCP" && !isTcpAddress(monitor.url)) {
      ctx.addIssue({ code: "custom", path: ["url"], message: "A TCP monitor's address looks like tcp://host:port" });
    }
    if (monitor.timeoutSeconds >= monitor.intervalSeconds) {
      ctx.addIssue({ code: "custom", path: ["timeoutSeconds"], message: "Timeout must be shorter than the interval" });
    }
  });

export type MonitorInput = z.output<typeof monitorInputSchema>;
export type MonitorField = keyof MonitorInput;
/** `field` is null when the input as a whole is wrong (not an object, malformed JSON). */
export type FieldError = { field: string | null; message: string };

export type ValidationResult = { ok: true; value: MonitorInput } | { ok: false; errors: FieldError[] };

export function validateMonitorInput(raw: unknown): ValidationResult {
  const result = monitorInputSchema.safeParse(raw);
  if (result.success) return { ok: true, value: result.data };
  // One message per field: the first, most basic one.
  const errors = new Map<string | null, FieldError>();
  for (const issue of result.error.issues) {
    const error: FieldError =
      issue.code === "unrecognized_keys"
        ? { field: issue.keys[0], message: `Unknown field "${issue.keys[0]}"` }
        : issue.path.length === 0
          ? { field: null, message: "Expected a JSON object with the monitor's fields" }
          : { field: String(issue.path[0]), message: issue.message };
    if (!errors.has(error.field)) errors.set(error.field, error);
  }
  return { ok: false, errors: [...errors.values()] };
}
