// What a web server process starts besides serving pages.
import { getDatabase } from "./db";
import { logger } from "./logger";

export async function startServerProcess(): Promise<void> {
  try {
    const database = await getDatabase();
    logger.info({ mode: database.mode }, "Hopwatch server process ready");
  } catch (error) {
    // A server without its database can only answer errors: stop with the reason instead.
    console.error(`Hopwatch cannot start: ${(error as Error).message}`);
    process.exit(1);
  }
}
