import { NextResponse } from "next/server";
import { apiError, notFound, withApiUser } from "@/lib/http/api";
import { listChecks, parseCheckQuery, toCheckJson } from "@/lib/checks/service";

type Context = { params: Promise<{ id: string }> };

export const GET = withApiUser<Context>(async (request, userId, { params }) => {
  const parsed = parseCheckQuery(new URL(request.url).searchParams);
  if (!parsed.ok) return apiError(400, parsed.message, parsed.field);
  const checks = await listChecks(userId, (await params).id, parsed.query);
  return checks ? NextResponse.json({ checks: checks.map(toCheckJson) }) : notFound();
});
