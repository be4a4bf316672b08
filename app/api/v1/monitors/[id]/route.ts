import { NextResponse } from "next/server";
import { notFound, readJsonBody, validationError, withApiUser } from "@/lib/http/api";
import { deleteMonitor, getMonitor, toMonitorJson, updateMonitor } from "@/lib/monitors/service";

type Context = { params: Promise<{ id: string }> };

export const GET = withApiUser<Context>(async (_request, userId, { params }) => {
  const monitor = await getMonitor(userId, (await params).id);
  return monitor ? NextResponse.json(toMonitorJson(monitor)) : notFound();
});

export const PATCH = withApiUser<Context>(async (request, userId, { params }) => {
  const { id } = await params;
  // Someone else's monitor is "not found" even when the body is also bad: never reveal it exists.
  if (!(await getMonitor(userId, id))) return notFound();
  const body = await readJsonBody(request);
  if (!body.ok) return body.response;
  const result = await updateMonitor(userId, id, body.value);
  if (result.ok) return NextResponse.json(toMonitorJson(result.monitor));
  return "errors" in result ? validationError(result.errors) : notFound();
});

export const DELETE = withApiUser<Context>(async (_request, userId, { params }) => {
  const deleted = await deleteMonitor(userId, (await params).id);
  return deleted ? new NextResponse(null, { status: 204 }) : notFound();
});
