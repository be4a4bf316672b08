import { NextResponse } from "next/server";
import { apiError, withApiUser } from "@/lib/http/api";
import { listIncidents, parseIncidentFilter, toIncidentJson } from "@/lib/incidents/service";

export const GET = withApiUser(async (request, userId) => {
  const parsed = parseIncidentFilter(new URL(request.url).searchParams);
  if (!parsed.ok) return apiError(400, parsed.message, parsed.field);
  const incidents = await listIncidents(userId, parsed.filter);
  return NextResponse.json({ incidents: incidents.map(toIncidentJson) });
});
