// Companies of a given size, added beside the bench data set: the growth sizes (1,000, 10,000 and
// 1,000,000 members next to the 100,000-member company) and the web app's own small data set.
// Each company is written by set-based statements over generate_series (no row-by-row inserts):
// its members are bench accounts 1…size (account 1, the bench admin, is its Admin), with one
// predefined role each, and the counters and standings the triggers would keep are computed at the end.
import pg from "pg";
import { PREDEFINED_ROLES } from "../server/access/permissions.js";
import { hashPassword } from "../server/auth/passwords.js";
import { openDatabase } from "../server/db/connect.js";
import { migrate } from "../server/db/migrate.js";
import { BENCH_PASSWORD, databaseUrlFor, EMAIL_SQL, SETTLED_ACTIVITY_DAYS } from "./seed.js";

export const GROWTH_SIZES = [1_000, 10_000, 1_000_000] as const;

export const growthCompanyName = (size: number) => `Bench Growth ${size}`;

const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;

/**
 * Adds one company of `size` members made of the existing accounts 1…size; returns its id.
 * Triggers and foreign-key checks are off for the statements (as in the main seed): the data is
 * consistent by construction.
 */
export async function seedSizedCompany(
  client: pg.Client,
  name: string,
  size: number,
  log: (line: string) => void,
): Promise<string> {
  if (!Number.isInteger(size) || size < 1) throw new Error(`unexpected company size ${size}`);
  const started = Date.now();
  const predefined = PREDEFINED_ROLES.map(
    (role) => `(${literal(role.key)}, ${literal(role.name)}, ${literal(role.description)})`,
  ).join(",");
  const predefinedPermissions = PREDEFINED_ROLES.flatMap((role) =>
    role.permissions.map((p) => `(${literal(role.key)}, ${literal(p)})`),
  ).join(",");
  await client.query("BEGIN");
  try {
    await client.query("SET LOCAL session_replication_role = replica");
    await client.query("SET LOCAL work_mem = '256MB'");
    const company = await client.query<{ id: string }>(
      `INSERT INTO companies (name, legal_name, registration_number, country, merchant_id, contact_email, created_at)
       VALUES ($1::text, $1::text || ' Pte Ltd', 'BG-' || $2::text, 'SG', 'MG' || lpad($2::text, 10, '0'), 'growth' || $2::text || '@merchant.example',
               now() - interval '2 years')
       RETURNING id`,
      [name, size],
    );
    const companyId = company.rows[0]?.id as string;
    const c = literal(companyId);
    await client.query(
      `INSERT INTO roles (company_id, key, name, description)
       SELECT ${c}::uuid, key, name, description FROM (VALUES ${predefined}) AS p(key, name, description);
       INSERT INTO role_permissions (role_id, permission)
       SELECT r.id, x.permission FROM roles r JOIN (VALUES ${predefinedPermissions}) AS x(key, permission)
           ON x.key = r.key
        WHERE r.company_id = ${c}::uuid;
       CREATE TEMP TABLE growth_members ON COMMIT DROP AS
       SELECT gen_random_uuid() AS id, n, a.id AS account_id, a.email, a.name
         FROM generate_series(1, ${size}) n JOIN accounts a ON a.email = ${EMAIL_SQL("n")};
       INSERT INTO members (id, company_id, account_id, status, joined_at, deactivated_at, email, name)
       SELECT id, ${c}::uuid, account_id,
              CASE WHEN n > 20 AND n % 33 = 0 THEN 'deactivated' ELSE 'active' END,
              now() - (n % 700) * interval '1 day',
              CASE WHEN n > 20 AND n % 33 = 0 THEN now() - interval '3 days' END, email, name
         FROM growth_members;
       INSERT INTO member_activity (member_id, company_id, last_active_at)
       SELECT id, ${c}::uuid, now() - (n % ${SETTLED_ACTIVITY_DAYS}) * interval '1 day' FROM growth_members;
       INSERT INTO member_roles (company_id, member_id, role_id)
       SELECT ${c}::uuid, m.id, r.id FROM growth_members m
         JOIN roles r ON r.company_id = ${c}::uuid AND r.key = CASE WHEN m.n = 1 THEN 'admin'
              ELSE (ARRAY['finance','operations','developer','data_analytics','operations'])[(m.n % 5) + 1] END;
       INSERT INTO member_counts (company_id, active, deactivated)
       SELECT ${c}::uuid, count(*) FILTER (WHERE status = 'active'), count(*) FILTER (WHERE status = 'deactivated')
         FROM members WHERE company_id = ${c}::uuid;
       INSERT INTO member_role_counts (company_id, role_id, active, deactivated)
       SELECT r.company_id, r.id, count(m.id) FILTER (WHERE m.status = 'active'),
              count(m.id) FILTER (WHERE m.status = 'deactivated')
         FROM roles r LEFT JOIN member_roles mr ON mr.role_id = r.id LEFT JOIN members m ON m.id = mr.member_id
        WHERE r.company_id = ${c}::uuid GROUP BY r.company_id, r.id;
       INSERT INTO member_standing (member_id, role_ids, role_keys, permissions)
       SELECT m.id, ARRAY[r.id], ARRAY[r.key], coalesce(p.permissions, '{}')
         FROM growth_members m
         JOIN member_roles mr ON mr.member_id = m.id JOIN roles r ON r.id = mr.role_id
         LEFT JOIN (SELECT role_id, array_agg(permission ORDER BY permission) AS permissions
                      FROM role_permissions GROUP BY role_id) p ON p.role_id = r.id;`,
    );
    // With the triggers off, no request-context version moved (migration 041): the epoch does.
    await client.query("UPDATE context_epoch SET epoch = epoch + 1");
    await client.query("COMMIT");
    // As the main seed ends: a table left unvacuumed after a million inserts answers its index-only
    // walks from the table, row by row (where autovacuum is off, as on the CI host, it never comes).
    await client.query(
      "VACUUM (ANALYZE) companies, roles, members, member_roles, member_standing, member_activity, members_never_active",
    );
    log(
      `  ${name}: ${size.toLocaleString("en-US")} members (${((Date.now() - started) / 1000).toFixed(1)} s)`,
    );
    return companyId;
  } catch (error) {
    await client.query("ROLLBACK");
    throw error;
  }
}

