// Process-wide settings read from the environment, with the defaults that let a first run
// need no configuration.
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import ipaddr from "ipaddr.js";

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

/** Origins whose pages may sign in and make cookie-authenticated changes: Hopwatch's own. */
export function trustedOrigins(): string[] {
  const local = [`http://localhost:${port()}`, `http://127.0.0.1:${port()}`];
  const extra = (process.env.HOPWATCH_TRUSTED_ORIGINS || "").split(",").map((origin) => origin.trim()).filter(Boolean);
  return [...new Set([publicUrl(), ...local, ...extra].map(toOrigin))];
}

function toOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

/** Reverse proxies (addresses or CIDR ranges) whose X-Forwarded-For entries are believed. */
export function trustedProxies(): string[] {
  return listSetting("HOPWATCH_TRUSTED_PROXIES");
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

/**
 * The AES-256 key for secrets stored in the database (monitor request headers): 32 bytes, given
 * as 64 hex digits or as base64/base64url, or generated and kept in the data dir.
 */
export function encryptionKey(): Buffer {
  const text = persistentSecret("HOPWATCH_ENCRYPTION_KEY", "encryption-key");
  const key = /^[0-9a-f]{64}$/i.test(text) ? Buffer.from(text, "hex") : /^[A-Za-z0-9+/_-]{43}=?$/.test(text) ? Buffer.from(text, "base64") : null;
  if (key?.length !== 32) {
    throw new Error("HOPWATCH_ENCRYPTION_KEY must be 32 bytes written as 64 hex digits or 44 base64 characters, e.g. the output of `openssl rand -base64 32`");
  }
  return key;
}

/** Whether monitors may not reach private, loopback, link-local and other internal addresses. */
export function blockPrivateTargets(): boolean {
  return booleanSetting("BLOCK_PRIVATE_TARGETS", false);
}

/** Internal addresses that stay reachable while BLOCK_PRIVATE_TARGETS is on. */
export function allowedPrivateTargets(): Array<[ipaddr.IPv4 | ipaddr.IPv6, number]> {
  return listSetting("ALLOWED_PRIVATE_TARGETS").map((entry) => {
    try {
      if (entry.includes("/")) return ipaddr.parseCIDR(entry);
      const address = ipaddr.parse(entry);
      return [address, address.kind() === "ipv4" ? 32 : 128];
    } catch {
      throw new Error(`ALLOWED_PRIVATE_TARGETS: "${entry}" is not an IP address or CIDR range such as 10.0.5.0/24`);
    }
  });
}

/** API requests per minute per API key (or per user, for the browser's session calls); 0 is unlimited. */
export function apiRateLimitPerMinute(): number {
  const text = process.env.HOPWATCH_API_RATE_LIMIT?.trim() || "300";
  const limit = Number(text);
  if (!Number.isInteger(limit) || limit < 0) throw new Error(`HOPWATCH_API_RATE_LIMIT must be a whole number of requests per minute (0 turns the limit off), not "${text}"`);
  return limit;
}

/** Reads every setting that can be malformed, so that a bad one stops the process at start. */
export function checkSettings(): void {
  encryptionKey();
  allowedPrivateTargets();
  apiRateLimitPerMinute();
  blockPrivateTargets();
}

function listSetting(name: string): string[] {
  return (process.env[name] || "").split(",").map((entry) => entry.trim()).filter(Boolean);
}

function booleanSetting(name: string, fallback: boolean): boolean {
  const text = (process.env[name] || "").trim().toLowerCase();
  if (text === "") return fallback;
  if (["true", "1", "yes", "on"].includes(text)) return true;
  if (["false", "0", "no", "off"].includes(text)) return false;
  throw new Error(`${name} must be true or false, not "${process.env[name]}"`);
}
