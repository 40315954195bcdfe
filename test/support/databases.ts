// The databases every integration suite runs on: embedded PGlite always, PostgreSQL when
// TEST_DATABASE_URL is set (each test file then gets a database of its own, dropped afterwards).
import { randomBytes } from "node:crypto";
import pg from "pg";
import { type Database, openDatabase } from "../../server/db/connect.js";
import { type Migration, migrate } from "../../server/db/migrate.js";

export type TestDatabaseKind = "pglite" | "postgres";

export type TestDatabase = Database & { dispose(): Promise<void>; url?: string };

export const testDatabaseKinds: TestDatabaseKind[] = process.env.TEST_DATABASE_URL
  ? ["pglite", "postgres"]
  : ["pglite"];

function withDatabaseName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/** Opens a fresh, migrated, empty database of the given kind (by `migrations` when given: all by default). */
export async function openTestDatabase(
  kind: TestDatabaseKind,
  migrations?: Migration[],
): Promise<TestDatabase> {
  if (kind === "pglite") {
    const database = await openDatabase({});
    await migrate(database, migrations);
    return { ...database, dispose: () => database.close() };
  }
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) throw new Error("TEST_DATABASE_URL is not set");
  const name = `portal_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const database = await openDatabase({ url: withDatabaseName(adminUrl, name), poolSize: 20 });
  await migrate(database, migrations);
  const url = withDatabaseName(adminUrl, name);
  return {
    ...database,
    url,
    async dispose() {
      await database.close();
      const cleanup = new pg.Client({ connectionString: adminUrl });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await cleanup.end();
    },
  };
}
