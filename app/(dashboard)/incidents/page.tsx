import type { Metadata } from "next";
import Link from "next/link";
import { requireUser } from "@/lib/auth/session";
import { listIncidents, parseIncidentFilter } from "@/lib/incidents/service";
import { listMonitors } from "@/lib/monitors/service";
import { ERROR_KINDS, ERROR_KIND_LABELS } from "@/lib/probes/error-kinds";
import { formatDuration } from "@/components/incidents/format";
import { Card, Notice, buttonClass, inputClass } from "@/components/ui";
import { Suspense } from "react";
import { getIncidentCharts } from "@/lib/stats/service";
import { IncidentCharts } from "@/components/charts/incident-charts";
import { LocalTime } from "@/components/local-time";

async function ChartsSection({ userId }: { userId: string }) {
  return <IncidentCharts data={await getIncidentCharts(userId)} />;
}

function ChartsFallback() {
  return (
    <div className="grid gap-4 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]" aria-busy="true">
      {[0, 1].map((index) => (
        <Card key={index} className="p-4">
          <div className="h-3.5 w-40 animate-pulse rounded bg-zinc-200/80 dark:bg-zinc-800" />
          <div className="mt-4 h-[220px] animate-pulse rounded bg-zinc-100 dark:bg-zinc-800/60" />
        </Card>
      ))}
    </div>
  );
}

export const metadata: Metadata = { title: "Incidents" };

export default async function IncidentsPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const user = await requireUser();
  const params = new URLSearchParams(Object.entries(await searchParams).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
  const parsed = parseIncidentFilter(params);
  const filter = parsed.ok ? parsed.filter : { monitorId: null, errorKind: null, status: null, limit: 100 };
  const [incidents, monitors] = await Promise.all([listIncidents(user.id, filter), listMonitors(user.id)]);
  return (
    <div className="space-y-4">
      <h1 className="text-xl font-semibold">Incidents</h1>
      <Suspense fallback={<ChartsFallback />}>
        <ChartsSection userId={user.id} />
      </Suspense>
      {!parsed.ok ? <Notice>{parsed.message}</Notice> : null}
      <form className="flex flex-wrap items-end gap-2" method="get">
        <label className="text-sm">
          Monitor
          <select name="monitorId" defaultValue={filter.monitorId ?? ""} className={`${inputClass} mt-1`}>
            <option value="">All monitors</option>
            {monitors.map((monitor) => (
              <option key={monitor.id} value={monitor.id}>
                {monitor.name}
              </option>
            ))}
          </select>
        </label>
        <label className="text-sm">
          Cause
          <select name="errorKind" defaultValue={filter.errorKind ?? ""} className={`${inputClass} mt-1`}>
            <option value="">Any cause</option>
            {ERROR_KINDS.filter((kind) => kind !== "NONE").map((kind) => (
              <option key={kind} value={kind}>
                {ERROR_KIND_LABELS[kind]}
              </option>
            ))}
          </select>
        </label>
        <label className="text-sm">
          Status
          <select name="status" defaultValue={filter.status?.toLowerCase() ?? ""} className={`${inputClass} mt-1`}>
            <option value="">Open and resolved</option>
            <option value="open">Open</option>
            <option value="resolved">Resolved</option>
          </select>
        </label>
        <button type="submit" className={buttonClass("secondary")}>
          Filter
        </button>
        <Link href="/incidents?errorKind=HTTP_502" className="text-sm text-indigo-600 hover:underline dark:text-indigo-400">
          Only 502s
        </Link>
      </form>
      <Card className="overflow-x-auto">
        {incidents.length === 0 ? (
          <p className="p-8 text-center text-sm text-zinc-600 dark:text-zinc-400">
            No incidents{filter.monitorId || filter.errorKind || filter.status ? " match these filters" : " yet"}. An incident opens when a monitor is confirmed down.
          </p>
        ) : (
          <table className="w-full text-left text-sm">
            <thead className="border-b border-zinc-200 text-xs uppercase tracking-wide text-zinc-500 dark:border-zinc-800">
              <tr>
                <th className="px-4 py-2 font-medium">Status</th>
                <th className="px-4 py-2 font-medium">Monitor</th>
                <th className="px-4 py-2 font-medium">Cause</th>
                <th className="hidden px-4 py-2 font-medium lg:table-cell">Diagnosis</th>
                <th className="px-4 py-2 font-medium">Opened</th>
                <th className="px-4 py-2 font-medium">Duration</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
              {incidents.map((incident) => (
                <tr key={incident.id} data-incident-cause={incident.cause}>
                  <td className="px-4 py-2">
                    <span className={incident.status === "OPEN" ? "font-semibold text-red-700 dark:text-red-400" : "text-zinc-600 dark:text-zinc-400"}>
                      {incident.status === "OPEN" ? "Open" : "Resolved"}
                    </span>
                  </td>
                  <td className="px-4 py-2 font-medium">{incident.monitor.name}</td>
                  <td className="px-4 py-2">
                    <Link href={`/incidents/${incident.id}`} className="font-mono text-xs hover:underline">
                      {incident.cause}
                    </Link>
                  </td>
                  <td className="hidden max-w-md truncate px-4 py-2 text-zinc-600 lg:table-cell dark:text-zinc-400">
                    {(incident.diagnosis as { headline?: string } | null)?.headline ?? "—"}
                  </td>
                  <td className="whitespace-nowrap px-4 py-2">
                    <LocalTime value={incident.openedAt} />
                  </td>
                  <td className="whitespace-nowrap px-4 py-2">
                    {incident.durationSeconds !== null ? formatDuration(incident.durationSeconds) : `${formatDuration(Math.round((Date.now() - incident.openedAt.getTime()) / 1000))} so far`}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </div>
  );
}
