// The portal's sessions run without JIT compilation (its statements are short and bounded, and
// compiling one costs more than running it) and price a random page read at 1.1 sequential ones
// (what they read is in memory or on SSD; at the default of 4 a common surname's search walked a
// large company's whole email index), on PostgreSQL and on PGlite (PLANNER_SETTINGS). A
// DATABASE_URL that sets `options` keeps its own.
// Closing the database ends every session it opened.
import { type Kysely, sql } from "kysely";
import { describe, expect, it } from "vitest";
import { openDatabase, PLANNER_SETTINGS } from "../server/db/connect.js";
import type { DB } from "../server/db/schema.js";
import { openTestDatabase, testDatabaseKinds } from "./support/databases.js";

const onPostgres = testDatabaseKinds.includes("postgres");

/** Each setting of PLANNER_SETTINGS as one session shows it. */
async function plannerSettings(db: Kysely<DB>): Promise<Record<string, string>> {
  const shown: Record<string, string> = {};
  for (const name of Object.keys(PLANNER_SETTINGS)) {
    const result = await sql<Record<string, string>>`SHOW ${sql.raw(name)}`.execute(db);
    shown[name] = result.rows[0]?.[name] ?? "";
  }
  return shown;
}

describe("PGlite's session of the portal", () => {
  it("plans without JIT compilation and with random_page_cost 1.1", async () => {
    const database = await openTestDatabase("pglite");
    try {
      expect(await plannerSettings(database.db)).toEqual({ jit: "off", random_page_cost: "1.1" });
    } finally {
      await database.dispose();
    }
  });
});

describe.runIf(onPostgres)("PostgreSQL sessions of the portal", () => {
  it("plan without JIT compilation and with random_page_cost 1.1, on every pooled connection", async () => {
    const database = await openTestDatabase("postgres");
    try {
      // Four at once: each on a connection of its own.
      const settings = await Promise.all(
        Array.from({ length: 4 }, () =>
          database.db.connection().execute((connection) => plannerSettings(connection)),
        ),
      );
      expect(settings).toEqual(Array(4).fill({ jit: "off", random_page_cost: "1.1" }));
    } finally {
      await database.dispose();
    }
  });

  it("keep the options a DATABASE_URL sets", async () => {
    const url = new URL(process.env.TEST_DATABASE_URL as string);
    url.searchParams.set("options", "-c jit=on -c statement_timeout=12345");
    const database = await openDatabase({ url: url.toString(), poolSize: 1 });
    try {
      const jit = await sql<{ jit: string }>`SHOW jit`.execute(database.db);
      const timeout = await sql<{ statement_timeout: string }>`SHOW statement_timeout`.execute(database.db);
      expect(jit.rows[0]?.jit).toBe("on");
      expect(timeout.rows[0]?.statement_timeout).toBe("12345ms");
    } finally {
      await database.close();
    }
  });
});

describe.runIf(onPostgres)("Closing the portal's PostgreSQL database", () => {
  async function sessionsOf(applicationName: string): Promise<number> {
    const admin = await openDatabase({ url: process.env.TEST_DATABASE_URL as string, poolSize: 1 });
    try {
      const result = await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = ${applicationName}`.execute(
        admin.db,
      );
      return result.rows[0]?.n ?? -1;
    } finally {
      await admin.close();
    }
  }

  it("ends its sessions, also when only scripts ran on it (migrations)", async () => {
    for (const use of ["scripts", "queries"] as const) {
      const url = new URL(process.env.TEST_DATABASE_URL as string);
      const applicationName = `portal-close-${use}-${process.pid}`;
      url.searchParams.set("application_name", applicationName);
      const database = await openDatabase({ url: url.toString(), poolSize: 2 });
      if (use === "scripts") await database.withScriptSession((exec) => exec("SELECT 1"));
      else await sql`SELECT 1`.execute(database.db);
      expect(await sessionsOf(applicationName), use).toBe(1);
      await database.close();
      expect(await sessionsOf(applicationName), use).toBe(0);
    }
  });
});
