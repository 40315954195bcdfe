// The benchmark's data set in PostgreSQL: 1,000,000 accounts, 10,000 companies of skewed sizes (one of
// 100,000 members), custom roles, pending invitations, audit history and 1,000,000 transactions.

import pg from "pg";
import { PREDEFINED_ROLES } from "../server/access/permissions.js";
import { hashPassword } from "../server/auth/passwords.js";
import { openDatabase } from "../server/db/connect.js";
import { migrate } from "../server/db/migrate.js";

/** Bumped whenever the data below changes shape, so an old data set is rebuilt instead of reused. */
export const SEED_VERSION = "bench-seed-v2";

export const SIZES = {
  accounts: 1_000_000,
  companies: 10_000,
  bigCompanyMembers: 100_000,
  transactions: 1_000_000,
  auditEvents: 500_000,
  bigCompanyCustomRoles: 20,
  bigCompanyInvitations: 300,
} as const;

export type SeedSizes = { readonly [K in keyof typeof SIZES]: number };

/**
 * The same shapes at a thousandth of the accounts: enough for scenarios that read one session
 * (the A/B of bench/ab.ts), seeded in seconds.
 */
export const SMALL_SIZES: SeedSizes = {
  accounts: 2_000,
  companies: 20,
  bigCompanyMembers: 1_000,
  transactions: 1_000,
  auditEvents: 1_000,
  bigCompanyCustomRoles: 20,
  bigCompanyInvitations: 30,
};

/** The marker a data set of these sizes carries, so data sets of other sizes are never reused for it. */
function seedVersion(sizes: SeedSizes): string {
  return sizes === SIZES ? SEED_VERSION : `${SEED_VERSION} ${JSON.stringify(sizes)}`;
}

export const BENCH_PASSWORD = "bench password: correct horse battery staple";
export const BIG_COMPANY_NAME = "Bench Big Merchant";
const FIRST_NAMES = [
  "ada",
  "alan",
  "amara",
  "anna",
  "ben",
  "carla",
  "chen",
  "dana",
  "david",
  "elif",
  "emma",
  "farah",
  "felix",
  "grace",
  "hana",
  "hugo",
  "ines",
  "ivan",
  "jade",
  "jonas",
  "kai",
  "kenji",
  "lara",
  "leo",
  "lina",
  "marco",
  "maya",
  "mila",
  "nadia",
  "noah",
  "olivia",
  "omar",
  "paula",
  "priya",
  "quinn",
  "rafael",
  "rosa",
  "sam",
  "sara",
  "theo",
  "uma",
  "victor",
  "wei",
  "xena",
  "yara",
  "yusuf",
  "zane",
  "zoe",
  "nora",
  "tariq",
];
const LAST_NAMES = [
  "garcia",
  "smith",
  "tan",
  "wong",
  "kim",
  "nguyen",
  "mueller",
  "rossi",
  "silva",
  "santos",
  "khan",
  "ali",
  "patel",
  "sharma",
  "cohen",
  "novak",
  "kowalski",
  "ivanova",
  "lee",
  "chen",
  "park",
  "sato",
  "suzuki",
  "lim",
  "ong",
  "jensen",
  "larsen",
  "dubois",
  "martin",
  "bernard",
  "moreau",
  "fischer",
  "weber",
  "schmidt",
  "costa",
  "pereira",
  "lopez",
  "hernandez",
  "diaz",
  "torres",
  "ramos",
  "reyes",
  "cruz",
  "mendoza",
  "flores",
  "walker",
  "young",
  "hall",
  "allen",
  "wright",
];
const DOMAINS = [
  "acme-pay.example",
  "globex.example",
  "initech.example",
  "umbrella.example",
  "stark.example",
];

/** Account 1: Admin of the big company (and of two small ones), the session every scenario uses. */
export const ADMIN_EMAIL = accountEmail(1);
/** Account 11: a Developer of the big company, who may not see the member list (the 403 path). */
export const DEVELOPER_EMAIL = accountEmail(11);
/** Account 12: Finance in the big company, who may download transactions (S6). */
export const FINANCE_EMAIL = accountEmail(12);

