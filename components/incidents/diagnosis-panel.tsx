import { GATEWAY_DISPLAY_NAMES } from "@/lib/diagnosis/gateways";
import { HOP_LABELS, PROBABLE_CAUSE_LABELS, type Diagnosis } from "@/lib/diagnosis/diagnose";
import type { FollowUps } from "@/lib/diagnosis/diagnose";

export type StoredDiagnosis = Diagnosis & {
  followUps?: FollowUps;
  evidence?: { statusLine: string | null; headers: Record<string, string> | null; bodyExcerpt: string | null } | null;
  remoteIp?: string | null;
};

/** The diagnosis of an incident: what failed, where, and what to check next; evidence on demand. */
export function DiagnosisPanel({ diagnosis }: { diagnosis: StoredDiagnosis | null }) {
  if (!diagnosis) {
    return <p className="text-sm text-zinc-600 dark:text-zinc-400">Diagnosing: follow-up probes are running (at most 10 s)…</p>;
  }
  const gatewayName = diagnosis.gateway.name === "unknown" ? "Unknown" : GATEWAY_DISPLAY_NAMES[diagnosis.gateway.name];
  return (
    <div className="space-y-3" data-testid="diagnosis">
      <p className="text-base font-medium">{diagnosis.summary}</p>
      <dl className="flex flex-wrap gap-x-6 gap-y-1 text-sm">
        <div>
          <dt className="inline text-zinc-500">Failed hop: </dt>
          <dd className="inline font-semibold" data-testid="diagnosis-hop">
            {HOP_LABELS[diagnosis.hop]}
          </dd>
        </div>
        <div>
          <dt className="inline text-zinc-500">Gateway: </dt>
          <dd className="inline font-semibold" data-testid="diagnosis-gateway">
            {gatewayName}
            {diagnosis.gateway.name !== "unknown" ? <span className="font-normal text-zinc-500"> ({Math.round(diagnosis.gateway.confidence * 100)}% confidence)</span> : null}
          </dd>
        </div>
        <div>
          <dt className="inline text-zinc-500">Pattern: </dt>
          <dd className="inline font-semibold">{diagnosis.persistence}</dd>
        </div>
      </dl>
      {diagnosis.probableCauses.length > 0 ? (
        <div>
          <h3 className="text-xs font-semibold uppercase tracking-wide text-zinc-500">Probable causes</h3>
          <ol className="mt-1 list-decimal pl-5 text-sm">
            {diagnosis.probableCauses.map((cause) => (
              <li key={cause}>{PROBABLE_CAUSE_LABELS[cause]}</li>
            ))}
          </ol>
        </div>
      ) : null}
      <div>
        <h3 className="text-xs font-semibold uppercase tracking-wide text-zinc-500">What to check next</h3>
        <ul className="mt-1 list-disc space-y-1 pl-5 text-sm">
          {diagnosis.nextSteps.map((step) => (
            <li key={step}>{step}</li>
          ))}
        </ul>
      </div>
      <details className="rounded-md border border-zinc-200 p-3 text-sm dark:border-zinc-800">
        <summary className="cursor-pointer font-medium">Evidence</summary>
        <div className="mt-2 space-y-2">
          {diagnosis.evidence?.statusLine ? <p className="font-mono text-xs">{diagnosis.evidence.statusLine}</p> : null}
          {diagnosis.gateway.evidence.length > 0 ? (
            <p className="text-xs">Gateway evidence: {diagnosis.gateway.evidence.join(" · ")}</p>
          ) : null}
          {diagnosis.evidence?.headers ? (
            <pre className="max-h-48 overflow-auto rounded bg-zinc-100 p-2 text-xs dark:bg-zinc-950">
              {Object.entries(diagnosis.evidence.headers)
                .map(([name, value]) => `${name}: ${value}`)
                .join("\n")}
            </pre>
          ) : null}
          {diagnosis.evidence?.bodyExcerpt ? (
            <pre className="max-h-48 overflow-auto whitespace-pre-wrap rounded bg-zinc-100 p-2 text-xs dark:bg-zinc-950">{diagnosis.evidence.bodyExcerpt}</pre>
          ) : null}
          {diagnosis.followUps ? (
            <pre className="max-h-48 overflow-auto rounded bg-zinc-100 p-2 text-xs dark:bg-zinc-950">{JSON.stringify({ remoteIp: diagnosis.remoteIp, ...diagnosis.followUps }, null, 2)}</pre>
          ) : null}
        </div>
      </details>
    </div>
  );
}
