"use client";
import { useActionState } from "react";
import { addNoteAction, type NoteState } from "@/app/(dashboard)/incidents/actions";
import { Button, Field, inputClass } from "@/components/ui";

export function NoteForm({ incidentId }: { incidentId: string }) {
  const [state, formAction, pending] = useActionState<NoteState, FormData>(addNoteAction.bind(null, incidentId), { error: null, saved: 0 });
  return (
    <form action={formAction} className="space-y-2" key={state.saved}>
      <Field label="Add a note" htmlFor="text" error={state.error ?? undefined}>
        <textarea id="text" name="text" rows={2} className={inputClass} placeholder="What you found, what you changed…" />
      </Field>
      <Button type="submit" disabled={pending}>
        Add note
      </Button>
    </form>
  );
}
