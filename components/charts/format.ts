// Formatting for charts and tables, run in the browser so that times are in the user's own time
// zone (Intl picks it up). Day buckets are UTC days: labelled by their UTC date, with the exact
// span in local time in tooltips.
import type { Granularity } from "@/lib/stats/ranges";

const cache = new Map<string, Intl.DateTimeFormat>();
function formatter(options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = JSON.stringify(options);
  let format = cache.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(undefined, options);
    cache.set(key, format);
  }
  return format;
}

export function formatDateTime(time: string | number | Date, options: Intl.DateTimeFormatOptions = { dateStyle: "medium", timeStyle: "short" }): string {
  return formatter(options).format(new Date(time));
}

/** Axis tick: hour buckets in local time, day buckets by UTC date. */
export function tickLabel(time: number, granularity: Granularity, spanHours: number): string {
  if (granularity === "day") return formatter({ month: "short", day: "numeric", timeZone: "UTC" }).format(time);
  if (spanHours <= 24) return formatter({ hour: "numeric", minute: "2-digit" }).format(time);
  return formatter({ weekday: "short", hour: "numeric" }).format(time);
}

/** Tooltip title of a bucket: exact, in the user's time zone. */
export function bucketTitle(start: number, granularity: Granularity): { title: string; detail: string } {
  if (granularity === "hour") {
    const end = start + 3_600_000;
    return {
      title: formatter({ weekday: "short", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" }).format(start),
      detail: `until ${formatter({ hour: "2-digit", minute: "2-digit", timeZoneName: "short" }).format(end)}`,
    };
  }
  const end = start + 86_400_000;
  const local = { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" } as const;
  return {
    title: `${formatter({ weekday: "short", month: "short", day: "numeric", year: "numeric", timeZone: "UTC" }).format(start)} (UTC day)`,
    detail: `${formatter(local).format(start)} – ${formatter({ ...local, timeZoneName: "short" }).format(end)}`,
  };
}

export function formatMs(value: number | null | undefined): string {
  if (value === null || value === undefined) return "—";
  if (value >= 10_000) return `${(value / 1000).toFixed(1)} s`;
  if (value >= 100) return `${Math.round(value)} ms`;
  return `${value.toFixed(1)} ms`;
}

export function formatPercent(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined) return "—";
  if (value === 100) return "100%";
  // Never round 99.996 up to a misleading "100.00%".
  const factor = 10 ** digits;
  return `${(Math.floor(value * factor) / factor).toFixed(digits)}%`;
}

export function formatCount(value: number): string {
  return value.toLocaleString();
}

export function formatSeconds(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return "—";
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** Colour of an uptime value, shared by bars and strips. */
export function uptimeColor(value: number | null): string {
  if (value === null) return "var(--chart-empty)";
  if (value >= 99.9) return "#10b981";
  if (value >= 99) return "#eab308";
  if (value >= 95) return "#f97316";
  return "#ef4444";
}

export const SERIES = {
  p50: "#6366f1",
  p95: "#f59e0b",
  p99: "#ef4444",
  dns: "#a78bfa",
  connect: "#38bdf8",
  tls: "#34d399",
  ttfb: "#6366f1",
  transfer: "#f472b6",
  incident502: "#e11d48",
} as const;

const KIND_COLORS: Record<string, string> = {
  HTTP_502: "#f43f5e",
  HTTP_503: "#f59e0b",
  HTTP_504: "#8b5cf6",
  HTTP_5XX: "#fb923c",
  HTTP_4XX: "#eab308",
  HTTP_UNEXPECTED_STATUS: "#a3a3a3",
  RESPONSE_TIMEOUT: "#0ea5e9",
  BODY_TIMEOUT: "#06b6d4",
  CONNECT_TIMEOUT: "#3b82f6",
  CONNECT_REFUSED: "#14b8a6",
  CONNECTION_RESET: "#10b981",
  DNS_NXDOMAIN: "#84cc16",
  DNS_FAILURE: "#65a30d",
  TLS_CERT_EXPIRED: "#d946ef",
  TLS_CERT_UNTRUSTED: "#c026d3",
  TLS_HOSTNAME_MISMATCH: "#a855f7",
  TLS_HANDSHAKE: "#9333ea",
  INVALID_RESPONSE: "#78716c",
  ASSERTION_FAILED: "#ec4899",
  UNKNOWN: "#71717a",
};

export function kindColor(kind: string): string {
  return KIND_COLORS[kind] ?? "#71717a";
}

export const CLASS_COLORS = { "502": "#f43f5e", "503": "#f59e0b", "504": "#8b5cf6", other: "#64748b" } as const;
