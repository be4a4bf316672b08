// The outbox as the user sees it: every alert, its status and each delivery attempt with the
// exact error; the message itself on demand.
export type DeliveryLogRow = {
  id: string;
  event: string;
  status: string;
  sequence: number;
  monitorName: string | null;
  incidentId: string | null;
  channel: string;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  nextAttemptAt: string | null;
  sentAt: string | null;
  subject: string | null;
  text: string | null;
  attemptLog: Array<{ number: number; at: string; durationMs: number; ok: boolean; response: string | null; error: string | null }>;
};

const STATUS_STYLES: Record<string, string> = {
  SENT: "bg-green-100 text-green-800 dark:bg-green-950 dark:text-green-300",
  PENDING: "bg-amber-100 text-amber-800 dark:bg-amber-950 dark:text-amber-300",
  FAILED: "bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-300",
  SUPPRESSED: "bg-zinc-100 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300",
};

function when(iso: string): string {
  return new Date(iso).toLocaleString();
}

export function DeliveryLog({ alerts }: { alerts: DeliveryLogRow[] }) {
  if (alerts.length === 0) return <p className="px-4 py-3 text-sm text-zinc-600 dark:text-zinc-400">No alerts yet. They appear here as soon as an incident opens.</p>;
  return (
    <ul className="divide-y divide-zinc-100 dark:divide-zinc-800" data-testid="delivery-log">
      {alerts.map((alert) => (
        <li key={alert.id} className="px-4 py-2 text-sm" data-testid="delivery-log-row" data-status={alert.status}>
          <details>
            <summary className="flex cursor-pointer flex-wrap items-center gap-x-3 gap-y-1">
              <span className="w-40 text-xs text-zinc-500">{when(alert.createdAt)}</span>
              <span className={`rounded px-1.5 py-0.5 text-xs font-medium ${STATUS_STYLES[alert.status] ?? ""}`}>{alert.status.toLowerCase()}</span>
              <span className="font-mono text-xs">{alert.event === "REMINDER" ? `REMINDER #${alert.sequence}` : alert.event}</span>
              <span className="font-medium">{alert.monitorName ?? "—"}</span>
              <span className="text-zinc-600 dark:text-zinc-400">→ {alert.channel}</span>
              <span className="text-xs text-zinc-500">
                {alert.attempts} {alert.attempts === 1 ? "attempt" : "attempts"}
                {alert.sentAt ? ` · sent ${when(alert.sentAt)}` : alert.nextAttemptAt ? ` · next try ${when(alert.nextAttemptAt)}` : ""}
              </span>
              {alert.lastError ? <span className="basis-full break-all pl-[10.75rem] text-xs text-red-700 dark:text-red-400">{alert.lastError}</span> : null}
            </summary>
            <div className="mt-2 space-y-2 pl-[10.75rem]">
              {alert.attemptLog.length > 0 ? (
                <ol className="space-y-0.5 text-xs">
                  {alert.attemptLog.map((attempt) => (
                    <li key={attempt.number} className={attempt.ok ? "text-green-700 dark:text-green-400" : "text-red-700 dark:text-red-400"}>
                      #{attempt.number} {when(attempt.at)} ({attempt.durationMs} ms): <span className="break-all font-mono">{attempt.ok ? attempt.response : attempt.error}</span>
                    </li>
                  ))}
                </ol>
              ) : (
                <p className="text-xs text-zinc-500">Not attempted yet.</p>
              )}
              {alert.subject ? (
                <div className="rounded border border-zinc-200 p-2 dark:border-zinc-800">
                  <p className="font-medium">{alert.subject}</p>
                  <pre className="mt-1 max-h-80 overflow-auto whitespace-pre-wrap text-xs">{alert.text}</pre>
                </div>
              ) : (
                <p className="text-xs text-zinc-500">The message is rendered at the first delivery attempt (a DOWN alert waits up to 20 s for the diagnosis).</p>
              )}
            </div>
          </details>
        </li>
      ))}
    </ul>
  );
}