async function existingCompany(client: pg.Client, name: string): Promise<string | null> {
  const row = await client.query<{ id: string }>("SELECT id FROM companies WHERE name = $1", [name]);
  return row.rows[0]?.id ?? null;
}

/** Creates the database when missing and runs the server's migrations on it (new ones included). */
async function ensureMigrated(url: string): Promise<void> {
  const name = new URL(url).pathname.replace(/^\//, "");
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unexpected bench database name "${name}"`);
  const admin = new pg.Client({ connectionString: databaseUrlFor(url, "postgres") });
  await admin.connect();
  try {
    const exists = (await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [name])).rowCount;
    if (!exists) await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const database = await openDatabase({ url, poolSize: 1 });
  try {
    await migrate(database);
  } finally {
    await database.close();
  }
}

/**
 * Bench accounts 1…count, as the main seed writes them, for those not there yet (the main data set
 * has all of the first 1,000,000: nothing is added there).
 */
async function ensureAccounts(client: pg.Client, count: number, log: (line: string) => void): Promise<void> {
  const have = await client.query<{ n: string }>("SELECT count(*) AS n FROM accounts");
  if (Number(have.rows[0]?.n) >= count) return;
  const started = Date.now();
  const passwordHash = await hashPassword(BENCH_PASSWORD);
  await client.query(
    `INSERT INTO accounts (email, name, password_hash, created_at, password_changed_at)
     SELECT ${EMAIL_SQL("n")}, 'Bench Member ' || n, $1, now() - interval '2 years', now() - interval '2 years'
       FROM generate_series(1, ${count}) n
     ON CONFLICT DO NOTHING`,
    [passwordHash],
  );
  log(`  accounts 1…${count.toLocaleString("en-US")} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

/**
 * `--growth`: a company of each size in the database at `url` (the bench data set, whose accounts
 * it reuses; or any other database, which gets the accounts it lacks), each added once. Returns the
 * company id of each size and the seconds each new one took.
 */
export async function ensureGrowthCompanies(
  url: string,
  sizes: readonly number[],
  log: (line: string) => void,
): Promise<Map<number, { companyId: string; seedSeconds: number | null }>> {
  await ensureMigrated(url);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const companies = new Map<number, { companyId: string; seedSeconds: number | null }>();
  try {
    await ensureAccounts(client, Math.max(...sizes), log);
    for (const size of sizes) {
      const name = growthCompanyName(size);
      const existing = await existingCompany(client, name);
      if (existing) {
        companies.set(size, { companyId: existing, seedSeconds: null });
        continue;
      }
      const started = Date.now();
      const companyId = await seedSizedCompany(client, name, size, log);
      companies.set(size, { companyId, seedSeconds: (Date.now() - started) / 1000 });
    }
    return companies;
  } finally {
    await client.end();
  }
}

export const UI_DATABASE = "portal_bench_ui";
export const UI_COMPANY_NAME = "Bench UI Merchant";
export const UI_COMPANY_MEMBERS = 5_000;

/**
 * The web app's data set, a database of its own (small enough to seed in seconds, so `--ui` needs
 * no full seed): UI_COMPANY_MEMBERS accounts and one company holding them all. Reused when present.
 */
export async function ensureUiDataSet(
  baseUrl: string,
  log: (line: string) => void,
): Promise<{ url: string; companyId: string }> {
  const url = databaseUrlFor(baseUrl, UI_DATABASE);
  await ensureMigrated(url);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const existing = await existingCompany(client, UI_COMPANY_NAME);
    if (existing) return { url, companyId: existing };
    const started = Date.now();
    await ensureAccounts(client, UI_COMPANY_MEMBERS, log);
    const companyId = await seedSizedCompany(client, UI_COMPANY_NAME, UI_COMPANY_MEMBERS, log);
    log(`seeded ${UI_DATABASE} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return { url, companyId };
  } finally {
    await client.end();
  }
}
