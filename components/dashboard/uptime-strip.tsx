"use client";
// A 90-day strip of daily bars, coloured by uptime and marked where 502s happened. Drawn as one
// SVG path per colour (a handful of elements per monitor, not 90), with a hover read-out.
import { useState } from "react";
import { ERROR_KIND_LABELS } from "@/lib/probes/error-kinds";
import { formatPercent, uptimeColor } from "@/components/charts/format";

const DAY_MS = 86_400_000;
const UNIT = 4; // 3 units of bar, 1 of gap
const MARK_COLOR = "#e11d48";

const dayLabel = new Intl.DateTimeFormat("en", { weekday: "short", month: "short", day: "numeric", timeZone: "UTC" });

export function UptimeStrip({ uptime, checks502, start, name }: { uptime: Array<number | null>; checks502: number[]; start: string; name: string }) {
  const [hover, setHover] = useState<number | null>(null);
  const days = uptime.length;
  const paths = new Map<string, string>();
  let marks = "";
  let markedDays = 0;
  let noData = 0;
  uptime.forEach((value, index) => {
    const color = uptimeColor(value);
    const x = index * UNIT;
    paths.set(color, `${paths.get(color) ?? ""}M${x},7h3v21h-3z`);
    if (value === null) noData++;
    if (checks502[index] > 0) {
      marks += `M${x},0h3v4h-3z`;
      markedDays++;
    }
  });
  const width = days * UNIT - 1;
  const startMs = Date.parse(start);
  const pick = (clientX: number, element: Element) => {
    const box = element.getBoundingClientRect();
    const index = Math.floor(((clientX - box.left) / box.width) * days);
    setHover(index >= 0 && index < days ? index : null);
  };
  const summary =
    noData === days
      ? `${name}: no checks in the last ${days} days`
      : `${name}: last ${days} days; 502s on ${markedDays} day${markedDays === 1 ? "" : "s"}`;
  return (
    <div className="relative" onMouseLeave={() => setHover(null)} data-uptime-strip>
      <svg
        viewBox={`0 0 ${width} 28`}
        preserveAspectRatio="none"
        className="block h-7 w-full cursor-crosshair"
        role="img"
        aria-label={summary}
        onMouseMove={(event) => pick(event.clientX, event.currentTarget)}
        onClick={(event) => pick(event.clientX, event.currentTarget)}
      >
        {[...paths.entries()].map(([color, d]) => (
          <path key={color} d={d} style={{ fill: color }} />
        ))}
        {marks ? <path d={marks} style={{ fill: MARK_COLOR }} data-502-marks /> : null}
        {hover !== null ? <rect x={hover * UNIT - 0.5} y={6} width={4} height={23} style={{ fill: "none", stroke: "var(--chart-text)", strokeWidth: 0.6 }} vectorEffect="non-scaling-stroke" /> : null}
      </svg>
      {hover !== null ? (
        <div
          className="pointer-events-none absolute bottom-full z-20 mb-1.5 w-max -translate-x-1/2 rounded-md border border-zinc-200 bg-white px-2.5 py-1.5 text-xs shadow-lg dark:border-zinc-700 dark:bg-zinc-900"
          style={{ left: `${Math.min(90, Math.max(10, ((hover + 0.5) / days) * 100))}%` }}
          role="tooltip"
        >
          <p className="font-semibold">{dayLabel.format(startMs + hover * DAY_MS)} (UTC)</p>
          <p className="text-zinc-600 dark:text-zinc-400">
            {uptime[hover] === null ? "No checks" : `${formatPercent(uptime[hover], 3)} up`}
            {checks502[hover] > 0 ? (
              <span className="ml-1 font-medium text-rose-600 dark:text-rose-400">
                · {checks502[hover]} × {ERROR_KIND_LABELS.HTTP_502}
              </span>
            ) : null}
          </p>
        </div>
      ) : null}
    </div>
  );
}