/** The email of bench account n (1-based); the same formula as the SQL below. */
export function accountEmail(n: number): string {
  const first = FIRST_NAMES[(n - 1) % FIRST_NAMES.length];
  const last = LAST_NAMES[Math.floor((n - 1) / FIRST_NAMES.length) % LAST_NAMES.length];
  return `${first}.${last}.${n}@${DOMAINS[(n - 1) % DOMAINS.length]}`;
}

const sqlArray = (values: readonly string[]) => `ARRAY[${values.map((v) => `'${v}'`).join(",")}]::text[]`;
export const EMAIL_SQL = (n: string) =>
  `(${sqlArray(FIRST_NAMES)})[((${n} - 1) % ${FIRST_NAMES.length}) + 1] || '.' || ` +
  `(${sqlArray(LAST_NAMES)})[(((${n} - 1) / ${FIRST_NAMES.length}) % ${LAST_NAMES.length}) + 1] || '.' || ${n} || '@' || ` +
  `(${sqlArray(DOMAINS)})[((${n} - 1) % ${DOMAINS.length}) + 1]`;

/**
 * Company sizes: the big one, then a power law (size ∝ rank^-0.7) over the other 9,999 that uses up
 * the remaining accounts, each account a member of exactly one company.
 */
export function companySizes(sizes: SeedSizes = SIZES): number[] {
  const others = sizes.companies - 1;
  const remaining = sizes.accounts - sizes.bigCompanyMembers;
  const weights = Array.from({ length: others }, (_, i) => (i + 1) ** -0.7);
  const sum = weights.reduce((a, b) => a + b, 0);
  const counts = weights.map((w) => Math.max(1, Math.floor((w / sum) * remaining)));
  let left = remaining - counts.reduce((a, b) => a + b, 0);
  for (let i = 0; left > 0; i = (i + 1) % others, left -= 1) counts[i] = (counts[i] ?? 0) + 1;
  return [sizes.bigCompanyMembers, ...counts];
}

