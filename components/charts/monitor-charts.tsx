"use client";
// The monitor page's charts (recharts), fed by the server's MonitorStats. Labels and tooltips are
// formatted here, in the browser, so they are in the user's time zone.
import { useRouter } from "next/navigation";
import { Area, AreaChart, Bar, BarChart, CartesianGrid, Cell, ComposedChart, Line, LineChart, Scatter, Tooltip, XAxis, YAxis, ResponsiveContainer } from "recharts";
import type { TooltipContentProps } from "recharts";
import type { MonitorStats, StatsBucket } from "@/lib/stats/service";
import { ERROR_KIND_LABELS, type ErrorKind } from "@/lib/probes/error-kinds";
import { LocalTime } from "@/components/local-time";
import { ChartCard, LegendItem, TooltipBox, type TooltipBoxProps } from "./chart-card";
import { SERIES, bucketTitle, formatCount, formatMs, formatPercent, kindColor, tickLabel, uptimeColor } from "./format";

type Row = StatsBucket & { t: number; marker: number | null; [kind: string]: unknown };

const AXIS = { tickLine: false, axisLine: false, fontSize: 11 } as const;
const HEIGHT = 200;

function kindLabel(kind: string): string {
  return ERROR_KIND_LABELS[kind as ErrorKind] ?? kind;
}

/** Ticks of the uptime axis: tight enough to show the dips, at readable values. */
function uptimeTicks(rows: Row[]): number[] {
  const values = rows.map((row) => row.uptimePercent).filter((value): value is number => value !== null);
  const lowest = values.length ? Math.min(...values) : 100;
  if (lowest >= 99.5) return [99.5, 99.75, 100];
  if (lowest >= 99) return [99, 99.5, 100];
  if (lowest >= 98) return [98, 99, 100];
  if (lowest >= 90) return [90, 95, 100];
  const floor = Math.max(0, Math.floor(lowest / 20) * 20);
  return [floor, (floor + 100) / 2, 100];
}

/** Axis label for milliseconds: whole numbers, seconds from 1,000 ms. */
function msTick(value: number): string {
  return value >= 1000 ? `${Number((value / 1000).toFixed(1))}s` : `${Math.round(value)}ms`;
}

