// The scheduler loop of one process: every second (node-cron) it claims due monitors from
// PostgreSQL in a few rounds — as many as it has room for — and starts each at its exact slot,
// with at most `maxConcurrentProbes` probes in flight. Any number of processes can run it
// against one database.
import { randomUUID } from "node:crypto";
import os from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import cron, { type ScheduledTask } from "node-cron";
import type { PrismaClient } from "../generated/prisma/client";
import { logger } from "../logger";
import { claimDueMonitors, releaseLeases, type ScheduledMonitor } from "./claim";
import { runMonitorJob } from "./job";
import { ResultWriter } from "./writer";
import { diagnoseInBackground } from "../incidents/diagnose-incident";
import { recordSchedulerLag } from "../metrics";

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

/**
 * A counting semaphore: at most `limit` callers run at once, the rest wait their turn in order.
 * `free()` counts the slots a new caller would find free: negative while callers are waiting.
 */
export function semaphore(limit: number) {
  let running = 0;
  const waiting: Array<() => void> = [];
  return {
    run: async <T>(task: () => Promise<T>): Promise<T> => {
      if (running < limit) running++;
      else await new Promise<void>((resolve) => waiting.push(resolve));
      try {
        return await task();
      } finally {
        // A finishing caller hands its slot straight to the next waiter, keeping `running` as it
        // is: releasing it first would let a newcomer take it before the woken waiter runs.
        const next = waiting.shift();
        if (next) next();
        else running--;
      }
    },
    free: () => limit - running - waiting.length,
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

/** Claim rounds within one node-cron tick start this far apart: at 0, 250, 500 and 750 ms. */
const CLAIM_STEP_MS = 250;
/**
 * A round claims the monitors due within this window and starts each at its exact slot, so the
 * lag does not include the wait for the next round or the claim query. It spans more than one
 * step so that the next round's query time is covered too.
 */
const CLAIM_AHEAD_MS = 500;
/** When the probe slots ran out before the due monitors did, the next round comes this soon. */
const REFILL_MS = 50;
const CLAIM_BATCH = 500;

/**
 * Monitors claimed beyond the free probe slots: they wait for a slot, but take one as soon as it
 * frees instead of at the next round. Kept small so that the wait stays well inside their lease.
 */
export function claimHeadroom(maxConcurrentProbes: number): number {
  return Math.ceil(maxConcurrentProbes / 4);
}

export type SchedulerStats = {
  claimed: number;
  /** Claimed monitors given back unstarted (with their slot) when the scheduler stopped. */
  returned: number;
  completed: number;
  active: number;
  startedAt: Date | null;
  lastTickAt: Date | null;
  /** First probe start − slot, of recent scheduled runs. */
  lagMs: number[];
};

/** A run this close to its next slot (or past it) is skipped: the next slot's run comes instead. */
const NEXT_SLOT_TOO_CLOSE_MS = 1_000;

export class Scheduler {
  readonly owner = `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  readonly writer: ResultWriter;
  private task: ScheduledTask | null = null;
  /** Claimed monitors whose slot has not come yet, each with the timer that starts it. */
  private readonly waiting = new Map<string, { monitor: ScheduledMonitor; timer: NodeJS.Timeout }>();
  /** Runs whose slot has come: from waiting for a probe slot until the last result is recorded. */
  private readonly active = new Map<string, Promise<void>>();
  private readonly abort = new AbortController();
  private readonly probeSlots: ReturnType<typeof semaphore>;
  private ticking: Promise<void> | null = null;
  readonly stats: SchedulerStats = { claimed: 0, returned: 0, completed: 0, active: 0, startedAt: null, lastTickAt: null, lagMs: [] };

  constructor(
    private readonly getPrisma: () => Promise<PrismaClient>,
    private readonly options: SchedulerOptions = schedulerOptionsFromEnv(),
    private readonly companions: SchedulerCompanion[] = [],
  ) {
    this.writer = new ResultWriter(getPrisma, { flushIntervalMs: options.flushIntervalMs, maxBuffered: options.maxBufferedResults }, diagnoseInBackground);
    this.probeSlots = semaphore(options.maxConcurrentProbes);
  }

  start(): void {
    if (this.task) return;
    this.stats.startedAt = new Date();
    this.task = cron.schedule("* * * * * *", () => this.tick(), { name: `hopwatch-scheduler-${this.owner}`, noOverlap: true });
    for (const companion of this.companions) companion.start();
    logger.info({ owner: this.owner, ...this.options }, "scheduler started");
  }

  /** One tick: claim rounds every CLAIM_STEP_MS until the next tick is near. Never overlaps itself. */
  tick(): Promise<void> {
    this.ticking ??= this.claimRounds().finally(() => {
      this.ticking = null;
    });
    return this.ticking;
  }

  private async claimRounds(): Promise<void> {
    const tickAt = Date.now();
    // The last round starts a full step before the next tick, so that it is over by then.
    const lastRoundAt = tickAt + 1000 - CLAIM_STEP_MS;
    try {
      const prisma = await this.getPrisma();
      for (let roundAt = tickAt; roundAt <= lastRoundAt; ) {
        await sleep(Math.max(0, roundAt - Date.now()), undefined, { signal: this.abort.signal });
        const outOfRoom = await this.claim(prisma);
        roundAt = outOfRoom ? Date.now() + REFILL_MS : roundAt + CLAIM_STEP_MS;
      }
      this.stats.lastTickAt = new Date();
    } catch (error) {
      if (!this.abort.signal.aborted) logger.warn({ err: error }, "scheduler tick failed; retrying next second");
    }
  }

  /**
   * Claims due monitors while there is room for them; true when the room ran out first. Room is
   * below maxActiveMonitors and, so that no claimed monitor waits for a probe slot long enough
   * for its lease to expire (and another process to probe it too), no more than the free probe
   * slots plus a small headroom.
   */
  private async claim(prisma: PrismaClient): Promise<boolean> {
    while (!this.abort.signal.aborted) {
      const held = this.active.size + this.waiting.size;
      const room = Math.min(
        this.options.maxActiveMonitors - held,
        this.probeSlots.free() - this.waiting.size + claimHeadroom(this.options.maxConcurrentProbes),
        CLAIM_BATCH,
      );
      if (room <= 0) return true;
      const claimed = await claimDueMonitors(prisma, this.owner, room, CLAIM_AHEAD_MS);
      for (const monitor of claimed) {
        // Our lease on a monitor still running here expired (a stalled process) and we claimed it
        // again: one run of a monitor at a time; the running one carries the new lease.
        if (this.active.has(monitor.id)) logger.warn({ monitorId: monitor.id }, "claimed a monitor this process is still running; skipping the new run");
        else {
          this.stats.claimed++;
          this.startAtSlot(monitor);
        }
      }
      if (claimed.length < room) return false;
    }
    return false;
  }

  private startAtSlot(monitor: ScheduledMonitor): void {
    const wait = monitor.scheduledAt.getTime() - Date.now();
    if (wait <= -monitor.intervalSeconds * 1000 + NEXT_SLOT_TOO_CLOSE_MS) {
      // About a whole interval late (this process stalled between claim and start): the next slot
      // is due, or nearly, and running both would probe twice in a row. Give the lease back; a
      // claim round runs the next slot.
      this.waiting.delete(monitor.id);
      this.stats.returned++;
      logger.warn({ monitorId: monitor.id, lateMs: -wait }, "skipped a run that started an interval late; the next slot runs instead");
      void this.releaseLeases([{ id: monitor.id, unrunSlot: null }]);
      return;
    }
    if (wait <= 0) {
      this.waiting.delete(monitor.id);
      return this.run(monitor);
    }
    // Timers can fire a little early by the wall clock (libuv's cached loop time): check again then.
    this.waiting.set(monitor.id, { monitor, timer: setTimeout(() => this.startAtSlot(monitor), wait) });
  }

  private run(monitor: ScheduledMonitor): void {
    const job = runMonitorJob(monitor, {
      owner: this.owner,
      record: (outcome) => {
        if (outcome.attempt === 1) this.recordLag(outcome.result.startedAt.getTime() - monitor.scheduledAt.getTime());
        this.writer.push(outcome);
      },
      retryBaseSeconds: this.options.retryBaseSeconds,
      withProbeSlot: this.probeSlots.run,
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
    recordSchedulerLag(lagMs);
    if (this.stats.lagMs.length > 10_000) this.stats.lagMs.splice(0, this.stats.lagMs.length - 10_000);
  }

  /**
   * Graceful stop: claim nothing more, give back at once the claimed monitors whose slot has not
   * come yet, let started runs finish (in-flight probes are bounded by their timeout; confirmation
   * pauses are cut short), write every buffered result, then give back the leases of monitors
   * whose confirmation was interrupted.
   */
  async stop(): Promise<void> {
    this.task?.stop();
    this.task = null;
    this.abort.abort();
    const companionsStopped = Promise.allSettled(this.companions.map((companion) => companion.stop()));
    // A tick still claiming adds what it claimed to `waiting` and `active` once its query returns.
    await this.ticking;
    // With their slot, so that another process runs them on time rather than skipping the slot.
    const unstarted = [...this.waiting.values()].map(({ monitor, timer }) => {
      clearTimeout(timer);
      return { id: monitor.id, unrunSlot: monitor.scheduledAt };
    });
    this.waiting.clear();
    this.stats.returned += unstarted.length;
    const returned = this.releaseLeases(unstarted);
    const interrupted = [...this.active.keys()].map((id) => ({ id, unrunSlot: null }));
    await Promise.allSettled([...this.active.values()]);
    await this.writer.flush();
    if (this.writer.pending > 0) logger.error({ pending: this.writer.pending }, "could not write every check result before stopping");
    await Promise.all([returned, this.releaseLeases(interrupted)]);
    await companionsStopped;
    logger.info({ owner: this.owner, ...this.stats, lagMs: undefined }, "scheduler stopped");
  }

  private async releaseLeases(leases: Parameters<typeof releaseLeases>[2]): Promise<void> {
    try {
      await releaseLeases(await this.getPrisma(), this.owner, leases);
    } catch (error) {
      logger.warn({ err: error }, "could not release leases; they expire on their own");
    }
  }
}
