// The user's side of alerts, always scoped to the signed-in user: channels, reminder interval,
// which channels each monitor alerts, test sends, the delivery log and the alerts API.
import { performance } from "node:perf_hooks";
import { db } from "../db";
import { isRowId, isStorableText, UNSTORABLE_TEXT } from "../db/storable";
import type { Prisma } from "../generated/prisma/client";
import type { FieldError } from "../monitors/schema";
import { refusedHostReason } from "../probes/target-policy";
import { getChannelKind } from "./channels/registry";
import type { ChannelTarget } from "./channels/types";
import { deliveryConfig } from "./config";
import { ensureAccountChannelForUser } from "./outbox-sql";
import { DEFAULT_REMINDER_MINUTES } from "./policy";
import { renderAlert } from "./render";

export const ALERT_STATUSES = ["PENDING", "SENT", "FAILED", "SUPPRESSED"] as const;
export type AlertStatusName = (typeof ALERT_STATUSES)[number];

// ---- channels ----

export type ChannelView = {
  id: string;
  type: "EMAIL" | "WEBHOOK";
  name: string;
  /** The address or URL the channel sends to. */
  destination: string;
  isAccount: boolean;
  enabled: boolean;
  signed: boolean;
};

/** The user's channels, the account email first (created on first use). */
export async function listChannels(userId: string): Promise<ChannelView[]> {
  const prisma = await db();
  await ensureAccountChannelForUser(prisma, userId);
  const [user, channels] = await Promise.all([
    prisma.user.findUniqueOrThrow({ where: { id: userId }, select: { email: true } }),
    prisma.alertChannel.findMany({ where: { userId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] }),
  ]);
  return channels
    .map((channel) => ({
      id: channel.id,
      type: channel.type,
      name: channel.name,
      destination: getChannelKind(channel.type).describe({ ...channel, accountEmail: user.email }),
      isAccount: channel.accountUserId !== null,
      enabled: channel.enabled,
      signed: channel.secret !== null,
    }))
    .sort((a, b) => Number(b.isAccount) - Number(a.isAccount));
}

const EMAIL_PATTERN = /^[^\s@<>",;]+@[^\s@<>",;]+$/;

export type ChannelInput = { type: "EMAIL" | "WEBHOOK"; name: string; target: string; secret: string };

export function validateChannelInput(input: ChannelInput): { ok: true; value: ChannelInput } | { ok: false; errors: FieldError[] } {
  const unstorable = (["name", "target", "secret"] as const).filter((field) => !isStorableText(input[field]));
  if (unstorable.length > 0) return { ok: false, errors: unstorable.map((field) => ({ field, message: `This field ${UNSTORABLE_TEXT}` })) };
  const errors: FieldError[] = [];
  const target = input.target.trim();
  const name = input.name.trim();
  if (input.type === "EMAIL") {
    if (!EMAIL_PATTERN.test(target) || target.length > 254) errors.push({ field: "target", message: "Enter one email address, e.g. oncall@example.com" });
  } else {
    let url: URL | null = null;
    try {
      url = new URL(target);
    } catch {
      url = null;
    }
    if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) errors.push({ field: "target", message: "The webhook URL must start with http:// or https://" });
    else if (target.length > 2048) errors.push({ field: "target", message: "The webhook URL must be at most 2048 characters" });
    if (input.secret.length > 200) errors.push({ field: "secret", message: "The secret must be at most 200 characters" });
  }
  if (name.length > 100) errors.push({ field: "name", message: "The name must be at most 100 characters" });
  if (errors.length > 0) return { ok: false, errors };
  const fallbackName = input.type === "EMAIL" ? target : new URL(target).host;
  return { ok: true, value: { type: input.type, name: name || fallbackName, target, secret: input.secret } };
}

export async function addChannel(userId: string, raw: ChannelInput): Promise<{ ok: true; id: string } | { ok: false; errors: FieldError[] }> {
  const input = validateChannelInput(raw);
  if (!input.ok) return input;
  const refused = input.value.type === "WEBHOOK" ? await refusedHostReason(new URL(input.value.target).hostname) : null;
  if (refused) return { ok: false, errors: [{ field: "target", message: `Webhook URL not allowed: ${refused}, and this Hopwatch only sends to public addresses (BLOCK_PRIVATE_TARGETS)` }] };
  const prisma = await db();
  const count = await prisma.alertChannel.count({ where: { userId } });
  if (count >= 50) return { ok: false, errors: [{ field: null, message: "You have 50 channels, the most Hopwatch allows: remove one first." }] };
  const channel = await prisma.alertChannel.create({
    data: { userId, type: input.value.type, name: input.value.name, target: input.value.target, secret: input.value.type === "WEBHOOK" && input.value.secret ? input.value.secret : null },
  });
  return { ok: true, id: channel.id };
}

