// One user can never see or change another's monitors, checks or incidents: every API route,
// page and Server Action answers "not found" for someone else's resource, and nothing changes.
// The route list is read from app/: a new route without a case here makes this test fail.
import { readdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiClient, signUp, startAppServer, type AppServer, type TestUser } from "../helpers/app-server";
import { createTestDatabase, postgresIsReachable, type TestDatabase } from "../helpers/postgres";

const postgresAvailable = process.env.CI ? true : await postgresIsReachable();

/** URL patterns of the app's routes, e.g. /api/v1/monitors/[id], /monitors/[id]/edit. */
function appRoutes(fileName: "route.ts" | "page.tsx"): string[] {
  const found: string[] = [];
  const walk = (dir: string, urlPath: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        // (group) folders do not appear in the URL.
        walk(path.join(dir, entry.name), /^\(.*\)$/.test(entry.name) ? urlPath : `${urlPath}/${entry.name}`);
      } else if (entry.name === fileName) {
        found.push(urlPath || "/");
      }
    }
  };
  walk(path.resolve("app"), "");
  return found.sort();
}

type Ids = { monitorId: string; incidentId: string };
type Case = { method: string; body?: unknown };

// Routes that take the id of a user's resource: each must answer 404 to another user.
const SCOPED_API: Record<string, { url: (ids: Ids) => string; cases: Case[] }> = {
  "/api/v1/monitors/[id]": { url: (ids) => `/api/v1/monitors/${ids.monitorId}`, cases: [{ method: "GET" }, { method: "PATCH", body: { name: "pwned" } }, { method: "PATCH", body: "{broken" }, { method: "DELETE" }] },
  "/api/v1/monitors/[id]/checks": { url: (ids) => `/api/v1/monitors/${ids.monitorId}/checks`, cases: [{ method: "GET" }] },
  "/api/v1/monitors/[id]/stats": { url: (ids) => `/api/v1/monitors/${ids.monitorId}/stats?range=90d`, cases: [{ method: "GET" }] },
  "/api/v1/monitors/[id]/check-now": { url: (ids) => `/api/v1/monitors/${ids.monitorId}/check-now`, cases: [{ method: "POST" }] },
  "/api/v1/incidents/[id]": { url: (ids) => `/api/v1/incidents/${ids.incidentId}`, cases: [{ method: "GET" }] },
  "/api/v1/incidents/[id]/notes": { url: (ids) => `/api/v1/incidents/${ids.incidentId}/notes`, cases: [{ method: "POST", body: { text: "pwned" } }] },
};
// Collection routes: another user's list must not contain anything of the owner's.
const LIST_API: Record<string, { url: string; key: string }> = {
  "/api/v1/monitors": { url: "/api/v1/monitors", key: "monitors" },
  "/api/v1/incidents": { url: "/api/v1/incidents", key: "incidents" },
  "/api/v1/alerts": { url: "/api/v1/alerts", key: "alerts" },
  "/api/v1/overview": { url: "/api/v1/overview", key: "monitors" },
};
// Routes with no user data: better-auth's own endpoints and the health check.
const NOT_USER_DATA = ["/api/auth/[...all]", "/api/health"];
const SCOPED_PAGES: Record<string, (ids: Ids) => string> = {
  "/monitors/[id]": (ids) => `/monitors/${ids.monitorId}`,
  "/monitors/[id]/edit": (ids) => `/monitors/${ids.monitorId}/edit`,
  "/incidents/[id]": (ids) => `/incidents/${ids.incidentId}`,
};

