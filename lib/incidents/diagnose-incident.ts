// Runs once per incident opening, after the batch that opened it is stored: follow-up probes
// (time-boxed by runFollowUps), then the diagnosis, stored on the incident with a timeline event.
// Never awaited by the scheduler, so a slow diagnosis cannot delay probes.
import { db } from "../db";
import { diagnose } from "../diagnosis/diagnose";
import { runFollowUps } from "../diagnosis/follow-ups";
import type { ErrorKind } from "../probes/error-kinds";
import { logger } from "../logger";
import type { Prisma } from "../generated/prisma/client";

const HISTORY_SIZE = 20;

export async function diagnoseIncident(incidentId: string): Promise<void> {
  const prisma = await db();
  // Claim the incident so that only one process diagnoses it.
  const claimed = await prisma.incident.updateMany({ where: { id: incidentId, diagnosedAt: null }, data: { diagnosedAt: new Date() } });
  if (claimed.count === 0) return;
  const incident = await prisma.incident.findUniqueOrThrow({ where: { id: incidentId }, include: { monitor: true } });
  const { monitor } = incident;
  const recentChecks = await prisma.check.findMany({
    where: { monitorId: monitor.id, startedAt: { lte: incident.openedAt } },
    orderBy: { startedAt: "desc" },
    take: HISTORY_SIZE,
  });
  const failing = recentChecks.find((check) => !check.ok);
  if (!failing) return;
  const firstGood = recentChecks.findIndex((check) => check.ok);
  const lastGoodAddresses = [...new Set(recentChecks.filter((check) => check.ok && check.remoteIp).map((check) => check.remoteIp!))];

  const followUps =
    monitor.type === "HTTP"
      ? await runFollowUps({ url: monitor.url, originUrl: monitor.originUrl, timeoutSeconds: monitor.timeoutSeconds, lastGoodAddresses })
      : {};
  const evidence = failing.evidence as { statusLine: string | null; headers: Record<string, string> | null; bodyExcerpt: string | null } | null;
  const result = diagnose({
    failing: {
      errorKind: failing.errorKind as ErrorKind,
      httpStatus: failing.httpStatus,
      timings: failing,
      evidence,
      message: failing.message ?? "",
      timeoutSeconds: monitor.timeoutSeconds,
    },
    followUps,
    history: {
      recentChecks: recentChecks.map((check) => ({ errorKind: check.errorKind as ErrorKind, at: check.startedAt })),
      consecutiveFailures: firstGood === -1 ? recentChecks.length : firstGood,
      confirmedDown: true,
    },
  });
  const diagnosis = { ...result, followUps, evidence, remoteIp: failing.remoteIp, checkId: failing.id.toString() };
  await prisma.$transaction([
    prisma.incident.update({ where: { id: incidentId }, data: { diagnosis: diagnosis as unknown as Prisma.InputJsonValue, diagnosedAt: new Date() } }),
    prisma.incidentEvent.create({ data: { incidentId, at: new Date(), type: "DIAGNOSED", errorKind: failing.errorKind, message: result.summary } }),
  ]);
  logger.info({ incidentId, monitorId: monitor.id, hop: result.hop, gateway: result.gateway.name }, "incident diagnosed");
}

export function diagnoseInBackground(incidentIds: string[]): void {
  for (const id of incidentIds) {
    diagnoseIncident(id).catch((error) => logger.error({ err: error, incidentId: id }, "incident diagnosis failed"));
  }
}