export async function setChannelEnabled(userId: string, channelId: string, enabled: boolean): Promise<boolean> {
  if (!isRowId(channelId)) return false;
  const prisma = await db();
  const { count } = await prisma.alertChannel.updateMany({ where: { id: channelId, userId }, data: { enabled } });
  return count === 1;
}

/** Removes one of the user's added channels (the account email can only be turned off). */
export async function deleteChannel(userId: string, channelId: string): Promise<boolean> {
  if (!isRowId(channelId)) return false;
  const prisma = await db();
  const { count } = await prisma.alertChannel.deleteMany({ where: { id: channelId, userId, accountUserId: null } });
  return count === 1;
}

// ---- settings ----

export async function getReminderMinutes(userId: string): Promise<number> {
  const prisma = await db();
  const settings = await prisma.alertSettings.findUnique({ where: { userId } });
  return settings?.reminderMinutes ?? DEFAULT_REMINDER_MINUTES;
}

export const MAX_REMINDER_MINUTES = 7 * 24 * 60;

export async function setReminderMinutes(userId: string, raw: unknown): Promise<{ ok: true } | { ok: false; errors: FieldError[] }> {
  const minutes = typeof raw === "string" && raw.trim() !== "" ? Number(raw) : raw;
  if (typeof minutes !== "number" || !Number.isInteger(minutes) || minutes < 0 || minutes > MAX_REMINDER_MINUTES) {
    return { ok: false, errors: [{ field: "reminderMinutes", message: `Reminder interval must be a whole number of minutes from 0 (off) to ${MAX_REMINDER_MINUTES}` }] };
  }
  const prisma = await db();
  await prisma.alertSettings.upsert({ where: { userId }, create: { userId, reminderMinutes: minutes }, update: { reminderMinutes: minutes } });
  return { ok: true };
}

// ---- which channels each monitor alerts ----

export type MonitorChannels = { monitorId: string; name: string; channelIds: string[] };

export async function listMonitorChannels(userId: string): Promise<MonitorChannels[]> {
  const prisma = await db();
  const [monitors, channels] = await Promise.all([
    prisma.monitor.findMany({ where: { userId }, orderBy: { createdAt: "asc" }, select: { id: true, name: true, channelExclusions: { select: { channelId: true } } } }),
    prisma.alertChannel.findMany({ where: { userId }, select: { id: true } }),
  ]);
  return monitors.map((monitor) => {
    const excluded = new Set(monitor.channelExclusions.map((exclusion) => exclusion.channelId));
    return { monitorId: monitor.id, name: monitor.name, channelIds: channels.map((channel) => channel.id).filter((id) => !excluded.has(id)) };
  });
}

/** Sets which of the user's channels get a monitor's alerts; false when the monitor is not theirs. */
export async function setMonitorChannels(userId: string, monitorId: string, selectedChannelIds: string[]): Promise<boolean> {
  if (!isRowId(monitorId)) return false;
  const prisma = await db();
  const monitor = await prisma.monitor.findFirst({ where: { id: monitorId, userId }, select: { id: true } });
  if (!monitor) return false;
  const channels = await prisma.alertChannel.findMany({ where: { userId }, select: { id: true } });
  const selected = new Set(selectedChannelIds);
  const excluded = channels.map((channel) => channel.id).filter((id) => !selected.has(id));
  await prisma.$transaction([
    prisma.monitorChannelExclusion.deleteMany({ where: { monitorId } }),
    prisma.monitorChannelExclusion.createMany({ data: excluded.map((channelId) => ({ monitorId, channelId })) }),
  ]);
  return true;
}

// ---- test sends ----

export type TestResult = { ok: true; message: string } | { ok: false; message: string };

/**
 * Sends a test alert to one of the user's channels now and reports the receiving server's exact
 * answer. Recorded in the delivery log (as SENT or FAILED, never retried).
 */
