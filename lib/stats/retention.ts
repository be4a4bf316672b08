// Retention: raw checks are deleted after RAW_RETENTION_DAYS (default 30), rollups after
// ROLLUP_RETENTION_DAYS (default 400). Deletion goes in small batches, each its own short
// transaction touching only the rows it deletes (row locks, never a table lock), so probes keep
// writing and charts keep reading meanwhile.
import type { Prisma, PrismaClient } from "../generated/prisma/client";
import { DAY_MS } from "./ranges";

type Db = PrismaClient | Prisma.TransactionClient;

function positiveNumber(text: string | undefined, fallback: number, name: string): number {
  if (text === undefined || text === "") return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number of days (got "${text}")`);
  return value;
}

export function rawRetentionDays(env: Record<string, string | undefined> = process.env): number {
  return positiveNumber(env.RAW_RETENTION_DAYS, 30, "RAW_RETENTION_DAYS");
}

export function rollupRetentionDays(env: Record<string, string | undefined> = process.env): number {
  return positiveNumber(env.ROLLUP_RETENTION_DAYS, 400, "ROLLUP_RETENTION_DAYS");
}

/** Checks that started before this are expired. */
export function rawCutoff(now: Date, retentionDays: number): Date {
  return new Date(now.getTime() - retentionDays * DAY_MS);
}

/**
 * Deletes up to `batchSize` expired checks. Found per monitor through the (monitorId,
 * startedAt) index, so a batch costs an index probe per monitor plus the rows it deletes —
 * never a scan of the table. Returns how many were deleted.
 */
export async function deleteExpiredChecksBatch(prisma: Db, cutoff: Date, batchSize: number): Promise<number> {
  return prisma.$executeRaw`
    DELETE FROM "check" WHERE id IN (
      SELECT c.id FROM monitor m
      CROSS JOIN LATERAL (
        SELECT id FROM "check" WHERE "monitorId" = m.id AND "startedAt" < ${cutoff.toISOString()}::timestamptz LIMIT ${batchSize}
      ) c
      LIMIT ${batchSize}
    )`;
}

/** Deletes up to `batchSize` rollups older than the cutoff (through the (granularity, bucketStart) index). */
export async function deleteExpiredRollupsBatch(prisma: Db, cutoff: Date, batchSize: number): Promise<number> {
  return prisma.$executeRaw`
    DELETE FROM check_rollup r
    USING (
      (SELECT "monitorId", granularity, "bucketStart" FROM check_rollup
       WHERE granularity = 'HOUR' AND "bucketStart" < ${cutoff.toISOString()}::timestamptz LIMIT ${batchSize})
      UNION ALL
      (SELECT "monitorId", granularity, "bucketStart" FROM check_rollup
       WHERE granularity = 'DAY' AND "bucketStart" < ${cutoff.toISOString()}::timestamptz LIMIT ${batchSize})
    ) d
    WHERE r."monitorId" = d."monitorId" AND r.granularity = d.granularity AND r."bucketStart" = d."bucketStart"`;
}

export type RetentionReport = { checksDeleted: number; rollupsDeleted: number; batches: number; complete: boolean };

/**
 * Deletes expired checks and rollups batch by batch until none is left or `budgetMs` is spent
 * (the rest goes next time). `eachBatch` runs every batch in its own transaction (the
 * maintenance wraps it with a lock so that processes do not race for the same rows); by default
 * each batch is a statement on its own.
 */
export async function applyRetention(
  prisma: PrismaClient,
  options: {
    now: Date;
    /** null: leave raw checks alone this time. */
    rawDays: number | null;
    rollupDays: number;
    batchSize?: number;
    budgetMs?: number;
    eachBatch?: (run: (tx: Db) => Promise<number>) => Promise<number | null>;
  },
): Promise<RetentionReport> {
  const batchSize = options.batchSize ?? 5000;
  const deadline = Date.now() + (options.budgetMs ?? Number.POSITIVE_INFINITY);
  const eachBatch = options.eachBatch ?? ((run) => run(prisma));
  const report: RetentionReport = { checksDeleted: 0, rollupsDeleted: 0, batches: 0, complete: false };
  type Step = [cutoff: Date, batch: (tx: Db, cutoff: Date, size: number) => Promise<number>, key: "checksDeleted" | "rollupsDeleted"];
  const steps: Step[] = [
    ...(options.rawDays === null ? [] : [[rawCutoff(options.now, options.rawDays), deleteExpiredChecksBatch, "checksDeleted"] satisfies Step]),
    [rawCutoff(options.now, options.rollupDays), deleteExpiredRollupsBatch, "rollupsDeleted"],
  ];
  for (const [cutoff, batch, key] of steps) {
    for (;;) {
      if (report.batches > 0 && Date.now() > deadline) return report; // the first batch always runs
      const deleted = await eachBatch((tx) => batch(tx, cutoff, batchSize));
      if (deleted === null) return report; // another process is deleting right now
      report.batches++;
      report[key] += deleted;
      if (deleted < batchSize) break;
    }
  }
  report.complete = true;
  return report;
}
