// An in-process Scheduler against a fresh PostgreSQL test database, with one user to own
// monitors; fast confirmation pauses and flushes so tests see outcomes quickly.
import { afterAll, beforeAll } from "vitest";
import { createTestDatabase, type TestDatabase } from "./postgres";
import type { Scheduler } from "@/lib/scheduler/scheduler";
import type { PrismaClient } from "@/lib/generated/prisma/client";

export type Harness = { prisma: PrismaClient; scheduler: Scheduler; userId: string; database: TestDatabase };

/** Registers beforeAll/afterAll hooks; the returned object is filled in once beforeAll ran. */
export function useSchedulerHarness(userId: string, cleanups: Array<() => Promise<void>> = []): Harness {
  const harness = {} as Harness;
  beforeAll(async () => {
    harness.database = await createTestDatabase();
    process.env.DATABASE_URL = harness.database.url;
    const { db } = await import("@/lib/db");
    const { Scheduler } = await import("@/lib/scheduler/scheduler");
    harness.prisma = await db();
    harness.userId = (await harness.prisma.user.create({ data: { id: userId, name: userId, email: `${userId}@example.com` } })).id;
    harness.scheduler = new Scheduler(db, { maxActiveMonitors: 100, maxConcurrentProbes: 20, retryBaseSeconds: 0.25, flushIntervalMs: 200, maxBufferedResults: 1000 });
    harness.scheduler.start();
  });
  afterAll(async () => {
    await harness.scheduler?.stop();
    await Promise.all(cleanups.map((cleanup) => cleanup()));
    const { closeDatabase } = await import("@/lib/db");
    await closeDatabase();
    await harness.database?.drop();
  });
  return harness;
}

/** Polls `read` until `done` holds, or fails after `timeoutMs` showing the last value. */
export async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) {
      throw new Error(`condition not met in ${timeoutMs} ms; last value: ${JSON.stringify(value, (_key, item) => (typeof item === "bigint" ? String(item) : item))}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
