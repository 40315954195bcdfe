// Issue 20 item 7: the Kysely types (server/db/schema.ts) and the schema dump (server/db/schema.sql)
// are generated from the migrations; a migration without `npm run gen:db` fails here. Generating
// needs PostgreSQL and its pg_dump, so this runs where the PostgreSQL suites run.
import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { DUMP_FILE, renderDatabaseArtifacts, TYPES_FILE } from "../scripts/generate-db-types.js";
import { testDatabaseKinds } from "./support/databases.js";

describe.runIf(testDatabaseKinds.includes("postgres"))(
  "Issue 20 item 7: database types and schema dump generated from the migrations",
  () => {
    it("server/db/schema.ts and server/db/schema.sql are what `npm run gen:db` writes from a migrated database", async () => {
      const { types, dump } = await renderDatabaseArtifacts(process.env.TEST_DATABASE_URL);
      expect(fs.readFileSync(TYPES_FILE, "utf8"), "server/db/schema.ts is stale: run `npm run gen:db`").toBe(
        types,
      );
      expect(fs.readFileSync(DUMP_FILE, "utf8"), "server/db/schema.sql is stale: run `npm run gen:db`").toBe(
        dump,
      );
    });
  },
);
