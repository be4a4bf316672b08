// The periodic upkeep of rollups and retention, run once a minute by every scheduler process
// (the web server unless HOPWATCH_SCHEDULER=off, and each `npm run worker`).
//
// Each minute, in order:
// 1. Refresh: the current UTC hour's rollups are recomputed from raw checks, for every monitor.
//    The previous hour is recomputed once 2 min after it ended ("close": its last results are
//    in) and once more at 15 min ("settle": late writes), and after a gap (this process could
//    not reach the database) the hours since its last success. Failed checks that later turned out
//    transient (a PENDING→UP state change) get their hours recomputed as well.
//    The running day's DAY rollups (and yesterday's, until 00:20 UTC) are then summed from its
//    hours — provisional: percentiles as the check-weighted mean of the hours'.
// 2. Finalize: once a UTC day is over (from 00:20), its DAY rollups are recomputed from raw
//    checks — exact percentiles — a chunk of monitors at a time. A DAY row is final when its
//    updatedAt is at least 20 min past the day's end and not older than any of its hours'.
// 3. Catch-up: retained hours that have raw checks but no rollups (an upgrade, a long outage)
//    are built in chunks, oldest first; looked for at start and then hourly.
// 4. Retention (retention.ts), in small batches.
//
// Several processes: every step runs in a transaction that first takes
// pg_try_advisory_xact_lock; whoever does not get it skips the step (someone else is doing it),
// and a refresh that another process did less than 40 s ago is not repeated. Every write
// recomputes whole buckets and upserts them, so even overlapping runs would agree.
// Each step has a time budget so that one minute's work stays bounded.
import cron, { type ScheduledTask } from "node-cron";
import type { Prisma, PrismaClient } from "../generated/prisma/client";
import { logger } from "../logger";
import { DAY_MS, HOUR_MS, truncate } from "./ranges";
import { applyRetention, rawRetentionDays, rawCutoff, rollupRetentionDays, type RetentionReport } from "./retention";
import { dayPieces, rollupDaysFromHours, rollupFromChecks } from "./rollups";

type Tx = Prisma.TransactionClient;

// Shared by every Hopwatch process (next to the migration lock, 72_410_502).
const ROLLUP_LOCK_ID = 72_410_503;
const RETENTION_LOCK_ID = 72_410_504;

/** The previous hour is recomputed until this long after it ended. */
const CLOSE_AFTER_MS = 2 * 60_000;
const SETTLE_AFTER_MS = 15 * 60_000;
/** A day's DAY rollups are provisional until this long after its end; then they are recomputed from raw. */
export const FINALIZE_AFTER_MS = 20 * 60_000;
const FRESH_MS = 40_000;
/** Longest gap the refresh itself fills; older hours go to the catch-up queue. */
const MAX_REFRESH_GAP_MS = 6 * HOUR_MS;
const DETECT_EVERY_MS = HOUR_MS;

export type MaintenanceOptions = {
  rawRetentionDays: number;
  rollupRetentionDays: number;
  /** Monitors per chunk when recomputing whole days (finalize, catch-up). */
  chunkMonitors: number;
  /** Time budget per minute for finalize + catch-up, and for retention (each also bounded by what is left of `minuteBudgetMs`). */
  workBudgetMs: number;
  retentionBudgetMs: number;
  /** What one minute's run aims to stay under, refresh included. */
  minuteBudgetMs: number;
  retentionBatchSize: number;
};

export function maintenanceOptionsFromEnv(env: Record<string, string | undefined> = process.env): MaintenanceOptions {
  return {
    rawRetentionDays: rawRetentionDays(env),
    rollupRetentionDays: rollupRetentionDays(env),
    chunkMonitors: 250,
    workBudgetMs: 2_000,
    retentionBudgetMs: 1_000,
    minuteBudgetMs: 4_000,
    retentionBatchSize: 5_000,
  };
}

export type MaintenanceReport = {
  at: string;
  refresh: { skipped: boolean; from: string | null; hourRows: number; repairs: number; dayRows: number; ms: number };
  finalize: { dayRows: number; ms: number; pending: boolean };
  catchUp: { rows: number; queued: number; ms: number };
  retention: RetentionReport & { ms: number };
  ms: number;
};

type CatchUpItem = { from: Date; to: Date; monitorIds: string[] | null };