export function MonitorCharts({ stats }: { stats: MonitorStats }) {
  const router = useRouter();
  const granularity = stats.granularity;
  const spanHours = (Date.parse(stats.to) - Date.parse(stats.from)) / 3_600_000;
  const kinds = Object.entries(stats.errorKinds)
    .sort((a, b) => b[1] - a[1])
    .map(([kind]) => kind);
  const incidentsByBucket = new Map<number, MonitorStats["incidents"]>();
  for (const incident of stats.incidents) {
    if (incident.cause !== "HTTP_502") continue;
    const size = granularity === "hour" ? 3_600_000 : 86_400_000;
    const bucket = Math.floor(Date.parse(incident.openedAt) / size) * size;
    incidentsByBucket.set(bucket, [...(incidentsByBucket.get(bucket) ?? []), incident]);
  }
  const rows: Row[] = stats.buckets.map((bucket) => {
    const t = Date.parse(bucket.start);
    return { ...bucket, t, marker: bucket.incidents502 > 0 ? bucket.incidents502 : null, ...Object.fromEntries(kinds.map((kind) => [kind, bucket.errorKinds[kind] ?? 0])) };
  });
  const hasChecks = rows.some((row) => row.total > 0);
  const hasLatency = rows.some((row) => row.p50 !== null);
  const incidents502 = rows.reduce((sum, row) => sum + row.incidents502, 0);
  const failures = rows.reduce((sum, row) => sum + kinds.reduce((inner, kind) => inner + (row.errorKinds[kind] ?? 0), 0), 0);
  const noData = "No checks in this range yet. Charts fill in as checks run.";

  const xAxis = <XAxis dataKey="t" {...AXIS} minTickGap={28} tickFormatter={(t: number) => tickLabel(t, granularity, spanHours)} />;
  const grid = <CartesianGrid vertical={false} strokeDasharray="3 3" />;
  const title = (row: Row) => bucketTitle(row.t, granularity);
  const rowOf = (props: TooltipContentProps): Row | null => (props.active && props.payload?.length ? (props.payload[0].payload as Row) : null);
  /** The tooltip of every chart here: the hovered bucket's time span, then the chart's own rows. */
  const bucketTooltip = (details: (row: Row) => Omit<TooltipBoxProps, "title" | "detail">) => (
    <Tooltip
      isAnimationActive={false}
      content={(props) => {
        const row = rowOf(props);
        return row ? <TooltipBox {...title(row)} {...details(row)} /> : null;
      }}
    />
  );

  return (
    <div className="grid gap-4 lg:grid-cols-2" data-testid="monitor-charts">
      <ChartCard
        title="Uptime"
        subtitle={`Per ${granularity}; transient failures are not downtime`}
        testId="uptime"
        height={HEIGHT}
        empty={hasChecks ? undefined : noData}
        legend={
          <>
            <LegendItem color={uptimeColor(100)} label="≥ 99.9%" />
            <LegendItem color={uptimeColor(99.5)} label="≥ 99%" />
            <LegendItem color={uptimeColor(97)} label="≥ 95%" />
            <LegendItem color={uptimeColor(50)} label="< 95%" />
          </>
        }
      >
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={rows} margin={{ top: 4, right: 4, bottom: 0, left: 0 }} barCategoryGap={granularity === "hour" && rows.length > 48 ? 0 : "15%"}>
            {grid}
            {xAxis}
            <YAxis {...AXIS} width={48} domain={[uptimeTicks(rows)[0], 100]} ticks={uptimeTicks(rows)} allowDataOverflow tickFormatter={(value: number) => `${value}%`} />
            {bucketTooltip((row) => ({
              rows:
                row.total === 0
                  ? [{ label: "Checks", value: "none" }]
                  : [
                      { label: "Uptime", value: formatPercent(row.uptimePercent, 3), color: uptimeColor(row.uptimePercent) },
                      { label: "Checks", value: formatCount(row.total) },
                      { label: "Down", value: formatCount(row.down) },
                      { label: "Transient failures", value: formatCount(row.transient) },
                    ],
            }))}
            <Bar dataKey="uptimePercent" isAnimationActive={false} radius={[2, 2, 0, 0]}>
              {rows.map((row) => (
                <Cell key={row.t} fill={uptimeColor(row.uptimePercent)} />
              ))}
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      </ChartCard>

      <ChartCard
        title="Latency percentiles"
        subtitle="Total time of successful checks"
        testId="latency"
        height={HEIGHT}
        empty={hasLatency ? undefined : noData}
        legend={
          <>
            <LegendItem color={SERIES.p50} label="p50" shape="line" />
            <LegendItem color={SERIES.p95} label="p95" shape="line" />
            <LegendItem color={SERIES.p99} label="p99" shape="line" />
          </>
        }
      >
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={rows} margin={{ top: 4, right: 4, bottom: 0, left: 0 }}>
            {grid}
            {xAxis}
            <YAxis {...AXIS} width={48} tickFormatter={msTick} />
            {bucketTooltip((row) => ({
              rows: [
                { label: "p50", value: formatMs(row.p50), color: SERIES.p50 },
                { label: "p95", value: formatMs(row.p95), color: SERIES.p95 },
                { label: "p99", value: formatMs(row.p99), color: SERIES.p99 },
                { label: "Successful checks", value: formatCount(row.up) },
              ],
            }))}
            <Line type="monotone" dataKey="p50" stroke={SERIES.p50} strokeWidth={1.75} dot={false} isAnimationActive={false} />
            <Line type="monotone" dataKey="p95" stroke={SERIES.p95} strokeWidth={1.75} dot={false} isAnimationActive={false} />
            <Line type="monotone" dataKey="p99" stroke={SERIES.p99} strokeWidth={1.5} strokeDasharray="4 3" dot={false} isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      </ChartCard>

      <ChartCard
        title="Timing phases"
        subtitle="Mean per phase, stacked"
        testId="phases"
        height={HEIGHT}
        empty={hasLatency ? undefined : noData}
        legend={
          <>
            <LegendItem color={SERIES.dns} label="DNS" />
            <LegendItem color={SERIES.connect} label="Connect" />
            <LegendItem color={SERIES.tls} label="TLS" />
            <LegendItem color={SERIES.ttfb} label="TTFB" />
            <LegendItem color={SERIES.transfer} label="Transfer" />
          </>
        }
      >
        <ResponsiveContainer width="100%" height="100%">
          <AreaChart data={rows.map((row) => ({ ...row, ...row.phases }))} margin={{ top: 4, right: 4, bottom: 0, left: 0 }}>
            {grid}
            {xAxis}
            <YAxis {...AXIS} width={48} tickFormatter={msTick} />
            {bucketTooltip((row) => {
              const phases = row.phases;
              return {
                rows: [
                  { label: "DNS", value: formatMs(phases.dns), color: SERIES.dns },
                  { label: "Connect", value: formatMs(phases.connect), color: SERIES.connect },
                  { label: "TLS", value: formatMs(phases.tls), color: SERIES.tls },
                  { label: "TTFB", value: formatMs(phases.ttfb), color: SERIES.ttfb },
                  { label: "Transfer", value: formatMs(phases.transfer), color: SERIES.transfer },
                ],
              };
            })}
            {(["dns", "connect", "tls", "ttfb", "transfer"] as const).map((phase) => (
              <Area
                key={phase}
                type="monotone"
                dataKey={phase}
                stackId="phases"
                stroke={SERIES[phase]}
                fill={SERIES[phase]}
                fillOpacity={0.55}
                strokeWidth={1}
                isAnimationActive={false}
                connectNulls={false}
              />
            ))}
          </AreaChart>
        </ResponsiveContainer>
      </ChartCard>

      <ChartCard
        title="502 incidents"
        subtitle={`Confirmed 502 Bad Gateway outages per ${granularity} · ${incidents502} in range`}
        testId="incidents502"
        height={HEIGHT}
        empty={
          incidents502 > 0 ? undefined : (
            <span>
              No 502 incidents in this range.
              {stats.errorKinds.HTTP_502 ? ` ${stats.errorKinds.HTTP_502} transient 502 check(s) show under failures by error kind.` : ""}
            </span>
          )
        }
        legend={<LegendItem color={SERIES.incident502} label="Incident (click to open)" />}
        footer={
          incidents502 > 0 ? (
            <ul className="mt-3 flex flex-wrap gap-1.5 text-xs" aria-label="502 incidents in range">
              {stats.incidents
                .filter((incident) => incident.cause === "HTTP_502")
                .slice(0, 6)
                .map((incident) => (
                  <li key={incident.id}>
                    <a
                      href={`/incidents/${incident.id}`}
                      className="inline-flex items-center gap-1 rounded-full border border-rose-200 bg-rose-50 px-2 py-0.5 text-rose-800 hover:bg-rose-100 dark:border-rose-900 dark:bg-rose-950/60 dark:text-rose-200 dark:hover:bg-rose-900/60"
                      data-incident-link={incident.id}
                    >
                      <LocalTime value={incident.openedAt} options={{ month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" }} />
                      <span className="text-rose-600/80 dark:text-rose-300/70">{incident.durationSeconds !== null ? `· ${Math.max(1, Math.round(incident.durationSeconds / 60))} min` : "· open"}</span>
                    </a>
                  </li>
                ))}
              {incidents502 > 6 ? (
                <li>
                  <a href={`/incidents?monitorId=${stats.monitorId}&errorKind=HTTP_502`} className="inline-flex rounded-full px-2 py-0.5 text-zinc-600 hover:underline dark:text-zinc-400">
                    +{incidents502 - 6} more
                  </a>
                </li>
              ) : null}
            </ul>
          ) : null
        }
      >
        <ResponsiveContainer width="100%" height="100%">
          <ComposedChart data={rows} margin={{ top: 18, right: 4, bottom: 0, left: 0 }}>
            {grid}
            {xAxis}
            <YAxis {...AXIS} width={48} allowDecimals={false} domain={[0, (max: number) => Math.max(2, max + 1)]} />
            {bucketTooltip((row) => {
              const incidents = incidentsByBucket.get(row.t) ?? [];
              return {
                rows: [
                  { label: "502 incidents", value: String(row.incidents502), color: SERIES.incident502 },
                  { label: "502 checks", value: formatCount(row.errorKinds.HTTP_502 ?? 0) },
                ],
                footer:
                  incidents.length > 0 ? (
                    <ul className="mt-1.5 space-y-0.5 border-t border-zinc-200 pt-1.5 dark:border-zinc-700">
                      {incidents.slice(0, 4).map((incident) => (
                        <li key={incident.id} className="text-zinc-600 dark:text-zinc-400">
                          {new Date(incident.openedAt).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" })} — {incident.headline ?? "502 Bad Gateway"}
                        </li>
                      ))}
                    </ul>
                  ) : null,
              };
            })}
            <Bar dataKey="incidents502" fill={SERIES.incident502} fillOpacity={0.35} isAnimationActive={false} radius={[2, 2, 0, 0]} />
            <Scatter
              dataKey="marker"
              isAnimationActive={false}
              shape={(props: unknown) => {
                const { cx, cy, payload } = props as { cx?: number; cy?: number; payload?: Row };
                if (cx === undefined || cy === undefined || !payload || payload.marker === null) return <g />;
                const incidents = incidentsByBucket.get(payload.t) ?? [];
                const href = incidents.length === 1 ? `/incidents/${incidents[0].id}` : `/incidents?monitorId=${stats.monitorId}&errorKind=HTTP_502`;
                return (
                  <a
                    href={href}
                    data-incident-marker
                    onClick={(event) => {
                      event.preventDefault();
                      router.push(href);
                    }}
                    style={{ cursor: "pointer" }}
                  >
                    <title>{`${payload.incidents502} 502 incident(s) — open`}</title>
                    <path d={`M${cx - 5},${cy - 13} L${cx + 5},${cy - 13} L${cx},${cy - 5} Z`} fill={SERIES.incident502} />
                  </a>
                );
              }}
            />
          </ComposedChart>
        </ResponsiveContainer>
      </ChartCard>

      <ChartCard
        className="lg:col-span-2"
        title="Failures by error kind"
        subtitle={`Failed checks per ${granularity}, transient ones included · ${formatCount(failures)} in range`}
        testId="error-kinds"
        height={HEIGHT}
        empty={failures > 0 ? undefined : "No failed checks in this range."}
        legend={
          <>
            {kinds.slice(0, 6).map((kind) => (
              <LegendItem key={kind} color={kindColor(kind)} label={kind.replace("HTTP_", "")} />
            ))}
          </>
        }
      >
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={rows} margin={{ top: 4, right: 4, bottom: 0, left: 0 }} barCategoryGap={granularity === "hour" && rows.length > 48 ? 0 : "15%"}>
            {grid}
            {xAxis}
            <YAxis {...AXIS} width={48} allowDecimals={false} />
            {bucketTooltip((row) => {
              const present = kinds.filter((kind) => (row.errorKinds[kind] ?? 0) > 0);
              return {
                rows:
                  present.length === 0
                    ? [{ label: "Failed checks", value: "0" }]
                    : present.map((kind) => ({ label: kindLabel(kind), value: formatCount(row.errorKinds[kind]), color: kindColor(kind) })),
              };
            })}
            {kinds.map((kind) => (
              <Bar key={kind} dataKey={kind} stackId="kinds" fill={kindColor(kind)} isAnimationActive={false} />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </ChartCard>
    </div>
  );
}
