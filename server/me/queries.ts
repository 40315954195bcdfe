// Reads of the caller's own account: profile and memberships with their roles and permissions.
import { type Kysely, sql } from "kysely";
import type { Permission } from "../access/permissions.js";
import type { DB } from "../db/schema.js";
import { ROLE_REFS_JSON } from "../roles/queries.js";

export type MembershipView = {
  companyId: string;
  companyName: string;
  memberId: string;
  status: "active" | "deactivated";
  roles: { id: string; key: string | null; name: string }[];
  permissions: Permission[];
};

export type MembershipRow = {
  company_id: string;
  company_name: string;
  member_id: string;
  status: "active" | "deactivated";
  roles: { id: string; key: string | null; name: string }[] | null;
  /** Keys of the permissions table, which a foreign key and a test hold to the catalogue. */
  permissions: Permission[] | null;
};

// One row per membership of the account whose id is `accountId`, roles and permissions folded in.
const MEMBERSHIP_COLUMNS = sql`m.company_id, c.name AS company_name, m.id AS member_id, m.status,
           (SELECT ${ROLE_REFS_JSON} FROM roles r WHERE r.id = ANY (ms.role_ids)) AS roles,
           ms.permissions`;
const MEMBERSHIP_SOURCE = sql`members m JOIN companies c ON c.id = m.company_id
      LEFT JOIN member_standing ms ON ms.member_id = m.id`;

export function membershipView(row: MembershipRow): MembershipView {
  return {
    companyId: row.company_id,
    companyName: row.company_name,
    memberId: row.member_id,
    status: row.status,
    roles: row.roles ?? [],
    permissions: row.status === "active" ? (row.permissions ?? []) : [],
  };
}

/** Every membership of an account; a deactivated one opens nothing, so it lists no permission. */
export async function listMemberships(db: Kysely<DB>, accountId: string): Promise<MembershipView[]> {
  const result = await sql<MembershipRow>`
    SELECT ${MEMBERSHIP_COLUMNS}
      FROM ${MEMBERSHIP_SOURCE}
     WHERE m.account_id = ${accountId}
     ORDER BY c.name, m.company_id`.execute(db);
  return result.rows.map(membershipView);
}

/** A JSON array of every membership of the account `a` in scope, for a column of a larger query. */
export const MEMBERSHIPS_OF_ACCOUNT = sql`(SELECT json_agg(x ORDER BY x.company_name, x.company_id)
              FROM (SELECT ${MEMBERSHIP_COLUMNS}
                      FROM ${MEMBERSHIP_SOURCE}
                     WHERE m.account_id = a.id) x)`;

/** The profile and every membership in one round trip: the body of GET /api/me. */
export async function findAccountWithMemberships(db: Kysely<DB>, accountId: string) {
  const result = await sql<{
    id: string;
    email: string;
    name: string;
    alternate_email: string | null;
    memberships: MembershipRow[] | null;
  }>`
    SELECT a.id, a.email, a.name, a.alternate_email, ${MEMBERSHIPS_OF_ACCOUNT} AS memberships
      FROM accounts a
     WHERE a.id = ${accountId}`.execute(db);
  const row = result.rows[0];
  return row ? { ...row, memberships: (row.memberships ?? []).map(membershipView) } : undefined;
}
