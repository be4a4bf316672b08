// A fresh PostgreSQL database per test run, on the server named by TEST_DATABASE_URL
// (default: the local server on 127.0.0.1:5432, as on the developers' and CI machines).
import { randomBytes } from "node:crypto";
import pg from "pg";

export const TEST_SERVER_URL = process.env.TEST_DATABASE_URL || "postgresql://postgres@127.0.0.1:5432/postgres";

export async function postgresIsReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: TEST_SERVER_URL, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

export type TestDatabase = { url: string; drop: () => Promise<void> };

export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `hopwatch_test_${randomBytes(5).toString("hex")}`;
  const admin = new pg.Client({ connectionString: TEST_SERVER_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(TEST_SERVER_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: TEST_SERVER_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

export type OpenedTestDatabase = TestDatabase & { client: pg.Client; close: () => Promise<void> };

/**
 * A fresh database that lib/db opens (applying the migrations) and a pg client on it for fixtures,
 * with one user to own them. `close` ends both and drops the database.
 */
export async function openTestDatabaseWithUser(userId: string): Promise<OpenedTestDatabase> {
  const database = await createTestDatabase();
  process.env.DATABASE_URL = database.url;
  const { db, closeDatabase } = await import("@/lib/db");
  await db();
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  await client.query(`INSERT INTO "user" (id, name, email, "updatedAt") VALUES ($1, $1, $2, now())`, [userId, `${userId}@example.com`]);
  return {
    ...database,
    client,
    close: async () => {
      await client.end();
      await closeDatabase();
      await database.drop();
    },
  };
}
