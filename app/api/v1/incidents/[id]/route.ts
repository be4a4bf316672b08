import { NextResponse } from "next/server";
import { notFound, withApiUser } from "@/lib/http/api";
import { getIncident, toIncidentJson } from "@/lib/incidents/service";

type Context = { params: Promise<{ id: string }> };

export const GET = withApiUser<Context>(async (_request, userId, { params }) => {
  const incident = await getIncident(userId, (await params).id);
  return incident ? NextResponse.json(toIncidentJson(incident)) : notFound();
});
