"use client";
// The monitors overview: summary tiles and one dense row per monitor. Rendered on the server
// with the first data, then refreshed from GET /api/v1/overview every 10 s while the tab is
// visible — no page reload.
import Link from "next/link";
import { useEffect, useMemo, useState } from "react";
import type { Overview, OverviewMonitor } from "@/lib/stats/service";
import { ERROR_KIND_LABELS, type ErrorKind } from "@/lib/probes/error-kinds";
import { formatMs, formatPercent, formatSeconds } from "@/components/charts/format";
import { LocalTime } from "@/components/local-time";
import { StatTile } from "./stat-tile";
import { UptimeStrip } from "./uptime-strip";

const REFRESH_MS = 10_000;

type Filter = "all" | "problems" | "paused";

function useLiveOverview(initial: Overview): Overview {
  const [live, setLive] = useState<Overview | null>(null);
  useEffect(() => {
    let stopped = false;
    let controller: AbortController | null = null;
    const refresh = async () => {
      if (document.visibilityState !== "visible") return;
      controller?.abort();
      controller = new AbortController();
      try {
        const response = await fetch("/api/v1/overview", { cache: "no-store", signal: controller.signal });
        if (response.ok && !stopped) setLive((await response.json()) as Overview);
      } catch {
        // offline or aborted: keep what is shown, try again next time
      }
    };
    const timer = setInterval(refresh, REFRESH_MS);
    const onVisible = () => void (document.visibilityState === "visible" && refresh());
    document.addEventListener("visibilitychange", onVisible);
    return () => {
      stopped = true;
      controller?.abort();
      clearInterval(timer);
      document.removeEventListener("visibilitychange", onVisible);
    };
  }, []);
  // A newer server render (navigation back here) wins over an older poll, and vice versa.
  return live && live.generatedAt > initial.generatedAt ? live : initial;
}

function isProblem(monitor: OverviewMonitor): boolean {
  return monitor.enabled && (monitor.state === "DOWN" || monitor.state === "PENDING" || monitor.openIncident !== null);
}

const DOTS: Record<string, { dot: string; label: string }> = {
  UP: { dot: "bg-emerald-500", label: "Up" },
  DOWN: { dot: "bg-red-500", label: "Down" },
  PENDING: { dot: "bg-amber-500", label: "Pending" },
  UNKNOWN: { dot: "bg-zinc-400", label: "Waiting for first check" },
  PAUSED: { dot: "bg-zinc-300 dark:bg-zinc-600", label: "Paused" },
};

function StatusDot({ monitor }: { monitor: OverviewMonitor }) {
  const key = monitor.enabled ? monitor.state : "PAUSED";
  const shown = DOTS[key] ?? DOTS.UNKNOWN;
  return (
    <span className="relative inline-flex h-2.5 w-2.5 shrink-0" title={shown.label} data-state={key}>
      {key === "DOWN" ? <span className="absolute inline-flex h-full w-full animate-ping rounded-full bg-red-400 opacity-60" aria-hidden /> : null}
      <span className={`relative inline-flex h-2.5 w-2.5 rounded-full ${shown.dot}`} aria-hidden />
      <span className="sr-only">{shown.label}</span>
    </span>
  );
}

function uptimeText(value: number | null): string {
  return value === null ? "—" : formatPercent(value, value >= 99.99 ? 3 : 2);
}

function uptimeClass(value: number | null): string {
  if (value === null) return "text-zinc-400 dark:text-zinc-500";
  if (value >= 99.9) return "text-zinc-900 dark:text-zinc-100";
  if (value >= 99) return "text-amber-700 dark:text-amber-400";
  return "text-red-700 dark:text-red-400";
}

function shortKind(kind: string): string {
  const match = /^HTTP_(\d{3})$/.exec(kind);
  return match ? match[1] : (ERROR_KIND_LABELS[kind as ErrorKind] ?? kind);
}

function IncidentBadge({ incident, now }: { incident: NonNullable<OverviewMonitor["openIncident"]>; now: number }) {
  return (
    <Link
      href={`/incidents/${incident.id}`}
      className="inline-flex max-w-full items-center gap-1 truncate rounded-full bg-red-50 px-2 py-0.5 text-xs font-medium text-red-700 ring-1 ring-red-200 hover:bg-red-100 dark:bg-red-950/60 dark:text-red-300 dark:ring-red-900"
      title={`Open incident: ${ERROR_KIND_LABELS[incident.cause as ErrorKind] ?? incident.cause}`}
      data-open-incident
    >
      <span className="truncate">{shortKind(incident.cause)}</span>
      <span className="font-normal opacity-80">· {formatSeconds(Math.max(0, (now - Date.parse(incident.openedAt)) / 1000))}</span>
    </Link>
  );
}

