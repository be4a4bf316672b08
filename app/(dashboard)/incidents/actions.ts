"use server";
import { revalidatePath } from "next/cache";
import { requireUser } from "@/lib/auth/session";
import { addIncidentNote } from "@/lib/incidents/service";
import { incidentNoteSchema } from "@/lib/incidents/note";

export type NoteState = { error: string | null; saved: number };

export async function addNoteAction(incidentId: string, previous: NoteState, form: FormData): Promise<NoteState> {
  const user = await requireUser();
  const note = incidentNoteSchema.safeParse({ text: form.get("text") ?? "" });
  if (!note.success) return { error: note.error.issues[0].message, saved: previous.saved };
  if (!(await addIncidentNote(user.id, incidentId, note.data.text))) return { error: "This incident no longer exists.", saved: previous.saved };
  revalidatePath(`/incidents/${incidentId}`);
  return { error: null, saved: previous.saved + 1 };
}
