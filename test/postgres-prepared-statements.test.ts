// On PostgreSQL a parameterised statement runs as a named prepared statement, and its rows are
// made from the columns read once per statement (server/db/connect.ts): the rows must be what pg
// itself makes from every answer's row description, an error must reach the caller as pg's own
// would, and the connection must go on answering after it.
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../server/db/connect.js";
import { testDatabaseKinds } from "./support/databases.js";

const onPostgres = testDatabaseKinds.includes("postgres");

describe.runIf(onPostgres)("named prepared statements on PostgreSQL", () => {
  const open = () => openDatabase({ url: process.env.TEST_DATABASE_URL as string, poolSize: 1 });

  it("are prepared once per connection and give the same rows on every run", async () => {
    const database = await open();
    try {
      const marker = `prepared-${Date.now()}-${Math.random()}`;
      const run = (n: number) =>
        sql<Record<string, unknown>>`
          SELECT ${marker}::text AS marker, ${n}::int8 AS big, ${n}::int AS small,
                 '2026-12-06T10:00:00.123Z'::timestamptz AS at, json_build_object('n', ${n}::int) AS doc,
                 NULL::text AS nothing, ARRAY[${n}::int, 2] AS list, 'first' AS twice, 'second' AS twice`.execute(
          database.db,
        );
      const rows = [];
      for (let n = 1; n <= 3; n += 1) rows.push((await run(n)).rows);
      expect(rows).toEqual(
        [1, 2, 3].map((n) => [
          {
            marker,
            big: n,
            small: n,
            at: new Date("2026-12-06T10:00:00.123Z"),
            doc: { n },
            nothing: null,
            list: [n, 2],
            twice: "second",
          },
        ]),
      );
      // This session's prepared statements (the probe has LIKE in it, so it is never named itself).
      const prepared = await sql<{ name: string }>`
        SELECT name FROM pg_prepared_statements WHERE statement LIKE '%AS twice'`.execute(database.db);
      expect(prepared.rows.map((row) => row.name)).toEqual([expect.stringMatching(/^portal_\d+$/)]);
    } finally {
      await database.close();
    }
  });

  it("reject as pg would, and leave the connection answering", async () => {
    const database = await open();
    try {
      const failing = (n: number) => sql`SELECT 1 / (${n}::int - ${n}::int) AS x`.execute(database.db);
      for (const n of [1, 2]) {
        const error = await failing(n).catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(Error);
        expect((error as { code?: string }).code).toBe("22012");
      }
      const after = await sql<{ n: number }>`SELECT ${7}::int AS n`.execute(database.db);
      expect(after.rows).toEqual([{ n: 7 }]);
    } finally {
      await database.close();
    }
  });
});
