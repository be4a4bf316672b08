"use client";
import { useActionState } from "react";
import { saveReminderAction, type FormState } from "@/app/(dashboard)/settings/notifications/actions";
import { Button, Field, Notice, inputClass } from "@/components/ui";

const emptyState: FormState = { errors: {}, formError: null, saved: false };

export function ReminderForm({ reminderMinutes }: { reminderMinutes: number }) {
  const [state, formAction, pending] = useActionState(saveReminderAction, emptyState);
  return (
    <form action={formAction} className="flex flex-wrap items-end gap-3">
      <div className="w-64">
        <Field label="Remind me every (minutes)" htmlFor="reminderMinutes" error={state.errors.reminderMinutes} hint="While a monitor stays down. 0 turns reminders off.">
          <input id="reminderMinutes" name="reminderMinutes" inputMode="numeric" defaultValue={String(reminderMinutes)} className={inputClass} />
        </Field>
      </div>
      <Button type="submit" disabled={pending}>
        Save
      </Button>
      {state.saved ? <Notice tone="success">Saved.</Notice> : null}
    </form>
  );
}
