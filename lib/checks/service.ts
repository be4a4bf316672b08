// Reading a monitor's checks, scoped to its owner.
import { db } from "../db";
import { isRowId } from "../db/storable";
import type { Check } from "../generated/prisma/client";
import { ERROR_KINDS, type ErrorKind } from "../probes/error-kinds";
import { timingsOf } from "../probes/types";

export type CheckQuery = { limit: number; before: Date | null; errorKind: ErrorKind | null };

/** Parses ?limit=&before=&errorKind=; an error names the parameter. */
export function parseCheckQuery(params: URLSearchParams): { ok: true; query: CheckQuery } | { ok: false; field: string; message: string } {
  const limitText = params.get("limit");
  const limit = limitText === null ? 50 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return { ok: false, field: "limit", message: "limit must be a whole number from 1 to 1000" };
  const beforeText = params.get("before");
  const before = beforeText === null ? null : new Date(beforeText);
  if (before && Number.isNaN(before.getTime())) return { ok: false, field: "before", message: "before must be an ISO 8601 time, e.g. 2026-11-22T10:00:00Z" };
  const errorKind = params.get("errorKind");
  if (errorKind !== null && !(ERROR_KINDS as readonly string[]).includes(errorKind)) {
    return { ok: false, field: "errorKind", message: `errorKind must be one of ${ERROR_KINDS.join(", ")}` };
  }
  return { ok: true, query: { limit, before, errorKind: errorKind as ErrorKind | null } };
}

/** Newest first; null when the monitor is not the user's. */
export async function listChecks(userId: string, monitorId: string, query: CheckQuery): Promise<Check[] | null> {
  if (!isRowId(monitorId)) return null;
  const prisma = await db();
  const monitor = await prisma.monitor.findFirst({ where: { id: monitorId, userId }, select: { id: true } });
  if (!monitor) return null;
  return prisma.check.findMany({
    where: {
      monitorId,
      ...(query.before ? { startedAt: { lt: query.before } } : {}),
      ...(query.errorKind ? { errorKind: query.errorKind } : {}),
    },
    orderBy: { startedAt: "desc" },
    take: query.limit,
  });
}

export function toCheckJson(check: Check) {
  return {
    id: check.id.toString(),
    startedAt: check.startedAt,
    status: check.ok ? "UP" : "DOWN",
    errorKind: check.errorKind,
    httpStatus: check.httpStatus,
    transient: check.transient,
    attempt: check.attempt,
    timings: timingsOf(check),
    remoteIp: check.remoteIp,
    message: check.message,
    certificate: check.certValidTo ? { subject: check.certSubject, issuer: check.certIssuer, validTo: check.certValidTo } : null,
    evidence: check.evidence,
  };
}
