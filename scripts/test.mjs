#!/usr/bin/env node
// `npm test`: runs the Vitest projects this machine can run, and says plainly what it left out.
// On PGlite always; on PostgreSQL when TEST_DATABASE_URL is set; in Chromium when it is installed.
// Under CI=true a missing database or browser is a failure, never a silent skip.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import pg from "pg";

const isCi = process.env.CI === "true";
const extraArgs = process.argv.slice(2);
const leftOut = [];
const problems = [];

const chromium = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const hasChromium = existsSync(chromium);
if (!hasChromium)
  leftOut.push(
    `browser tests (e2e): no Chromium at ${chromium}; install it with apt-get install -y chromium`,
  );

if (process.env.TEST_DATABASE_URL) {
  const client = new pg.Client({
    connectionString: process.env.TEST_DATABASE_URL,
    connectionTimeoutMillis: 3000,
  });
  try {
    await client.connect();
    await client.query("select 1");
  } catch (error) {
    problems.push(`TEST_DATABASE_URL is set but PostgreSQL does not answer: ${error.message}`);
  } finally {
    await client.end().catch(() => {});
  }
} else {
  leftOut.push(
    "PostgreSQL runs of the integration suites: TEST_DATABASE_URL is not set (they ran on PGlite only)",
  );
}

if (!process.env.REDIS_URL) {
  leftOut.push("Redis-shared rate-limit tests: REDIS_URL is not set (limits were tested in memory)");
}

if (isCi) {
  if (!process.env.REDIS_URL) problems.push("CI=true but REDIS_URL is not set");
  if (!hasChromium) problems.push("CI=true but Chromium is missing");
  if (!process.env.TEST_DATABASE_URL) problems.push("CI=true but TEST_DATABASE_URL is not set");
}
if (problems.length > 0) {
  for (const problem of problems) console.error(`npm test: ${problem}`);
  process.exit(1);
}

const projects = ["--project", "unit", ...(hasChromium ? ["--project", "e2e"] : [])];
if (leftOut.length > 0) {
  console.log("npm test will leave out:");
  for (const line of leftOut) console.log(`  - ${line}`);
}
const result = spawnSync("npx", ["vitest", "run", ...projects, ...extraArgs], {
  stdio: "inherit",
  env: { ...process.env, NODE_ENV: "test", PORTAL_TESTS_LEFT_OUT: leftOut.join("; ") },
});
if (leftOut.length > 0) {
  console.log("\nLeft out on this machine:");
  for (const line of leftOut) console.log(`  - ${line}`);
}
process.exit(result.status ?? 1);