describe.skipIf(!postgresAvailable)("tenant isolation", () => {
  let app: AppServer;
  let database: TestDatabase;
  let alice: TestUser;
  let bob: TestUser;
  let ids: Ids;
  let snapshot: () => Promise<unknown>;
  let before: unknown;

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startAppServer({ databaseUrl: database.url, env: { HOPWATCH_SCHEDULER: "off" } });
    alice = await signUp(app.url, "alice@example.com");
    bob = await signUp(app.url, "bob@example.com");
    const monitor = (await apiClient(app.url, alice)("POST", "/api/v1/monitors", { name: "Alice's API", url: "http://127.0.0.1:9/" })).json;
    // The Server Action logic and the fixtures run in this process against the same database.
    process.env.DATABASE_URL = database.url;
    const { db } = await import("@/lib/db");
    const prisma = await db();
    const incident = await prisma.incident.create({
      data: { monitorId: monitor.id, openMonitorId: monitor.id, cause: "HTTP_502", lastErrorKind: "HTTP_502", openedAt: new Date() },
    });
    await prisma.check.create({ data: { monitorId: monitor.id, startedAt: new Date(), ok: false, errorKind: "HTTP_502", httpStatus: 502 } });
    ids = { monitorId: monitor.id, incidentId: incident.id };
    snapshot = async () => ({
      monitor: await prisma.monitor.findUnique({ where: { id: ids.monitorId } }),
      incident: await prisma.incident.findUnique({ where: { id: ids.incidentId }, include: { events: true } }),
      checks: await prisma.check.count({ where: { monitorId: ids.monitorId } }),
    });
    before = await snapshot();
  });

  afterAll(async () => {
    const { closeDatabase } = await import("@/lib/db");
    await closeDatabase();
    await app?.stop();
    await database?.drop();
  });

  it("has a case for every API route and every page that takes an id", () => {
    expect(appRoutes("route.ts")).toEqual([...Object.keys(SCOPED_API), ...Object.keys(LIST_API), ...NOT_USER_DATA].sort());
    expect(appRoutes("page.tsx").filter((route) => route.includes("["))).toEqual(Object.keys(SCOPED_PAGES).sort());
  });

  it("answers 404 on every API route for another user's resource", async () => {
    const asBob = apiClient(app.url, bob);
    for (const [route, { url, cases }] of Object.entries(SCOPED_API)) {
      for (const { method, body } of cases) {
        const response = await asBob(method, url(ids), body);
        expect(response.status, `${method} ${route}`).toBe(404);
      }
    }
  });

  it("lists nothing of another user's", async () => {
    const asBob = apiClient(app.url, bob);
    for (const [route, { url, key }] of Object.entries(LIST_API)) {
      const response = await asBob("GET", url);
      expect(response.status, route).toBe(200);
      expect(response.json[key], route).toEqual([]);
    }
    const asAlice = apiClient(app.url, alice);
    expect((await asAlice("GET", "/api/v1/incidents")).json.incidents).toHaveLength(1);
  });

  it("answers 404 on another user's pages", async () => {
    for (const [route, url] of Object.entries(SCOPED_PAGES)) {
      const response = await fetch(`${app.url}${url(ids)}`, { headers: { cookie: bob.cookie } });
      expect(response.status, route).toBe(404);
      const own = await fetch(`${app.url}${url(ids)}`, { headers: { cookie: alice.cookie } });
      expect(own.status, `${route} as owner`).toBe(200);
    }
  });

  it("refuses the Server Actions' work on another user's resources", async () => {
    const { saveMonitorForm } = await import("@/lib/monitors/form-actions");
    const { setMonitorEnabled, deleteMonitor } = await import("@/lib/monitors/service");
    const { addIncidentNote } = await import("@/lib/incidents/service");
    const { checkNow } = await import("@/lib/scheduler/runtime");
    const form = new FormData();
    form.set("name", "pwned");
    form.set("url", "https://evil.example.com");
    const saved = await saveMonitorForm(bob.id, ids.monitorId, form);
    expect(saved.savedId).toBeNull();
    expect(saved.formError).toMatch(/no longer exists/);
    expect((await setMonitorEnabled(bob.id, ids.monitorId, false)).ok).toBe(false);
    expect(await deleteMonitor(bob.id, ids.monitorId)).toBe(false);
    expect(await addIncidentNote(bob.id, ids.incidentId, "pwned")).toBe(false);
    expect(await checkNow(bob.id, ids.monitorId)).toBeNull();
    // Settings → Notifications: Alice's channels and her monitor's channel selection.
    const alerts = await import("@/lib/alerts/service");
    const [aliceChannel] = await alerts.listChannels(alice.id);
    expect(await alerts.setMonitorChannels(bob.id, ids.monitorId, [])).toBe(false);
    expect(await alerts.setChannelEnabled(bob.id, aliceChannel.id, false)).toBe(false);
    expect(await alerts.deleteChannel(bob.id, aliceChannel.id)).toBe(false);
    expect(await alerts.sendTestAlert(bob.id, aliceChannel.id)).toBeNull();
    expect((await alerts.listChannels(bob.id)).map((channel) => channel.id)).not.toContain(aliceChannel.id);
    expect(await alerts.listMonitorChannels(bob.id)).toEqual([]);
    expect((await alerts.listMonitorChannels(alice.id))[0].channelIds).toEqual([aliceChannel.id]);
  });

  it("left everything of the owner's untouched", async () => {
    expect(await snapshot()).toEqual(before);
  });
});
