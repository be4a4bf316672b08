// One user can never see or change another's monitors, checks, incidents, keys or channels: every
// API route, page and Server Action answers "not found" for someone else's resource, and nothing
// changes. Routes and Server Actions are read from app/: a new one without a case here fails.
import { readdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiClient, signUp, startAppServer, type AppServer, type TestUser } from "../helpers/app-server";
import { createTestDatabase, postgresIsReachable, type TestDatabase } from "../helpers/postgres";
import { builtServerActions, callServerAction, sourceServerActions } from "../helpers/server-actions";

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

type Ids = { monitorId: string; incidentId: string; channelId: string; apiKeyId: string };
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
// Routes with no user data: better-auth's own endpoints, the health check and the (token-protected) metrics.
const NOT_USER_DATA = ["/api/auth/[...all]", "/api/health", "/api/metrics"];
const SCOPED_PAGES: Record<string, (ids: Ids) => string> = {
  "/monitors/[id]": (ids) => `/monitors/${ids.monitorId}`,
  "/monitors/[id]/edit": (ids) => `/monitors/${ids.monitorId}/edit`,
  "/incidents/[id]": (ids) => `/incidents/${ids.incidentId}`,
};

function form(fields: Record<string, string | string[]>): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) for (const item of [value].flat()) data.append(name, item);
  return data;
}

const EMPTY_FORM_STATE = { errors: {}, formError: null, saved: false };

// Every Server Action ("file#export"), called by another user with the owner's ids (or, for those
// that take no id, with input that names the owner's resources). Each runs, and changes nothing.
const SERVER_ACTIONS: Record<string, (ids: Ids) => unknown[]> = {
  "app/(dashboard)/incidents/actions.ts#addNoteAction": (ids) => [ids.incidentId, { error: null, saved: 0 }, form({ text: "pwned" })],
  "app/(dashboard)/monitors/actions.ts#saveMonitorAction": (ids) => [ids.monitorId, { errors: {}, formError: null, values: {}, savedId: null }, form({ name: "pwned", url: "https://evil.example.com", type: "HTTP", method: "GET" })],
  "app/(dashboard)/monitors/actions.ts#setMonitorEnabledAction": (ids) => [ids.monitorId, false],
  "app/(dashboard)/monitors/actions.ts#deleteMonitorAction": (ids) => [ids.monitorId],
  "app/(dashboard)/monitors/actions.ts#checkNowAction": (ids) => [ids.monitorId],
  "app/(dashboard)/settings/actions.ts#createApiKeyAction": () => [{ key: null, error: null }, form({ name: "mine" })],
  "app/(dashboard)/settings/actions.ts#revokeApiKeyAction": (ids) => [ids.apiKeyId],
  "app/(dashboard)/settings/notifications/actions.ts#addChannelAction": () => [EMPTY_FORM_STATE, form({ type: "EMAIL", name: "mine", target: "bob@example.com" })],
  "app/(dashboard)/settings/notifications/actions.ts#setChannelEnabledAction": (ids) => [ids.channelId, false],
  "app/(dashboard)/settings/notifications/actions.ts#deleteChannelAction": (ids) => [ids.channelId],
  "app/(dashboard)/settings/notifications/actions.ts#sendTestAction": (ids) => [ids.channelId],
  "app/(dashboard)/settings/notifications/actions.ts#saveReminderAction": () => [EMPTY_FORM_STATE, form({ reminderMinutes: "5" })],
  "app/(dashboard)/settings/notifications/actions.ts#saveMonitorChannelsAction": (ids) => [EMPTY_FORM_STATE, form({ monitor: ids.monitorId, [`channels:${ids.monitorId}`]: [] })],
};

