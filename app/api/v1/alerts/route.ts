import { NextResponse } from "next/server";
import { apiError, withApiUser } from "@/lib/http/api";
import { listAlerts, parseAlertFilter, toAlertJson } from "@/lib/alerts/service";

/** GET /api/v1/alerts?status=pending|sent|failed|suppressed&limit= — the caller's alerts, newest first. */
export const GET = withApiUser(async (request, userId) => {
  const parsed = parseAlertFilter(new URL(request.url).searchParams);
  if (!parsed.ok) return apiError(400, parsed.message, parsed.field);
  const alerts = await listAlerts(userId, parsed.filter);
  return NextResponse.json({ alerts: alerts.map(toAlertJson) });
});
