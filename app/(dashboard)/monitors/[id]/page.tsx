import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Suspense } from "react";
import { requireUser } from "@/lib/auth/session";
import { decryptMonitorHeaders } from "@/lib/monitors/headers";
import { getMonitor } from "@/lib/monitors/service";
import { MonitorActions } from "@/components/monitors/monitor-actions";
import { StateBadge } from "@/components/monitors/state-badge";
import { Card } from "@/components/ui";
import { AutoRefresh } from "@/components/auto-refresh";
import { CheckNowButton } from "@/components/monitors/check-now-button";
import { ChecksTable } from "@/components/monitors/checks-table";
import { listChecks } from "@/lib/checks/service";
import { ERROR_KINDS, ERROR_KIND_LABELS, type ErrorKind } from "@/lib/probes/error-kinds";
import { openIncidentFor, transientBlips } from "@/lib/incidents/service";
import { DiagnosisPanel, type StoredDiagnosis } from "@/components/incidents/diagnosis-panel";
import { isRange, RANGE_SPECS, type Range } from "@/lib/stats/ranges";
import { getMonitorStats, type MonitorStats } from "@/lib/stats/service";
import { MonitorCharts } from "@/components/charts/monitor-charts";
import { RangePicker } from "@/components/dashboard/range-picker";
import { StatTile } from "@/components/dashboard/stat-tile";
import { ChartsSkeleton } from "@/components/dashboard/skeletons";
import { LocalTime } from "@/components/local-time";
import { formatCount, formatMs, formatPercent, formatSeconds } from "@/components/charts/format";

export const metadata: Metadata = { title: "Monitor" };

function Detail({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt className="text-xs uppercase tracking-wide text-zinc-500">{label}</dt>
      <dd className="mt-0.5 break-all text-sm">{children}</dd>
    </div>
  );
}

const INCIDENTS_SHOWN = 15;