/**
 * Takes the step's lock for this transaction, or says someone else holds it. Also turns JIT
 * compilation off for the transaction: these statements run once a minute with plans that JIT
 * would spend longer compiling (measured: 0.7 s of a 1.8 s refresh) than they take to run.
 */
async function tryLock(tx: Tx, id: number): Promise<boolean> {
  const rows = await tx.$queryRaw<{ locked: boolean }[]>`SELECT pg_try_advisory_xact_lock(${id}::bigint) AS locked`;
  if (rows[0]?.locked !== true) return false;
  await tx.$executeRaw`SELECT set_config('jit', 'off', true)`;
  return true;
}

function chunk<T>(items: T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let index = 0; index < items.length; index += size) chunks.push(items.slice(index, index + size));
  return chunks;
}

const TX_OPTIONS = { timeout: 120_000, maxWait: 10_000 };

export class RollupMaintenance {
  private task: ScheduledTask | null = null;
  private firstRun: NodeJS.Timeout | null = null;
  private running: Promise<MaintenanceReport | null> | null = null;
  private lastSuccess: Date | null = null;
  private closedHour = -1;
  private settledHour = -1;
  private catchUp: CatchUpItem[] = [];
  private lastDetection = Number.NEGATIVE_INFINITY;
  /** Finished days whose DAY rollups may need finalizing (their hours changed). */
  private readonly dirtyDays = new Set<number>();
  /** Days this process found final (so it does not look again unless they turn dirty). */
  private readonly finalDays = new Set<number>();

  constructor(
    private readonly getPrisma: () => Promise<PrismaClient>,
    private readonly options: MaintenanceOptions = maintenanceOptionsFromEnv(),
  ) {}

  start(): void {
    if (this.task) return;
    // A random second per process, so that several processes do not all start at once (the
    // lock and the freshness check make the later ones skip).
    const second = Math.floor(Math.random() * 60);
    this.task = cron.schedule(`${second} * * * * *`, () => void this.tick(), { name: `hopwatch-rollups-${process.pid}`, noOverlap: true });
    this.firstRun = setTimeout(() => void this.tick(), 5_000);
    this.firstRun.unref?.();
    logger.info({ second, ...this.options }, "rollup maintenance started");
  }

  async stop(): Promise<void> {
    this.task?.stop();
    this.task = null;
    if (this.firstRun) clearTimeout(this.firstRun);
    this.firstRun = null;
    await this.running?.catch(() => null);
  }

  private async tick(): Promise<void> {
    if (this.running || !this.task) return;
    this.running = this.runOnce(new Date()).catch((error) => {
      logger.warn({ err: error }, "rollup maintenance failed; retrying next minute");
      return null;
    });
    try {
      const report = await this.running;
      if (report && report.ms > 5_000) logger.warn({ report }, "rollup maintenance took longer than 5 s");
      else if (report) logger.debug({ report }, "rollup maintenance done");
    } finally {
      this.running = null;
    }
  }

  /** One minute's work. `force` refreshes even when another process just did. */
  async runOnce(now: Date, options: { force?: boolean } = {}): Promise<MaintenanceReport> {
    const started = Date.now();
    const prisma = await this.getPrisma();
    const refresh = await this.refresh(prisma, now, options.force ?? false);
    const left = () => started + this.options.minuteBudgetMs - Date.now();
    const deadline = Date.now() + Math.min(this.options.workBudgetMs, Math.max(250, left()));
    const catchUp = await this.processCatchUp(prisma, now, deadline);
    const finalize = await this.finalizeDays(prisma, now, deadline);
    const retentionStarted = Date.now();
    // Raw checks are not deleted before they are rolled up: wait while older hours are queued.
    const rawCut = rawCutoff(now, this.options.rawRetentionDays).getTime();
    const holdRaw = this.catchUp.some((item) => item.from.getTime() < rawCut);
    const retention = await applyRetention(prisma, {
      now,
      rawDays: holdRaw ? null : this.options.rawRetentionDays,
      rollupDays: this.options.rollupRetentionDays,
      batchSize: this.options.retentionBatchSize,
      // At least one batch a minute, so a backlog always shrinks.
      budgetMs: Math.min(this.options.retentionBudgetMs, Math.max(0, left())),
      eachBatch: (run) => prisma.$transaction(async (tx) => ((await tryLock(tx, RETENTION_LOCK_ID)) ? run(tx) : null), TX_OPTIONS),
    });
    return { at: now.toISOString(), refresh, finalize, catchUp, retention: { ...retention, ms: Date.now() - retentionStarted }, ms: Date.now() - started };
  }

