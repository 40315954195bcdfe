// Applies the numbered SQL migrations in migrations/ at start-up, each in its own transaction.
// An advisory lock makes instances that start together apply each migration exactly once.
import fs from "node:fs";
import path from "node:path";
import { PROJECT_ROOT } from "../paths.js";
import type { Database } from "./connect.js";

const MIGRATIONS_DIR = path.join(PROJECT_ROOT, "server", "db", "migrations");
const MIGRATION_LOCK_KEY = 727_072_001;

export type Migration = { version: number; name: string; script: string };

export function listMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return fs
    .readdirSync(dir)
    .filter((file) => /^\d{3}_[a-z0-9_]+\.sql$/.test(file))
    .sort()
    .map((file) => ({
      version: Number(file.slice(0, 3)),
      name: file.replace(/\.sql$/, ""),
      script: fs.readFileSync(path.join(dir, file), "utf8"),
    }));
}

export async function migrate(database: Database, migrations = listMigrations()): Promise<string[]> {
  return database.withScriptSession(async (exec) => {
    await exec(`SELECT pg_advisory_lock(${MIGRATION_LOCK_KEY})`);
    try {
      await exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version integer PRIMARY KEY,
        name text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
      const appliedRows = await exec("SELECT version FROM schema_migrations");
      const applied = new Set(appliedRows.map((row) => Number(row.version)));
      const done: string[] = [];
      for (const migration of migrations) {
        if (applied.has(migration.version)) continue;
        try {
          await exec(
            `BEGIN;\n${migration.script}\n;INSERT INTO schema_migrations (version, name) VALUES (${migration.version}, '${migration.name}');\nCOMMIT;`,
          );
        } catch (error) {
          await exec("ROLLBACK").catch(() => {});
          throw new Error(`Migration ${migration.name} failed: ${(error as Error).message}`);
        }
        done.push(migration.name);
      }
      return done;
    } finally {
      await exec(`SELECT pg_advisory_unlock(${MIGRATION_LOCK_KEY})`);
    }
  });
}

/** True when every migration shipped with this build is applied (readiness). */
export async function isFullyMigrated(database: Database, migrations = listMigrations()): Promise<boolean> {
  const latest = migrations[migrations.length - 1]?.version ?? 0;
  return database.withScriptSession(async (exec) => {
    const rows = await exec("SELECT coalesce(max(version), 0) AS version FROM schema_migrations");
    return Number(rows[0]?.version ?? 0) >= latest;
  });
}
