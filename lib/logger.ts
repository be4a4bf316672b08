import pino, { type DestinationStream } from "pino";

// Values that are secrets under these keys wherever they sit in a log object (up to four levels
// deep). Monitor headers go whole: any header name may carry a token.
const SECRET_KEYS = [
  "authorization",
  "proxy-authorization",
  "cookie",
  "set-cookie",
  "password",
  "currentPassword",
  "newPassword",
  "secret",
  "token",
  "accessToken",
  "refreshToken",
  "idToken",
  "apiKey",
  "x-api-key",
  "headers",
  "encryptedHeaders",
];
// URLs keep their host (useful when debugging) but lose any user:password.
const URL_KEYS = ["url", "smtpUrl", "SMTP_URL", "databaseUrl", "DATABASE_URL", "connectionString"];

const paths = [...SECRET_KEYS, ...URL_KEYS].flatMap((key) => {
  const property = `["${key}"]`;
  return [property, `*${property}`, `*.*${property}`, `*.*.*${property}`];
});

function censor(value: unknown, path: string[]): unknown {
  const key = String(path[path.length - 1]);
  if (!URL_KEYS.includes(key)) return "[Redacted]";
  return typeof value === "string" ? value.replace(/\/\/[^/@\s]*@/g, "//[Redacted]@") : value;
}

/** JSON lines for machines, secrets redacted; set LOG_LEVEL=debug for more. */
export function createLogger(destination?: DestinationStream) {
  const options = { level: process.env.LOG_LEVEL || "info", base: { pid: process.pid }, redact: { paths, censor } };
  // Someone reading a terminal gets pino-pretty (in pino's transport thread); piped or captured
  // output — a log shipper, the test suite — stays JSON lines.
  if (!destination && process.stdout.isTTY && !process.env.VITEST) return pino({ ...options, transport: { target: "pino-pretty" } });
  return pino(options, destination);
}

export const logger = createLogger();
