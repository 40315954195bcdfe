// SQL of the inactivity job (PCI DSS 8.2.6, SPEC §6.4): a member's inactivity runs from their last
// activity in the company (member_activity), else from joining; the limit is the company's policy's.
import { type Kysely, sql, type Transaction } from "kysely";
import { ADMIN_ROLE_KEY } from "../access/permissions.js";
import type { DB } from "../db/schema.js";

/** The limit when a company has set none. */
export const DEFAULT_INACTIVITY_DAYS = 90;
const DAY_MS = 86_400_000;

// Since when member m (of company m.company_id) has been inactive, and the company's limit in days.
const INACTIVE_SINCE = sql`coalesce((SELECT ma.last_active_at FROM member_activity ma WHERE ma.member_id = m.id), m.joined_at)`;
const LIMIT_DAYS = sql`coalesce((SELECT p.inactivity_days FROM company_security_policies p
                                  WHERE p.company_id = m.company_id), ${DEFAULT_INACTIVITY_DAYS})`;

/**
 * Active members whose inactivity began at or before `cutoffDays(limit_days)` before `now`
 * (the limit in days being their company's), with since when they have been inactive. Only those
 * rows are read: per company, a range of member_activity's and of members_never_active's indexes of
 * active members by time (migrations 037 and 038); deactivated members are in neither. Each row's
 * member is looked up by id to check the status (a correlated subquery, run per row: as an EXISTS
 * the planner could join every member of the company to the few due ones).
 */
export function inactiveMembers(now: Date, offsetMs: number) {
  const cutoff = sql`${now}::timestamptz + ${sql.lit(`${offsetMs / 1000} seconds`)}::interval
                     - make_interval(days => l.limit_days)`;
  return sql`
    SELECT d.company_id, d.id, d.since, l.limit_days
      FROM (SELECT c.id AS company_id, coalesce(p.inactivity_days, ${DEFAULT_INACTIVITY_DAYS}) AS limit_days
              FROM companies c LEFT JOIN company_security_policies p ON p.company_id = c.id) l
     CROSS JOIN LATERAL (
       SELECT ma.company_id, ma.member_id AS id, ma.last_active_at AS since FROM member_activity ma
        WHERE ma.company_id = l.company_id AND ma.member_active AND ma.last_active_at <= ${cutoff}
       UNION ALL
       SELECT n.company_id, n.member_id, n.joined_at FROM members_never_active n
        WHERE n.company_id = l.company_id AND n.member_active AND n.joined_at <= ${cutoff}) d
     WHERE (SELECT m.status FROM members m WHERE m.id = d.id) = 'active'`;
}

const NO_ROLE = sql`'00000000-0000-0000-0000-000000000000'::uuid`;

export type DueInactivityWarning = {
  member_id: string;
  email: string;
  name: string;
  company_name: string;
  deactivates_at: Date;
  /** The recipient's chosen language and time zone (SPEC §6.6). */
  language: "en" | "zh-CN" | null;
  time_zone: string | null;
};

/**
 * Records a warning for up to `batchSize` active members within `warnBeforeMs` of their limit (or
 * past it, not yet warned for this stretch of inactivity) and returns those this call recorded.
 */
export async function claimInactivityWarnings(
  trx: Transaction<DB>,
  now: Date,
  warnBeforeMs: number,
  batchSize: number,
): Promise<DueInactivityWarning[]> {
  const result = await sql<DueInactivityWarning>`
    WITH due AS (
      SELECT x.id, x.since, x.limit_days FROM (${inactiveMembers(now, warnBeforeMs)}) x
       WHERE NOT EXISTS (SELECT 1 FROM governance_notices n
                          WHERE n.member_id = x.id AND n.kind = 'inactivity_warning'
                            AND coalesce(n.role_id, ${NO_ROLE}) = ${NO_ROLE} AND n.due_at = x.since)
       LIMIT ${batchSize}),
    claimed AS (
      INSERT INTO governance_notices (member_id, kind, role_id, due_at, sent_at)
      SELECT due.id, 'inactivity_warning', NULL, due.since, ${now}::timestamptz FROM due
      ON CONFLICT DO NOTHING
      RETURNING member_id, due_at)
    SELECT claimed.member_id, m.email, a.name, a.language, a.time_zone, c.name AS company_name,
           claimed.due_at + make_interval(days => ${LIMIT_DAYS}) AS deactivates_at
      FROM claimed JOIN members m ON m.id = claimed.member_id JOIN accounts a ON a.id = m.account_id
      JOIN companies c ON c.id = m.company_id`.execute(trx);
  return result.rows;
}

