// The scheduler of this process (in the web server unless HOPWATCH_SCHEDULER=off, or in
// `npm run worker`), and "check now", which runs one monitor immediately through the same job
// code and result writer.
import { db } from "../db";
import { logger } from "../logger";
import type { ProbeResult } from "../probes/types";
import { claimMonitorNow } from "./claim";
import { runMonitorJob } from "./job";
import { Scheduler, schedulerOptionsFromEnv } from "./scheduler";
import { AlertDispatcher } from "../alerts/dispatcher";
import { alertOptionsFromEnv } from "../alerts/config";
import { RollupMaintenance } from "../stats/maintenance";

const globalForScheduler = globalThis as unknown as { hopwatchScheduler?: Scheduler };

function processScheduler(): Scheduler {
  // Every scheduler process also dispatches alerts and keeps the rollups and retention up to date;
  // both coordinate through the database, so any number of processes may run them.
  globalForScheduler.hopwatchScheduler ??= new Scheduler(db, schedulerOptionsFromEnv(), [new AlertDispatcher(db, alertOptionsFromEnv()), new RollupMaintenance(db)]);
  return globalForScheduler.hopwatchScheduler;
}

export function startScheduler(): Scheduler {
  const scheduler = processScheduler();
  scheduler.start();
  return scheduler;
}

export function runningScheduler(): Scheduler | undefined {
  return globalForScheduler.hopwatchScheduler;
}

/**
 * Probes one of the user's monitors now and returns that first result once it is stored. A
 * failure goes on to be confirmed in the background like a scheduled run. Null when the monitor
 * is not the user's, or when a probe of it is already under way.
 */
export async function checkNow(userId: string, monitorId: string): Promise<ProbeResult | null> {
  const scheduler = processScheduler();
  const monitor = await claimMonitorNow(await db(), scheduler.owner, userId, monitorId);
  if (!monitor) return null;
  const firstResult = new Promise<ProbeResult>((resolve, reject) => {
    runMonitorJob(
      monitor,
      { owner: scheduler.owner, record: (outcome) => scheduler.writer.push(outcome), retryBaseSeconds: schedulerOptionsFromEnv().retryBaseSeconds, withProbeSlot: (run) => run() },
      resolve,
    ).catch((error) => {
      logger.error({ err: error, monitorId }, "check now failed");
      reject(error);
    });
  });
  const result = await firstResult;
  await scheduler.writer.flush();
  return result;
}
