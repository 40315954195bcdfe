#!/usr/bin/env node
// `npm test`: runs the Vitest projects this machine can run, and says plainly what it left out.
// On PGlite always; on PostgreSQL when TEST_DATABASE_URL is set; in Chromium when it is installed.
// Under CI=true a missing database or browser is a failure, never a silent skip.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import pg from "pg";
import { assertSupportedNode } from "./supported-node.mjs";

assertSupportedNode();

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

// The faults project starts real server processes against PostgreSQL and Redis, and a throwaway
// PostgreSQL cluster of its own (initdb, pg_ctl) that it stops and restarts.
const postgresBinaries = existsSync("/usr/lib/postgresql")
  ? readdirSync("/usr/lib/postgresql").some((version) =>
      existsSync(`/usr/lib/postgresql/${version}/bin/initdb`),
    )
  : false;
const canRunFaults = Boolean(process.env.TEST_DATABASE_URL && process.env.REDIS_URL && postgresBinaries);
if (!canRunFaults) {
  leftOut.push(
    "fault and several-instance tests (faults): they need TEST_DATABASE_URL, REDIS_URL and PostgreSQL's " +
      "server binaries (initdb, pg_ctl) under /usr/lib/postgresql",
  );
}

if (isCi) {
  if (!postgresBinaries)
    problems.push("CI=true but PostgreSQL's initdb is missing under /usr/lib/postgresql");
  if (!process.env.REDIS_URL) problems.push("CI=true but REDIS_URL is not set");
  if (!hasChromium) problems.push("CI=true but Chromium is missing");
  if (!process.env.TEST_DATABASE_URL) problems.push("CI=true but TEST_DATABASE_URL is not set");
}
if (problems.length > 0) {
  for (const problem of problems) console.error(`npm test: ${problem}`);
  process.exit(1);
}

// faults runs after unit and e2e (its Vitest project has a later sequence.groupOrder), one file at a time.
const projects = [
  "--project",
  "unit",
  ...(hasChromium ? ["--project", "e2e"] : []),
  ...(canRunFaults ? ["--project", "faults"] : []),
];
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
