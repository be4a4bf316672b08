"use server";
// Server Actions for the monitor pages: parse the form, call lib/monitors, redirect or report.
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { requireUser } from "@/lib/auth/session";
import { saveMonitorForm } from "@/lib/monitors/form-actions";
import type { MonitorFormState } from "@/lib/monitors/form-state";
import { deleteMonitor, getMonitor, setMonitorEnabled } from "@/lib/monitors/service";
import { checkNow } from "@/lib/scheduler/runtime";

export async function saveMonitorAction(monitorId: string | null, _previous: MonitorFormState, form: FormData): Promise<MonitorFormState> {
  const user = await requireUser();
  const result = await saveMonitorForm(user.id, monitorId, form);
  if (!result.savedId) return result;
  revalidatePath("/monitors");
  redirect(`/monitors/${result.savedId}`);
}

export async function setMonitorEnabledAction(monitorId: string, enabled: boolean): Promise<void> {
  const user = await requireUser();
  await setMonitorEnabled(user.id, monitorId, enabled);
  revalidatePath("/monitors");
  revalidatePath(`/monitors/${monitorId}`);
}

export async function deleteMonitorAction(monitorId: string): Promise<void> {
  const user = await requireUser();
  await deleteMonitor(user.id, monitorId);
  revalidatePath("/monitors");
  redirect("/monitors");
}

export type CheckNowState = { ok: boolean; errorKind: string; message: string; totalMs: number | null } | { error: string } | null;

export async function checkNowAction(monitorId: string): Promise<CheckNowState> {
  const user = await requireUser();
  if (!(await getMonitor(user.id, monitorId))) return { error: "This monitor no longer exists." };
  const result = await checkNow(user.id, monitorId);
  revalidatePath(`/monitors/${monitorId}`);
  if (!result) return { error: "A check of this monitor is already running; its result appears here in a few seconds." };
  return { ok: result.ok, errorKind: result.errorKind, message: result.message, totalMs: result.timings.totalMs };
}
