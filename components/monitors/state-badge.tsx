const STATES: Record<string, { label: string; dot: string; text: string }> = {
  UP: { label: "Up", dot: "bg-emerald-500", text: "text-emerald-700 dark:text-emerald-400" },
  DOWN: { label: "Down", dot: "bg-red-500", text: "text-red-700 dark:text-red-400" },
  PENDING: { label: "Pending", dot: "bg-amber-500", text: "text-amber-700 dark:text-amber-400" },
  UNKNOWN: { label: "Waiting for first check", dot: "bg-zinc-400", text: "text-zinc-600 dark:text-zinc-400" },
  PAUSED: { label: "Paused", dot: "bg-zinc-400", text: "text-zinc-600 dark:text-zinc-400" },
};

export function StateBadge({ state, enabled }: { state: string; enabled: boolean }) {
  const shown = STATES[enabled ? state : "PAUSED"] ?? STATES.UNKNOWN;
  return (
    <span className={`inline-flex items-center gap-1.5 text-sm font-medium ${shown.text}`} data-state={enabled ? state : "PAUSED"}>
      <span className={`h-2.5 w-2.5 rounded-full ${shown.dot}`} aria-hidden />
      {shown.label}
    </span>
  );
}
