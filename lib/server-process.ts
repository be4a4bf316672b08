// What a web server process starts besides serving pages.
import { getDatabase } from "./db";
import { logger } from "./logger";

export async function startServerProcess(): Promise<void> {
  const database = await getDatabase();
  logger.info({ mode: database.mode }, "Hopwatch server process ready");
}
