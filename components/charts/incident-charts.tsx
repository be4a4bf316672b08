"use client";
// The incidents page's charts: 502 vs 503 vs 504 vs other failures per day (incidents or failed
// checks), and the mean time to recovery per week, across all the user's monitors.
import { useState } from "react";
import { Bar, BarChart, CartesianGrid, Line, ComposedChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { TooltipContentProps } from "recharts";
import type { IncidentCharts as ChartsData } from "@/lib/stats/service";
import type { FailureClass } from "@/lib/stats/ranges";
import { ChartCard, LegendItem, TooltipBox } from "./chart-card";
import { CLASS_COLORS, bucketTitle, formatCount, formatDateTime, formatSeconds, tickLabel } from "./format";

const AXIS = { tickLine: false, axisLine: false, fontSize: 11 } as const;
const CLASSES: Array<{ key: FailureClass; label: string }> = [
  { key: "502", label: "502" },
  { key: "503", label: "503" },
  { key: "504", label: "504" },
  { key: "other", label: "Other" },
];

export function IncidentCharts({ data }: { data: ChartsData }) {
  const [mode, setMode] = useState<"incidents" | "failedChecks">("incidents");
  const days = data.days.map((day) => ({ t: Date.parse(day.start), ...day[mode] }));
  const total = days.reduce((sum, day) => sum + CLASSES.reduce((inner, { key }) => inner + day[key], 0), 0);
  const weeks = data.weeks.map((week) => ({ t: Date.parse(week.start), resolved: week.resolved, mttrMinutes: week.mttrSeconds === null ? null : week.mttrSeconds / 60, mttrSeconds: week.mttrSeconds }));
  const anyResolved = weeks.some((week) => week.resolved > 0);
  const noun = mode === "incidents" ? "incidents" : "failed checks";
  return (
    <div className="grid gap-4 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]" data-testid="incident-charts">
      <ChartCard
        title="502 vs 503 vs 504 vs other, per day"
        subtitle={`${formatCount(total)} ${noun} in the last 30 days, all monitors`}
        testId="failures-per-day"
        height={220}
        empty={total === 0 ? `No ${noun} in the last 30 days.` : undefined}
        legend={
          <>
            <div className="inline-flex rounded-md border border-zinc-300 p-0.5 dark:border-zinc-700" role="group" aria-label="Count">
              {(
                [
                  ["incidents", "Incidents"],
                  ["failedChecks", "Failed checks"],
                ] as const
              ).map(([value, label]) => (
                <button
                  key={value}
                  type="button"
                  aria-pressed={mode === value}
                  onClick={() => setMode(value)}
                  className={`rounded px-2 py-0.5 font-medium ${mode === value ? "bg-zinc-900 text-white dark:bg-zinc-100 dark:text-zinc-900" : "hover:bg-zinc-100 dark:hover:bg-zinc-800"}`}
                >
                  {label}
                </button>
              ))}
            </div>
            {CLASSES.map(({ key, label }) => (
              <LegendItem key={key} color={CLASS_COLORS[key]} label={label} />
            ))}
          </>
        }
      >
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={days} margin={{ top: 4, right: 4, bottom: 0, left: 0 }}>
            <CartesianGrid vertical={false} strokeDasharray="3 3" />
            <XAxis dataKey="t" {...AXIS} minTickGap={24} tickFormatter={(t: number) => tickLabel(t, "day", 720)} />
            <YAxis {...AXIS} width={40} allowDecimals={false} />
            <Tooltip
              isAnimationActive={false}
              content={(props: TooltipContentProps) => {
                if (!props.active || !props.payload?.length) return null;
                const row = props.payload[0].payload as (typeof days)[number];
                return (
                  <TooltipBox
                    {...bucketTitle(row.t, "day")}
                    rows={CLASSES.map(({ key, label }) => ({ label, value: formatCount(row[key]), color: CLASS_COLORS[key] }))}
                  />
                );
              }}
            />
            {CLASSES.map(({ key }) => (
              <Bar key={key} dataKey={key} stackId="classes" fill={CLASS_COLORS[key]} isAnimationActive={false} />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </ChartCard>

      <ChartCard
        title="MTTR per week"
        subtitle="Mean time to recovery of incidents opened that week"
        testId="mttr"
        height={220}
        empty={anyResolved ? undefined : "No resolved incidents in the last 12 weeks."}
        legend={
          <>
            <LegendItem color="#6366f1" label="MTTR" />
            <LegendItem color="#a1a1aa" label="Resolved" shape="line" />
          </>
        }
      >
        <ResponsiveContainer width="100%" height="100%">
          <ComposedChart data={weeks} margin={{ top: 4, right: 0, bottom: 0, left: 0 }}>
            <CartesianGrid vertical={false} strokeDasharray="3 3" />
            <XAxis dataKey="t" {...AXIS} minTickGap={16} tickFormatter={(t: number) => tickLabel(t, "day", 2000)} />
            <YAxis yAxisId="mttr" {...AXIS} width={44} tickFormatter={(minutes: number) => (minutes >= 120 ? `${Math.round(minutes / 60)}h` : `${Math.round(minutes)}m`)} />
            <YAxis yAxisId="count" orientation="right" {...AXIS} width={28} allowDecimals={false} />
            <Tooltip
              isAnimationActive={false}
              content={(props: TooltipContentProps) => {
                if (!props.active || !props.payload?.length) return null;
                const row = props.payload[0].payload as (typeof weeks)[number];
                return (
                  <TooltipBox
                    title={`Week of ${formatDateTime(row.t, { weekday: "short", month: "short", day: "numeric", timeZone: "UTC" })}`}
                    detail="Monday–Sunday, UTC"
                    rows={[
                      { label: "MTTR", value: formatSeconds(row.mttrSeconds), color: "#6366f1" },
                      { label: "Resolved incidents", value: formatCount(row.resolved), color: "#a1a1aa" },
                    ]}
                  />
                );
              }}
            />
            <Bar yAxisId="mttr" dataKey="mttrMinutes" fill="#6366f1" radius={[3, 3, 0, 0]} isAnimationActive={false} />
            <Line yAxisId="count" type="monotone" dataKey="resolved" stroke="#a1a1aa" strokeWidth={1.5} dot={{ r: 2 }} isAnimationActive={false} />
          </ComposedChart>
        </ResponsiveContainer>
      </ChartCard>
    </div>
  );
}