  /** Hours from here on are fully inside raw retention: older ones may have lost checks already. */
  private retainedFrom(now: Date): number {
    return truncate(rawCutoff(now, this.options.rawRetentionDays), "hour").getTime() + HOUR_MS;
  }

  private isProvisional(day: number, now: Date): boolean {
    return now.getTime() < day + DAY_MS + FINALIZE_AFTER_MS;
  }

  /** After hours of `day` were recomputed for these monitors (null: all), bring its DAY rollups along. */
  private async afterHoursChanged(tx: Tx, now: Date, day: number, monitorIds: string[] | null): Promise<number> {
    if (this.isProvisional(day, now)) {
      return rollupDaysFromHours(tx, { from: new Date(day), to: new Date(day + DAY_MS), monitorIds: monitorIds ?? undefined, now });
    }
    this.dirtyDays.add(day);
    this.finalDays.delete(day);
    return 0;
  }

  private async refresh(prisma: PrismaClient, now: Date, force: boolean): Promise<MaintenanceReport["refresh"]> {
    const started = Date.now();
    const hour = truncate(now, "hour").getTime();
    const previous = hour - HOUR_MS;
    const sinceHour = now.getTime() - hour;
    let from = hour;
    // The previous hour once its last results are in (2 min after it ended), and once more
    // at 15 min for late writes.
    const closing = sinceHour >= CLOSE_AFTER_MS && this.closedHour < previous;
    const settling = sinceHour >= SETTLE_AFTER_MS && this.settledHour < previous;
    if (closing || settling) from = previous;
    // After a gap (this process could not reach the database), the hours since its last success.
    if (this.lastSuccess && this.lastSuccess.getTime() < previous) {
      const gapFrom = truncate(this.lastSuccess.getTime() - CLOSE_AFTER_MS, "hour").getTime();
      if (hour - gapFrom > MAX_REFRESH_GAP_MS) this.enqueueHours(gapFrom, hour - MAX_REFRESH_GAP_MS);
      from = Math.max(gapFrom, hour - MAX_REFRESH_GAP_MS);
    }
    from = Math.min(hour, Math.max(from, this.retainedFrom(now)));
    const repairSince = new Date((this.lastSuccess?.getTime() ?? now.getTime() - 5 * 60_000) - 60_000);

    const result = await prisma.$transaction(async (tx) => {
      if (!(await tryLock(tx, ROLLUP_LOCK_ID))) return null;
      if (!force) {
        const fresh = await tx.$queryRaw<{ at: Date | null }[]>`
          SELECT max("updatedAt") AS at FROM check_rollup WHERE granularity = 'HOUR' AND "bucketStart" = ${new Date(hour).toISOString()}::timestamptz`;
        const at = fresh[0]?.at ? new Date(fresh[0].at).getTime() : null;
        if (at !== null && at <= now.getTime() && now.getTime() - at < FRESH_MS) return null;
      }
      const hourRows = await rollupFromChecks(tx, { granularity: "HOUR", from: new Date(from), to: new Date(hour + HOUR_MS), now, onlyIfChanged: true });
      // Transient repairs: a confirmation that cleared made its failed checks transient, maybe
      // in hours before this window.
      const repairs = await tx.$queryRaw<{ monitorId: string; since: Date; until: Date }[]>`
        SELECT m.id AS "monitorId", p.at AS since, s.at AS until
        FROM monitor m
        CROSS JOIN LATERAL (
          SELECT at FROM state_change WHERE "monitorId" = m.id AND at >= ${repairSince.toISOString()}::timestamptz
            AND "fromState" = 'PENDING' AND "toState" = 'UP'
        ) s
        CROSS JOIN LATERAL (
          SELECT at FROM state_change WHERE "monitorId" = m.id AND "toState" = 'PENDING' AND at <= s.at ORDER BY at DESC LIMIT 1
        ) p
        WHERE p.at < ${new Date(from).toISOString()}::timestamptz`;
      const repairedDays = new Map<number, Set<string>>();
      for (const repair of repairs) {
        const repairFrom = Math.max(truncate(new Date(repair.since), "hour").getTime(), this.retainedFrom(now));
        const repairTo = Math.min(truncate(new Date(repair.until), "hour").getTime() + HOUR_MS, from);
        if (repairFrom >= repairTo) continue;
        await rollupFromChecks(tx, { granularity: "HOUR", from: new Date(repairFrom), to: new Date(repairTo), monitorIds: [repair.monitorId], now, onlyIfChanged: true });
        for (const piece of dayPieces(new Date(repairFrom), new Date(repairTo))) {
          const day = truncate(piece.from, "day").getTime();
          repairedDays.set(day, (repairedDays.get(day) ?? new Set()).add(repair.monitorId));
        }
      }
      let dayRows = 0;
      for (let day = truncate(from, "day").getTime(); day <= hour; day += DAY_MS) {
        dayRows += await this.afterHoursChanged(tx, now, day, null);
        repairedDays.delete(day);
      }
      for (const [day, ids] of repairedDays) dayRows += await this.afterHoursChanged(tx, now, day, [...ids]);
      return { hourRows, repairs: repairs.length, dayRows };
    }, TX_OPTIONS);
    if (result && closing) this.closedHour = previous;
    if (result && settling) this.settledHour = previous;
    // A skipped refresh (another process just did it) counts as a success for gap tracking.
    this.lastSuccess = now;
    return {
      skipped: result === null,
      from: result ? new Date(from).toISOString() : null,
      hourRows: result?.hourRows ?? 0,
      repairs: result?.repairs ?? 0,
      dayRows: result?.dayRows ?? 0,
      ms: Date.now() - started,
    };
  }

