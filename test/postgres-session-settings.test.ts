// The portal's PostgreSQL sessions run without JIT compilation: its statements are short and
// bounded, and compiling one costs more than running it. A DATABASE_URL that sets `options` keeps its own.
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