/** The URL of a page hosting an action, e.g. /monitors/[id] with the owner's monitor. */
function pageUrl(page: string, ids: Ids): string {
  return page.replace("/monitors/[id]", `/monitors/${ids.monitorId}`).replace("/incidents/[id]", `/incidents/${ids.incidentId}`);
}

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
    const { listChannels } = await import("@/lib/alerts/service");
    const { createApiKey } = await import("@/lib/auth/api-keys");
    const [aliceChannel] = await listChannels(alice.id);
    const apiKey = await createApiKey(alice.id, "Alice's script");
    ids = { monitorId: monitor.id, incidentId: incident.id, channelId: aliceChannel.id, apiKeyId: apiKey.id };
    snapshot = async () => ({
      monitor: await prisma.monitor.findUnique({ where: { id: ids.monitorId } }),
      incident: await prisma.incident.findUnique({ where: { id: ids.incidentId }, include: { events: true } }),
      checks: await prisma.check.count({ where: { monitorId: ids.monitorId } }),
      apiKeys: await prisma.apiKey.findMany({ where: { userId: alice.id }, select: { id: true, revokedAt: true } }),
      channels: await prisma.alertChannel.findMany({ where: { userId: alice.id } }),
      exclusions: await prisma.monitorChannelExclusion.findMany({ where: { monitorId: ids.monitorId } }),
      alertSettings: await prisma.alertSettings.findUnique({ where: { userId: alice.id } }),
      alerts: await prisma.alert.count({ where: { userId: alice.id } }),
    });
    before = await snapshot();
  });

  afterAll(async () => {
    const { closeDatabase } = await import("@/lib/db");
    await closeDatabase();
    await app?.stop();
    await database?.drop();
  });

  it("has a case for every API route, every page that takes an id and every Server Action", () => {
    expect(appRoutes("route.ts")).toEqual([...Object.keys(SCOPED_API), ...Object.keys(LIST_API), ...NOT_USER_DATA].sort());
    expect(appRoutes("page.tsx").filter((route) => route.includes("["))).toEqual(Object.keys(SCOPED_PAGES).sort());
    expect(sourceServerActions()).toEqual(Object.keys(SERVER_ACTIONS).sort());
    expect([...builtServerActions().keys()].sort()).toEqual(Object.keys(SERVER_ACTIONS).sort());
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

  it("runs every Server Action for another user without touching the owner's resources", async () => {
    const actions = builtServerActions();
    for (const [name, args] of Object.entries(SERVER_ACTIONS)) {
      const { id, pages } = actions.get(name)!;
      const response = await callServerAction(app.url, { id, page: pageUrl(pages[0], ids) }, args(ids), { cookie: bob.cookie });
      // A 5xx would mean the action failed rather than refused; redirects and 404 pages are fine.
      expect(response.status, name).toBeLessThan(500);
    }
    expect(await snapshot()).toEqual(before);
  });

  it("lists nothing of another user's under Settings → Notifications", async () => {
    const alerts = await import("@/lib/alerts/service");
    expect((await alerts.listChannels(bob.id)).map((channel) => channel.id)).not.toContain(ids.channelId);
    expect(await alerts.listMonitorChannels(bob.id)).toEqual([]);
    expect((await alerts.listMonitorChannels(alice.id))[0].channelIds).toEqual([ids.channelId]);
  });

  it("left everything of the owner's untouched", async () => {
    expect(await snapshot()).toEqual(before);
  });

  // The same calls work for the owner: the cases above were refused, not malformed.
  it("runs the same Server Actions for the owner", async () => {
    const actions = builtServerActions();
    const call = (name: string) => {
      const { id, pages } = actions.get(name)!;
      return callServerAction(app.url, { id, page: pageUrl(pages[0], ids) }, SERVER_ACTIONS[name](ids), { cookie: alice.cookie });
    };
    expect((await call("app/(dashboard)/monitors/actions.ts#setMonitorEnabledAction")).status).toBe(200);
    expect((await call("app/(dashboard)/incidents/actions.ts#addNoteAction")).status).toBe(200);
    const prisma = await (await import("@/lib/db")).db();
    expect((await prisma.monitor.findUniqueOrThrow({ where: { id: ids.monitorId } })).enabled).toBe(false);
    expect(await prisma.incidentEvent.count({ where: { incidentId: ids.incidentId, type: "NOTE" } })).toBe(1);
  });
});
