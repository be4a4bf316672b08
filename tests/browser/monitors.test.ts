// End-to-end in a real browser: sign up / sign in, create, edit, pause and delete a monitor, and
// use an API key made in Settings — against the production build on a fresh PostgreSQL database.
// Screenshots of every step land in test-results/browser/<step>.png.
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { launchChromium } from "../helpers/browser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAppServer, type AppServer } from "../helpers/app-server";
import { createTestDatabase, postgresIsReachable, type TestDatabase } from "../helpers/postgres";
import { startNginx } from "../helpers/nginx";
import { closedPort } from "../probes/helpers";

const SCREENSHOTS = path.resolve("test-results/browser");

const reachable = await postgresIsReachable();
const skip = !reachable && !process.env.CI;
if (skip) console.warn("tests/browser/monitors.test.ts skipped: PostgreSQL is not reachable (set TEST_DATABASE_URL, or start it on 127.0.0.1:5432)");

describe.skipIf(skip)("monitors in the browser", () => {
  let database: TestDatabase | undefined;
  let app: AppServer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  const consoleErrors: string[] = [];
  // Console messages the current step expects (a rejected sign-in logs its 401 response).
  let tolerated: RegExp[] = [];

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    database = await createTestDatabase();
    app = await startAppServer({ databaseUrl: database.url });
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: "light" });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.setDefaultNavigationTimeout(30_000);
    page.on("console", (message) => {
      if (message.type() !== "error") return;
      const text = `${message.text()} (${message.location().url || "no url"})`;
      if (tolerated.some((pattern) => pattern.test(text))) return;
      consoleErrors.push(text);
    });
    page.on("pageerror", (error) => consoleErrors.push(`pageerror: ${error.stack ?? error.message}`));
  });

  afterAll(async () => {
    await browser?.close().catch(() => {});
    await app?.stop();
    await database?.drop();
  });

  const shot = (step: string) => page.screenshot({ path: path.join(SCREENSHOTS, `${step}.png`), fullPage: true });
  const pathname = () => new URL(page.url()).pathname;
  /** Waits for a client- or server-side navigation to a path matching `pattern`. */
  const arriveAt = (pattern: RegExp) => page.waitForURL((url) => pattern.test(url.pathname), { waitUntil: "commit" });
  const DETAIL_PATH = /^\/monitors\/(?!new$)[^/]+$/;

  /** Runs one step; on failure, saves a screenshot and the server log tail before rethrowing. */
  async function step(name: string, body: () => Promise<void>) {
    try {
      await body();
      await shot(name);
    } catch (error) {
      await shot(`FAILED-${name}`).catch(() => {});
      const logs = app?.logs() ?? "";
      (error as Error).message += `\n[step ${name} at ${page.url()}]\n--- server log (tail) ---\n${logs.slice(-3000)}`;
      throw error;
    }
  }

  it("signs up, manages a monitor end to end, and uses an API key", { timeout: 180_000 }, async () => {
    const base = app!.url;
    const email = `browser-${Date.now()}@example.com`;
    const password = "correct horse battery";
    const monitorName = "Checkout API";
    const renamed = "Checkout API (prod)";
    let monitorId = "";
    let apiKey = "";

    await step("01-signed-out-redirect", async () => {
      await page.goto(`${base}/monitors`);
      await arriveAt(/^\/sign-in$/);
      await page.getByRole("heading", { name: "Sign in" }).waitFor();
      expect(pathname()).toBe("/sign-in");
    });

    await step("02-sign-up-short-password", async () => {
      await page.getByRole("link", { name: "Create an account" }).click();
      await arriveAt(/^\/sign-up$/);
      await page.getByRole("heading", { name: "Create your account" }).waitFor();
      await page.locator("#name").fill("Browser Tester");
      await page.locator("#email").fill(email);
      await page.locator("#password").fill("abcde");
      await page.getByRole("button", { name: "Create account" }).click();
      const alert = page.getByRole("alert").filter({ hasText: "at least 8 characters" });
      await alert.waitFor();
      expect(pathname()).toBe("/sign-up");
    });

    await step("03-signed-up-empty-state", async () => {
      await page.locator("#password").fill(password);
      await page.getByRole("button", { name: "Create account" }).click();
      await arriveAt(/^\/monitors$/);
      await page.getByRole("heading", { name: "No monitors yet" }).waitFor();
      expect(await page.getByTestId("user-email").textContent()).toBe(email);
    });

    await step("04-signed-out", async () => {
      await page.getByRole("button", { name: "Sign out" }).click();
      await arriveAt(/^\/sign-in$/);
      await page.getByRole("heading", { name: "Sign in" }).waitFor();
      // The session is really gone: the dashboard sends us back.
      await page.goto(`${base}/monitors`);
      await arriveAt(/^\/sign-in$/);
      await page.getByRole("heading", { name: "Sign in" }).waitFor();
    });

    await step("05-sign-in-wrong-password", async () => {
      // Chromium logs the rejected request's 401 as a console error: expected here only.
      tolerated = [/status of 401/];
      await page.locator("#email").fill(email);
      await page.locator("#password").fill("not the password");
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("alert").filter({ hasText: "Wrong email or password" }).waitFor();
      expect(pathname()).toBe("/sign-in");
      tolerated = [];
    });

    await step("06-signed-in", async () => {
      await page.locator("#password").fill(password);
      await page.getByRole("button", { name: "Sign in" }).click();
      await arriveAt(/^\/monitors$/);
      await page.getByRole("heading", { name: "No monitors yet" }).waitFor();
    });

    await step("07-add-monitor-invalid", async () => {
      await page.getByRole("link", { name: "Add your first monitor" }).click();
      await arriveAt(/^\/monitors\/new$/);
      await page.getByRole("heading", { name: "Add monitor" }).waitFor();
      await page.locator("#name").fill(monitorName);
      await page.locator("#url").fill("ftp://x");
      await page.locator("#intervalSeconds").fill("30");
      await page.locator("#timeoutSeconds").fill("30");
      await page.getByRole("button", { name: "Add monitor" }).click();
      const urlError = page.locator('[data-field-error="url"]');
      const timeoutError = page.locator('[data-field-error="timeoutSeconds"]');
      await urlError.waitFor();
      await timeoutError.waitFor();
      expect(await urlError.textContent()).toMatch(/http:\/\/ or https:\/\//);
      expect(await timeoutError.textContent()).toMatch(/shorter than the interval/);
      expect(await page.locator("#url").getAttribute("aria-invalid")).toBe("true");
      // Nothing saved, and what was typed is still there.
      expect(pathname()).toBe("/monitors/new");
      expect(await page.locator("#name").inputValue()).toBe(monitorName);
      expect(await page.locator("#url").inputValue()).toBe("ftp://x");
      expect(await page.locator("#intervalSeconds").inputValue()).toBe("30");
      expect(await page.locator("#timeoutSeconds").inputValue()).toBe("30");
      expect(await page.locator('[data-field-error="name"]').count()).toBe(0);
    });

    await step("08-monitor-created", async () => {
      await page.locator("#url").fill(`${base}/api/health`);
      await page.locator("#timeoutSeconds").fill("5");
      await page.getByRole("button", { name: "Add monitor" }).click();
      await arriveAt(DETAIL_PATH);
      await page.getByTestId("monitor-name").filter({ hasText: monitorName }).waitFor();
      monitorId = pathname().split("/").pop()!;
      expect(monitorId).toMatch(/\S/);
      expect(await page.getByText(`${base}/api/health`).count()).toBeGreaterThan(0);
    });

    await step("09-monitor-renamed", async () => {
      await page.getByRole("link", { name: "Edit", exact: true }).click();
      await arriveAt(/\/edit$/);
      await page.getByRole("heading", { name: `Edit ${monitorName}` }).waitFor();
      expect(await page.locator("#name").inputValue()).toBe(monitorName);
      expect(await page.locator("#timeoutSeconds").inputValue()).toBe("5");
      await page.locator("#name").fill(renamed);
      await page.getByRole("button", { name: "Save changes" }).click();
      await arriveAt(new RegExp(`^/monitors/${monitorId}$`));
      await page.getByTestId("monitor-name").filter({ hasText: renamed }).waitFor();
    });

    await step("10-list-shows-renamed", async () => {
      await page.getByRole("navigation").getByRole("link", { name: "Monitors" }).click();
      await arriveAt(/^\/monitors$/);
      const row = page.locator(`[data-monitor-row="${renamed}"]`);
      await row.waitFor();
      expect(await row.getByRole("link", { name: renamed }).count()).toBe(1);
      expect(await page.locator(`[data-monitor-row="${monitorName}"]`).count()).toBe(0);
    });

    await step("11-paused", async () => {
      await page.locator(`[data-monitor-row="${renamed}"]`).getByRole("link", { name: renamed }).click();
      await arriveAt(DETAIL_PATH);
      await page.getByTestId("monitor-name").filter({ hasText: renamed }).waitFor();
      await page.getByRole("button", { name: "Pause" }).click();
      const badge = page.locator('[data-state="PAUSED"]');
      await badge.waitFor();
      expect(await badge.textContent()).toContain("Paused");
      await page.getByRole("button", { name: "Resume" }).waitFor();
    });

    await step("12-resumed", async () => {
      await page.getByRole("button", { name: "Resume" }).click();
      await page.getByRole("button", { name: "Pause" }).waitFor();
      await page.locator('[data-state="PAUSED"]').waitFor({ state: "detached" });
      const state = await page.locator("[data-state]").getAttribute("data-state");
      expect(state).not.toBe("PAUSED");
      expect(await page.getByText("Paused", { exact: true }).count()).toBe(0);
    });

    await step("13-api-key-created", async () => {
      await page.getByRole("navigation").getByRole("link", { name: "Settings" }).click();
      await arriveAt(/^\/settings$/);
      await page.getByRole("heading", { name: "API keys" }).waitFor();
      await page.getByText("No API keys yet").waitFor();
      await page.locator("#key-name").fill("deploy script");
      await page.getByRole("button", { name: "Create API key" }).click();
      const shown = page.getByTestId("new-api-key");
      await shown.waitFor();
      apiKey = (await shown.textContent())!.trim();
      expect(apiKey.length).toBeGreaterThan(20);
      await page.getByText("shown only once").waitFor();
      await page.getByText("deploy script").first().waitFor();
    });

    await step("14-api-key-shown-once", async () => {
      const response = await fetch(`${base}/api/v1/monitors`, { headers: { authorization: `Bearer ${apiKey}` } });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { monitors: { id: string; name: string; enabled: boolean }[] };
      expect(body.monitors).toHaveLength(1);
      expect(body.monitors[0]).toMatchObject({ id: monitorId, name: renamed, enabled: true });
      // After a reload the key is listed by name but its secret is not shown again.
      await page.reload();
      await page.getByRole("heading", { name: "API keys" }).waitFor();
      await page.getByText("deploy script").waitFor();
      expect(await page.getByTestId("new-api-key").count()).toBe(0);
      expect(await page.content()).not.toContain(apiKey);
    });

    await step("15-delete-dialog", async () => {
      await page.goto(`${base}/monitors/${monitorId}`);
      await page.getByTestId("monitor-name").filter({ hasText: renamed }).waitFor();
      await page.getByRole("button", { name: "Delete", exact: true }).click();
      const dialog = page.getByRole("dialog");
      await dialog.waitFor();
      expect(await dialog.getByRole("heading").textContent()).toBe(`Delete ${renamed}?`);
      await dialog.getByRole("button", { name: "Delete monitor" }).waitFor();
    });

    await step("16-delete-cancelled", async () => {
      await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();
      await page.getByRole("dialog").waitFor({ state: "detached" });
      expect(pathname()).toBe(`/monitors/${monitorId}`);
      await page.getByTestId("monitor-name").filter({ hasText: renamed }).waitFor();
      const response = await fetch(`${base}/api/v1/monitors/${monitorId}`, { headers: { authorization: `Bearer ${apiKey}` } });
      expect(response.status).toBe(200);
    });

    await step("17-deleted", async () => {
      await page.getByRole("button", { name: "Delete", exact: true }).click();
      await page.getByRole("dialog").getByRole("button", { name: "Delete monitor" }).click();
      await arriveAt(/^\/monitors$/);
      await page.getByRole("heading", { name: "No monitors yet" }).waitFor();
      expect(await page.locator("[data-monitor-row]").count()).toBe(0);
      const response = await fetch(`${base}/api/v1/monitors/${monitorId}`, { headers: { authorization: `Bearer ${apiKey}` } });
      expect(response.status).toBe(404);
    });

    expect(consoleErrors).toEqual([]);
  });

  it("shows a monitor behind a failing nginx go PENDING, then DOWN, with the 502 diagnosis", { timeout: 120_000 }, async () => {
    const base = app!.url;
    // A real nginx whose upstream is stopped; the origin URL points at that same dead upstream.
    const deadUpstream = await closedPort();
    const nginx = await startNginx({ upstreamPort: deadUpstream });
    try {
      await step("18-add-failing-monitor", async () => {
        await page.goto(`${base}/monitors/new`);
        await page.locator("#name").fill("Payments API");
        await page.locator("#url").fill(`http://127.0.0.1:${nginx.port}/api/health`);
        await page.locator("#retries").fill("1");
        await page.locator("#originUrl").fill(`http://127.0.0.1:${deadUpstream}/api/health`);
        await page.getByRole("button", { name: "Add monitor" }).click();
        await arriveAt(DETAIL_PATH);
        await page.getByTestId("monitor-name").filter({ hasText: "Payments API" }).waitFor();
      });

      await step("19-check-now-pending", async () => {
        await page.getByRole("button", { name: "Check now" }).click();
        await page.getByTestId("check-now-result").filter({ hasText: "HTTP_502" }).waitFor();
        await page.locator('[data-state="PENDING"], [data-state="DOWN"]').first().waitFor({ timeout: 15_000 });
      });

      await step("20-down-with-diagnosis", async () => {
        await page.locator('[data-state="DOWN"]').waitFor({ timeout: 30_000 });
        const hop = page.getByTestId("diagnosis-hop");
        await hop.waitFor({ timeout: 30_000 });
        expect(await hop.textContent()).toBe("Upstream (origin)");
        expect(await page.getByTestId("diagnosis-gateway").textContent()).toMatch(/^nginx/);
        expect(await page.locator('[data-error-kind="HTTP_502"]').count()).toBeGreaterThanOrEqual(2);
      });

      await step("21-incident-page", async () => {
        await page.getByRole("link", { name: "Incident details" }).click();
        await arriveAt(/^\/incidents\/[^/]+$/);
        await page.getByTestId("diagnosis").waitFor();
        await page.locator("details summary", { hasText: "Evidence" }).click();
        await page.getByText("HTTP/1.1 502 Bad Gateway").first().waitFor();
        expect(await page.locator('[data-event-type="OPENED"]').count()).toBe(1);
      });

      await step("22-incidents-only-502", async () => {
        await page.goto(`${base}/incidents?errorKind=HTTP_502`);
        await page.locator('[data-incident-cause="HTTP_502"]').first().waitFor();
      });
    } finally {
      await nginx.stop();
    }
    expect(consoleErrors).toEqual([]);
  });
});
