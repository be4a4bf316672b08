import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { requireUser } from "@/lib/auth/session";
import { getIncident } from "@/lib/incidents/service";
import { ERROR_KIND_LABELS } from "@/lib/probes/error-kinds";
import { DiagnosisPanel, type StoredDiagnosis } from "@/components/incidents/diagnosis-panel";
import { NoteForm } from "@/components/incidents/note-form";
import { formatDuration } from "@/components/incidents/format";
import { AutoRefresh } from "@/components/auto-refresh";
import { Card } from "@/components/ui";
import { LocalTime } from "@/components/local-time";

export const metadata: Metadata = { title: "Incident" };

export default async function IncidentPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireUser();
  const incident = await getIncident(user.id, (await params).id);
  if (!incident) notFound();
  const open = incident.status === "OPEN";
  return (
    <div className="max-w-4xl space-y-4">
      {open ? <AutoRefresh seconds={10} /> : null}
      <div>
        <p className="text-sm text-zinc-500">
          <Link href={`/monitors/${incident.monitorId}`} className="hover:underline">
            {incident.monitor.name}
          </Link>
        </p>
        <h1 className="text-xl font-semibold">
          <span className={open ? "text-red-700 dark:text-red-400" : ""}>{open ? "Open" : "Resolved"}:</span> {ERROR_KIND_LABELS[incident.cause]}
        </h1>
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          Opened <LocalTime value={incident.openedAt} /> ·{" "}
          {incident.durationSeconds !== null ? `down ${formatDuration(incident.durationSeconds)}` : `down ${formatDuration(Math.round((Date.now() - incident.openedAt.getTime()) / 1000))} so far`}
        </p>
      </div>
      <Card className="p-5">
        <h2 className="mb-2 text-sm font-semibold uppercase tracking-wide text-zinc-500">Diagnosis</h2>
        <DiagnosisPanel diagnosis={incident.diagnosis as StoredDiagnosis | null} />
      </Card>
      <Card className="p-5">
        <h2 className="mb-3 text-sm font-semibold uppercase tracking-wide text-zinc-500">Timeline</h2>
        <ol className="space-y-2 border-l border-zinc-200 pl-4 text-sm dark:border-zinc-800">
          {incident.events.map((event) => (
            <li key={event.id.toString()} data-event-type={event.type}>
              <span className="text-zinc-500"><LocalTime value={event.at} options={{ dateStyle: "medium", timeStyle: "medium" }} /></span> · <span className="font-medium">{event.type.replaceAll("_", " ").toLowerCase()}</span>
              <p className={event.type === "NOTE" ? "whitespace-pre-wrap" : ""}>{event.message}</p>
            </li>
          ))}
        </ol>
        <div className="mt-4">
          <NoteForm incidentId={incident.id} />
        </div>
      </Card>
    </div>
  );
}