export async function sendTestAlert(userId: string, channelId: string): Promise<TestResult | null> {
  if (!isRowId(channelId)) return null;
  const prisma = await db();
  const channel = await prisma.alertChannel.findFirst({ where: { id: channelId, userId }, include: { user: { select: { email: true } } } });
  if (!channel) return null;
  const config = deliveryConfig();
  const now = new Date();
  const alert = await prisma.alert.create({
    // Never PENDING, so no dispatcher ever picks a test up: it is sent here, once.
    data: { idempotencyKey: `test:${channelId}:${now.getTime()}:${Math.random().toString(36).slice(2, 8)}`, userId, channelId, event: "TEST", createdAt: now, status: "FAILED", lastError: "Test send in progress" },
  });
  const target: ChannelTarget = { ...channel, accountEmail: channel.user.email };
  const rendered = renderAlert({
    alert: { id: alert.id, idempotencyKey: alert.idempotencyKey, event: "TEST", sequence: 0, payload: {}, createdAt: now },
    channel: { name: channel.name },
    monitor: null,
    incident: null,
    check: null,
    reminderMinutes: DEFAULT_REMINDER_MINUTES,
    baseUrl: config.baseUrl,
  });
  const kind = getChannelKind(channel.type);
  const started = performance.now();
  let result: TestResult;
  try {
    const receipt = await kind.send({ alertId: alert.id, idempotencyKey: alert.idempotencyKey, event: "TEST", rendered }, target, config);
    result = { ok: true, message: `Sent to ${kind.describe(target)}: ${receipt.response}` };
  } catch (error) {
    result = { ok: false, message: (error as Error).message };
  }
  await prisma.$transaction([
    prisma.alertAttempt.create({
      data: { alertId: alert.id, number: 1, at: now, durationMs: Math.round(performance.now() - started), ok: result.ok, response: result.ok ? result.message : null, error: result.ok ? null : result.message, owner: "test-send" },
    }),
    prisma.alert.update({
      where: { id: alert.id },
      data: { status: result.ok ? "SENT" : "FAILED", attempts: 1, sentAt: result.ok ? new Date() : null, lastError: result.ok ? null : result.message, subject: rendered.subject, text: rendered.text },
    }),
  ]);
  return result;
}

// ---- the delivery log and the API ----

export type AlertFilter = { status: AlertStatusName | null; limit: number };

/** Parses ?status=pending|sent|failed|suppressed&limit=; an error names the parameter. */
export function parseAlertFilter(params: URLSearchParams): { ok: true; filter: AlertFilter } | { ok: false; field: string; message: string } {
  const statusText = (params.get("status") ?? "").trim().toUpperCase();
  if (statusText && !(ALERT_STATUSES as readonly string[]).includes(statusText)) {
    return { ok: false, field: "status", message: "status must be one of pending, sent, failed, suppressed" };
  }
  const limitText = params.get("limit");
  const limit = limitText ? Number(limitText) : 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) return { ok: false, field: "limit", message: "limit must be a whole number from 1 to 500" };
  return { ok: true, filter: { status: (statusText || null) as AlertStatusName | null, limit } };
}

const alertSelect = {
  id: true,
  idempotencyKey: true,
  event: true,
  status: true,
  sequence: true,
  monitorId: true,
  incidentId: true,
  attempts: true,
  lastError: true,
  createdAt: true,
  nextAttemptAt: true,
  sentAt: true,
  subject: true,
  text: true,
  monitor: { select: { name: true } },
  channel: { select: { id: true, type: true, name: true } },
} satisfies Prisma.AlertSelect;

export async function listAlerts(userId: string, filter: AlertFilter) {
  const prisma = await db();
  return prisma.alert.findMany({
    where: { userId, ...(filter.status ? { status: filter.status } : {}) },
    orderBy: [{ createdAt: "desc" }, { seq: "desc" }],
    take: filter.limit,
    select: alertSelect,
  });
}

/** The delivery log: recent alerts with every attempt. */
export async function deliveryLog(userId: string, limit = 50) {
  const prisma = await db();
  return prisma.alert.findMany({
    where: { userId },
    orderBy: [{ createdAt: "desc" }, { seq: "desc" }],
    take: limit,
    select: { ...alertSelect, attemptLog: { orderBy: { number: "asc" }, select: { number: true, at: true, durationMs: true, ok: true, response: true, error: true } } },
  });
}

export function toAlertJson(alert: Awaited<ReturnType<typeof listAlerts>>[number]) {
  return {
    id: alert.id,
    event: alert.event,
    status: alert.status,
    reminder: alert.event === "REMINDER" ? alert.sequence : null,
    monitorId: alert.monitorId,
    monitorName: alert.monitor?.name ?? null,
    incidentId: alert.incidentId,
    channel: alert.channel,
    subject: alert.subject,
    attempts: alert.attempts,
    lastError: alert.lastError,
    createdAt: alert.createdAt,
    nextAttemptAt: alert.status === "PENDING" ? alert.nextAttemptAt : null,
    sentAt: alert.sentAt,
    idempotencyKey: alert.idempotencyKey,
  };
}
