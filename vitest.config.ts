// Test projects: `unit` (pure code and HTTP integration on every configured database) and
// `e2e` (Chromium through Playwright against a real server). scripts/test.mjs picks which run.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    reporters: ["default", "./test/support/summary-reporter.ts"],
    projects: [
      {
        test: {
          name: "unit",
          include: ["server/**/*.test.ts", "test/**/*.test.ts"],
          environment: "node",
          testTimeout: 60_000,
          hookTimeout: 120_000,
          pool: "forks",
        },
      },
      {
        test: {
          name: "e2e",
          include: ["e2e/**/*.test.ts"],
          environment: "node",
          testTimeout: 120_000,
          hookTimeout: 240_000,
          globalSetup: ["./e2e/support/global-setup.ts"],
          fileParallelism: false,
        },
      },
    ],
  },
});
