// The databases every integration suite runs on: embedded PGlite always, PostgreSQL when
// TEST_DATABASE_URL is set (each test file then gets a database of its own, dropped afterwards).
// A fully migrated database is made once per set of migrations and copied for each opening: on
// PGlite from a dumped data directory in the system's temporary folder, on PostgreSQL as a
// template database. Both are named by a hash of the migrations, so a changed migration makes a new one.
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { type Database, openDatabase, openPglite } from "../../server/db/connect.js";
import { listMigrations, type Migration, migrate } from "../../server/db/migrate.js";
import { PROJECT_ROOT } from "../../server/paths.js";

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

/** Names what a migrated database holds: the migrations, and the PGlite that wrote its files. */
function migrationsKey(): string {
  const hash = createHash("sha256");
  const pglite = JSON.parse(
    fs.readFileSync(path.join(PROJECT_ROOT, "node_modules/@electric-sql/pglite/package.json"), "utf8"),
  ) as { version: string };
  hash.update(`pglite ${pglite.version}\n`);
  for (const migration of listMigrations()) hash.update(`${migration.name}\n${migration.script}\n`);
  return hash.digest("hex").slice(0, 16);
}

let key: string | undefined;
const templateKey = () => {
  key ??= migrationsKey();
  return key;
};

/** The migrated PGlite data directory, dumped; written by the first test file that needs it. */
let pgliteDump: Promise<Blob> | undefined;
const pgliteTemplate = () => {
  pgliteDump ??= readOrMakePgliteDump();
  return pgliteDump;
};

async function readOrMakePgliteDump(): Promise<Blob> {
  const file = path.join(os.tmpdir(), `portal-test-pglite-${templateKey()}.tar.gz`);
  if (fs.existsSync(file)) return new Blob([fs.readFileSync(file)]);
  const database = await openPglite("memory://");
  await migrate(database);
  const dump = await database.dumpDataDir();
  await database.close();
  // Written aside, then renamed: a file running beside this one reads a whole dump or none. A
  // folder that cannot take it costs the next file its own migration, not a failure.
  const partial = `${file}.${process.pid}.${randomBytes(4).toString("hex")}`;
  try {
    fs.writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
    fs.renameSync(partial, file);
  } catch {
    fs.rmSync(partial, { force: true });
  }
  return dump;
}

/** The migrated template database on PostgreSQL, made under a lock by the first file that needs it. */
async function postgresTemplate(admin: pg.Client, adminUrl: string): Promise<string> {
  const name = `portal_test_template_${templateKey()}`;
  const exists = async () =>
    (await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [name])).rowCount === 1;
  if (await exists()) return name;
  await admin.query("SELECT pg_advisory_lock(hashtext($1))", [name]);
  try {
    if (await exists()) return name;
    // Migrated under another name and renamed when done, so no copy is ever made of half of it.
    const building = `${name}_${randomBytes(3).toString("hex")}`;
    await admin.query(`CREATE DATABASE ${building}`);
    const database = await openDatabase({ url: withDatabaseName(adminUrl, building), poolSize: 1 });
    try {
      await migrate(database);
    } finally {
      await database.close();
    }
    await admin.query(`ALTER DATABASE ${building} RENAME TO ${name}`);
    return name;
  } finally {
    await admin.query("SELECT pg_advisory_unlock(hashtext($1))", [name]);
  }
}

/** Opens a fresh, migrated, empty database of the given kind (by `migrations` when given: all by default). */
export async function openTestDatabase(
  kind: TestDatabaseKind,
  migrations?: Migration[],
): Promise<TestDatabase> {
  if (kind === "pglite") {
    const database = migrations
      ? await openDatabase({})
      : await openPglite("memory://", await pgliteTemplate());
    await migrate(database, migrations);
    return { ...database, dispose: () => database.close() };
  }
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) throw new Error("TEST_DATABASE_URL is not set");
  const name = `portal_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    if (migrations) await admin.query(`CREATE DATABASE ${name}`);
    else await admin.query(`CREATE DATABASE ${name} TEMPLATE ${await postgresTemplate(admin, adminUrl)}`);
  } finally {
    await admin.end();
  }
  const url = withDatabaseName(adminUrl, name);
  const database = await openDatabase({ url, poolSize: 20 });
  await migrate(database, migrations);
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
