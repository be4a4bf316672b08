"use server";
// Server Actions of Settings → Notifications: parse the form, call lib/alerts, report back.
import { revalidatePath } from "next/cache";
import { requireUser } from "@/lib/auth/session";
import { addChannel, deleteChannel, sendTestAlert, setChannelEnabled, setMonitorChannels, setReminderMinutes, type TestResult } from "@/lib/alerts/service";

const PATH = "/settings/notifications";

export type FormState = { errors: Record<string, string>; formError: string | null; saved: boolean };

function fieldErrors(errors: Array<{ field: string | null; message: string }>): FormState {
  const state: FormState = { errors: {}, formError: null, saved: false };
  for (const error of errors) {
    if (error.field === null) state.formError ??= error.message;
    else state.errors[error.field] ??= error.message;
  }
  return state;
}

export async function addChannelAction(_previous: FormState, form: FormData): Promise<FormState> {
  const user = await requireUser();
  const type = form.get("type") === "WEBHOOK" ? "WEBHOOK" : "EMAIL";
  const result = await addChannel(user.id, {
    type,
    name: String(form.get("name") ?? ""),
    target: String(form.get("target") ?? ""),
    secret: String(form.get("secret") ?? ""),
  });
  if (!result.ok) return fieldErrors(result.errors);
  revalidatePath(PATH);
  return { errors: {}, formError: null, saved: true };
}

export async function setChannelEnabledAction(channelId: string, enabled: boolean): Promise<void> {
  const user = await requireUser();
  await setChannelEnabled(user.id, channelId, enabled);
  revalidatePath(PATH);
}

export async function deleteChannelAction(channelId: string): Promise<void> {
  const user = await requireUser();
  await deleteChannel(user.id, channelId);
  revalidatePath(PATH);
}

export async function sendTestAction(channelId: string): Promise<TestResult> {
  const user = await requireUser();
  const result = await sendTestAlert(user.id, channelId);
  revalidatePath(PATH);
  return result ?? { ok: false, message: "This channel no longer exists." };
}

export async function saveReminderAction(_previous: FormState, form: FormData): Promise<FormState> {
  const user = await requireUser();
  const result = await setReminderMinutes(user.id, String(form.get("reminderMinutes") ?? ""));
  if (!result.ok) return fieldErrors(result.errors);
  revalidatePath(PATH);
  return { errors: {}, formError: null, saved: true };
}

export async function saveMonitorChannelsAction(_previous: FormState, form: FormData): Promise<FormState> {
  const user = await requireUser();
  const monitorIds = form.getAll("monitor").map(String);
  for (const monitorId of monitorIds) {
    const selected = form.getAll(`channels:${monitorId}`).map(String);
    await setMonitorChannels(user.id, monitorId, selected);
  }
  revalidatePath(PATH);
  return { errors: {}, formError: null, saved: true };
}
