// `npm start`: builds Hopwatch when there is no build yet (or the sources changed since the
// last one), then serves it with `next start`. The server process opens the database, applies
// migrations and starts the scheduler (instrumentation.ts).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

const SOURCES = ["app", "components", "lib", "public", "instrumentation.ts", "next.config.ts", "prisma/schema.prisma", "package-lock.json", "postcss.config.mjs"];
const BUILD_MARKER = ".next/BUILD_ID";
const nextBin = path.resolve("node_modules/.bin/next");

function newestModification(entry: string): number {
  if (!existsSync(entry)) return 0;
  const stats = statSync(entry);
  if (!stats.isDirectory()) return stats.mtimeMs;
  if (entry === path.join("lib", "generated")) return 0;
  return Math.max(stats.mtimeMs, ...readdirSync(entry).map((child) => newestModification(path.join(entry, child))));
}

function buildIsCurrent(): boolean {
  if (!existsSync(BUILD_MARKER)) return false;
  const built = statSync(BUILD_MARKER).mtimeMs;
  return SOURCES.every((source) => newestModification(source) <= built);
}

if (!buildIsCurrent()) {
  console.log(existsSync(BUILD_MARKER) ? "Sources changed since the last build: rebuilding Hopwatch…" : "Building Hopwatch (first start only, about a minute)…");
  const build = spawnSync(nextBin, ["build"], { stdio: "inherit" });
  if (build.status !== 0) {
    console.error("The build failed (see above). Fix the error, then run npm start again.");
    process.exit(build.status ?? 1);
  }
}

const port = process.env.PORT || "3000";
console.log(`Starting Hopwatch on http://localhost:${port} (${process.env.DATABASE_URL ? "PostgreSQL from DATABASE_URL" : `embedded PostgreSQL in ${process.env.HOPWATCH_DATA_DIR || ".data"}/`})`);
const server = spawn(nextBin, ["start", "--port", port], { stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => server.kill(signal));
server.on("exit", (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
