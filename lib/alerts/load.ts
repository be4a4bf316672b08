// Reads what an alert needs to be rendered and delivered: its channel and owner, the monitor,
// the incident as it is now (diagnosis included) and the check that confirmed it.
import type { PrismaClient } from "../generated/prisma/client";
import type { ErrorKind } from "../probes/error-kinds";
import { timingsOf } from "../probes/types";
import type { ChannelTarget } from "./channels/types";
import { DEFAULT_REMINDER_MINUTES } from "./policy";
import type { AlertDiagnosis, AlertEventName, AlertRenderInput } from "./render";

export type LoadedAlert = {
  id: string;
  idempotencyKey: string;
  event: AlertEventName;
  status: string;
  attempts: number;
  createdAt: Date;
  monitorId: string | null;
  channel: ChannelTarget & { enabled: boolean };
  incidentStatus: "OPEN" | "RESOLVED" | null;
  render: AlertRenderInput;
};

export async function loadAlert(prisma: PrismaClient, alertId: string, baseUrl: string): Promise<LoadedAlert | null> {
  const alert = await prisma.alert.findUnique({
    where: { id: alertId },
    include: {
      channel: true,
      user: { select: { email: true, alertSettings: { select: { reminderMinutes: true } } } },
      monitor: { select: { id: true, name: true, url: true, method: true, type: true } },
      incident: true,
    },
  });
  if (!alert) return null;
  const { incident } = alert;
  const diagnosis = (incident?.diagnosis ?? null) as (AlertDiagnosis & { checkId?: string }) | null;
  let check = null;
  if (incident) {
    check = diagnosis?.checkId
      ? await prisma.check.findUnique({ where: { id: BigInt(diagnosis.checkId) } })
      : await prisma.check.findFirst({ where: { monitorId: incident.monitorId, ok: false, startedAt: { lte: incident.openedAt } }, orderBy: { startedAt: "desc" } });
  }
  return {
    id: alert.id,
    idempotencyKey: alert.idempotencyKey,
    event: alert.event,
    status: alert.status,
    attempts: alert.attempts,
    createdAt: alert.createdAt,
    monitorId: alert.monitorId,
    channel: {
      id: alert.channel.id,
      type: alert.channel.type,
      name: alert.channel.name,
      target: alert.channel.target,
      secret: alert.channel.secret,
      accountEmail: alert.user.email,
      enabled: alert.channel.enabled,
    },
    incidentStatus: incident?.status ?? null,
    render: {
      alert: { id: alert.id, idempotencyKey: alert.idempotencyKey, event: alert.event, sequence: alert.sequence, payload: (alert.payload ?? {}) as Record<string, unknown>, createdAt: alert.createdAt },
      channel: { name: alert.channel.name },
      monitor: alert.monitor,
      incident: incident
        ? {
            id: incident.id,
            status: incident.status,
            cause: incident.cause as ErrorKind,
            lastErrorKind: incident.lastErrorKind as ErrorKind,
            openedAt: incident.openedAt,
            resolvedAt: incident.resolvedAt,
            durationSeconds: incident.durationSeconds,
            diagnosis,
          }
        : null,
      check: check
        ? {
            startedAt: check.startedAt,
            errorKind: check.errorKind as ErrorKind,
            httpStatus: check.httpStatus,
            message: check.message,
            remoteIp: check.remoteIp,
            ...timingsOf(check),
          }
        : null,
      reminderMinutes: alert.user.alertSettings?.reminderMinutes ?? DEFAULT_REMINDER_MINUTES,
      baseUrl,
    },
  };
}
