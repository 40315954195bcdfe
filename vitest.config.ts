// Test projects: `unit` (pure code and HTTP integration on every configured database, the attack
// suite in test/security included), `e2e` (Chromium through Playwright against a real server) and
// `faults` (real server processes: several instances, SMTP and PostgreSQL outages, SIGKILL, SIGTERM),
// which runs alone after the others. scripts/test.mjs picks which run.
import { availableParallelism } from "node:os";
import { configDefaults, defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Vitest's default is one worker less than the CPUs: on CI's two, one file at a time, while the
    // load average stayed under 2. A test spends much of its time waiting on PostgreSQL, Chromium
    // or a server it started, so two files run at once even there.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    reporters: ["default", "./test/support/summary-reporter.ts"],
    projects: [
      {
        test: {
          name: "unit",
          include: ["server/**/*.test.ts", "test/**/*.test.ts"],
          exclude: [...configDefaults.exclude, "test/faults/**"],
          environment: "node",
          testTimeout: 60_000,
          hookTimeout: 120_000,
          pool: "forks",
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: "e2e",
          include: ["e2e/**/*.test.ts"],
          environment: "node",
          // Each file starts its own portal on a free port and its own Chromium, so two run at once.
          // Pages arrive as chunks loaded on first use: a poll waits for what a person would wait for.
          expect: { poll: { timeout: 10_000 } },
          testTimeout: 120_000,
          hookTimeout: 240_000,
          globalSetup: ["./e2e/support/global-setup.ts"],
          setupFiles: ["./e2e/support/on-failure.ts"],
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          // Processes are killed, databases restarted and limits shared on loopback: one file at a
          // time, and only once the other projects are done, so nothing else feels the faults.
          name: "faults",
          include: ["test/faults/**/*.test.ts"],
          environment: "node",
          testTimeout: 120_000,
          hookTimeout: 180_000,
          pool: "forks",
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
