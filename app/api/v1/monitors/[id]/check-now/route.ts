import { NextResponse } from "next/server";
import { apiError, notFound, withApiUser } from "@/lib/http/api";
import { getMonitor } from "@/lib/monitors/service";
import { checkNow } from "@/lib/scheduler/runtime";

type Context = { params: Promise<{ id: string }> };

export const POST = withApiUser<Context>(async (_request, userId, { params }) => {
  const { id } = await params;
  if (!(await getMonitor(userId, id))) return notFound();
  const result = await checkNow(userId, id);
  if (!result) return apiError(409, "A check of this monitor is already running; its result appears in a few seconds.");
  return NextResponse.json({ result });
});
