// Whether the Next.js build in .next/ is missing or older than the sources, and a way to
// (re)build it. Used by `npm start` and by the test suite's global setup.
import { spawnSync } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeSync } from "node:fs";
import path from "node:path";

const SOURCES = ["app", "components", "lib", "public", "instrumentation.ts", "next.config.ts", "prisma/schema.prisma", "package-lock.json", "postcss.config.mjs", "tsconfig.json"];
const BUILD_MARKER = ".next/BUILD_ID";
export const nextBin = path.resolve("node_modules/.bin/next");

function newestModification(entry: string): number {
  if (!existsSync(entry)) return 0;
  const stats = statSync(entry);
  if (!stats.isDirectory()) return stats.mtimeMs;
  if (entry === path.join("lib", "generated")) return 0;
  return Math.max(stats.mtimeMs, ...readdirSync(entry).map((child) => newestModification(path.join(entry, child))));
}

export function buildIsCurrent(): boolean {
  if (!existsSync(BUILD_MARKER)) return false;
  const built = statSync(BUILD_MARKER).mtimeMs;
  return SOURCES.every((source) => newestModification(source) <= built);
}

const BUILD_LOCK = ".next-build.lock";

function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** One build at a time across processes (test runs, npm start): others wait, then re-check. */
function withBuildLock<T>(run: () => T): T {
  for (;;) {
    try {
      const fd = openSync(BUILD_LOCK, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch {
      const owner = Number(readFileSync(BUILD_LOCK, "utf8") || 0);
      if (!owner || !processRuns(owner)) rmSync(BUILD_LOCK, { force: true });
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
    }
  }
  try {
    return run();
  } finally {
    rmSync(BUILD_LOCK, { force: true });
  }
}

/** Builds when needed; returns false if the build failed (its output went to the terminal). */
export function buildIfNeeded(): boolean {
  if (buildIsCurrent()) return true;
  return withBuildLock(() => {
    if (buildIsCurrent()) return true; // someone else built it while we waited
    console.log(existsSync(BUILD_MARKER) ? "Sources changed since the last build: rebuilding Hopwatch…" : "Building Hopwatch (first start only, about a minute)…");
    return spawnSync(nextBin, ["build"], { stdio: "inherit" }).status === 0;
  });
}
