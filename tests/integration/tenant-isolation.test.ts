// One user can never see or change another's monitors: every monitor route, page and Server
// Action answers "not found" for someone else's monitor, and the monitor stays as it was.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiClient, signUp, startAppServer, type AppServer, type TestUser } from "../helpers/app-server";
import { createTestDatabase, postgresIsReachable, type TestDatabase } from "../helpers/postgres";

const postgresAvailable = process.env.CI ? true : await postgresIsReachable();

describe.skipIf(!postgresAvailable)("tenant isolation", () => {
  let app: AppServer;
  let database: TestDatabase;
  let alice: TestUser;
  let bob: TestUser;
  let aliceMonitor: Record<string, unknown>;

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startAppServer({ databaseUrl: database.url });
    alice = await signUp(app.url, "alice@example.com");
    bob = await signUp(app.url, "bob@example.com");
    aliceMonitor = (await apiClient(app.url, alice)("POST", "/api/v1/monitors", { name: "Alice's API", url: "https://alice.example.com" })).json;
    // The Server Action logic runs in this process against the same database.
    process.env.DATABASE_URL = database.url;
  });

  afterAll(async () => {
    const { closeDatabase } = await import("@/lib/db");
    await closeDatabase();
    await app?.stop();
    await database?.drop();
  });

  it("answers 404 on every API route for another user's monitor", async () => {
    const asBob = apiClient(app.url, bob);
    const id = aliceMonitor.id as string;
    const routes: Array<[string, string, unknown?]> = [
      ["GET", `/api/v1/monitors/${id}`],
      ["PATCH", `/api/v1/monitors/${id}`, { name: "pwned" }],
      ["PATCH", `/api/v1/monitors/${id}`, "{broken json"],
      ["DELETE", `/api/v1/monitors/${id}`],
    ];
    for (const [method, path, body] of routes) {
      const response = await asBob(method, path, body);
      expect(response.status, `${method} ${path}`).toBe(404);
    }
    const bobsList = await asBob("GET", "/api/v1/monitors");
    expect(bobsList.json.monitors).toEqual([]);
  });

  it("answers 404 on another user's monitor pages", async () => {
    for (const path of [`/monitors/${aliceMonitor.id}`, `/monitors/${aliceMonitor.id}/edit`]) {
      const response = await fetch(`${app.url}${path}`, { headers: { cookie: bob.cookie } });
      expect(response.status, path).toBe(404);
    }
    const own = await fetch(`${app.url}/monitors/${aliceMonitor.id}`, { headers: { cookie: alice.cookie } });
    expect(own.status).toBe(200);
  });

  it("refuses the Server Actions' work on another user's monitor", async () => {
    const { saveMonitorForm } = await import("@/lib/monitors/form-actions");
    const { setMonitorEnabled, deleteMonitor } = await import("@/lib/monitors/service");
    const form = new FormData();
    form.set("name", "pwned");
    form.set("url", "https://evil.example.com");
    const saved = await saveMonitorForm(bob.id, aliceMonitor.id as string, form);
    expect(saved.savedId).toBeNull();
    expect(saved.formError).toMatch(/no longer exists/);
    expect((await setMonitorEnabled(bob.id, aliceMonitor.id as string, false)).ok).toBe(false);
    expect(await deleteMonitor(bob.id, aliceMonitor.id as string)).toBe(false);
  });

  it("left Alice's monitor untouched", async () => {
    const after = await apiClient(app.url, alice)("GET", `/api/v1/monitors/${aliceMonitor.id}`);
    expect(after.status).toBe(200);
    expect(after.json).toEqual(aliceMonitor);
  });
});
