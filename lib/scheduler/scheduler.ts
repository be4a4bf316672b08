// The scheduler loop of one process: every second (node-cron) it claims due monitors from
// PostgreSQL — as many as it has room for — and runs them, with at most `maxConcurrentProbes`
// probes in flight. Any number of processes can run it against one database.
import { randomUUID } from "node:crypto";
import os from "node:os";
import cron, { type ScheduledTask } from "node-cron";
import type { PrismaClient } from "../generated/prisma/client";
import { logger } from "../logger";
import { claimDueMonitors, releaseLeases } from "./claim";
import { runMonitorJob } from "./job";
import { ResultWriter } from "./writer";
import { diagnoseInBackground } from "../incidents/diagnose-incident";

export type SchedulerOptions = {
  /** Monitors being run (probing or pausing between confirmation re-probes) at once. */
  maxActiveMonitors: number;
  maxConcurrentProbes: number;
  retryBaseSeconds: number;
  flushIntervalMs: number;
  maxBufferedResults: number;
};

export function schedulerOptionsFromEnv(env = process.env): SchedulerOptions {
  const number = (name: string, fallback: number) => (env[name] ? Number(env[name]) : fallback);
  return {
    maxActiveMonitors: number("HOPWATCH_MAX_ACTIVE_MONITORS", 2000),
    maxConcurrentProbes: number("HOPWATCH_PROBE_CONCURRENCY", 256),
    retryBaseSeconds: number("HOPWATCH_RETRY_BASE_SECONDS", 2),
    flushIntervalMs: number("HOPWATCH_FLUSH_INTERVAL_MS", 1000),
    maxBufferedResults: number("HOPWATCH_MAX_BUFFERED_RESULTS", 100_000),
  };
}

/** A counting semaphore: at most `limit` callers run at once, the rest wait their turn. */
function semaphore(limit: number) {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async <T>(run: () => Promise<T>): Promise<T> => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await run();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

/**
 * Work that lives and stops with the scheduler of a process (the alert dispatcher): started by
 * start(), and stop() waits for it to wind down as part of the graceful stop.
 */
export interface SchedulerCompanion {
  start(): void;
  stop(): Promise<void>;
}

export type SchedulerStats = { claimed: number; completed: number; active: number; startedAt: Date | null; lastTickAt: Date | null; lagMs: number[] };

export class Scheduler {
  readonly owner = `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  readonly writer: ResultWriter;
  private task: ScheduledTask | null = null;
  private readonly active = new Map<string, Promise<void>>();
  private readonly abort = new AbortController();
  private readonly withProbeSlot: ReturnType<typeof semaphore>;
  private ticking = false;
  readonly stats: SchedulerStats = { claimed: 0, completed: 0, active: 0, startedAt: null, lastTickAt: null, lagMs: [] };

  constructor(
    private readonly getPrisma: () => Promise<PrismaClient>,
    private readonly options: SchedulerOptions = schedulerOptionsFromEnv(),
    private readonly companions: SchedulerCompanion[] = [],
  ) {
    this.writer = new ResultWriter(getPrisma, { flushIntervalMs: options.flushIntervalMs, maxBuffered: options.maxBufferedResults }, diagnoseInBackground);
    this.withProbeSlot = semaphore(options.maxConcurrentProbes);
  }

  start(): void {
    if (this.task) return;
    this.stats.startedAt = new Date();
    this.task = cron.schedule("* * * * * *", () => this.tick(), { name: `hopwatch-scheduler-${this.owner}`, noOverlap: true });
    for (const companion of this.companions) companion.start();
    logger.info({ owner: this.owner, ...this.options }, "scheduler started");
  }

  /** Claims and starts due monitors until there is no more room or nothing more is due. */
  async tick(): Promise<void> {
    if (this.ticking) return; // the previous tick is still claiming: never overlap
    this.ticking = true;
    try {
      const prisma = await this.getPrisma();
      for (;;) {
        const room = this.options.maxActiveMonitors - this.active.size;
        if (room <= 0 || this.abort.signal.aborted) break;
        const claimed = await claimDueMonitors(prisma, this.owner, Math.min(room, 500));
        const now = Date.now();
        for (const monitor of claimed) {
          if (monitor.scheduledAt) this.recordLag(now - monitor.scheduledAt.getTime());
          this.run(monitor);
        }
        if (claimed.length < Math.min(room, 500)) break;
      }
      this.stats.lastTickAt = new Date();
    } catch (error) {
      logger.warn({ err: error }, "scheduler tick failed; retrying next second");
    } finally {
      this.ticking = false;
    }
  }

  private run(monitor: Parameters<typeof runMonitorJob>[0]): void {
    this.stats.claimed++;
    const job = runMonitorJob(monitor, {
      owner: this.owner,
      record: (outcome) => this.writer.push(outcome),
      retryBaseSeconds: this.options.retryBaseSeconds,
      withProbeSlot: this.withProbeSlot,
      stopSignal: this.abort.signal,
    })
      .catch((error) => logger.error({ err: error, monitorId: monitor.id }, "monitor run failed"))
      .finally(() => {
        this.active.delete(monitor.id);
        this.stats.completed++;
        this.stats.active = this.active.size;
      });
    this.active.set(monitor.id, job);
    this.stats.active = this.active.size;
  }

  private recordLag(lagMs: number): void {
    this.stats.lagMs.push(lagMs);
    if (this.stats.lagMs.length > 10_000) this.stats.lagMs.splice(0, this.stats.lagMs.length - 10_000);
  }

  /**
   * Graceful stop: claim nothing more, let in-flight probes finish (each is bounded by its
   * timeout; confirmation pauses are cut short), write every buffered result, then give back
   * the leases of monitors whose confirmation was interrupted.
   */
  async stop(): Promise<void> {
    this.task?.stop();
    this.task = null;
    this.abort.abort();
    const companionsStopped = Promise.allSettled(this.companions.map((companion) => companion.stop()));
    const interrupted = [...this.active.keys()];
    await Promise.allSettled([...this.active.values()]);
    await this.writer.flush();
    if (this.writer.pending > 0) logger.error({ pending: this.writer.pending }, "could not write every check result before stopping");
    await releaseLeases(await this.getPrisma(), this.owner, interrupted).catch((error) => logger.warn({ err: error }, "could not release leases; they expire on their own"));
    await companionsStopped;
    logger.info({ owner: this.owner, ...this.stats, lagMs: undefined }, "scheduler stopped");
  }
}
