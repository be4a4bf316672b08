"use client";
import { useMounted } from "@/components/charts/chart-card";
import { formatDateTime } from "@/components/charts/format";

/**
 * A time in the user's own time zone. The server cannot know that zone, so the server render
 * (and hydration) shows UTC, and the browser switches to local time right after.
 */
export function LocalTime({ value, options, className }: { value: string | Date; options?: Intl.DateTimeFormatOptions; className?: string }) {
  const mounted = useMounted();
  const iso = typeof value === "string" ? value : value.toISOString();
  const base = options ?? { dateStyle: "medium", timeStyle: "short" };
  // dateStyle/timeStyle cannot be combined with timeZoneName; timeStyle "long" names the zone.
  const withZone: Intl.DateTimeFormatOptions = base.dateStyle || base.timeStyle ? { dateStyle: base.dateStyle ?? "medium", timeStyle: "long" } : { ...base, timeZoneName: "short" };
  return (
    <time dateTime={iso} className={className} title={mounted ? formatDateTime(iso, withZone) : undefined}>
      {mounted ? formatDateTime(iso, base) : `${formatDateTime(iso, { ...base, timeZone: "UTC" })} UTC`}
    </time>
  );
}
