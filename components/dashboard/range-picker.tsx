import Link from "next/link";
import { RANGES, RANGE_SPECS, type Range } from "@/lib/stats/ranges";

/** Segmented links that set ?range= (other query parameters kept). */
export function RangePicker({ current, basePath, params }: { current: Range; basePath: string; params: Record<string, string | undefined> }) {
  return (
    <nav className="inline-flex rounded-md border border-zinc-300 bg-white p-0.5 text-sm shadow-sm dark:border-zinc-700 dark:bg-zinc-900" aria-label="Time range">
      {RANGES.map((range) => {
        const entries: Array<[string, string | undefined]> = [...Object.entries(params), ["range", range === "24h" ? undefined : range]];
        const query = new URLSearchParams(entries.filter((entry): entry is [string, string] => Boolean(entry[1])));
        const active = range === current;
        return (
          <Link
            key={range}
            href={query.size ? `${basePath}?${query}` : basePath}
            scroll={false}
            aria-current={active ? "page" : undefined}
            title={RANGE_SPECS[range].label}
            className={`rounded px-3 py-1 font-medium tabular-nums ${active ? "bg-indigo-600 text-white" : "text-zinc-600 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800"}`}
          >
            {range.replace("h", " h").replace("d", " d")}
          </Link>
        );
      })}
    </nav>
  );
}
