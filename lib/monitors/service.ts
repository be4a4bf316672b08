// Monitor storage, always scoped to the owner: a monitor that is not the caller's does not exist.
import { db } from "../db";
import { isRowId } from "../db/storable";
import type { Monitor } from "../generated/prisma/client";
import { validateMonitorInput, type FieldError, type MonitorInput } from "./schema";
import { decryptMonitorHeaders, storedHeaders } from "./headers";
import { refusedHostReason } from "../probes/target-policy";
import { initialRunAt } from "../scheduler/policy";

/** The fields a user edits, in the shape the API and forms speak. */
export function toEditableFields(monitor: Monitor): MonitorInput {
  return {
    name: monitor.name,
    type: monitor.type,
    url: monitor.url,
    method: monitor.method as MonitorInput["method"],
    headers: decryptMonitorHeaders(monitor.encryptedHeaders, monitor.legacyHeaders),
    body: monitor.body,
    expectedStatus: monitor.expectedStatus,
    keyword: monitor.keyword,
    keywordMustBeAbsent: monitor.keywordMustBeAbsent,
    intervalSeconds: monitor.intervalSeconds,
    timeoutSeconds: monitor.timeoutSeconds,
    retries: monitor.retries,
    followRedirects: monitor.followRedirects,
    originUrl: monitor.originUrl,
    enabled: monitor.enabled,
  };
}

/** The API representation: editable fields plus what Hopwatch knows about the monitor. */
export function toMonitorJson(monitor: Monitor) {
  return {
    id: monitor.id,
    ...toEditableFields(monitor),
    state: monitor.state,
    stateChangedAt: monitor.stateChangedAt,
    lastErrorKind: monitor.lastErrorKind,
    lastCheckedAt: monitor.lastCheckedAt,
    nextRunAt: monitor.enabled ? monitor.nextRunAt : null,
    createdAt: monitor.createdAt,
    updatedAt: monitor.updatedAt,
  };
}

/** The input as columns: headers sealed. */
function toColumns({ headers, ...fields }: MonitorInput) {
  return { ...fields, ...storedHeaders(headers) };
}

const TARGET_FIELDS = { url: "URL", originUrl: "Origin URL" } as const;

/**
 * Under BLOCK_PRIVATE_TARGETS, the targets (new or changed ones) that reach internal addresses.
 * Probes check again on every connection; this gives the user the reason up front.
 */
async function refusedTargets(input: MonitorInput, previous?: MonitorInput): Promise<FieldError[]> {
  const errors: FieldError[] = [];
  for (const [field, label] of Object.entries(TARGET_FIELDS) as Array<[keyof typeof TARGET_FIELDS, string]>) {
    const target = input[field];
    if (!target || target === previous?.[field]) continue;
    const reason = await refusedHostReason(new URL(target).hostname);
    if (reason) errors.push({ field, message: `${label} not allowed: ${reason}, and this Hopwatch only monitors public addresses (BLOCK_PRIVATE_TARGETS)` });
  }
  return errors;
}

export type CreateResult = { ok: true; monitor: Monitor } | { ok: false; errors: FieldError[] };
export type SaveResult = CreateResult | { ok: false; notFound: true };

export async function listMonitors(userId: string): Promise<Monitor[]> {
  const prisma = await db();
  return prisma.monitor.findMany({ where: { userId }, orderBy: { createdAt: "asc" } });
}

export async function getMonitor(userId: string, id: string): Promise<Monitor | null> {
  if (!isRowId(id)) return null;
  const prisma = await db();
  return prisma.monitor.findFirst({ where: { id, userId } });
}

export async function createMonitor(userId: string, raw: unknown): Promise<CreateResult> {
  const input = validateMonitorInput(raw);
  if (!input.ok) return input;
  const refused = await refusedTargets(input.value);
  if (refused.length > 0) return { ok: false, errors: refused };
  const prisma = await db();
  const monitor = await prisma.monitor.create({ data: { ...toColumns(input.value), userId, nextRunAt: initialRunAt(new Date(), input.value.intervalSeconds) } });
  return { ok: true, monitor };
}

/**
 * Applies a partial change: the stored monitor with the change laid over it must be valid as a
 * whole (a new timeout is checked against the stored interval, say), or nothing is written.
 */
export async function updateMonitor(userId: string, id: string, patch: unknown): Promise<SaveResult> {
  const existing = await getMonitor(userId, id);
  if (!existing) return { ok: false, notFound: true };
  if (typeof patch !== "object" || patch === null || Array.isArray(patch)) {
    return { ok: false, errors: [{ field: null, message: "Expected a JSON object with the fields to change" }] };
  }
  const stored = toEditableFields(existing);
  const input = validateMonitorInput({ ...stored, ...patch });
  if (!input.ok) return input;
  const refused = await refusedTargets(input.value, stored);
  if (refused.length > 0) return { ok: false, errors: refused };
  const prisma = await db();
  // A resumed monitor, or one on a new interval, starts a fresh schedule (spread like a new one).
  const reschedule = (input.value.enabled && !existing.enabled) || input.value.intervalSeconds !== existing.intervalSeconds;
  const { count } = await prisma.monitor.updateMany({
    where: { id, userId },
    data: { ...toColumns(input.value), ...(reschedule ? { nextRunAt: initialRunAt(new Date(), input.value.intervalSeconds) } : {}) },
  });
  if (count === 0) return { ok: false, notFound: true };
  return { ok: true, monitor: (await getMonitor(userId, id))! };
}

export async function setMonitorEnabled(userId: string, id: string, enabled: boolean): Promise<SaveResult> {
  return updateMonitor(userId, id, { enabled });
}

export async function deleteMonitor(userId: string, id: string): Promise<boolean> {
  if (!isRowId(id)) return false;
  const prisma = await db();
  const { count } = await prisma.monitor.deleteMany({ where: { id, userId } });
  return count === 1;
}
