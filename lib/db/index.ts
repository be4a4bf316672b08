// The one way the app reaches PostgreSQL. DATABASE_URL set → that server; unset → the embedded
// PGlite under the data dir. Either way migrations are applied before the first query and the
// app talks to the database through the same pg driver adapter.
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../generated/prisma/client";
import { EMBEDDED_POOL_SIZE, startEmbeddedDatabase } from "./embedded";
import { applyMigrations } from "./migrate";
import { logger } from "../logger";
import { sealLegacyHeaders } from "../monitors/headers";

export type Database = {
  prisma: PrismaClient;
  mode: "server" | "embedded";
  url: string;
  close: () => Promise<void>;
};

// Next.js may load this module more than once in one process (instrumentation, route
// bundles); the database, and above all the embedded one, must exist once per process.
const globalForDb = globalThis as unknown as { hopwatchDatabase?: Promise<Database> };

async function open(): Promise<Database> {
  const serverUrl = process.env.DATABASE_URL;
  const embedded = serverUrl ? null : await startEmbeddedDatabase();
  const url = serverUrl ?? embedded!.url;
  try {
    const report = await applyMigrations(url);
    if (report.applied.length > 0) logger.info({ applied: report.applied }, "database migrations applied");
    const poolSize = embedded ? EMBEDDED_POOL_SIZE : Number(process.env.DATABASE_POOL_SIZE || 10);
    const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: poolSize, connectionTimeoutMillis: 5_000 }) });
    // The one data upgrade SQL cannot do: encrypting with the app's key.
    const sealed = await sealLegacyHeaders(prisma);
    if (sealed > 0) logger.info({ monitors: sealed }, "plaintext monitor headers encrypted");
    logger.info({ mode: embedded ? "embedded" : "server" }, "database ready");
    return {
      prisma,
      mode: embedded ? "embedded" : "server",
      url,
      close: async () => {
        await prisma.$disconnect();
        await embedded?.stop();
      },
    };
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
}

export function getDatabase(): Promise<Database> {
  if (!globalForDb.hopwatchDatabase) {
    globalForDb.hopwatchDatabase = open().catch((error) => {
      globalForDb.hopwatchDatabase = undefined; // let the next call try again
      throw error;
    });
  }
  return globalForDb.hopwatchDatabase;
}

export async function db(): Promise<PrismaClient> {
  return (await getDatabase()).prisma;
}

export async function closeDatabase(): Promise<void> {
  const pending = globalForDb.hopwatchDatabase;
  globalForDb.hopwatchDatabase = undefined;
  if (pending) await (await pending).close();
}
