import type { ReactNode } from "react";

export function StatTile({ label, value, detail, tone = "neutral", testId }: { label: string; value: ReactNode; detail?: ReactNode; tone?: "neutral" | "good" | "bad" | "warn"; testId?: string }) {
  const tones = {
    neutral: "text-zinc-900 dark:text-zinc-100",
    good: "text-emerald-600 dark:text-emerald-400",
    bad: "text-red-600 dark:text-red-400",
    warn: "text-amber-600 dark:text-amber-400",
  };
  return (
    <div className="min-w-0 rounded-lg border border-zinc-200 bg-white px-4 py-3 shadow-sm dark:border-zinc-800 dark:bg-zinc-900" data-tile={testId}>
      <p className="text-xs font-medium uppercase tracking-wide text-zinc-500 dark:text-zinc-400">{label}</p>
      <p className={`mt-1 truncate text-xl font-semibold tabular-nums sm:text-2xl ${tones[tone]}`}>{value}</p>
      {detail ? <p className="mt-0.5 text-xs text-zinc-500 sm:truncate dark:text-zinc-400">{detail}</p> : null}
    </div>
  );
}
