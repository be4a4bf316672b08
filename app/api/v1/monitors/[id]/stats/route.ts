import { NextResponse } from "next/server";
import { apiError, notFound, withApiUser } from "@/lib/http/api";
import { getMonitor } from "@/lib/monitors/service";
import { parseRange } from "@/lib/stats/ranges";
import { getMonitorStats } from "@/lib/stats/service";

type Context = { params: Promise<{ id: string }> };

export const GET = withApiUser<Context>(async (request, userId, { params }) => {
  const { id } = await params;
  // Someone else's monitor is "not found" even with a bad range: never reveal that it exists.
  if (!(await getMonitor(userId, id))) return notFound();
  const parsed = parseRange(new URL(request.url).searchParams.get("range"));
  if (!parsed.ok) return apiError(400, parsed.message, parsed.field);
  const stats = await getMonitorStats(userId, id, parsed.range);
  return stats ? NextResponse.json(stats) : notFound();
});
