// Property-based tests of every write path, against the built app on a real PostgreSQL: 1,000
// random and malformed payloads each for POST /api/v1/monitors, PATCH /api/v1/monitors/{id} and
// POST /api/v1/incidents/{id}/notes, and for the Server Actions' input parsers called directly
// (the monitor form, and the Settings → Notifications functions). Never a 500 or a stack trace;
// every rejection says what is wrong (naming the field where there is one); a rejected input
// changes nothing in the database.
import fc from "fast-check";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiClient, signUp, startAppServer, type AppServer, type TestUser } from "../helpers/app-server";
import { createTestDatabase, postgresIsReachable, type TestDatabase } from "../helpers/postgres";

const postgresAvailable = process.env.CI ? true : await postgresIsReachable();
const RUNS = 1_000;
const STACK_TRACE = /\n\s+at |node_modules|\.tsx?:\d+|webpack|TypeError|PrismaClient/;
const MONITOR_FIELDS = ["name", "type", "url", "method", "headers", "body", "expectedStatus", "keyword", "keywordMustBeAbsent", "intervalSeconds", "timeoutSeconds", "retries", "followRedirects", "originUrl", "enabled"];

// Values chosen to break things: control characters, NUL, huge text, wrong types, nesting.
const nastyString = fc.oneof(
  fc.string(),
  fc.string({ unit: "binary", maxLength: 50 }),
  fc.constantFrom("", " ", "\u0000", "a\u0000b", "\r\n", "x".repeat(70_000), "💥".repeat(600), "\ud800", "null", "[]", "{}", "NaN", "-1", "1e309", "$K1", "__proto__", "constructor"),
  fc.constantFrom("http://", "https://[::1", "ftp://x.example.com", "tcp://h", "tcp://h:99999", "javascript:alert(1)", "//evil.example", "http://a b.example.com"),
  fc.constantFrom("200-299,abc", "999", "0-1000", "200-", "1,2,3,,", "300-200"),
);
const nastyValue = fc.oneof(
  nastyString,
  fc.anything({ maxDepth: 2 }),
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -1, 9, 10, 60, 61, 86_400, 86_401, 2 ** 53, -0, 0.5, true, false, null),
  fc.dictionary(nastyString, fc.oneof(nastyString, fc.integer(), fc.constant(null)), { maxKeys: 5 }),
);
const validMonitor = fc.record({
  name: fc.string({ minLength: 1, maxLength: 100 }).filter((name) => name.trim() !== "" && !name.includes("\u0000")),
  url: fc.webUrl({ validSchemes: ["http", "https"] }),
  method: fc.constantFrom("GET", "HEAD", "POST"),
  headers: fc.dictionary(fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,20}$/), fc.string({ maxLength: 40 }).filter((value) => !/[\r\n\0]/.test(value)), { maxKeys: 3 }),
  intervalSeconds: fc.integer({ min: 30, max: 86_400 }),
  timeoutSeconds: fc.integer({ min: 1, max: 29 }),
});
/** A valid monitor with some of its fields replaced, or added, by nasty values. */
const mutatedMonitor = fc
  .tuple(validMonitor, fc.dictionary(fc.oneof(fc.constantFrom(...MONITOR_FIELDS), nastyString), nastyValue, { minKeys: 1, maxKeys: 3 }))
  .map(([monitor, changes]) => ({ ...monitor, ...changes }));
/** What a client might send as a JSON body: anything, a near-miss monitor, or text that is not JSON. */
const monitorBody = fc.oneof(
  { arbitrary: mutatedMonitor, weight: 5 },
  { arbitrary: fc.record(Object.fromEntries(MONITOR_FIELDS.map((field) => [field, nastyValue])), { requiredKeys: [] }), weight: 3 },
  { arbitrary: validMonitor, weight: 1 },
  { arbitrary: fc.anything(), weight: 1 },
  { arbitrary: fc.string().map((text) => ({ rawBody: text })), weight: 1 },
  { arbitrary: fc.tuple(validMonitor, fc.constantFrom(...MONITOR_FIELDS), fc.constantFrom("\ud800", "a\udfff", "\u0000")).map(([monitor, field, text]) => ({ ...monitor, [field]: text })), weight: 1 },
);
const noteBody = fc.oneof(
  fc.record({ text: nastyValue }),
  fc.record({ text: fc.string({ minLength: 1, maxLength: 200 }) }),
  fc.record({ text: fc.constantFrom("\ud800", "note \udc00", "a\u0000b") }),
  fc.record({ text: nastyValue, extra: nastyValue }, { requiredKeys: [] }),
  fc.anything(),
  fc.string().map((text) => ({ rawBody: text })),
);
const toBody = (value: unknown) => (typeof value === "object" && value !== null && "rawBody" in value ? (value as { rawBody: string }).rawBody : JSON.stringify(value) ?? "");

