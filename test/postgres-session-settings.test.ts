// The portal's PostgreSQL sessions run without JIT compilation: its statements are short and
// bounded, and compiling one costs more than running it. A DATABASE_URL that sets `options` keeps its own.
// Closing the database ends every session it opened.
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../server/db/connect.js";
import { openTestDatabase, testDatabaseKinds } from "./support/databases.js";

const onPostgres = testDatabaseKinds.includes("postgres");

describe.runIf(onPostgres)("PostgreSQL sessions of the portal", () => {
  it("run without JIT compilation, on every pooled connection", async () => {
    const database = await openTestDatabase("postgres");
    try {
      const settings = await Promise.all(
        Array.from({ length: 4 }, () => sql<{ jit: string }>`SHOW jit`.execute(database.db)),
      );
      expect(settings.map((result) => result.rows[0]?.jit)).toEqual(["off", "off", "off", "off"]);
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
