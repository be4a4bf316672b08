// Placeholders shaped like what is loading, shown while the server fetches it.
const bar = "animate-pulse rounded bg-zinc-200/80 dark:bg-zinc-800";

export function OverviewSkeleton({ rows = 6 }: { rows?: number }) {
  return (
    <div className="space-y-4" aria-busy="true" aria-label="Loading monitors" data-skeleton="overview">
      <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
        {Array.from({ length: 4 }, (_, index) => (
          <div key={index} className="rounded-lg border border-zinc-200 bg-white px-4 py-3 dark:border-zinc-800 dark:bg-zinc-900">
            <div className={`${bar} h-3 w-20`} />
            <div className={`${bar} mt-2 h-7 w-14`} />
          </div>
        ))}
      </div>
      <div className="rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
        {Array.from({ length: rows }, (_, index) => (
          <div key={index} className="flex items-center gap-4 border-b border-zinc-100 px-4 py-3 last:border-0 dark:border-zinc-800">
            <div className="w-1/4 space-y-1.5">
              <div className={`${bar} h-3.5 w-3/4`} />
              <div className={`${bar} h-2.5 w-1/2`} />
            </div>
            <div className={`${bar} h-6 flex-1`} />
            <div className={`${bar} hidden h-4 w-14 md:block`} />
            <div className={`${bar} hidden h-4 w-14 md:block`} />
          </div>
        ))}
      </div>
    </div>
  );
}

export function ChartsSkeleton() {
  return (
    <div className="space-y-4" aria-busy="true" aria-label="Loading charts" data-skeleton="charts">
      <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
        {Array.from({ length: 4 }, (_, index) => (
          <div key={index} className="rounded-lg border border-zinc-200 bg-white px-4 py-3 dark:border-zinc-800 dark:bg-zinc-900">
            <div className={`${bar} h-3 w-20`} />
            <div className={`${bar} mt-2 h-7 w-16`} />
          </div>
        ))}
      </div>
      <div className="grid gap-4 lg:grid-cols-2">
        {Array.from({ length: 4 }, (_, index) => (
          <div key={index} className="rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900">
            <div className={`${bar} h-3.5 w-32`} />
            <div className={`${bar} mt-4 h-[200px] w-full`} />
          </div>
        ))}
      </div>
    </div>
  );
}
