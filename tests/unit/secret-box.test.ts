// Secrets at rest: AES-256-GCM that round-trips, never stores the plaintext, refuses tampering,
// and says so plainly when a process has another key.
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { encryptionKey } from "@/lib/config";
import { openSecret, sealSecret } from "@/lib/security/secret-box";

const key = randomBytes(32);

describe("sealSecret / openSecret", () => {
  it("round-trips any text, with a fresh IV each time", () => {
    for (const text of ["", "Bearer abc", '{"Authorization":"Bearer s3cr3t"}', "ünïcødé 🔑", "x".repeat(10_000)]) {
      const sealed = sealSecret(text, key);
      expect(openSecret(sealed, key)).toBe(text);
      if (text) expect(sealed).not.toContain(text);
    }
    expect(sealSecret("same", key)).not.toBe(sealSecret("same", key));
  });

  it("refuses a tampered value", () => {
    const parts = sealSecret("Bearer s3cr3t", key).split(".");
    const flipped = Buffer.from(parts[4], "base64url");
    flipped[0] ^= 1;
    expect(() => openSecret([...parts.slice(0, 4), flipped.toString("base64url")].join("."), key)).toThrow();
    expect(() => openSecret([...parts.slice(0, 3), parts[3].slice(0, 8), parts[4]].join("."), key)).toThrow();
    expect(() => openSecret("plain text", key)).toThrow(/Not a value sealed/);
  });

  it("names the key mismatch when opened with another key", () => {
    expect(() => openSecret(sealSecret("x", key), randomBytes(32))).toThrow(/another key .* HOPWATCH_ENCRYPTION_KEY/);
  });
});

describe("encryptionKey", () => {
  const saved = { key: process.env.HOPWATCH_ENCRYPTION_KEY, dir: process.env.HOPWATCH_DATA_DIR };
  afterEach(() => {
    process.env.HOPWATCH_ENCRYPTION_KEY = saved.key;
    process.env.HOPWATCH_DATA_DIR = saved.dir;
  });

  it("accepts 32 bytes as hex, base64 or base64url, and nothing else", () => {
    const bytes = randomBytes(32);
    for (const text of [bytes.toString("hex"), bytes.toString("base64"), bytes.toString("base64url")]) {
      process.env.HOPWATCH_ENCRYPTION_KEY = text;
      expect(encryptionKey().equals(bytes)).toBe(true);
    }
    for (const text of ["short", randomBytes(16).toString("base64"), randomBytes(31).toString("hex"), "z".repeat(64)]) {
      process.env.HOPWATCH_ENCRYPTION_KEY = text;
      expect(() => encryptionKey(), text).toThrow(/HOPWATCH_ENCRYPTION_KEY must be 32 bytes/);
    }
  });

  it("generates a key under the data dir when none is set, and keeps it", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "hopwatch-key-"));
    try {
      delete process.env.HOPWATCH_ENCRYPTION_KEY;
      process.env.HOPWATCH_DATA_DIR = dir;
      const first = encryptionKey();
      expect(first).toHaveLength(32);
      expect(encryptionKey().equals(first)).toBe(true);
      expect(Buffer.from(readFileSync(path.join(dir, "encryption-key"), "utf8").trim(), "base64url").equals(first)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
