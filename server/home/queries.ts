// SQL for a company's Home page: the counts an Admin's cards show, each counted up to a cap so a
// large company costs a bounded read. Who has no second factor is the security policy's question
// (security-policy/queries.ts).
import { type Kysely, sql } from "kysely";
import type { DB } from "../db/schema.js";

/** Counts the company's invitations still open (pending and not past their expiry), up to cap + 1. */
export async function countOpenInvitations(
  db: Kysely<DB>,
  companyId: string,
  now: Date,
  cap: number,
): Promise<number> {
  const result = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM (
      SELECT 1 FROM invitations
       WHERE company_id = ${companyId} AND status = 'pending' AND expires_at > ${now}
       LIMIT ${cap + 1}) capped`.execute(db);
  return result.rows[0]?.n ?? 0;
}

export type ExpiringAssignment = {
  member_id: string;
  name: string;
  email: string;
  role_name: string;
  /** ISO 8601. */
  expires_at: string;
};

/** Role assignments of active members that expire before `until` (or have, awaiting the job), soonest first. */
export async function listExpiringAssignments(
  db: Kysely<DB>,
  companyId: string,
  until: Date,
  limit: number,
): Promise<ExpiringAssignment[]> {
  const result = await sql<ExpiringAssignment>`
    SELECT m.id AS member_id, a.name, m.email, r.name AS role_name,
           to_char(mr.expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS expires_at
      FROM member_roles mr JOIN members m ON m.id = mr.member_id AND m.status = 'active'
      JOIN accounts a ON a.id = m.account_id JOIN roles r ON r.id = mr.role_id
     WHERE mr.company_id = ${companyId} AND mr.expires_at IS NOT NULL AND mr.expires_at <= ${until}
     ORDER BY mr.expires_at, m.email
     LIMIT ${limit}`.execute(db);
  return result.rows;
}
