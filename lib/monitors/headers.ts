// A monitor's request headers at rest. They often carry tokens, so they are sealed
// (lib/security/secret-box.ts) in "encryptedHeaders"; the plaintext "headers" column
// (legacyHeaders) only holds what versions before encryption wrote, until the next start seals it.
import type { PrismaClient } from "../generated/prisma/client";
import { openSecret, sealSecret } from "../security/secret-box";

export type MonitorHeaders = Record<string, string>;

/** The columns to write for a monitor's headers. */
export function storedHeaders(headers: MonitorHeaders): { encryptedHeaders: string | null; legacyHeaders: MonitorHeaders } {
  return { encryptedHeaders: Object.keys(headers).length > 0 ? sealSecret(JSON.stringify(headers)) : null, legacyHeaders: {} };
}

/**
 * A stored monitor's headers. Plaintext in the legacy column wins: this version always empties
 * it, so anything there was written later by an older version or is not sealed yet.
 */
export function decryptMonitorHeaders(encryptedHeaders: string | null, legacyHeaders: unknown): MonitorHeaders {
  const legacy = legacyHeaders as MonitorHeaders | null;
  if (legacy && Object.keys(legacy).length > 0) return legacy;
  return encryptedHeaders ? (JSON.parse(openSecret(encryptedHeaders)) as MonitorHeaders) : {};
}

/**
 * Seals headers still stored in plaintext; returns how many monitors it changed. Each row is
 * compare-and-set on the plaintext it read, so concurrent starts and writers lose nothing.
 */
export async function sealLegacyHeaders(prisma: PrismaClient): Promise<number> {
  const rows = await prisma.$queryRaw<Array<{ id: string; headers: MonitorHeaders }>>`SELECT id, headers FROM monitor WHERE headers <> '{}'::jsonb`;
  let sealed = 0;
  for (const row of rows) {
    sealed += await prisma.$executeRaw`UPDATE monitor SET "encryptedHeaders" = ${storedHeaders(row.headers).encryptedHeaders}, headers = '{}'::jsonb
      WHERE id = ${row.id} AND headers = ${JSON.stringify(row.headers)}::jsonb`;
  }
  return sealed;
}

/**
 * For rows read with raw SQL that return "headers" (the legacy column) and "encryptedHeaders":
 * the same rows with their headers decrypted, and without the sealed column.
 */
export function withDecryptedHeaders<Row extends { headers: MonitorHeaders }>(rows: Row[]): Row[] {
  return rows.map((row) => {
    const { encryptedHeaders, ...rest } = row as Row & { encryptedHeaders: string | null };
    return { ...(rest as unknown as Row), headers: decryptMonitorHeaders(encryptedHeaders, row.headers) };
  });
}
