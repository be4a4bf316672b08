// The monitor form's Server Action logic against a real PostgreSQL database: every invalid
// field gets its own message, and nothing stored changes until the whole form is valid.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, postgresIsReachable, type TestDatabase } from "../helpers/postgres";

const postgresAvailable = process.env.CI ? true : await postgresIsReachable();

describe.skipIf(!postgresAvailable)("monitor form", () => {
  let database: TestDatabase;
  let userId: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    process.env.DATABASE_URL = database.url;
    const { db } = await import("@/lib/db");
    const prisma = await db();
    userId = (await prisma.user.create({ data: { id: "form-user", name: "Form", email: "form@example.com" } })).id;
  });

  afterAll(async () => {
    const { closeDatabase } = await import("@/lib/db");
    await closeDatabase();
    await database?.drop();
  });

  function form(fields: Record<string, string>): FormData {
    const data = new FormData();
    for (const [name, value] of Object.entries(fields)) data.set(name, value);
    return data;
  }

  const validFields = { name: "Orders", type: "HTTP", url: "https://orders.example.com/health", method: "GET", expectedStatus: "200-299", intervalSeconds: "60", timeoutSeconds: "10", retries: "2", enabled: "on", followRedirects: "on" };

  it("creates a monitor from a valid form", async () => {
    const { saveMonitorForm } = await import("@/lib/monitors/form-actions");
    const { getMonitor, toEditableFields } = await import("@/lib/monitors/service");
    const state = await saveMonitorForm(userId, null, form({ ...validFields, headers: "Authorization: Bearer abc" }));
    expect(state.savedId).toEqual(expect.any(String));
    expect(toEditableFields((await getMonitor(userId, state.savedId!))!)).toMatchObject({ name: "Orders", headers: { Authorization: "Bearer abc" }, keywordMustBeAbsent: false });
  });

  it("names every invalid field, keeps what was typed, and changes nothing", async () => {
    const { saveMonitorForm } = await import("@/lib/monitors/form-actions");
    const { createMonitor, getMonitor } = await import("@/lib/monitors/service");
    const created = await createMonitor(userId, { name: "Payments", url: "https://pay.example.com" });
    if (!created.ok) throw new Error("setup failed");
    const bad = form({ ...validFields, name: "", url: "ftp://pay", intervalSeconds: "5", timeoutSeconds: "abc", retries: "99", expectedStatus: "2xx", headers: "no colon" });
    const state = await saveMonitorForm(userId, created.monitor.id, bad);
    expect(state.savedId).toBeNull();
    expect(Object.keys(state.errors).sort()).toEqual(["expectedStatus", "headers", "intervalSeconds", "name", "retries", "timeoutSeconds", "url"]);
    expect(state.values).toMatchObject({ url: "ftp://pay", retries: "99" });
    expect(await getMonitor(userId, created.monitor.id)).toEqual(created.monitor);
  });
});