  /**
   * DAY rollups of finished days: yesterday and the day before, and any day whose hours changed.
   * Candidates are the monitors with hour rollups that day whose DAY row is missing, provisional,
   * or older than one of its hours.
   */
  private async finalizeDays(prisma: PrismaClient, now: Date, deadline: number): Promise<MaintenanceReport["finalize"]> {
    const started = Date.now();
    let dayRows = 0;
    const today = truncate(now, "day").getTime();
    const days = new Set([today - 2 * DAY_MS, today - DAY_MS, ...this.dirtyDays]);
    for (const day of [...days].sort((a, b) => a - b)) {
      if (this.isProvisional(day, now) || (this.finalDays.has(day) && !this.dirtyDays.has(day))) continue;
      const finalAt = new Date(day + DAY_MS + FINALIZE_AFTER_MS).toISOString();
      const dayStart = new Date(day).toISOString();
      for (;;) {
        if (Date.now() > deadline) return { dayRows, ms: Date.now() - started, pending: true };
        const found = await prisma.$transaction(async (tx) => {
          if (!(await tryLock(tx, ROLLUP_LOCK_ID))) return null;
          const rows = await tx.$queryRaw<{ monitorId: string }[]>`
            SELECT h."monitorId" FROM check_rollup h
            LEFT JOIN check_rollup d ON d."monitorId" = h."monitorId" AND d.granularity = 'DAY' AND d."bucketStart" = ${dayStart}::timestamptz
            WHERE h.granularity = 'HOUR' AND h."bucketStart" >= ${dayStart}::timestamptz AND h."bucketStart" < ${dayStart}::timestamptz + interval '1 day'
              AND (d."monitorId" IS NULL OR d."updatedAt" < ${finalAt}::timestamptz OR d."updatedAt" < h."updatedAt")
            GROUP BY h."monitorId"
            LIMIT ${this.options.chunkMonitors}`;
          if (rows.length === 0) return 0;
          const ids = rows.map((row) => row.monitorId);
          const range = { from: new Date(day), to: new Date(day + DAY_MS), monitorIds: ids, now };
          // A day partly past raw retention can only be summed from its hours.
          dayRows += day >= this.retainedFrom(now) ? await rollupFromChecks(tx, { granularity: "DAY", ...range }) : await rollupDaysFromHours(tx, range);
          return rows.length;
        }, TX_OPTIONS);
        if (found === null) return { dayRows, ms: Date.now() - started, pending: true };
        if (found < this.options.chunkMonitors) {
          this.finalDays.add(day);
          this.dirtyDays.delete(day);
          break;
        }
      }
    }
    return { dayRows, ms: Date.now() - started, pending: false };
  }

  /** Queues hours [from, to) for every monitor, an hour per item. */
  private enqueueHours(from: number, to: number): void {
    for (let hour = from; hour < to; hour += HOUR_MS) this.catchUp.push({ from: new Date(hour), to: new Date(hour + HOUR_MS), monitorIds: null });
  }

