import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { requireUser } from "@/lib/auth/session";
import { getMonitor } from "@/lib/monitors/service";
import { MonitorActions } from "@/components/monitors/monitor-actions";
import { StateBadge } from "@/components/monitors/state-badge";
import { Card } from "@/components/ui";
import { AutoRefresh } from "@/components/auto-refresh";
import { CheckNowButton } from "@/components/monitors/check-now-button";
import { ChecksTable } from "@/components/monitors/checks-table";
import { listChecks } from "@/lib/checks/service";
import { ERROR_KIND_LABELS } from "@/lib/probes/error-kinds";
import { openIncidentFor, transientBlips } from "@/lib/incidents/service";
import { DiagnosisPanel, type StoredDiagnosis } from "@/components/incidents/diagnosis-panel";
import Link from "next/link";

export const metadata: Metadata = { title: "Monitor" };

function Detail({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt className="text-xs uppercase tracking-wide text-zinc-500">{label}</dt>
      <dd className="mt-0.5 break-all text-sm">{children}</dd>
    </div>
  );
}

export default async function MonitorPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireUser();
  const { id } = await params;
  const monitor = await getMonitor(user.id, id);
  if (!monitor) notFound();
  const [checks, incident, blips] = await Promise.all([
    listChecks(user.id, monitor.id, { limit: 25, before: null, errorKind: null }).then((rows) => rows ?? []),
    openIncidentFor(user.id, monitor.id),
    transientBlips(user.id, monitor.id, new Date(Date.now() - 7 * 86_400_000)),
  ]);
  const headerCount = Object.keys(monitor.headers as Record<string, string>).length;
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
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
        <div className="flex flex-col items-end gap-2">
          <MonitorActions monitorId={monitor.id} name={monitor.name} enabled={monitor.enabled} />
          <CheckNowButton monitorId={monitor.id} />
        </div>
      </div>
      <AutoRefresh seconds={5} />
      {incident ? (
        <Card className="border-red-300 p-5 dark:border-red-900">
          <div className="mb-2 flex flex-wrap items-baseline justify-between gap-2">
            <h2 className="text-sm font-semibold uppercase tracking-wide text-red-700 dark:text-red-400">
              Down since {incident.openedAt.toLocaleString()} — {ERROR_KIND_LABELS[incident.cause]}
            </h2>
            <Link href={`/incidents/${incident.id}`} className="text-sm text-indigo-600 hover:underline dark:text-indigo-400">
              Incident details
            </Link>
          </div>
          <DiagnosisPanel diagnosis={incident.diagnosis as StoredDiagnosis | null} />
        </Card>
      ) : null}
      <Card className="p-5">
        <dl className="grid gap-4 sm:grid-cols-3">
          <Detail label="Interval">{monitor.intervalSeconds} s</Detail>
          <Detail label="Timeout">{monitor.timeoutSeconds} s</Detail>
          <Detail label="Retries before down">{monitor.retries}</Detail>
          <Detail label="Expected status">{monitor.expectedStatus}</Detail>
          <Detail label="Keyword">{monitor.keyword ? `${monitor.keywordMustBeAbsent ? "must be absent" : "must contain"}: “${monitor.keyword}”` : "—"}</Detail>
          <Detail label="Redirects">{monitor.followRedirects ? "followed" : "not followed"}</Detail>
          <Detail label="Headers">{headerCount === 0 ? "—" : `${headerCount} set`}</Detail>
          <Detail label="Origin URL">{monitor.originUrl ?? "—"}</Detail>
          <Detail label="Last checked">{monitor.lastCheckedAt ? monitor.lastCheckedAt.toLocaleString() : "not yet"}</Detail>
          <Detail label="Transient failures (7 days)">
            {blips.length === 0 ? "none" : blips.map((blip) => `${blip.count}× ${blip.errorKind}`).join(", ")}
          </Detail>
          <Detail label="Next check">{monitor.enabled ? monitor.nextRunAt.toLocaleString() : "paused"}</Detail>
        </dl>
      </Card>
      <Card>
        <h2 className="border-b border-zinc-200 px-4 py-2.5 text-sm font-semibold dark:border-zinc-800">Latest checks</h2>
        <ChecksTable
          checks={checks.map((check) => ({ ...check, id: check.id.toString(), startedAt: check.startedAt.toISOString() }))}
        />
      </Card>
    </div>
  );
}
