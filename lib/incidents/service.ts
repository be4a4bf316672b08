// Reading incidents and adding notes, always scoped to the monitor's owner.
import { db } from "../db";
import { isRowId } from "../db/storable";
import type { Prisma } from "../generated/prisma/client";
import { ERROR_KINDS, type ErrorKind } from "../probes/error-kinds";

export type IncidentFilter = { monitorId: string | null; errorKind: ErrorKind | null; status: "OPEN" | "RESOLVED" | null; limit: number };

/** Parses ?monitorId=&errorKind=&status=&limit=; an error names the parameter. */
export function parseIncidentFilter(params: URLSearchParams): { ok: true; filter: IncidentFilter } | { ok: false; field: string; message: string } {
  const errorKind = params.get("errorKind") || null;
  if (errorKind && !(ERROR_KINDS as readonly string[]).includes(errorKind)) {
    return { ok: false, field: "errorKind", message: `errorKind must be one of ${ERROR_KINDS.join(", ")}` };
  }
  const statusText = (params.get("status") || "").toUpperCase();
  if (statusText && statusText !== "OPEN" && statusText !== "RESOLVED") return { ok: false, field: "status", message: "status must be open or resolved" };
  const monitorId = params.get("monitorId") || null;
  if (monitorId !== null && !isRowId(monitorId)) return { ok: false, field: "monitorId", message: "monitorId must be the id of one of your monitors" };
  const limitText = params.get("limit");
  const limit = limitText ? Number(limitText) : 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) return { ok: false, field: "limit", message: "limit must be a whole number from 1 to 500" };
  return {
    ok: true,
    filter: { monitorId, errorKind: errorKind as ErrorKind | null, status: (statusText || null) as IncidentFilter["status"], limit },
  };
}

const listSelect = {
  id: true,
  monitorId: true,
  status: true,
  cause: true,
  lastErrorKind: true,
  openedAt: true,
  resolvedAt: true,
  durationSeconds: true,
  diagnosis: true,
  monitor: { select: { name: true, url: true } },
} satisfies Prisma.IncidentSelect;

export async function listIncidents(userId: string, filter: IncidentFilter) {
  const prisma = await db();
  return prisma.incident.findMany({
    where: {
      monitor: { userId },
      ...(filter.monitorId ? { monitorId: filter.monitorId } : {}),
      ...(filter.errorKind ? { cause: filter.errorKind } : {}),
      ...(filter.status ? { status: filter.status } : {}),
    },
    orderBy: { openedAt: "desc" },
    take: filter.limit,
    select: listSelect,
  });
}

export async function getIncident(userId: string, id: string) {
  if (!isRowId(id)) return null;
  const prisma = await db();
  return prisma.incident.findFirst({
    where: { id, monitor: { userId } },
    select: { ...listSelect, diagnosedAt: true, events: { orderBy: [{ at: "asc" }, { id: "asc" }] } },
  });
}

export async function openIncidentFor(userId: string, monitorId: string) {
  const prisma = await db();
  return prisma.incident.findFirst({ where: { openMonitorId: monitorId, monitor: { userId } }, select: { ...listSelect, diagnosedAt: true } });
}

/** Adds a note to one of the user's incidents; false when it is not theirs. */
export async function addIncidentNote(userId: string, incidentId: string, text: string): Promise<boolean> {
  if (!isRowId(incidentId)) return false;
  const prisma = await db();
  const incident = await prisma.incident.findFirst({ where: { id: incidentId, monitor: { userId } }, select: { id: true } });
  if (!incident) return false;
  await prisma.incidentEvent.create({ data: { incidentId, at: new Date(), type: "NOTE", message: text, authorId: userId } });
  return true;
}

/** Failures that cleared within the retries (no incident), per error kind, since `since`. */
export async function transientBlips(userId: string, monitorId: string, since: Date): Promise<Array<{ errorKind: ErrorKind; count: number }>> {
  const prisma = await db();
  const groups = await prisma.check.groupBy({
    by: ["errorKind"],
    where: { monitorId, transient: true, startedAt: { gte: since }, monitor: { userId } },
    _count: { _all: true },
  });
  return groups.map((group) => ({ errorKind: group.errorKind as ErrorKind, count: group._count._all })).sort((a, b) => b.count - a.count);
}

type IncidentRecord = NonNullable<Awaited<ReturnType<typeof getIncident>>> | Awaited<ReturnType<typeof listIncidents>>[number];

export function toIncidentJson(incident: IncidentRecord) {
  return {
    id: incident.id,
    monitorId: incident.monitorId,
    monitorName: incident.monitor.name,
    status: incident.status,
    cause: incident.cause,
    lastErrorKind: incident.lastErrorKind,
    openedAt: incident.openedAt,
    resolvedAt: incident.resolvedAt,
    durationSeconds: incident.durationSeconds,
    diagnosis: incident.diagnosis,
    ...("events" in incident
      ? { events: incident.events.map((event) => ({ at: event.at, type: event.type, errorKind: event.errorKind, message: event.message })) }
      : {}),
  };
}
