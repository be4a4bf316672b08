// Fixed-window counters in PostgreSQL, so that every web server and worker shares one limit.
// One atomic upsert per hit: concurrent requests can never all slip through on a stale count.
import { db } from "../db";
import { logger } from "../logger";

export type RateLimitRule = { max: number; windowSeconds: number };
export type RateLimitVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

const PRUNE_EVERY_MS = 60_000;
let lastPrunedAt = 0;

/** Counts one hit on `key`; refused once more than `max` hits fell in the current window. */
export async function consumeRateLimit(key: string, rule: RateLimitRule): Promise<RateLimitVerdict> {
  const prisma = await db();
  const [row] = await prisma.$queryRaw<Array<{ count: number; retryAfterSeconds: number }>>`
    INSERT INTO rate_limit_counter (key, count, "resetAt")
    VALUES (${key}, 1, now() + ${rule.windowSeconds}::int * interval '1 second')
    ON CONFLICT (key) DO UPDATE SET
      count = CASE WHEN rate_limit_counter."resetAt" <= now() THEN 1 ELSE rate_limit_counter.count + 1 END,
      "resetAt" = CASE WHEN rate_limit_counter."resetAt" <= now() THEN EXCLUDED."resetAt" ELSE rate_limit_counter."resetAt" END
    RETURNING count, GREATEST(1, ceil(extract(epoch FROM "resetAt" - now())))::int AS "retryAfterSeconds"`;
  pruneExpiredCounters();
  return row.count <= rule.max ? { allowed: true } : { allowed: false, retryAfterSeconds: row.retryAfterSeconds };
}

/** Forgets the hits on `key` (a successful sign-in clears its failed attempts). */
export async function resetRateLimit(key: string): Promise<void> {
  const prisma = await db();
  await prisma.rateLimitCounter.deleteMany({ where: { key } });
}

/** Expired rows mean nothing; drop them now and then so the table stays small. */
function pruneExpiredCounters(): void {
  if (Date.now() - lastPrunedAt < PRUNE_EVERY_MS) return;
  lastPrunedAt = Date.now();
  void db()
    .then((prisma) => prisma.$executeRaw`DELETE FROM rate_limit_counter WHERE "resetAt" < now()`)
    .catch((error) => logger.warn({ err: error }, "pruning expired rate-limit counters failed"));
}
