// `npm start`: builds Hopwatch when there is no build yet (or the sources changed since the
// last one), then serves it with `next start`. The server process opens the database, applies
// migrations and starts the scheduler (instrumentation.ts).
import { spawn } from "node:child_process";
import { buildIfNeeded, nextBin } from "./build-if-needed";

if (!buildIfNeeded()) {
  console.error("The build failed (see above). Fix the error, then run npm start again.");
  process.exit(1);
}

const port = process.env.PORT || "3000";
const database = process.env.DATABASE_URL ? "PostgreSQL from DATABASE_URL" : `embedded PostgreSQL in ${process.env.HOPWATCH_DATA_DIR || ".data"}/`;
console.log(`Starting Hopwatch on http://localhost:${port} (${database})`);
// The server stops itself gracefully on SIGTERM/SIGINT (lib/server-process.ts).
const server = spawn(nextBin, ["start", "--port", port], { stdio: "inherit", env: { ...process.env, NEXT_MANUAL_SIG_HANDLE: "true" } });
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => server.kill(signal));
server.on("exit", (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
