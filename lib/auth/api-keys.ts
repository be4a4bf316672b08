// API keys for scripts: shown once at creation, stored only as a sha256 hash.
import { createHash, randomBytes } from "node:crypto";
import { db } from "../db";

const KEY_PREFIX = "hw_";

function hashKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

export async function createApiKey(userId: string, name: string) {
  const key = KEY_PREFIX + randomBytes(24).toString("base64url");
  const prisma = await db();
  const record = await prisma.apiKey.create({
    data: { userId, name, prefix: key.slice(0, KEY_PREFIX.length + 6), hash: hashKey(key) },
    select: { id: true, name: true, prefix: true, createdAt: true },
  });
  return { ...record, key };
}

export async function listApiKeys(userId: string) {
  const prisma = await db();
  return prisma.apiKey.findMany({
    where: { userId, revokedAt: null },
    orderBy: { createdAt: "desc" },
    select: { id: true, name: true, prefix: true, createdAt: true, lastUsedAt: true },
  });
}

/** Returns whether a key was revoked; false when it is not this user's or already revoked. */
export async function revokeApiKey(userId: string, id: string): Promise<boolean> {
  const prisma = await db();
  const { count } = await prisma.apiKey.updateMany({ where: { id, userId, revokedAt: null }, data: { revokedAt: new Date() } });
  return count === 1;
}

/** A valid, unrevoked key's id and owner, or null. */
export async function findApiKey(key: string): Promise<{ keyId: string; userId: string } | null> {
  if (!key.startsWith(KEY_PREFIX)) return null;
  const prisma = await db();
  const record = await prisma.apiKey.findUnique({ where: { hash: hashKey(key) }, select: { id: true, userId: true, revokedAt: true, lastUsedAt: true } });
  if (!record || record.revokedAt) return null;
  // Touch lastUsedAt at most once a minute: a busy script should not write on every call.
  if (!record.lastUsedAt || Date.now() - record.lastUsedAt.getTime() > 60_000) {
    await prisma.apiKey.update({ where: { id: record.id }, data: { lastUsedAt: new Date() } });
  }
  return { keyId: record.id, userId: record.userId };
}