export function databaseUrlFor(baseUrl: string, database: string): string {
  const url = new URL(baseUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export type SeedOutcome = { reused: boolean; seconds: number; seededAt: string };

/**
 * Every run starts where a fresh seed ends (the seed ends with VACUUM ANALYZE). The previous run's
 * S5 left thousands of role changes on the big company's members: their pages were no longer
 * all-visible, and a search that walks the email index ('stark') read 6,212 table rows it did
 * not need, 2 ms -> 5.7 ms. Autovacuum does not come for them, as pruning keeps the dead count low.
 */
async function vacuumReused(url: string, log: (line: string) => void): Promise<void> {
  const started = Date.now();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("VACUUM (ANALYZE) members, member_roles, member_standing, member_role_counts");
    // Mail an earlier run left undelivered (a run stopped before its outbox drained, or one from
    // before the bench gave the portal a mail server, whose outbox kept every notice): a dispatcher
    // working through tens of thousands of them would run beside the measured requests.
    await settleActivity(client, log);
    const drained = await client.query("DELETE FROM mail_outbox WHERE status <> 'sent'");
    await client.query("VACUUM (ANALYZE) mail_outbox");
    log(`dropped ${drained.rowCount ?? 0} undelivered mails of earlier runs`);
  } finally {
    await client.end();
  }
  log(`vacuumed the members tables of the reused data set (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

/** How old a seeded member's last activity may grow before the bench moves it forward. */
export const SETTLED_ACTIVITY_DAYS = 70;

/**
 * Keeps the data set in the steady state of a portal whose inactivity job has always run (SPEC §6.4:
 * warning 7 days before a limit of at most 90 days). Seeded activity spans 90 days and ages with the
 * data set, so a run found tens of thousands of members due at once, and the job's warnings and
 * deactivations ran beside the measured requests and changed the data measured. Activity older than
 * SETTLED_ACTIVITY_DAYS moves 30 days forward, so nobody is within a default limit's warning.
 */
async function settleActivity(client: pg.Client, log: (line: string) => void): Promise<void> {
  const moved = await client.query(
    `UPDATE member_activity SET last_active_at = last_active_at + interval '30 days'
      WHERE last_active_at < now() - make_interval(days => $1)`,
    [SETTLED_ACTIVITY_DAYS],
  );
  if ((moved.rowCount ?? 0) > 0) {
    await client.query("VACUUM (ANALYZE) member_activity");
    log(`moved the last activity of ${moved.rowCount} members 30 days forward`);
  }
}

/**
 * Makes sure `url`'s database holds this version of the data set: reuses it when its marker says
 * so, else (re)creates the database, migrates it with the server's own migrations and fills it.
 */
export async function ensureSeeded(
  url: string,
  options: { reseed: boolean; log: (line: string) => void; sizes?: SeedSizes },
): Promise<SeedOutcome> {
  const sizes = options.sizes ?? SIZES;
  const target = new URL(url);
  const name = target.pathname.replace(/^\//, "");
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unexpected bench database name "${name}"`);
  const admin = new pg.Client({ connectionString: databaseUrlFor(url, "postgres") });
  await admin.connect();
  try {
    const exists = (await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [name])).rowCount === 1;
    if (exists && !options.reseed) {
      const marker = await readMarker(url, seedVersion(sizes));
      if (marker) {
        // New migrations (an index, say) still reach a reused data set.
        const database = await openDatabase({ url, poolSize: 1 });
        try {
          await migrate(database);
        } finally {
          await database.close();
        }
        await vacuumReused(url, options.log);
        return { reused: true, seconds: marker.seconds, seededAt: marker.seeded_at };
      }
    }
    if (exists) {
      options.log(`dropping database ${name}`);
      await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
    }
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }

  const started = Date.now();
  const database = await openDatabase({ url, poolSize: 1 });
  try {
    await migrate(database);
  } finally {
    await database.close();
  }
  const passwordHash = await hashPassword(BENCH_PASSWORD);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await fill(client, passwordHash, options.log, sizes);
    await settleActivity(client, options.log);
    const seconds = Math.round((Date.now() - started) / 1000);
    await client.query(
      `CREATE TABLE IF NOT EXISTS bench_seed (version text PRIMARY KEY, seeded_at timestamptz NOT NULL, seconds integer NOT NULL)`,
    );
    await client.query("INSERT INTO bench_seed VALUES ($1, now(), $2)", [seedVersion(sizes), seconds]);
    options.log(`seeded in ${seconds} s`);
    return { reused: false, seconds, seededAt: new Date().toISOString() };
  } finally {
    await client.end();
  }
}

async function readMarker(
  url: string,
  version: string,
): Promise<{ seconds: number; seeded_at: string } | null> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const table = await client.query("SELECT to_regclass('bench_seed') AS t");
    if (!table.rows[0]?.t) return null;
    const row = await client.query("SELECT seconds, seeded_at FROM bench_seed WHERE version = $1", [version]);
    return row.rows[0]
      ? { seconds: row.rows[0].seconds, seeded_at: row.rows[0].seeded_at.toISOString() }
      : null;
  } finally {
    await client.end();
  }
}

/** audit_events' monthly partitions (UTC) from 25 months back to next month, as the server names them. */
export const AUDIT_PARTITIONS_SQL = `DO $$
DECLARE month timestamp;
BEGIN
  FOR month IN SELECT generate_series(date_trunc('month', (now() AT TIME ZONE 'UTC') - interval '25 months'),
                                      date_trunc('month', now() AT TIME ZONE 'UTC') + interval '1 month',
                                      interval '1 month')
  LOOP
    EXECUTE format('CREATE TABLE IF NOT EXISTS %I PARTITION OF audit_events FOR VALUES FROM (%L) TO (%L)',
                   'audit_events_' || to_char(month, '"y"YYYY"m"MM'), month AT TIME ZONE 'UTC',
                   (month + interval '1 month') AT TIME ZONE 'UTC');
    EXECUTE format('CREATE OR REPLACE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON %I
                      FOR EACH STATEMENT EXECUTE FUNCTION audit_events_are_append_only()',
                   'audit_events_' || to_char(month, '"y"YYYY"m"MM'));
  END LOOP;
END
$$`;

