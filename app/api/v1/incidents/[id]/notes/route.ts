import { NextResponse } from "next/server";
import { apiError, notFound, readJsonBody, withApiUser } from "@/lib/http/api";
import { addIncidentNote } from "@/lib/incidents/service";
import { incidentNoteSchema } from "@/lib/incidents/note";

type Context = { params: Promise<{ id: string }> };

export const POST = withApiUser<Context>(async (request, userId, { params }) => {
  const { id } = await params;
  const body = await readJsonBody(request);
  if (!body.ok) return body.response;
  const note = incidentNoteSchema.safeParse(body.value);
  if (!note.success) return apiError(400, note.error.issues[0].message, "text");
  return (await addIncidentNote(userId, id, note.data.text)) ? NextResponse.json({ ok: true }, { status: 201 }) : notFound();
});