/** Each property writes as its own user, so that they can run side by side. */
type Writer = { user: TestUser; apiKey: string; monitorId: string; incidentId: string };

describe.skipIf(!postgresAvailable)("random and malformed input", () => {
  let database: TestDatabase;
  let app: AppServer;
  let pool: pg.Pool;
  let writers = 0;

  async function newWriter(): Promise<Writer> {
    const user = await signUp(app.url, `writer${++writers}@example.com`, undefined, `10.98.0.${writers}`);
    const monitorId = (await apiClient(app.url, user)("POST", "/api/v1/monitors", { name: "Target", url: "https://target.example.com" })).json.id;
    const { rows } = await pool.query(
      `INSERT INTO incident (id, "monitorId", "openMonitorId", cause, "lastErrorKind", "openedAt") VALUES (gen_random_uuid(), $1, $1, 'HTTP_502', 'HTTP_502', now()) RETURNING id`,
      [monitorId],
    );
    const { createApiKey } = await import("@/lib/auth/api-keys");
    return { user, apiKey: (await createApiKey(user.id, "fuzzer")).key, monitorId, incidentId: rows[0].id };
  }

  /** Everything of the user's that a write could touch, as one comparable value. */
  const snapshot = async (userId: string): Promise<unknown> =>
    (
      await pool.query(
        `SELECT
          (SELECT md5(coalesce(string_agg(row_to_json(m)::text, ',' ORDER BY id), '')) FROM monitor m WHERE "userId" = $1) AS monitors,
          (SELECT md5(coalesce(string_agg(row_to_json(e)::text, ',' ORDER BY e.id), '')) FROM incident_event e
            JOIN incident i ON i.id = e."incidentId" JOIN monitor m ON m.id = i."monitorId" WHERE m."userId" = $1) AS events,
          (SELECT md5(coalesce(string_agg(row_to_json(c)::text, ',' ORDER BY id), '')) FROM alert_channel c WHERE "userId" = $1) AS channels,
          (SELECT md5(coalesce(string_agg(row_to_json(s)::text, ','), '')) FROM alert_settings s WHERE "userId" = $1) AS settings,
          (SELECT md5(coalesce(string_agg(row_to_json(x)::text, ',' ORDER BY x."monitorId", x."channelId"), '')) FROM monitor_channel_exclusion x
            JOIN monitor m ON m.id = x."monitorId" WHERE m."userId" = $1) AS exclusions`,
        [userId],
      )
    ).rows[0];

  /** Runs writes one after another; after each rejected one, the user's data must be as before it. */
  function rejectionsChangeNothing(userId: string) {
    let baseline: unknown;
    return async (write: () => Promise<{ rejected: boolean }>): Promise<void> => {
      baseline ??= await snapshot(userId);
      const { rejected } = await write();
      const after = await snapshot(userId);
      if (rejected) expect(after).toEqual(baseline);
      baseline = after;
    };
  }

  async function send(writer: Writer, method: string, path: string, body: unknown) {
    const response = await fetch(`${app.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${writer.apiKey}`, "content-type": "application/json" },
      body: toBody(body),
    });
    const text = await response.text();
    expect(response.status, text).toBeLessThan(500);
    expect(text).not.toMatch(STACK_TRACE);
    if (response.status !== 400) return { rejected: false };
    const { error } = JSON.parse(text) as { error: { field: string | null; message: string } };
    expect(error.field === null || typeof error.field === "string").toBe(true);
    expect(error.message).toMatch(/\w{3,}/);
    return { rejected: true };
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startAppServer({ databaseUrl: database.url, env: { HOPWATCH_SCHEDULER: "off", HOPWATCH_API_RATE_LIMIT: "0" /* the fuzzer sends thousands a minute */ } });
    pool = new pg.Pool({ connectionString: database.url, max: 8 });
    process.env.DATABASE_URL = database.url;
  });

  afterAll(async () => {
    const { closeDatabase } = await import("@/lib/db");
    await closeDatabase();
    await pool?.end();
    await app?.stop();
    await database?.drop();
  });

  it.concurrent("POST /api/v1/monitors", async () => {
    const writer = await newWriter();
    const check = rejectionsChangeNothing(writer.user.id);
    await fc.assert(fc.asyncProperty(monitorBody, (body) => check(() => send(writer, "POST", "/api/v1/monitors", body))), { numRuns: RUNS });
  });

  it.concurrent("PATCH /api/v1/monitors/{id}", async () => {
    const writer = await newWriter();
    const check = rejectionsChangeNothing(writer.user.id);
    await fc.assert(fc.asyncProperty(monitorBody, (body) => check(() => send(writer, "PATCH", `/api/v1/monitors/${writer.monitorId}`, body))), { numRuns: RUNS });
  });

  it.concurrent("POST /api/v1/incidents/{id}/notes", async () => {
    const writer = await newWriter();
    const check = rejectionsChangeNothing(writer.user.id);
    await fc.assert(fc.asyncProperty(noteBody, (body) => check(() => send(writer, "POST", `/api/v1/incidents/${writer.incidentId}/notes`, body))), { numRuns: RUNS });
  });

  it.concurrent("the monitor form's Server Action (saveMonitorForm)", async () => {
    const { saveMonitorForm } = await import("@/lib/monitors/form-actions");
    const { user, monitorId } = await newWriter();
    const check = rejectionsChangeNothing(user.id);
    const formFields = fc.dictionary(fc.oneof(fc.constantFrom(...MONITOR_FIELDS), nastyString), fc.oneof(nastyString, fc.webUrl(), fc.constantFrom("on", "HTTP", "TCP", "GET", "60", "10")), { maxKeys: 8 });
    const target = fc.oneof(fc.constant(null), fc.constant("existing"), fc.uuid(), nastyString);
    await fc.assert(
      fc.asyncProperty(formFields, target, (fields, id) =>
        check(async () => {
          const form = new FormData();
          for (const [name, value] of Object.entries(fields)) form.append(name, value);
          const state = await saveMonitorForm(user.id, id === "existing" ? monitorId : id, form);
          if (state.savedId) return { rejected: false };
          const messages = [state.formError, ...Object.values(state.errors)].filter((message) => message !== null);
          expect(messages.length).toBeGreaterThan(0);
          for (const message of messages) expect(message).toMatch(/\w{3,}/);
          return { rejected: true };
        }),
      ),
      { numRuns: RUNS },
    );
  });

  // The Server Actions of Settings → Notifications pass form text and ids on as they come.
  describe("Settings → Notifications (lib/alerts/service.ts)", () => {
    const expectFieldErrors = (result: { ok: true } | { ok: false; errors: Array<{ field: string | null; message: string }> }) => {
      if (result.ok) return { rejected: false };
      expect(result.errors.length).toBeGreaterThan(0);
      for (const error of result.errors) expect(error.message).toMatch(/\w{3,}/);
      return { rejected: true };
    };

    it.concurrent("addChannel", async () => {
      const { addChannel } = await import("@/lib/alerts/service");
      const { user } = await newWriter();
      const check = rejectionsChangeNothing(user.id);
      const channel = fc.record({
        type: fc.constantFrom("EMAIL" as const, "WEBHOOK" as const),
        name: nastyString,
        target: fc.oneof(nastyString, fc.emailAddress(), fc.webUrl()),
        secret: nastyString,
      });
      await fc.assert(fc.asyncProperty(channel, (input) => check(async () => expectFieldErrors(await addChannel(user.id, input)))), { numRuns: RUNS });
    });

    it.concurrent("setReminderMinutes", async () => {
      const { setReminderMinutes } = await import("@/lib/alerts/service");
      const { user } = await newWriter();
      const check = rejectionsChangeNothing(user.id);
      await fc.assert(fc.asyncProperty(nastyValue, (raw) => check(async () => expectFieldErrors(await setReminderMinutes(user.id, raw)))), { numRuns: RUNS });
    });

    it.concurrent("setMonitorChannels", async () => {
      const { listChannels, setMonitorChannels } = await import("@/lib/alerts/service");
      const { user, monitorId } = await newWriter();
      const [ownChannel] = await listChannels(user.id);
      const check = rejectionsChangeNothing(user.id);
      const monitor = fc.oneof(fc.constant("existing"), fc.uuid(), nastyString);
      await fc.assert(
        fc.asyncProperty(monitor, fc.array(fc.oneof(fc.uuid(), fc.constant(ownChannel.id), nastyString), { maxLength: 5 }), (id, channelIds) =>
          check(async () => ({ rejected: !(await setMonitorChannels(user.id, id === "existing" ? monitorId : id, channelIds)) })),
        ),
        { numRuns: RUNS },
      );
    });
  });
});
