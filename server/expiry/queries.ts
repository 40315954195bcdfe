// SQL of the role-expiry job (SPEC §6.4): the warnings due, the companies with expired assignments,
// and the one DELETE … RETURNING that removes each expired assignment exactly once.
import { type Kysely, sql, type Transaction } from "kysely";
import { ADMIN_ROLE_KEY } from "../access/permissions.js";
import type { DB } from "../db/schema.js";

type Executor = Kysely<DB> | Transaction<DB>;

export type DueExpiryWarning = {
  member_id: string;
  email: string;
  name: string;
  role_name: string;
  role_key: string | null;
  company_name: string;
  expires_at: Date;
  /** The recipient's chosen language and time zone (SPEC §6.6). */
  language: "en" | "zh-CN" | null;
  time_zone: string | null;
};

/**
 * Records the warnings due (an active member's assignment expiring within `warnBefore` ms) and
 * returns those this call recorded: the unique key of governance_notices lets one caller win each.
 */
export async function claimExpiryWarnings(
  trx: Transaction<DB>,
  now: Date,
  warnBeforeMs: number,
): Promise<DueExpiryWarning[]> {
  const until = new Date(now.getTime() + warnBeforeMs);
  const result = await sql<DueExpiryWarning>`
    WITH claimed AS (
      INSERT INTO governance_notices (member_id, kind, role_id, due_at, sent_at)
      SELECT mr.member_id, 'role_expiring', mr.role_id, mr.expires_at, ${now}::timestamptz
        FROM member_roles mr JOIN members m ON m.id = mr.member_id AND m.status = 'active'
       WHERE mr.expires_at > ${now}::timestamptz AND mr.expires_at <= ${until}::timestamptz
      ON CONFLICT DO NOTHING
      RETURNING member_id, role_id, due_at)
    SELECT claimed.member_id, m.email, a.name, a.language, a.time_zone, r.name AS role_name, r.key AS role_key,
           c.name AS company_name,
           claimed.due_at AS expires_at
      FROM claimed JOIN members m ON m.id = claimed.member_id JOIN accounts a ON a.id = m.account_id
      JOIN roles r ON r.id = claimed.role_id JOIN companies c ON c.id = m.company_id`.execute(trx);
  return result.rows;
}

/** The companies that have an assignment past its expiry. */
export async function companiesWithExpiredAssignments(db: Executor, now: Date): Promise<string[]> {
  const rows = await db
    .selectFrom("member_roles")
    .select("company_id")
    .distinct()
    .where("expires_at", "<=", now)
    .execute();
  return rows.map((row) => row.company_id);
}

export type RemovedAssignment = {
  member_id: string;
  account_id: string;
  email: string;
  role_id: string;
  role_key: string | null;
  role_name: string;
  expires_at: Date;
};

/**
 * Deletes the company's expired assignments, except expired Admin assignments of active members
 * while no active member holds an unexpired Admin one (rule 4: member_role_in_force keeps them in
 * force too). A row deleted here is returned to this caller alone.
 */
export async function deleteExpiredAssignments(
  trx: Transaction<DB>,
  companyId: string,
  now: Date,
): Promise<RemovedAssignment[]> {
  const result = await sql<RemovedAssignment>`
    WITH removed AS (
      DELETE FROM member_roles mr
       WHERE mr.company_id = ${companyId} AND mr.expires_at <= ${now}::timestamptz
         AND member_role_in_force(mr.company_id, mr.role_id, mr.expires_at, ${now}::timestamptz) IS NOT TRUE
      RETURNING mr.member_id, mr.role_id, mr.expires_at),
    bumped AS (
      UPDATE members m SET version = m.version + 1
       WHERE m.id IN (SELECT member_id FROM removed) RETURNING m.id)
    SELECT removed.member_id, m.account_id, m.email, removed.role_id, r.key AS role_key, r.name AS role_name,
           removed.expires_at
      FROM removed JOIN members m ON m.id = removed.member_id JOIN roles r ON r.id = removed.role_id
     ORDER BY removed.member_id, removed.role_id`.execute(trx);
  return result.rows;
}

export type KeptAdminAssignment = { member_id: string; account_id: string; email: string; expires_at: Date };

/** The expired Admin assignments kept for rule 4 whose notice this call recorded (each once). */
export async function claimKeptAdminNotices(
  trx: Transaction<DB>,
  companyId: string,
  now: Date,
): Promise<KeptAdminAssignment[]> {
  const result = await sql<KeptAdminAssignment>`
    WITH claimed AS (
      INSERT INTO governance_notices (member_id, kind, role_id, due_at, sent_at)
      SELECT mr.member_id, 'last_admin_kept', mr.role_id, mr.expires_at, ${now}::timestamptz
        FROM member_roles mr JOIN roles r ON r.id = mr.role_id AND r.key = ${ADMIN_ROLE_KEY}
       WHERE mr.company_id = ${companyId} AND mr.expires_at <= ${now}::timestamptz
      ON CONFLICT DO NOTHING
      RETURNING member_id, due_at)
    SELECT claimed.member_id, m.account_id, m.email, claimed.due_at AS expires_at
      FROM claimed JOIN members m ON m.id = claimed.member_id`.execute(trx);
  return result.rows;
}

/** The company's active members holding Admin (in force or kept): who is told of a kept Admin role. */
export async function listActiveAdmins(
  trx: Transaction<DB>,
  companyId: string,
): Promise<{ email: string; name: string; language: "en" | "zh-CN" | null; time_zone: string | null }[]> {
  const result = await sql<{
    email: string;
    name: string;
    language: "en" | "zh-CN" | null;
    time_zone: string | null;
  }>`
    SELECT DISTINCT m.email, a.name, a.language, a.time_zone
      FROM member_roles mr JOIN roles r ON r.id = mr.role_id AND r.key = ${ADMIN_ROLE_KEY}
      JOIN members m ON m.id = mr.member_id AND m.status = 'active' JOIN accounts a ON a.id = m.account_id
     WHERE mr.company_id = ${companyId}
     ORDER BY m.email`.execute(trx);
  return result.rows;
}

export async function companyName(db: Executor, companyId: string): Promise<string> {
  const row = await db.selectFrom("companies").select("name").where("id", "=", companyId).executeTakeFirst();
  return row?.name ?? "";
}