  /**
   * Finds, per monitor, hours with raw checks but no rollup: before its first hour rollup
   * (history from before rollups existed) and after its last one. Index probes only. Each
   * monitor's own range is kept (grouped with monitors of the same range, a UTC day per item),
   * so that no existing rollup is recomputed from checks that retention already thinned out.
   */
  async detectGaps(prisma: PrismaClient, now: Date): Promise<number> {
    const currentHour = truncate(now, "hour");
    const rows = await prisma.$queryRaw<{ monitorId: string; firstCheck: Date; firstHour: Date | null; checkAfterLast: Date | null }[]>`
      SELECT m.id AS "monitorId", fc.at AS "firstCheck", fh.at AS "firstHour", al.at AS "checkAfterLast"
      FROM monitor m
      CROSS JOIN LATERAL (SELECT "startedAt" AS at FROM "check" WHERE "monitorId" = m.id ORDER BY "startedAt" ASC LIMIT 1) fc
      LEFT JOIN LATERAL (SELECT "bucketStart" AS at FROM check_rollup WHERE "monitorId" = m.id AND granularity = 'HOUR' ORDER BY "bucketStart" ASC LIMIT 1) fh ON true
      LEFT JOIN LATERAL (SELECT "bucketStart" AS at FROM check_rollup WHERE "monitorId" = m.id AND granularity = 'HOUR' ORDER BY "bucketStart" DESC LIMIT 1) lh ON true
      LEFT JOIN LATERAL (SELECT "startedAt" AS at FROM "check" WHERE "monitorId" = m.id AND lh.at IS NOT NULL
        AND "startedAt" >= lh.at + interval '1 hour' AND "startedAt" < ${currentHour.toISOString()}::timestamptz ORDER BY "startedAt" ASC LIMIT 1) al ON true`;
    const groups = new Map<string, { from: number; to: number; ids: string[] }>();
    const add = (monitorId: string, from: number, to: number) => {
      for (const piece of dayPieces(new Date(from), new Date(Math.min(to, currentHour.getTime())))) {
        const key = `${piece.from.getTime()}-${piece.to.getTime()}`;
        const group = groups.get(key) ?? { from: piece.from.getTime(), to: piece.to.getTime(), ids: [] };
        group.ids.push(monitorId);
        groups.set(key, group);
      }
    };
    for (const row of rows) {
      const firstCheckHour = truncate(new Date(row.firstCheck), "hour").getTime();
      const firstHour = row.firstHour ? new Date(row.firstHour).getTime() : currentHour.getTime();
      if (firstCheckHour < firstHour) add(row.monitorId, firstCheckHour, firstHour);
      if (row.checkAfterLast) add(row.monitorId, truncate(new Date(row.checkAfterLast), "hour").getTime(), currentHour.getTime());
    }
    const items = [...groups.values()]
      .sort((a, b) => a.from - b.from)
      .flatMap((group) => chunk(group.ids, this.options.chunkMonitors).map((ids) => ({ from: new Date(group.from), to: new Date(group.to), monitorIds: ids })));
    this.catchUp.push(...items);
    if (items.length > 0) logger.info({ items: items.length }, "rollup catch-up queued");
    return items.length;
  }

  private async processCatchUp(prisma: PrismaClient, now: Date, deadline: number): Promise<MaintenanceReport["catchUp"]> {
    const started = Date.now();
    let rows = 0;
    if (this.catchUp.length === 0 && Date.now() - this.lastDetection >= DETECT_EVERY_MS) {
      this.lastDetection = Date.now();
      await this.detectGaps(prisma, now);
    }
    while (this.catchUp.length > 0 && Date.now() < deadline) {
      const item = this.catchUp[0];
      const written = await prisma.$transaction(async (tx) => {
        if (!(await tryLock(tx, ROLLUP_LOCK_ID))) return null;
        let count = 0;
        for (const piece of dayPieces(item.from, item.to)) {
          count += await rollupFromChecks(tx, { granularity: "HOUR", from: piece.from, to: piece.to, monitorIds: item.monitorIds ?? undefined, now, onlyIfChanged: true });
          count += await this.afterHoursChanged(tx, now, truncate(piece.from, "day").getTime(), item.monitorIds);
        }
        return count;
      }, TX_OPTIONS);
      if (written === null) break;
      rows += written;
      this.catchUp.shift();
    }
    return { rows, queued: this.catchUp.length, ms: Date.now() - started };
  }
}
