// Migrations apply idempotently and safely from concurrent starts, are recorded the way Prisma
// records them, and the embedded database keeps its data across restarts.
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { applyMigrations, migrationsDir } from "@/lib/db/migrate";
import { apiClient, signUp, startAppServer } from "../helpers/app-server";
import { createTestDatabase, postgresIsReachable, type TestDatabase } from "../helpers/postgres";

const postgresAvailable = process.env.CI ? true : await postgresIsReachable();
const migrationNames = readdirSync(migrationsDir(), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

describe.skipIf(!postgresAvailable)("migrations on a PostgreSQL server", () => {
  const databases: TestDatabase[] = [];
  afterAll(async () => Promise.all(databases.map((database) => database.drop())));

  it("apply once even when several processes start at the same time", async () => {
    const database = await createTestDatabase();
    databases.push(database);
    const reports = await Promise.all([1, 2, 3].map(() => applyMigrations(database.url)));
    expect(reports.flatMap((report) => report.applied).sort()).toEqual(migrationNames);
    expect(await applyMigrations(database.url)).toEqual({ applied: [], alreadyApplied: migrationNames.length });

    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const { rows } = await client.query("SELECT migration_name, checksum, finished_at, applied_steps_count FROM _prisma_migrations ORDER BY migration_name");
    await client.end();
    expect(rows.map((row) => row.migration_name)).toEqual(migrationNames);
    for (const row of rows) {
      const sql = readFileSync(path.join(migrationsDir(), row.migration_name, "migration.sql"));
      expect(row.checksum).toBe(createHash("sha256").update(sql).digest("hex"));
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.applied_steps_count).toBe(1);
    }
  });

  it("retry a migration whose earlier attempt died half way, and stop on a failing one", async () => {
    const database = await createTestDatabase();
    databases.push(database);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    // What a process killed during its first migration leaves behind.
    await client.query(`CREATE TABLE "_prisma_migrations" (id VARCHAR(36) PRIMARY KEY, checksum VARCHAR(64) NOT NULL, finished_at TIMESTAMPTZ,
      migration_name VARCHAR(255) NOT NULL, logs TEXT, rolled_back_at TIMESTAMPTZ, started_at TIMESTAMPTZ NOT NULL DEFAULT now(), applied_steps_count INTEGER NOT NULL DEFAULT 0)`);
    await client.query(`INSERT INTO "_prisma_migrations" (id, checksum, migration_name) VALUES ('dead', 'x', $1)`, [migrationNames[0]]);
    expect((await applyMigrations(database.url)).applied).toEqual(migrationNames);

    const brokenDir = mkdtempSync(path.join(os.tmpdir(), "hopwatch-migrations-"));
    try {
      const { cpSync, mkdirSync, writeFileSync } = await import("node:fs");
      cpSync(migrationsDir(), brokenDir, { recursive: true });
      mkdirSync(path.join(brokenDir, "99999999999999_broken"));
      writeFileSync(path.join(brokenDir, "99999999999999_broken", "migration.sql"), 'CREATE TABLE "half_done" (id int);\nSELECT no_such_function();');
      await expect(applyMigrations(database.url, brokenDir)).rejects.toThrow(/99999999999999_broken failed/);
      const { rows } = await client.query(`SELECT to_regclass('half_done') AS table_exists`);
      expect(rows[0].table_exists).toBeNull();
    } finally {
      rmSync(brokenDir, { recursive: true, force: true });
      await client.end();
    }
  });
});

describe("embedded PGlite", () => {
  it("keeps users and monitors across a restart, and refuses a second process", async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "hopwatch-embedded-"));
    try {
      const first = await startAppServer({ dataDir });
      const user = await signUp(first.url, "keeper@example.com");
      await apiClient(first.url, user)("POST", "/api/v1/monitors", { name: "Survivor", url: "https://survivor.example.com" });
      // A second server on the same data dir must not open the database underneath the first.
      await expect(startAppServer({ dataDir })).rejects.toThrow(/in use by process/);
      await first.stop();

      const second = await startAppServer({ dataDir });
      try {
        const signIn = await fetch(`${second.url}/api/auth/sign-in/email`, {
          method: "POST",
          headers: { "content-type": "application/json", origin: second.url },
          body: JSON.stringify({ email: "keeper@example.com", password: "correct horse battery" }),
        });
        expect(signIn.status).toBe(200);
        const cookie = signIn.headers.getSetCookie().map((value) => value.split(";")[0]).join("; ");
        const { json } = await apiClient(second.url, { cookie })("GET", "/api/v1/monitors");
        expect(json.monitors.map((monitor: { name: string }) => monitor.name)).toEqual(["Survivor"]);
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
