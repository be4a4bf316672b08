import { ERROR_KIND_LABELS, type ErrorKind } from "@/lib/probes/error-kinds";
import type { Timings } from "@/lib/probes/types";
import { LocalTime } from "@/components/local-time";

export type CheckRow = {
  id: string;
  startedAt: string;
  ok: boolean;
  errorKind: ErrorKind;
  httpStatus: number | null;
  transient: boolean;
  attempt: number;
  message: string | null;
} & Timings;

const ms = (value: number | null) => (value === null ? "—" : `${value < 10 ? value.toFixed(1) : Math.round(value)}`);

export function ChecksTable({ checks, emptyText }: { checks: CheckRow[]; emptyText?: string }) {
  if (checks.length === 0) return <p className="px-4 py-6 text-center text-sm text-zinc-500">{emptyText ?? "No checks yet. The first one runs within one interval — or press “Check now”."}</p>;
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-xs">
        <thead className="border-b border-zinc-200 uppercase tracking-wide text-zinc-500 dark:border-zinc-800">
          <tr>
            <th className="px-3 py-2 font-medium">Time</th>
            <th className="px-3 py-2 font-medium">Result</th>
            <th className="hidden px-3 py-2 font-medium md:table-cell">Details</th>
            <th className="px-3 py-2 text-right font-medium" title="DNS / connect / TLS / first byte / transfer">DNS</th>
            <th className="px-3 py-2 text-right font-medium">Conn</th>
            <th className="px-3 py-2 text-right font-medium">TLS</th>
            <th className="px-3 py-2 text-right font-medium">TTFB</th>
            <th className="px-3 py-2 text-right font-medium">Xfer</th>
            <th className="px-3 py-2 text-right font-medium">Total ms</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100 font-mono dark:divide-zinc-800">
          {checks.map((check) => (
            <tr key={check.id} data-error-kind={check.errorKind}>
              <td className="whitespace-nowrap px-3 py-1.5">
                <LocalTime value={check.startedAt} options={{ month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit" }} />
              </td>
              <td className="whitespace-nowrap px-3 py-1.5">
                <span className={check.ok ? "text-emerald-700 dark:text-emerald-400" : check.transient ? "text-amber-700 dark:text-amber-400" : "text-red-700 dark:text-red-400"}>
                  {check.ok ? "OK" : check.errorKind}
                </span>
                {check.transient ? <span className="ml-1 rounded bg-amber-100 px-1 text-amber-800 dark:bg-amber-950 dark:text-amber-300">transient</span> : null}
                {check.attempt > 1 ? <span className="ml-1 text-zinc-500">retry {check.attempt - 1}</span> : null}
              </td>
              <td className="hidden max-w-xs truncate px-3 py-1.5 font-sans text-zinc-600 md:table-cell dark:text-zinc-400" title={check.message ?? undefined}>
                {check.ok ? (check.httpStatus ?? "") : (check.message ?? ERROR_KIND_LABELS[check.errorKind])}
              </td>
              <td className="px-3 py-1.5 text-right">{ms(check.dnsMs)}</td>
              <td className="px-3 py-1.5 text-right">{ms(check.connectMs)}</td>
              <td className="px-3 py-1.5 text-right">{ms(check.tlsMs)}</td>
              <td className="px-3 py-1.5 text-right">{ms(check.ttfbMs)}</td>
              <td className="px-3 py-1.5 text-right">{ms(check.transferMs)}</td>
              <td className="px-3 py-1.5 text-right font-semibold">{ms(check.totalMs)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
