import { defineConfig } from "vitest/config";
import path from "node:path";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["tests/unit/**/*.test.ts", "tests/probes/**/*.test.ts", "tests/diagnosis/**/*.test.ts"],
          testTimeout: 20_000,
        },
      },
    ],
  },
});