function IncidentList({ stats }: { stats: MonitorStats }) {
  const label = RANGE_SPECS[stats.range].label;
  return (
    <Card>
      <div className="flex flex-wrap items-baseline justify-between gap-2 border-b border-zinc-200 px-3 py-2 sm:px-4.5 dark:border-zinc-800">
        <h2 className="text-sm font-semibold">Incidents · last {label}</h2>
        <Link href={`/incidents?monitorId=${stats.monitorId}`} className="text-xs text-indigo-600 hover:underline dark:text-indigo-400">
          All incidents of this monitor
        </Link>
      </div>
      {stats.incidents.length === 0 ? (
        <p className="px-4 py-6 text-center text-sm text-zinc-500 dark:text-zinc-400">No incidents in the last {label}. An incident opens when a failure outlasts the retries.</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm">
            <thead className="border-b border-zinc-200 text-xs uppercase tracking-wide text-zinc-500 dark:border-zinc-800">
              <tr>
                <th className="px-3 py-2 sm:px-4 font-medium">Opened</th>
                <th className="px-3 py-2 sm:px-4 font-medium">Cause</th>
                <th className="px-3 py-2 sm:px-4 font-medium">Duration</th>
                <th className="hidden px-3 py-2 sm:px-4 font-medium md:table-cell">Diagnosis</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
              {stats.incidents.slice(0, INCIDENTS_SHOWN).map((incident) => (
                <tr key={incident.id} data-incident-row={incident.cause}>
                  <td className="whitespace-nowrap px-3 py-2 sm:px-4">
                    <Link href={`/incidents/${incident.id}`} className="hover:underline">
                      <LocalTime value={incident.openedAt} options={{ month: "short", day: "numeric", hour: "numeric", minute: "2-digit" }} />
                    </Link>
                  </td>
                  <td className="whitespace-nowrap px-3 py-2 sm:px-4">
                    <span className={`font-mono text-xs ${incident.cause === "HTTP_502" ? "font-semibold text-rose-700 dark:text-rose-400" : ""}`}>{incident.cause}</span>
                  </td>
                  <td className="whitespace-nowrap px-3 py-2 sm:px-4 tabular-nums">
                    {incident.status === "OPEN" ? <span className="font-semibold text-red-700 dark:text-red-400">ongoing</span> : formatSeconds(incident.durationSeconds)}
                  </td>
                  <td className="hidden max-w-md px-3 py-2 sm:px-4 text-zinc-600 md:table-cell dark:text-zinc-400">
                    <span className="line-clamp-2" title={incident.summary ?? undefined}>
                      {incident.headline ?? "—"}
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {stats.incidents.length > INCIDENTS_SHOWN ? (
            <p className="border-t border-zinc-200 px-3 py-2 sm:px-4 text-xs text-zinc-500 dark:border-zinc-800 dark:text-zinc-400">
              Showing the latest {INCIDENTS_SHOWN} of {stats.incidents.length}.{" "}
              <Link href={`/incidents?monitorId=${stats.monitorId}`} className="text-indigo-600 hover:underline dark:text-indigo-400">
                See them all
              </Link>
            </p>
          ) : null}
        </div>
      )}
    </Card>
  );
}

async function StatsSection({ userId, monitorId, range }: { userId: string; monitorId: string; range: Range }) {
  const stats = await getMonitorStats(userId, monitorId, range);
  if (!stats) return null;
  const failed = stats.checks.down + stats.checks.transient;
  const incidents502 = stats.incidents.filter((incident) => incident.cause === "HTTP_502" && Date.parse(incident.openedAt) >= Date.parse(stats.from)).length;
  const exact = range === "24h";
  return (
    <div className="space-y-4">
      <div className="grid grid-cols-2 gap-3 lg:grid-cols-4" data-testid="monitor-tiles">
        <StatTile
          label={`Uptime · ${range.replace(/(\d+)/, "$1 ")}`}
          value={formatPercent(stats.uptimePercent, 3)}
          detail={stats.checks.total ? `${formatCount(stats.checks.down)} down checks` : "no checks yet"}
          tone={stats.uptimePercent === null ? "neutral" : stats.uptimePercent >= 99.9 ? "good" : stats.uptimePercent >= 99 ? "warn" : "bad"}
          testId="uptime"
        />
        <StatTile
          label="p95 latency"
          value={formatMs(stats.latency.p95)}
          detail={`p50 ${formatMs(stats.latency.p50)} · p99 ${formatMs(stats.latency.p99)}${exact ? "" : " · from rollups"}`}
          testId="latency"
        />
        <StatTile label="Checks" value={formatCount(stats.checks.total)} detail={`${formatCount(failed)} failed · ${formatCount(stats.checks.transient)} transient`} testId="checks" />
        <StatTile label="502 incidents" value={String(incidents502)} detail={`${formatCount(stats.errorKinds.HTTP_502 ?? 0)} checks answered 502`} tone={incidents502 ? "warn" : "neutral"} testId="incidents-502" />
      </div>
      <MonitorCharts stats={stats} />
      <IncidentList stats={stats} />
    </div>
  );
}

async function RecentChecks({ userId, monitorId, kind, range }: { userId: string; monitorId: string; kind: ErrorKind | null; range: Range }) {
  const [checks, stats] = await Promise.all([
    listChecks(userId, monitorId, { limit: 25, before: null, errorKind: kind }).then((rows) => rows ?? []),
    getMonitorStats(userId, monitorId, "7d"),
  ]);
  // The kinds seen recently, plus the one selected.
  const kinds = Object.entries(stats?.errorKinds ?? {}).sort((a, b) => b[1] - a[1]);
  if (kind && !kinds.some(([name]) => name === kind)) kinds.push([kind, 0]);
  const href = (value: string | null) => `/monitors/${monitorId}?${new URLSearchParams({ ...(range !== "24h" ? { range } : {}), ...(value ? { kind: value } : {}) })}#checks`;
  const chip = (active: boolean) =>
    `inline-flex items-center gap-1 rounded-full border px-2.5 py-0.5 text-xs font-medium ${
      active ? "border-indigo-600 bg-indigo-600 text-white" : "border-zinc-300 text-zinc-700 hover:bg-zinc-100 dark:border-zinc-700 dark:text-zinc-300 dark:hover:bg-zinc-800"
    }`;
  return (
    <Card>
      <div id="checks" className="flex flex-wrap items-center gap-2 border-b border-zinc-200 px-4 py-2.5 dark:border-zinc-800">
        <h2 className="mr-2 text-sm font-semibold">Recent checks</h2>
        <nav className="flex flex-wrap gap-1.5" aria-label="Filter checks by error kind">
          <Link href={href(null)} scroll={false} className={chip(kind === null)} aria-current={kind === null ? "true" : undefined}>
            All
          </Link>
          {kinds.map(([name, count]) => (
            <Link key={name} href={href(name)} scroll={false} className={chip(kind === name)} aria-current={kind === name ? "true" : undefined} title={ERROR_KIND_LABELS[name as ErrorKind]} data-kind-filter={name}>
              {name}
              {count ? <span className="opacity-70">{count}</span> : null}
            </Link>
          ))}
        </nav>
        {kinds.length === 0 ? <span className="text-xs text-zinc-500 dark:text-zinc-400">No failures in the last 7 days to filter by.</span> : null}
      </div>
      <ChecksTable
        checks={checks.map((check) => ({ ...check, id: check.id.toString(), startedAt: check.startedAt.toISOString() }))}
        emptyText={kind ? `No ${kind} checks recorded.` : undefined}
      />
    </Card>
  );
}

export default async function MonitorPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser();
  const [{ id }, query] = await Promise.all([params, searchParams]);
  const range: Range = isRange(query.range) ? query.range : "24h";
  const kind = typeof query.kind === "string" && (ERROR_KINDS as readonly string[]).includes(query.kind) ? (query.kind as ErrorKind) : null;
  const monitor = await getMonitor(user.id, id);
  if (!monitor) notFound();
  const [incident, blips] = await Promise.all([openIncidentFor(user.id, monitor.id), transientBlips(user.id, monitor.id, new Date(Date.now() - 7 * 86_400_000))]);
  const headerCount = Object.keys(decryptMonitorHeaders(monitor.encryptedHeaders, monitor.legacyHeaders)).length;
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <h1 className="text-xl font-semibold" data-testid="monitor-name">
            {monitor.name}
          </h1>
          <p className="mt-0.5 break-all font-mono text-xs text-zinc-600 dark:text-zinc-400">
            {monitor.type === "HTTP" ? `${monitor.method} ` : ""}
            {monitor.url}
          </p>
          <div className="mt-2 flex flex-wrap items-center gap-3">
            <StateBadge state={monitor.state} enabled={monitor.enabled} />
            {monitor.lastErrorKind && monitor.lastErrorKind !== "NONE" ? (
              <span className="text-sm text-zinc-600 dark:text-zinc-400" data-testid="last-error-kind">
                last failure: <span className="font-mono">{monitor.lastErrorKind}</span> ({ERROR_KIND_LABELS[monitor.lastErrorKind]})
              </span>
            ) : null}
          </div>
        </div>
        <div className="flex flex-col items-start gap-2 sm:items-end">
          <MonitorActions monitorId={monitor.id} name={monitor.name} enabled={monitor.enabled} />
          <CheckNowButton monitorId={monitor.id} />
        </div>
      </div>
      <AutoRefresh seconds={10} />
      {incident ? (
        <Card className="border-red-300 p-5 dark:border-red-900">
          <div className="mb-2 flex flex-wrap items-baseline justify-between gap-2">
            <h2 className="text-sm font-semibold uppercase tracking-wide text-red-700 dark:text-red-400">
              Down since <LocalTime value={incident.openedAt} /> — {ERROR_KIND_LABELS[incident.cause]}
            </h2>
            <Link href={`/incidents/${incident.id}`} className="text-sm text-indigo-600 hover:underline dark:text-indigo-400">
              Incident details
            </Link>
          </div>
          <DiagnosisPanel diagnosis={incident.diagnosis as StoredDiagnosis | null} />
        </Card>
      ) : null}
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 className="text-sm font-semibold text-zinc-700 dark:text-zinc-300">
          Last {RANGE_SPECS[range].label} <span className="font-normal text-zinc-500">· per {RANGE_SPECS[range].granularity === "hour" ? "hour" : "UTC day"}, times in your time zone</span>
        </h2>
        <RangePicker current={range} basePath={`/monitors/${monitor.id}`} params={{ kind: kind ?? undefined }} />
      </div>
      <Suspense key={range} fallback={<ChartsSkeleton />}>
        <StatsSection userId={user.id} monitorId={monitor.id} range={range} />
      </Suspense>
      <Suspense fallback={<Card className="h-40 animate-pulse">{null}</Card>}>
        <RecentChecks userId={user.id} monitorId={monitor.id} kind={kind} range={range} />
      </Suspense>
      <Card className="p-5">
        <h2 className="mb-3 text-sm font-semibold">Settings</h2>
        <dl className="grid gap-4 sm:grid-cols-3">
          <Detail label="Interval">{monitor.intervalSeconds} s</Detail>
          <Detail label="Timeout">{monitor.timeoutSeconds} s</Detail>
          <Detail label="Retries before down">{monitor.retries}</Detail>
          <Detail label="Expected status">{monitor.expectedStatus}</Detail>
          <Detail label="Keyword">{monitor.keyword ? `${monitor.keywordMustBeAbsent ? "must be absent" : "must contain"}: “${monitor.keyword}”` : "—"}</Detail>
          <Detail label="Redirects">{monitor.followRedirects ? "followed" : "not followed"}</Detail>
          <Detail label="Headers">{headerCount === 0 ? "—" : `${headerCount} set`}</Detail>
          <Detail label="Origin URL">{monitor.originUrl ?? "—"}</Detail>
          <Detail label="Last checked">{monitor.lastCheckedAt ? <LocalTime value={monitor.lastCheckedAt} /> : "not yet"}</Detail>
          <Detail label="Transient failures (7 days)">
            {blips.length === 0 ? "none" : blips.map((blip) => `${blip.count}× ${blip.errorKind}`).join(", ")}
          </Detail>
          <Detail label="Next check">{monitor.enabled ? <LocalTime value={monitor.nextRunAt} /> : "paused"}</Detail>
        </dl>
      </Card>
    </div>
  );
}
