import { NextResponse } from "next/server";
import { readJsonBody, validationError, withApiUser } from "@/lib/http/api";
import { createMonitor, listMonitors, toMonitorJson } from "@/lib/monitors/service";

export const GET = withApiUser(async (_request, userId) => {
  const monitors = await listMonitors(userId);
  return NextResponse.json({ monitors: monitors.map(toMonitorJson) });
});

export const POST = withApiUser(async (request, userId) => {
  const body = await readJsonBody(request);
  if (!body.ok) return body.response;
  const result = await createMonitor(userId, body.value);
  if (!result.ok) return validationError(result.errors);
  return NextResponse.json(toMonitorJson(result.monitor), { status: 201 });
});
