// `npm run worker`: a scheduler process on its own, sharing the work with any other workers
// and web servers through PostgreSQL. Needs DATABASE_URL (the embedded database belongs to
// the one process that opened it).
import { checkSettings } from "../lib/config";
import { closeDatabase, getDatabase } from "../lib/db";
import { logger } from "../lib/logger";
import { startScheduler } from "../lib/scheduler/runtime";

if (!process.env.DATABASE_URL) {
  console.error("npm run worker needs DATABASE_URL pointing at a PostgreSQL server: the embedded database can only be used by the one web process that owns it.");
  process.exit(1);
}

try {
  checkSettings();
} catch (error) {
  console.error(`The worker cannot start: ${(error as Error).message}`);
  process.exit(1);
}
await getDatabase();
const scheduler = startScheduler();

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, "worker stopping: finishing in-flight probes");
  await scheduler.stop();
  await closeDatabase();
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