// Secondary indexes are dropped before the bulk load and rebuilt after it: much faster than
// maintaining them row by row. Constraint indexes (primary keys, UNIQUE) stay. An index column's
// statistics target (migration 045's, on the searched expressions) is not part of its definition:
// it is set again on the rebuilt index, before the ANALYZE.
const BULK_TABLES = ["accounts", "members", "member_roles", "transactions", "audit_events", "invitations"];

async function fill(client: pg.Client, passwordHash: string, log: (line: string) => void, sizes: SeedSizes) {
  const step = async (label: string, script: string) => {
    const t = Date.now();
    await client.query(script);
    log(`  ${label} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
  };
  await client.query(`SET maintenance_work_mem = '1GB'; SET work_mem = '256MB'; SET synchronous_commit = off;
    SET max_parallel_maintenance_workers = 2`);
  const indexes = await client.query<{ indexname: string; indexdef: string; statistics: string[] }>(
    `SELECT i.indexname, i.indexdef,
            ARRAY(SELECT format('ALTER INDEX %I ALTER COLUMN %s SET STATISTICS %s', i.indexname, a.attnum,
                                a.attstattarget)
                    FROM pg_attribute a
                   WHERE a.attrelid = format('%I.%I', i.schemaname, i.indexname)::regclass
                     AND a.attnum > 0 AND a.attstattarget >= 0
                   ORDER BY a.attnum) AS statistics
       FROM pg_indexes i
      WHERE i.schemaname = 'public' AND i.tablename = ANY($1)
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
    [BULK_TABLES],
  );
  for (const index of indexes.rows) await client.query(`DROP INDEX ${index.indexname}`);
  // Triggers (and foreign-key checks) are off for this session: the data is consistent by
  // construction, the email copy is written directly and the counters are recomputed at the end.
  await client.query("SET session_replication_role = replica");

  const counts = companySizes(sizes);
  await step(
    "companies",
    `CREATE TEMP TABLE seed_companies (idx integer PRIMARY KEY, id uuid NOT NULL, size integer NOT NULL, first_n integer NOT NULL);
     INSERT INTO seed_companies
     SELECT idx, gen_random_uuid(), size, (sum(size) OVER (ORDER BY idx) - size + 1)::integer
       FROM unnest('{${counts.join(",")}}'::integer[]) WITH ORDINALITY AS s(size, idx);
     INSERT INTO companies (id, name, legal_name, registration_number, country, merchant_id, contact_email, created_at)
     SELECT id, CASE WHEN idx = 1 THEN '${BIG_COMPANY_NAME}' ELSE 'Bench Merchant ' || idx END,
            'Bench Merchant ' || idx || ' Pte Ltd', 'BR-' || lpad(idx::text, 6, '0'), 'SG',
            'MB' || lpad(idx::text, 8, '0'), 'ops' || idx || '@merchant.example', now() - interval '2 years'
       FROM seed_companies;
     -- Each company's default merchant account (migration 031), written here: triggers are off.
     INSERT INTO merchant_accounts (company_id, name, reference, created_at)
     SELECT id, 'Bench Merchant ' || idx, 'MB' || lpad(idx::text, 8, '0'), now() - interval '2 years'
       FROM seed_companies;`,
  );
  const predefined = PREDEFINED_ROLES.map(
    (role, i) => `(${i + 1}, '${role.key}', '${role.name}', '${role.description.replaceAll("'", "''")}')`,
  ).join(",");
  const predefinedPermissions = PREDEFINED_ROLES.flatMap((role) =>
    role.permissions.map((p) => `('${role.key}', '${p}')`),
  ).join(",");
  await step(
    "roles",
    `CREATE TEMP TABLE seed_predefined (ord integer, key text, name text, description text);
     INSERT INTO seed_predefined VALUES ${predefined};
     INSERT INTO roles (company_id, key, name, description)
     SELECT c.id, p.key, p.name, p.description FROM seed_companies c CROSS JOIN seed_predefined p;
     INSERT INTO role_permissions (role_id, permission)
     SELECT r.id, x.permission FROM roles r JOIN (VALUES ${predefinedPermissions}) AS x(key, permission) ON x.key = r.key;
     -- Custom roles: ${sizes.bigCompanyCustomRoles} in the big company, three in each of the next 200.
     CREATE TEMP TABLE seed_custom (company_id uuid, company_idx integer, n integer, id uuid DEFAULT gen_random_uuid());
     INSERT INTO seed_custom (company_id, company_idx, n)
     SELECT c.id, c.idx, n FROM seed_companies c
       CROSS JOIN LATERAL generate_series(1, CASE WHEN c.idx = 1 THEN ${sizes.bigCompanyCustomRoles} ELSE 3 END) n
      WHERE c.idx <= 201;
     INSERT INTO roles (id, company_id, key, name, description)
     SELECT id, company_id, NULL, 'Custom role ' || n, 'A bench custom role' FROM seed_custom;
     INSERT INTO role_permissions (role_id, permission)
     SELECT s.id, p.key FROM seed_custom s JOIN LATERAL (
       SELECT key FROM permissions WHERE key NOT LIKE 'members.%' AND key <> 'roles.manage'
       ORDER BY md5(key || s.n) LIMIT 1 + s.n % 4) p ON true;`,
  );
  await step(
    "accounts",
    `INSERT INTO accounts (email, name, password_hash, created_at, password_changed_at)
     SELECT ${EMAIL_SQL("n")}, initcap((${sqlArray(FIRST_NAMES)})[((n - 1) % ${FIRST_NAMES.length}) + 1]) || ' ' ||
            initcap((${sqlArray(LAST_NAMES)})[(((n - 1) / ${FIRST_NAMES.length}) % ${LAST_NAMES.length}) + 1]),
            '${passwordHash}', now() - interval '2 years', now() - interval '2 years'
       FROM generate_series(1, ${sizes.accounts}) n;
     CREATE TEMP TABLE seed_accounts AS
     SELECT n, a.id, a.email, a.name FROM generate_series(1, ${sizes.accounts}) n JOIN accounts a ON a.email = ${EMAIL_SQL("n")};
     CREATE UNIQUE INDEX ON seed_accounts (n);`,
  );
  // Every account is a member of one company (accounts first_n … first_n + size - 1); the first
  // of each company is its Admin. Account 1 is also Admin of companies 2 and 3.
  await step(
    "members",
    `CREATE TEMP TABLE seed_members AS
     SELECT gen_random_uuid() AS id, c.id AS company_id, c.idx AS company_idx, a.n - c.first_n + 1 AS pos, a.n,
            a.id AS account_id, a.email, a.name
       FROM seed_companies c JOIN seed_accounts a ON a.n BETWEEN c.first_n AND c.first_n + c.size - 1
     UNION ALL
     SELECT gen_random_uuid(), c.id, c.idx, 0, a.n, a.id, a.email, a.name
       FROM seed_companies c JOIN seed_accounts a ON a.n = 1 WHERE c.idx IN (2, 3);
     INSERT INTO members (id, company_id, account_id, status, joined_at, deactivated_at, email, name)
     SELECT id, company_id, account_id,
            CASE WHEN pos > 20 AND n % 33 = 0 THEN 'deactivated' ELSE 'active' END,
            now() - (n % 700) * interval '1 day',
            CASE WHEN pos > 20 AND n % 33 = 0 THEN now() - interval '3 days' END, email, name
       FROM seed_members;
     INSERT INTO member_activity (member_id, company_id, last_active_at)
     SELECT id, company_id, now() - (n % 90) * interval '1 day' FROM seed_members;`,
  );
  await step(
    "member roles",
    `-- Big company: the first ten are Admins; then by account number a mix of predefined and custom
     -- roles, every seventh member with Data Analytics as a second role. Elsewhere one predefined role.
     CREATE TEMP TABLE seed_member_roles AS
     SELECT m.company_id, m.id AS member_id,
            CASE WHEN m.pos <= 1 OR (m.company_idx = 1 AND m.pos <= 10) THEN 'admin'
                 WHEN m.company_idx = 1 AND m.pos = 11 THEN 'developer'
                 WHEN m.company_idx = 1 THEN (ARRAY['finance','finance','finance','operations','operations',
                      'developer','developer','data_analytics','custom','custom'])[(m.n % 10) + 1]
                 ELSE (ARRAY['finance','operations','developer','data_analytics','operations'])[(m.n % 5) + 1] END AS role,
            m.n
       FROM seed_members m;
     INSERT INTO member_roles (company_id, member_id, role_id)
     SELECT s.company_id, s.member_id, r.id FROM seed_member_roles s
       JOIN roles r ON r.company_id = s.company_id AND r.key = s.role WHERE s.role <> 'custom'
     UNION ALL
     SELECT s.company_id, s.member_id, c.id FROM seed_member_roles s
       JOIN seed_custom c ON c.company_idx = 1 AND c.n = (s.n / 10) % ${sizes.bigCompanyCustomRoles} + 1
      WHERE s.role = 'custom'
     UNION ALL
     SELECT s.company_id, s.member_id, r.id FROM seed_member_roles s
       JOIN roles r ON r.company_id = s.company_id AND r.key = 'data_analytics'
      WHERE s.n % 7 = 0 AND s.role NOT IN ('data_analytics', 'admin') AND s.n > 11;`,
  );
  await step(
    "invitations",
    `CREATE TEMP TABLE seed_invitations AS
     SELECT gen_random_uuid() AS id, c.id AS company_id, c.idx, i,
            c.idx || '.' || i AS tag
       FROM seed_companies c CROSS JOIN LATERAL generate_series(1, CASE WHEN c.idx = 1 THEN ${sizes.bigCompanyInvitations} WHEN c.idx <= 1001 THEN 2 ELSE 0 END) i;
     INSERT INTO invitations (id, company_id, email, token_hash, status, invited_by, created_at, last_sent_at, expires_at)
     SELECT s.id, s.company_id, 'invitee.' || s.tag || '@newcomer.example', encode(sha256(('bench-invite-' || s.tag)::bytea), 'hex'),
            'pending', a.account_id, now() - interval '1 day', now() - interval '1 day', now() + interval '6 days'
       FROM seed_invitations s JOIN seed_members a ON a.company_id = s.company_id AND a.pos = 1;
     INSERT INTO invitation_roles (company_id, invitation_id, role_id)
     SELECT s.company_id, s.id, r.id FROM seed_invitations s
       JOIN roles r ON r.company_id = s.company_id AND r.key = (ARRAY['finance','operations','developer'])[(s.i % 3) + 1];`,
  );
  await step(
    "transactions",
    `INSERT INTO transactions (company_id, merchant_account_id, occurred_at, merchant_reference, amount_minor, currency, payment_method, status, error_code)
     SELECT c.id, (SELECT ma.id FROM merchant_accounts ma WHERE ma.company_id = c.id), now() - (n * interval '31 seconds'), 'ORD-' || lpad(n::text, 8, '0'), 100 + (n::bigint * 7919) % 500000, 'USD',
            (ARRAY['alipay','card','gcash','kakao_pay','dana','truemoney'])[(n % 6) + 1],
            (ARRAY['succeeded','succeeded','succeeded','succeeded','succeeded','succeeded','succeeded','failed','refunded','pending'])[(n % 10) + 1],
            CASE WHEN n % 10 = 7 THEN (ARRAY['insufficient_funds','card_declined','expired_card','risk_rejected'])[(n / 10) % 4 + 1] END
       FROM generate_series(1, ${sizes.transactions}) n CROSS JOIN seed_companies c WHERE c.idx = 1;`,
  );
  // Each month of seeded events gets its partition first (migration 021), so none lands in DEFAULT.
  await step("audit partitions", AUDIT_PARTITIONS_SQL);
  await step(
    "audit events",
    `INSERT INTO audit_events (occurred_at, company_id, actor_account_id, actor_email, action, outcome, target_type, target_id, details, ip, user_agent, request_id)
     SELECT now() - (g.i * interval '61 seconds'), c.id, a.account_id, a.email,
            (ARRAY['member.roles_changed','member.invited','auth.login','member.deactivated','role.updated'])[(g.i % 5) + 1],
            'success', 'member', a.id::text, '{"bench":true}'::jsonb, '127.0.0.1', 'bench-seed', gen_random_uuid()::text
       FROM generate_series(1, ${sizes.auditEvents}) AS g(i)
       JOIN seed_companies c ON c.idx = CASE WHEN g.i % 5 < 3 THEN 1 ELSE 1 + (g.i % 2000) END
       JOIN seed_members a ON a.company_id = c.id AND a.pos = 1;`,
  );
  await step(
    "counters and standings",
    `DELETE FROM member_counts; DELETE FROM member_role_counts;
     INSERT INTO member_counts (company_id, active, deactivated)
     SELECT company_id, count(*) FILTER (WHERE status = 'active'), count(*) FILTER (WHERE status = 'deactivated')
       FROM members GROUP BY company_id;
     INSERT INTO member_role_counts (company_id, role_id, active, deactivated)
     SELECT mr.company_id, mr.role_id, count(*) FILTER (WHERE m.status = 'active'),
            count(*) FILTER (WHERE m.status = 'deactivated')
       FROM member_roles mr JOIN members m ON m.id = mr.member_id GROUP BY mr.company_id, mr.role_id;
     -- What refresh_member_standing (migration 009) computes, as one set-based statement: the
     -- function's per-member subqueries would each scan member_roles while its indexes are dropped.
     DELETE FROM member_standing;
     INSERT INTO member_standing (member_id, role_ids, role_keys, permissions)
     SELECT m.id, coalesce(r.role_ids, '{}'), coalesce(r.role_keys, '{}'), coalesce(p.permissions, '{}')
       FROM members m
       LEFT JOIN (SELECT mr.member_id, array_agg(mr.role_id ORDER BY mr.role_id) AS role_ids,
                         coalesce(array_agg(ro.key ORDER BY ro.key) FILTER (WHERE ro.key IS NOT NULL), '{}') AS role_keys
                    FROM member_roles mr JOIN roles ro ON ro.id = mr.role_id GROUP BY mr.member_id) r
              ON r.member_id = m.id
       LEFT JOIN (SELECT mr.member_id, array_agg(DISTINCT rp.permission ORDER BY rp.permission) AS permissions
                    FROM member_roles mr JOIN role_permissions rp ON rp.role_id = mr.role_id GROUP BY mr.member_id) p
              ON p.member_id = m.id;`,
  );
  await client.query("SET session_replication_role = origin");
  // The triggers that move request-context versions (migration 041) were off: a server that held
  // memberships of this database reads them all again.
  await client.query("UPDATE context_epoch SET epoch = epoch + 1");
  // A partitioned table's index reads back as `ON ONLY`, which would index none of its partitions.
  for (const index of indexes.rows) {
    await step(`index ${index.indexname}`, index.indexdef.replace(" ON ONLY ", " ON "));
    for (const statistics of index.statistics) await client.query(statistics);
  }
  await step("vacuum analyze", "VACUUM (ANALYZE)");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const base = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/portal_bench";
  // --growth [--growth-sizes 1000,10000]: the growth companies too (bench/growth-seed.ts).
  ensureSeeded(base, { reseed: process.argv.includes("--reseed"), log: console.log })
    .then(async (outcome) => {
      console.log(outcome);
      if (!process.argv.includes("--growth")) return;
      const { growthSizes } = await import("./growth.js");
      const { ensureGrowthCompanies } = await import("./growth-seed.js");
      await ensureGrowthCompanies(base, growthSizes(process.argv.slice(2)), console.log);
    })
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
