// The dashboard in a real browser: seeded history (90 days, 502 bursts, incidents) with rollups
// built by lib/stats, then the overview, a monitor page and the incidents page in light and
// dark mode at 1280 px and 375 px. Asserts the charts rendered (SVG paths), tooltips in the
// browser's time zone, the 10-second live refresh without reload, the theme toggle, and no
// console errors. Screenshots: test-results/dashboard/<page>-<theme>-<width>.png.
import { mkdirSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchChromium } from "../helpers/browser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signUp, startAppServer, type AppServer, type TestUser } from "../helpers/app-server";
import { createTestDatabase, postgresIsReachable, type TestDatabase } from "../helpers/postgres";
import { planBursts, rng, seedChecks, seedIncidents, seedMonitors } from "../helpers/seed-dashboard";

const SCREENSHOTS = path.resolve("test-results/dashboard");
const TIME_ZONE = "Europe/Berlin";
const DAY = 86_400_000;

const reachable = await postgresIsReachable();
const skip = !reachable && !process.env.CI;
if (skip) console.warn("tests/browser/dashboard.test.ts skipped: PostgreSQL is not reachable");

describe.skipIf(skip)("dashboard in the browser", () => {
  let database: TestDatabase | undefined;
  let app: AppServer | undefined;
  let browser: Browser | undefined;
  let user: TestUser;
  const ids: Record<string, string> = {};
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    database = await createTestDatabase();
    // No scheduler: nothing probes the seeded (fictional) URLs, and the data stays as seeded.
    app = await startAppServer({ databaseUrl: database.url, env: { HOPWATCH_SCHEDULER: "off" } });
    user = await signUp(app.url, "dashboard@example.com");

    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const now = new Date();
      const [checkout, payments, search, legacy, webhook] = await seedMonitors(client, user.id, [
        { name: "Checkout API", url: "https://api.shop.example.com/checkout/health", intervalSeconds: 60 },
        { name: "Payments gateway", url: "https://payments.example.com/v2/status", intervalSeconds: 300, state: "DOWN" },
        { name: "Search", url: "https://search.example.com/ping", intervalSeconds: 300 },
        { name: "Legacy SOAP endpoint", url: "https://legacy.example.com/soap", intervalSeconds: 300, enabled: false },
        { name: "New webhook receiver", url: "https://hooks.example.com/in", intervalSeconds: 60, state: "UNKNOWN" },
      ]);
      Object.assign(ids, { checkout, payments, search, legacy, webhook });
      const from90 = new Date(now.getTime() - 90 * DAY);
      const random = rng(42);
      // Checkout: every minute for 90 days, with 502 bursts (some in the last day, so 24 h has some).
      const checkoutBursts = [
        ...planBursts(from90, new Date(now.getTime() - DAY), 60, random, 0.5),
        { start: new Date(Math.floor((now.getTime() - 6 * 3_600_000) / 60_000) * 60_000), checks: 9, errorKind: "HTTP_502" as const, transient: false },
        { start: new Date(Math.floor((now.getTime() - 3 * 3_600_000) / 60_000) * 60_000), checks: 2, errorKind: "HTTP_502" as const, transient: true },
      ];
      await seedChecks(client, { monitorId: checkout, from: from90, to: now, intervalSeconds: 60, baseMs: 140, bursts: checkoutBursts, seed: 1 });
      await seedIncidents(client, { monitorId: checkout, intervalSeconds: 60, bursts: checkoutBursts });
      // Payments: down right now with an open 502 incident.
      const paymentBursts = [...planBursts(from90, new Date(now.getTime() - 2 * DAY), 300, random, 0.3), { start: new Date(now.getTime() - 40 * 60_000), checks: 9, errorKind: "HTTP_502" as const, transient: false }];
      await seedChecks(client, { monitorId: payments, from: from90, to: now, intervalSeconds: 300, baseMs: 320, bursts: paymentBursts, seed: 2 });
      await seedIncidents(client, { monitorId: payments, intervalSeconds: 300, bursts: paymentBursts, openLast: true });
      // Search: only the last 40 days, 503s and 504s.
      const searchBursts = planBursts(new Date(now.getTime() - 40 * DAY), now, 300, random, 0.4).map((burst, index) => ({ ...burst, errorKind: index % 2 ? ("HTTP_504" as const) : ("HTTP_503" as const) }));
      await seedChecks(client, { monitorId: search, from: new Date(now.getTime() - 40 * DAY), to: now, intervalSeconds: 300, baseMs: 60, bursts: searchBursts, seed: 3 });
      await seedIncidents(client, { monitorId: search, intervalSeconds: 300, bursts: searchBursts });
      // Legacy: paused 20 days ago.
      await seedChecks(client, { monitorId: legacy, from: from90, to: new Date(now.getTime() - 20 * DAY), intervalSeconds: 300, baseMs: 800, bursts: [], seed: 4 });
    } finally {
      await client.end();
    }
    // Rollups as the maintenance builds them, from the raw checks.
    process.env.DATABASE_URL = database.url;
    const { db } = await import("@/lib/db");
    const { rebuildRollups } = await import("@/lib/stats/rollups");
    await rebuildRollups(await db(), { from: new Date(Date.now() - 91 * DAY), to: new Date(Date.now() + 3_600_000) });

    browser = await launchChromium();
  }, 240_000);

  afterAll(async () => {
    await browser?.close().catch(() => {});
    await app?.stop();
    const { closeDatabase } = await import("@/lib/db");
    await closeDatabase();
    await database?.drop();
  });

  async function newPage(width: number, theme: "light" | "dark"): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser!.newContext({ viewport: { width, height: 900 }, colorScheme: theme, timezoneId: TIME_ZONE, locale: "en-US" });
    const url = new URL(app!.url);
    await context.addCookies(
      user.cookie.split("; ").map((pair) => {
        const at = pair.indexOf("=");
        return { name: pair.slice(0, at), value: pair.slice(at + 1), domain: url.hostname, path: "/" };
      }),
    );
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    page.on("console", (message) => {
      if (message.type() === "error") consoleErrors.push(`${message.text()} (${message.location().url || "no url"})`);
    });
    page.on("pageerror", (error) => consoleErrors.push(`pageerror: ${error.stack ?? error.message}`));
    return { context, page };
  }

  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });

  async function expectChartPaths(page: Page, chart: string, selector: string) {
    const paths = page.locator(`[data-chart="${chart}"] svg ${selector}`);
    await paths.first().waitFor({ state: "attached" });
    expect(await paths.count(), `${chart}: ${selector}`).toBeGreaterThan(0);
  }

  for (const theme of ["light", "dark"] as const) {
    for (const width of [1280, 375]) {
      it(`renders the overview, a monitor page and the incidents page (${theme}, ${width} px)`, { timeout: 120_000 }, async () => {
        const { context, page } = await newPage(width, theme);
        try {
          await page.goto(`${app!.url}/monitors`);
          await page.locator('[data-monitor-row="Checkout API"]').waitFor();
          expect(await page.evaluate(() => document.documentElement.classList.contains("dark"))).toBe(theme === "dark");
          expect(await page.locator("[data-monitor-row]").count()).toBe(5);
          // Problems first: the monitor that is down leads the list.
          expect(await page.locator("[data-monitor-row]").first().getAttribute("data-monitor-row")).toBe("Payments gateway");
          expect(await page.locator('[data-tile="down"]').innerText()).toContain("1");
          expect(await page.locator('[data-tile="open-incidents"]').innerText()).toContain("1");
          expect(Number((await page.locator('[data-tile="incidents-502"] p').nth(1).innerText()).trim())).toBeGreaterThan(0);
          // Strips: bars drawn as paths, and 502 marks on the 90-day history of Checkout.
          expect(await page.locator('[data-monitor-row="Checkout API"] [data-uptime-strip] svg path').count()).toBeGreaterThan(1);
          expect(await page.locator('[data-monitor-row="Checkout API"] [data-502-marks]').count()).toBe(1);
          expect(await page.locator('[data-monitor-row="Payments gateway"] [data-open-incident]').innerText()).toContain("502");
          await shot(page, `overview-${theme}-${width}`);

          await page.goto(`${app!.url}/monitors/${ids.checkout}?range=90d`);
          await page.getByTestId("monitor-charts").waitFor();
          await expectChartPaths(page, "uptime", "path.recharts-rectangle");
          await expectChartPaths(page, "latency", "path.recharts-curve");
          await expectChartPaths(page, "phases", "path.recharts-area-area, path.recharts-curve");
          await expectChartPaths(page, "incidents502", "path.recharts-rectangle");
          await expectChartPaths(page, "incidents502", "[data-incident-marker] path");
          await expectChartPaths(page, "error-kinds", "path.recharts-rectangle");
          expect(await page.locator("[data-incident-row]").count()).toBeGreaterThan(0);
          await shot(page, `monitor-90d-${theme}-${width}`);

          if (width === 1280) {
            await page.goto(`${app!.url}/monitors/${ids.checkout}`);
            await page.getByTestId("monitor-charts").waitFor();
            await expectChartPaths(page, "latency", "path.recharts-curve");
            await expectChartPaths(page, "incidents502", "[data-incident-marker] path");
            await shot(page, `monitor-24h-${theme}-${width}`);
          }

          await page.goto(`${app!.url}/incidents`);
          await page.getByTestId("incident-charts").waitFor();
          await expectChartPaths(page, "failures-per-day", "path.recharts-rectangle");
          await expectChartPaths(page, "mttr", "path.recharts-rectangle");
          await shot(page, `incidents-${theme}-${width}`);
        } finally {
          await context.close();
        }
        expect(consoleErrors).toEqual([]);
      });
    }
  }

  it("shows exact values in the user's time zone, switches ranges, refreshes live and toggles the theme", { timeout: 120_000 }, async () => {
    const { context, page } = await newPage(1280, "light");
    try {
      await page.goto(`${app!.url}/monitors/${ids.checkout}?range=7d`);
      const latency = page.locator('[data-chart="latency"]');
      await latency.locator("svg path.recharts-curve").first().waitFor();
      const box = (await latency.locator(".recharts-surface").boundingBox())!;
      await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2);
      const tooltip = latency.locator(".recharts-tooltip-wrapper");
      await tooltip.getByText("p95").waitFor();
      const text = await tooltip.innerText();
      expect(text).toMatch(/\d+ ms/);
      expect(text).toMatch(/GMT\+1|GMT\+2|CET|CEST/); // Europe/Berlin, as the browser is set
      await shot(page, "tooltip-latency-light-1280");

      await page.getByRole("navigation", { name: "Time range" }).getByRole("link", { name: "30 d" }).click();
      await page.waitForURL((url) => url.searchParams.get("range") === "30d");
      await page.getByRole("heading", { name: /^Last 30 days/ }).waitFor();
      await page.locator('[data-chart="uptime"] svg path.recharts-rectangle').first().waitFor();

      // Error-kind filter of the recent checks.
      await page.locator('[data-kind-filter="HTTP_502"]').click();
      await page.waitForURL((url) => url.searchParams.get("kind") === "HTTP_502");
      await page.locator('tr[data-error-kind="HTTP_502"]').first().waitFor();
      expect(await page.locator("tr[data-error-kind]:not([data-error-kind=HTTP_502])").count()).toBe(0);

      // The overview polls the API every 10 s without reloading the page.
      await page.goto(`${app!.url}/monitors`);
      await page.locator('[data-monitor-row="Checkout API"]').waitFor();
      await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
      const response = await page.waitForResponse((candidate) => new URL(candidate.url()).pathname === "/api/v1/overview", { timeout: 15_000 });
      expect(response.status()).toBe(200);
      expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);

      // The strip explains a day on hover.
      const strip = page.locator('[data-monitor-row="Checkout API"] [data-uptime-strip] svg');
      const stripBox = (await strip.boundingBox())!;
      await page.mouse.move(stripBox.x + stripBox.width - 2, stripBox.y + stripBox.height / 2);
      await page.locator('[data-monitor-row="Checkout API"] [role="tooltip"]').getByText("(UTC)").waitFor();

      // The toggle overrides the system theme, and is remembered.
      await page.getByRole("button", { name: "Toggle dark mode" }).click();
      expect(await page.evaluate(() => document.documentElement.classList.contains("dark"))).toBe(true);
      await page.reload();
      await page.locator('[data-monitor-row="Checkout API"]').waitFor();
      expect(await page.evaluate(() => document.documentElement.classList.contains("dark"))).toBe(true);
    } finally {
      await context.close();
    }
    expect(consoleErrors).toEqual([]);
  });
});
