import { defineConfig } from "vitest/config";
import path from "node:path";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    // One encryption key for the test process and the app servers it starts (they inherit its
    // environment): tests read through lib/ what the app wrote.
    env: { HOPWATCH_ENCRYPTION_KEY: "aG9wd2F0Y2gtdGVzdC1rZXktMzItYnl0ZXMtbG9uZyE=" },
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          sequence: { groupOrder: 0 },
          include: ["tests/unit/**/*.test.ts", "tests/probes/**/*.test.ts", "tests/diagnosis/**/*.test.ts"],
          testTimeout: 20_000,
        },
      },
      {
        // Real servers: the built app on loopback, PostgreSQL, PGlite, Chromium.
        extends: true,
        test: {
          name: "integration",
          sequence: { groupOrder: 1 },
          include: ["tests/integration/**/*.test.ts", "tests/browser/**/*.test.ts"],
          globalSetup: ["tests/global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          maxWorkers: 2,
        },
      },
    ],
  },
});
