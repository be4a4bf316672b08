"use client";
import { useSyncExternalStore, type ReactNode } from "react";
import { Card } from "@/components/ui";

const subscribe = () => () => {};
/** False during server rendering and hydration, true after: charts measure the browser's layout and use its time zone. */
export function useMounted(): boolean {
  return useSyncExternalStore(subscribe, () => true, () => false);
}

export function ChartSkeleton({ height }: { height: number }) {
  return <div className="animate-pulse rounded-md bg-zinc-100 dark:bg-zinc-800/60" style={{ height }} aria-hidden data-chart-skeleton />;
}

/** A titled chart panel: skeleton until mounted, a hint instead of an empty plot. */
export function ChartCard({
  title,
  subtitle,
  height = 200,
  empty,
  legend,
  testId,
  children,
  footer,
  className = "",
}: {
  className?: string;
  title: string;
  subtitle?: ReactNode;
  height?: number;
  /** When set, shown instead of the chart. */
  empty?: ReactNode;
  legend?: ReactNode;
  testId?: string;
  children: ReactNode;
  footer?: ReactNode;
}) {
  const mounted = useMounted();
  return (
    <Card className={`min-w-0 p-4 ${className}`}>
      <div className="mb-3 flex flex-wrap items-baseline justify-between gap-x-3 gap-y-1">
        <div className="min-w-0">
          <h3 className="text-sm font-semibold">{title}</h3>
          {subtitle ? <p className="text-xs text-zinc-500 dark:text-zinc-400">{subtitle}</p> : null}
        </div>
        {legend ? <div className="flex flex-wrap gap-x-3 gap-y-1 text-xs text-zinc-600 dark:text-zinc-400">{legend}</div> : null}
      </div>
      <div data-chart={testId} style={{ height }} className="relative">
        {empty ? (
          <div className="flex h-full items-center justify-center rounded-md border border-dashed border-zinc-200 px-4 text-center text-sm text-zinc-500 dark:border-zinc-800 dark:text-zinc-400">
            {empty}
          </div>
        ) : mounted ? (
          children
        ) : (
          <ChartSkeleton height={height} />
        )}
      </div>
      {footer}
    </Card>
  );
}

export function LegendItem({ color, label, shape = "square" }: { color: string; label: string; shape?: "square" | "line" }) {
  return (
    <span className="inline-flex items-center gap-1.5">
      <span className={shape === "line" ? "h-0.5 w-3 rounded" : "h-2.5 w-2.5 rounded-sm"} style={{ background: color }} aria-hidden />
      {label}
    </span>
  );
}

export type TooltipBoxProps = { title: string; detail?: string; rows: Array<{ color?: string; label: string; value: string }>; footer?: ReactNode };

/** The box of a chart tooltip; `rows` are label/value pairs with an optional colour swatch. */
export function TooltipBox({ title, detail, rows, footer }: TooltipBoxProps) {
  return (
    <div className="min-w-44 rounded-md border border-zinc-200 bg-white/95 px-3 py-2 text-xs shadow-lg backdrop-blur dark:border-zinc-700 dark:bg-zinc-900/95">
      <p className="font-semibold text-zinc-900 dark:text-zinc-100">{title}</p>
      {detail ? <p className="text-zinc-500 dark:text-zinc-400">{detail}</p> : null}
      {rows.length > 0 ? (
        <dl className="mt-1.5 space-y-0.5">
          {rows.map((row) => (
            <div key={row.label} className="flex items-center justify-between gap-4">
              <dt className="flex items-center gap-1.5 text-zinc-600 dark:text-zinc-400">
                {row.color ? <span className="h-2 w-2 rounded-sm" style={{ background: row.color }} aria-hidden /> : null}
                {row.label}
              </dt>
              <dd className="font-mono font-medium tabular-nums text-zinc-900 dark:text-zinc-100">{row.value}</dd>
            </div>
          ))}
        </dl>
      ) : null}
      {footer}
    </div>
  );
}
