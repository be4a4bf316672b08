// What a web server process starts besides serving pages.
import { getDatabase } from "./db";
import { logger } from "./logger";
import { startScheduler } from "./scheduler/runtime";

export async function startServerProcess(): Promise<void> {
  try {
    const database = await getDatabase();
    const schedulerOn = process.env.HOPWATCH_SCHEDULER !== "off";
    if (schedulerOn) startScheduler();
    logger.info({ mode: database.mode, scheduler: schedulerOn ? "in-process" : "off" }, "Hopwatch server process ready");
  } catch (error) {
    // A server without its database can only answer errors: stop with the reason instead.
    console.error(`Hopwatch cannot start: ${(error as Error).message}`);
    process.exit(1);
  }
}