export function OverviewLive({ initial }: { initial: Overview }) {
  const data = useLiveOverview(initial);
  const [query, setQuery] = useState("");
  const [filter, setFilter] = useState<Filter>("all");
  const now = Date.parse(data.generatedAt);
  const { summary } = data;

  const shown = useMemo(() => {
    const needle = query.trim().toLowerCase();
    const matching = data.monitors.filter((monitor) => {
      if (filter === "problems" && !isProblem(monitor)) return false;
      if (filter === "paused" && monitor.enabled) return false;
      return !needle || monitor.name.toLowerCase().includes(needle) || monitor.url.toLowerCase().includes(needle);
    });
    // Problems first; otherwise the order they were added in.
    return [...matching.filter(isProblem), ...matching.filter((monitor) => !isProblem(monitor))];
  }, [data.monitors, query, filter]);

  const problems = data.monitors.filter(isProblem).length;
  const active = summary.monitors - summary.paused;

  return (
    <div className="space-y-4">
      <div className="grid grid-cols-2 gap-3 lg:grid-cols-4" data-testid="summary-tiles">
        <StatTile
          label="Monitors up"
          value={`${summary.up}/${active}`}
          detail={[summary.pending ? `${summary.pending} pending` : null, summary.unknown ? `${summary.unknown} waiting` : null, summary.paused ? `${summary.paused} paused` : null].filter(Boolean).join(" · ") || "all checked monitors"}
          tone={summary.up === active && active > 0 ? "good" : "neutral"}
          testId="up"
        />
        <StatTile label="Down" value={String(summary.down)} detail={summary.down ? "confirmed down now" : "nothing is down"} tone={summary.down ? "bad" : "neutral"} testId="down" />
        <StatTile label="Open incidents" value={String(summary.openIncidents)} detail="across all monitors" tone={summary.openIncidents ? "bad" : "neutral"} testId="open-incidents" />
        <StatTile label="502 incidents · 7 d" value={String(summary.incidents502Last7d)} detail="Bad Gateway outages" tone={summary.incidents502Last7d ? "warn" : "neutral"} testId="incidents-502" />
      </div>

      <div className="flex flex-wrap items-center gap-2">
        <input
          type="search"
          value={query}
          onChange={(event) => setQuery(event.target.value)}
          placeholder="Filter by name or URL"
          aria-label="Filter monitors by name or URL"
          className="block w-full rounded-md border border-zinc-300 bg-white px-2.5 py-1.5 text-sm shadow-sm placeholder:text-zinc-400 focus:border-indigo-500 focus:outline-none focus:ring-1 focus:ring-indigo-500 sm:w-64 dark:border-zinc-700 dark:bg-zinc-900"
        />
        <div className="inline-flex rounded-md border border-zinc-300 p-0.5 text-sm dark:border-zinc-700" role="group" aria-label="Show">
          {(
            [
              ["all", `All ${summary.monitors}`],
              ["problems", `Problems ${problems}`],
              ["paused", `Paused ${summary.paused}`],
            ] as const
          ).map(([value, label]) => (
            <button
              key={value}
              type="button"
              aria-pressed={filter === value}
              onClick={() => setFilter(value)}
              className={`rounded px-2.5 py-1 font-medium ${filter === value ? "bg-zinc-900 text-white dark:bg-zinc-100 dark:text-zinc-900" : "text-zinc-600 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800"}`}
            >
              {label}
            </button>
          ))}
        </div>
        <p className="ml-auto flex items-center gap-1.5 text-xs text-zinc-500 dark:text-zinc-400" aria-live="polite">
          <span className="h-1.5 w-1.5 rounded-full bg-emerald-500" aria-hidden />
          Live · updated <LocalTime value={data.generatedAt} options={{ hour: "2-digit", minute: "2-digit", second: "2-digit" }} />
        </p>
      </div>

      <div className="overflow-hidden rounded-lg border border-zinc-200 bg-white shadow-sm dark:border-zinc-800 dark:bg-zinc-900">
        <div className="hidden grid-cols-[minmax(0,1.2fr)_minmax(0,2fr)_4.75rem_4.75rem_4.75rem_7.5rem] gap-x-4 border-b border-zinc-200 px-4 py-2 text-xs font-medium uppercase tracking-wide text-zinc-500 md:grid dark:border-zinc-800 dark:text-zinc-400">
          <span>Monitor</span>
          <span className="flex justify-between">
            <span>Uptime · last {data.days} days</span>
            <span className="inline-flex items-center gap-1 normal-case tracking-normal">
              <span className="h-1 w-2 rounded-sm bg-rose-600" aria-hidden /> 502s
            </span>
          </span>
          <span className="text-right">24 h</span>
          <span className="text-right">30 d</span>
          <span className="text-right">p95 24 h</span>
          <span>Incident</span>
        </div>
        {shown.length === 0 ? (
          <p className="px-4 py-8 text-center text-sm text-zinc-500 dark:text-zinc-400">
            No monitors match{query ? ` “${query}”` : ""}
            {filter !== "all" ? ` under “${filter}”` : ""}.
          </p>
        ) : (
          <ul className="divide-y divide-zinc-100 dark:divide-zinc-800">
            {shown.map((monitor) => (
              <li
                key={monitor.id}
                data-monitor-row={monitor.name}
                className={`grid grid-cols-[minmax(0,1fr)_auto] items-center gap-x-4 gap-y-1.5 px-4 py-2.5 md:grid-cols-[minmax(0,1.2fr)_minmax(0,2fr)_4.75rem_4.75rem_4.75rem_7.5rem] ${
                  monitor.enabled && monitor.state === "DOWN" ? "bg-red-50/60 dark:bg-red-950/20" : "hover:bg-zinc-50 dark:hover:bg-zinc-800/40"
                }`}
              >
                <div className="col-start-1 row-start-1 min-w-0">
                  <div className="flex items-center gap-2">
                    <StatusDot monitor={monitor} />
                    <Link href={`/monitors/${monitor.id}`} className="truncate text-sm font-medium hover:underline">
                      {monitor.name}
                    </Link>
                    {!monitor.enabled ? (
                      <span className="shrink-0 rounded bg-zinc-100 px-1.5 text-[11px] font-medium text-zinc-600 dark:bg-zinc-800 dark:text-zinc-400">paused</span>
                    ) : monitor.state === "UNKNOWN" ? (
                      <span className="shrink-0 rounded bg-zinc-100 px-1.5 text-[11px] font-medium text-zinc-600 dark:bg-zinc-800 dark:text-zinc-400">no checks yet</span>
                    ) : null}
                  </div>
                  <p className="truncate pl-[18px] font-mono text-xs text-zinc-500 dark:text-zinc-400" title={monitor.url}>
                    {monitor.url}
                  </p>
                </div>
                <div className="col-span-2 row-start-2 md:col-span-1 md:col-start-2 md:row-start-1">
                  <UptimeStrip uptime={monitor.daily.uptimePercent} checks502={monitor.daily.checks502} start={data.dailyStart} name={monitor.name} />
                </div>
                <div className={`col-start-2 row-start-1 text-right text-sm font-semibold tabular-nums md:col-start-3 ${uptimeClass(monitor.uptime24h)}`} data-uptime-24h>
                  {uptimeText(monitor.uptime24h)}
                  <span className="block text-[10px] font-normal uppercase tracking-wide text-zinc-400 md:hidden">24 h</span>
                </div>
                <div className={`hidden text-right text-sm tabular-nums md:col-start-4 md:row-start-1 md:block ${uptimeClass(monitor.uptime30d)}`}>{uptimeText(monitor.uptime30d)}</div>
                <div className="hidden text-right text-sm tabular-nums text-zinc-700 md:col-start-5 md:row-start-1 md:block dark:text-zinc-300">{formatMs(monitor.p95Ms24h)}</div>
                <div className="col-span-2 row-start-3 flex min-w-0 items-center justify-between gap-2 md:col-span-1 md:col-start-6 md:row-start-1 md:justify-start">
                  <span className="text-xs tabular-nums text-zinc-500 md:hidden dark:text-zinc-400">
                    30 d {uptimeText(monitor.uptime30d)} · p95 {formatMs(monitor.p95Ms24h)}
                  </span>
                  {monitor.openIncident ? (
                    <IncidentBadge incident={monitor.openIncident} now={now} />
                  ) : (
                    <span className="hidden text-xs text-zinc-400 md:inline dark:text-zinc-500">—</span>
                  )}
                </div>
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
