// The embedded PostgreSQL used when DATABASE_URL is unset: PGlite stored under the data dir,
// served over the PostgreSQL wire protocol on 127.0.0.1 so the app reaches it with the same
// driver (pg) and code path as a real server.
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { dataDir } from "../config";

/** Connections the pool may open; pglite-socket refuses any beyond its own maximum. */
export const EMBEDDED_POOL_SIZE = 8;

export type EmbeddedDatabase = { url: string; stop: () => Promise<void> };

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * PGlite does not lock its directory and two processes writing it lose data, so one process
 * owns it. A lock left by a killed process (its pid no longer runs) is taken over.
 */
function acquireLock(lockFile: string): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockFile, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lockFile, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = Number(readFileSync(lockFile, "utf8"));
      if (owner && owner !== process.pid && isRunning(owner)) {
        throw new Error(
          `The embedded database in ${path.dirname(lockFile)} is in use by process ${owner}. ` +
            "Stop that process, or set DATABASE_URL to a PostgreSQL server to run several processes.",
        );
      }
      rmSync(lockFile, { force: true });
    }
  }
  throw new Error(`Could not lock ${lockFile}`);
}

export async function startEmbeddedDatabase(): Promise<EmbeddedDatabase> {
  const dir = path.join(dataDir(), "pgdata");
  mkdirSync(dir, { recursive: true });
  const releaseLock = acquireLock(path.join(dataDir(), "pglite.lock"));
  try {
    const db = await PGlite.create({ dataDir: dir });
    const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port: 0, maxConnections: EMBEDDED_POOL_SIZE + 2 });
    await server.start();
    const releaseOnExit = () => releaseLock();
    process.once("exit", releaseOnExit);
    return {
      url: `postgresql://postgres@${server.getServerConn()}/postgres?sslmode=disable`,
      stop: async () => {
        await server.stop();
        await db.close();
        process.off("exit", releaseOnExit);
        releaseLock();
      },
    };
  } catch (error) {
    releaseLock();
    throw error;
  }
}
