// Applies prisma/migrations at start. Prisma's own `migrate deploy` needs a native engine that
// cannot be downloaded here, so this runner does the same job and records each migration in
// Prisma's `_prisma_migrations` table the way Prisma does (sha256 checksum of the file), which
// keeps `prisma migrate status/deploy` in agreement with it.
import { createHash, randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";

// Any constant shared by every Hopwatch process: pg_advisory_lock serialises concurrent starts.
const MIGRATION_LOCK_ID = 72_410_502;

export type MigrationReport = { applied: string[]; alreadyApplied: number };

export function migrationsDir(): string {
  return path.resolve(/*turbopackIgnore: true*/ process.env.HOPWATCH_MIGRATIONS_DIR || "prisma/migrations");
}

function listMigrations(dir: string): { name: string; sql: string }[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(dir, entry.name, "migration.sql")))
    .map((entry) => entry.name)
    .sort()
    .map((name) => ({ name, sql: readFileSync(path.join(dir, name, "migration.sql"), "utf8") }));
}

export async function applyMigrations(databaseUrl: string, dir = migrationsDir()): Promise<MigrationReport> {
  const migrations = listMigrations(dir);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`SELECT pg_advisory_lock(${MIGRATION_LOCK_ID})`);
    await client.query(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" VARCHAR(36) PRIMARY KEY NOT NULL,
      "checksum" VARCHAR(64) NOT NULL,
      "finished_at" TIMESTAMPTZ,
      "migration_name" VARCHAR(255) NOT NULL,
      "logs" TEXT,
      "rolled_back_at" TIMESTAMPTZ,
      "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
      "applied_steps_count" INTEGER NOT NULL DEFAULT 0
    )`);
    // Each migration runs in a transaction, so an attempt that never finished (it failed, or its
    // process died) left nothing behind: mark it rolled back, as `prisma migrate resolve` would,
    // and run it again. Holding the lock means no other process is running it right now.
    await client.query(
      `UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE finished_at IS NULL AND rolled_back_at IS NULL`,
    );
    const { rows } = await client.query<{ migration_name: string }>(
      `SELECT migration_name FROM "_prisma_migrations" WHERE rolled_back_at IS NULL`,
    );
    const done = new Set(rows.map((row) => row.migration_name));
    const applied: string[] = [];
    for (const migration of migrations) {
      if (done.has(migration.name)) continue;
      const id = randomUUID();
      const checksum = createHash("sha256").update(migration.sql).digest("hex");
      await client.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at) VALUES ($1, $2, $3, now())`,
        [id, checksum, migration.name],
      );
      try {
        // One simple-protocol query (no parameters) runs the whole multi-statement script, in a
        // transaction so a failure leaves nothing half-applied.
        await client.query(`BEGIN;\n${migration.sql}\n;COMMIT;`);
      } catch (error) {
        await client.query("ROLLBACK").catch(() => {});
        await client.query(`UPDATE "_prisma_migrations" SET logs = $2 WHERE id = $1`, [id, String(error)]);
        throw new Error(`Migration ${migration.name} failed: ${(error as Error).message}`);
      }
      await client.query(
        `UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`,
        [id],
      );
      applied.push(migration.name);
    }
    return { applied, alreadyApplied: migrations.length - applied.length };
  } finally {
    await client.query(`SELECT pg_advisory_unlock(${MIGRATION_LOCK_ID})`).catch(() => {});
    await client.end();
  }
}
