import { NextResponse } from "next/server";
import { db } from "@/lib/db";
import { runningScheduler } from "@/lib/scheduler/runtime";

export const dynamic = "force-dynamic";

/** A scheduler that has not ticked for this long is stuck: the process is unhealthy. */
const STALE_TICK_MS = 30_000;

export async function GET() {
  const scheduler = runningScheduler();
  // Before its first tick, a scheduler counts from when it started.
  const lastTickAt = scheduler?.stats.lastTickAt ?? scheduler?.stats.startedAt ?? null;
  const schedulerStatus = !lastTickAt ? "off" : Date.now() - lastTickAt.getTime() > STALE_TICK_MS ? "stale" : "ok";
  const schedulerReport = { status: schedulerStatus, lastTickAt: scheduler?.stats.lastTickAt ?? null };
  try {
    const prisma = await db();
    await prisma.$queryRaw`SELECT 1`;
  } catch (error) {
    return NextResponse.json({ status: "error", db: "unreachable", message: (error as Error).message, scheduler: schedulerReport }, { status: 503 });
  }
  const healthy = schedulerStatus !== "stale";
  return NextResponse.json({ status: healthy ? "ok" : "error", db: "ok", scheduler: schedulerReport }, { status: healthy ? 200 : 503 });
}