/**
 * Active members past their company's limit who were warned for this stretch of inactivity at
 * least `warnedBeforeMs` ago, by company, oldest inactivity first.
 */
export async function listOverdueMembers(
  db: Kysely<DB>,
  now: Date,
  warnedBeforeMs: number,
): Promise<{ company_id: string; member_id: string }[]> {
  const warnedBy = new Date(now.getTime() - warnedBeforeMs);
  const result = await sql<{ company_id: string; member_id: string }>`
    SELECT x.company_id, x.id AS member_id FROM (${inactiveMembers(now, 0)}) x
     WHERE EXISTS (SELECT 1 FROM governance_notices n
                    WHERE n.member_id = x.id AND n.kind = 'inactivity_warning'
                      AND coalesce(n.role_id, ${NO_ROLE}) = ${NO_ROLE} AND n.due_at = x.since
                      AND n.sent_at <= ${warnedBy}::timestamptz)
     ORDER BY x.company_id, x.since, x.id`.execute(db);
  return result.rows;
}

export type OverdueMember = {
  id: string;
  account_id: string;
  email: string;
  name: string;
  company_name: string;
  /** The recipient's chosen language and time zone (SPEC §6.6). */
  language: "en" | "zh-CN" | null;
  time_zone: string | null;
  inactive_since: Date;
  limit_days: number;
  roles: { id: string; key: string | null; name: string }[];
  is_admin: boolean;
  other_active_admins: number;
};

/**
 * The member again under the company lock, locked, if still active and past the limit, with what
 * rule 4 needs: whether they hold Admin and how many other active members do.
 */
export async function lockOverdueMember(
  trx: Transaction<DB>,
  companyId: string,
  memberId: string,
  now: Date,
): Promise<OverdueMember | undefined> {
  const result = await sql<OverdueMember>`
    SELECT m.id, m.account_id, m.email, a.name, a.language, a.time_zone, c.name AS company_name, ${INACTIVE_SINCE} AS inactive_since,
           ${LIMIT_DAYS} AS limit_days,
           coalesce((SELECT json_agg(json_build_object('id', r.id, 'key', r.key, 'name', r.name))
                       FROM member_roles mr JOIN roles r ON r.id = mr.role_id WHERE mr.member_id = m.id), '[]'::json)
             AS roles,
           EXISTS (SELECT 1 FROM member_roles mr JOIN roles r ON r.id = mr.role_id AND r.key = ${ADMIN_ROLE_KEY}
                    WHERE mr.member_id = m.id) AS is_admin,
           (SELECT count(DISTINCT om.id)::int FROM member_roles mr
              JOIN roles r ON r.id = mr.role_id AND r.key = ${ADMIN_ROLE_KEY}
              JOIN members om ON om.id = mr.member_id AND om.status = 'active'
             WHERE mr.company_id = ${companyId} AND om.id <> m.id) AS other_active_admins
      FROM members m JOIN accounts a ON a.id = m.account_id JOIN companies c ON c.id = m.company_id
     WHERE m.company_id = ${companyId} AND m.id = ${memberId} AND m.status = 'active'
       FOR UPDATE OF m`.execute(trx);
  const row = result.rows[0];
  if (!row) return undefined;
  const deadline = new Date(row.inactive_since).getTime() + row.limit_days * DAY_MS;
  return deadline <= now.getTime() ? row : undefined;
}
