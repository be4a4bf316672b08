// What a web server process starts besides serving pages.
import { checkSettings } from "./config";
import { closeDatabase, getDatabase } from "./db";
import { logger } from "./logger";
import { startScheduler } from "./scheduler/runtime";

export async function startServerProcess(): Promise<void> {
  try {
    checkSettings();
    const database = await getDatabase();
    const scheduler = process.env.HOPWATCH_SCHEDULER !== "off" ? startScheduler() : null;
    logger.info({ mode: database.mode, scheduler: scheduler ? "in-process" : "off" }, "Hopwatch server process ready");
    // `npm start` asks Next.js to leave signals to us (NEXT_MANUAL_SIG_HANDLE) so that a stop
    // finishes in-flight probes, writes buffered results, releases leases and closes the
    // embedded database cleanly before exiting.
    if (process.env.NEXT_MANUAL_SIG_HANDLE) {
      let stopping = false;
      // `on`, not `once`: Ctrl-C reaches both npm start's wrapper and this process, and a second
      // signal must not kill the process half way through stopping.
      const stop = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        logger.info({ signal }, "Hopwatch stopping");
        await scheduler?.stop();
        await closeDatabase();
        process.exit(0);
      };
      process.on("SIGTERM", () => void stop("SIGTERM"));
      process.on("SIGINT", () => void stop("SIGINT"));
    }
  } catch (error) {
    // A server without its database can only answer errors: stop with the reason instead.
    console.error(`Hopwatch cannot start: ${(error as Error).message}`);
    process.exit(1);
  }
}
