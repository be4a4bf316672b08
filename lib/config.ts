// Process-wide settings read from the environment, with the defaults that let a first run
// need no configuration.
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

export function dataDir(): string {
  const dir = path.resolve(/*turbopackIgnore: true*/ process.env.HOPWATCH_DATA_DIR || ".data");
  mkdirSync(dir, { recursive: true });
  return dir;
}

export function port(): number {
  return Number(process.env.PORT || 3000);
}

/** The URL people use to reach Hopwatch; links in alerts and the auth origin check use it. */
export function publicUrl(): string {
  return (process.env.HOPWATCH_PUBLIC_URL || process.env.BETTER_AUTH_URL || `http://localhost:${port()}`).replace(/\/+$/, "");
}

/**
 * A secret from the environment, or else one generated on first use and kept under the data
 * dir, so that sessions survive restarts without any configuration.
 */
export function persistentSecret(envName: string, fileName: string): string {
  const fromEnv = process.env[envName];
  if (fromEnv) return fromEnv;
  const file = path.join(dataDir(), fileName);
  try {
    return readFileSync(file, "utf8").trim();
  } catch {
    const secret = randomBytes(32).toString("base64url");
    // "wx" fails if another process created it first; then read theirs.
    try {
      writeFileSync(file, secret + "\n", { mode: 0o600, flag: "wx" });
      return secret;
    } catch {
      return readFileSync(file, "utf8").trim();
    }
  }
}
