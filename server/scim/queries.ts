// SQL of the SCIM server (SPEC §6.3): a company's members as SCIM Users and its roles as Groups.
// Every query is scoped by the token's company first; paging is SCIM's startIndex/count (offset).
import { type Kysely, sql, type Transaction } from "kysely";
import { ROLE_REFS_JSON } from "../access/role-queries.js";
import { isoTime } from "../db/iso-time.js";
import type { DB, MemberStatus } from "../db/schema.js";
import { counterTotal, scalar } from "../members/queries.js";
import type { Page } from "./protocol.js";

type Executor = Kysely<DB> | Transaction<DB>;

export type ScimUserRow = {
  id: string;
  account_id: string;
  email: string;
  name: string;
  status: MemberStatus;
  joined_at: string;
  deactivated_at: string | null;
  version: number;
  scim_external_id: string | null;
  roles: { id: string; key: string | null; name: string }[];
};

export type UserFilter = { userName?: string; externalId?: string; id?: string };

// The member row's copies of the account's email and name (migrations 006, 022): no join to accounts.
const USER_COLUMNS = sql`m.id, m.account_id, m.email, m.name, m.status, ${isoTime(sql`m.joined_at`)} AS joined_at,
  ${isoTime(sql`m.deactivated_at`)} AS deactivated_at, m.version, m.scim_external_id,
  coalesce((SELECT ${ROLE_REFS_JSON} FROM member_roles mr JOIN roles r ON r.id = mr.role_id
             WHERE mr.member_id = m.id), '[]'::json) AS roles`;

function userConditions(companyId: string, filter: UserFilter) {
  return sql`m.company_id = ${companyId}
    ${filter.userName !== undefined ? sql`AND m.email = ${filter.userName}` : sql``}
    ${filter.externalId !== undefined ? sql`AND m.scim_external_id = ${filter.externalId}` : sql``}
    ${filter.id !== undefined ? sql`AND m.id = ${filter.id}` : sql``}`;
}

/**
 * One page of the company's members in joining order, and how many match in all. The page's ids are
 * found first, by an index walk past the offset, and only they get their columns and roles: an
 * identity provider importing every user asks pages deep into the list. A company's whole list is
 * counted by its counters (member_counts), a filter (one user, by index) by counting it.
 */
export async function listScimUsers(
  db: Executor,
  companyId: string,
  filter: UserFilter,
  page: Page,
): Promise<{ rows: ScimUserRow[]; total: number }> {
  const filtered =
    filter.userName !== undefined || filter.externalId !== undefined || filter.id !== undefined;
  const [rows, total] = await Promise.all([
    page.count === 0
      ? Promise.resolve({ rows: [] as ScimUserRow[] })
      : sql<ScimUserRow>`
          WITH page AS (
            SELECT m.id FROM members m WHERE ${userConditions(companyId, filter)}
             ORDER BY m.joined_at, m.id
             LIMIT ${page.count} OFFSET ${page.startIndex - 1})
          SELECT ${USER_COLUMNS} FROM page JOIN members m ON m.id = page.id
           ORDER BY m.joined_at, m.id`.execute(db),
    scalar(
      db,
      filtered
        ? sql<number>`SELECT count(*)::int FROM members m WHERE ${userConditions(companyId, filter)}`
        : counterTotal(companyId, undefined, undefined),
    ),
  ]);
  return { rows: rows.rows, total };
}

export async function findScimUser(
  db: Executor,
  companyId: string,
  memberId: string,
): Promise<ScimUserRow | undefined> {
  const result = await sql<ScimUserRow>`
    SELECT ${USER_COLUMNS} FROM members m WHERE m.company_id = ${companyId} AND m.id = ${memberId}`.execute(
    db,
  );
  return result.rows[0];
}

export async function findAccountIdByEmail(db: Executor, email: string): Promise<string | undefined> {
  return (await db.selectFrom("accounts").select("id").where("email", "=", email).executeTakeFirst())?.id;
}

export async function findMembershipOfAccount(
  db: Executor,
  companyId: string,
  accountId: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom("members")
    .select("id")
    .where("company_id", "=", companyId)
    .where("account_id", "=", accountId)
    .executeTakeFirst();
  return row?.id;
}

export async function setExternalId(
  db: Executor,
  companyId: string,
  memberId: string,
  externalId: string | null,
): Promise<void> {
  await db
    .updateTable("members")
    .set({ scim_external_id: externalId })
    .where("company_id", "=", companyId)
    .where("id", "=", memberId)
    .execute();
}

/** The role new SCIM members get: the SSO connection's default role (migration 026), if any. */
export async function findDefaultRoleId(db: Executor, companyId: string): Promise<string | null> {
  const row = await db
    .selectFrom("sso_connections")
    .select("default_role_id")
    .where("company_id", "=", companyId)
    .executeTakeFirst();
  return row?.default_role_id ?? null;
}

export type ScimGroupRow = {
  id: string;
  name: string;
  member_count: number;
  members: { id: string; email: string }[] | null;
};

/** The company's roles as groups, by name, with their members unless `withMembers` is false. */
export async function listScimGroups(
  db: Executor,
  companyId: string,
  filter: { displayName?: string; id?: string },
  page: Page,
  withMembers: boolean,
): Promise<{ rows: ScimGroupRow[]; total: number }> {
  const conditions = sql`r.company_id = ${companyId}
    ${filter.displayName !== undefined ? sql`AND lower(r.name) = lower(${filter.displayName})` : sql``}
    ${filter.id !== undefined ? sql`AND r.id = ${filter.id}` : sql``}`;
  const members = withMembers
    ? sql`(SELECT json_agg(json_build_object('id', m.id, 'email', m.email) ORDER BY m.joined_at, m.id)
             FROM member_roles mr JOIN members m ON m.id = mr.member_id WHERE mr.role_id = r.id)`
    : sql`NULL::json`;
  const [rows, total] = await Promise.all([
    page.count === 0
      ? Promise.resolve({ rows: [] as ScimGroupRow[] })
      : sql<ScimGroupRow>`
          SELECT r.id, r.name, ${members} AS members,
                 (SELECT count(*)::int FROM member_roles mr WHERE mr.role_id = r.id) AS member_count
            FROM roles r WHERE ${conditions}
           ORDER BY lower(r.name), r.id
           LIMIT ${page.count} OFFSET ${page.startIndex - 1}`.execute(db),
    sql<{ n: number }>`SELECT count(*)::int AS n FROM roles r WHERE ${conditions}`.execute(db),
  ]);
  return { rows: rows.rows, total: Number(total.rows[0]?.n ?? 0) };
}

/** Which of these ids are members of the company (others are not this token's to touch). */
export async function findCompanyMemberIds(
  db: Executor,
  companyId: string,
  memberIds: readonly string[],
): Promise<string[]> {
  if (memberIds.length === 0) return [];
  const rows = await db
    .selectFrom("members")
    .select("id")
    .where("company_id", "=", companyId)
    .where("id", "in", memberIds)
    .execute();
  return rows.map((row) => row.id);
}

export async function listRoleIdsOfMember(
  db: Executor,
  companyId: string,
  memberId: string,
): Promise<string[]> {
  const rows = await db
    .selectFrom("member_roles")
    .select("role_id")
    .where("company_id", "=", companyId)
    .where("member_id", "=", memberId)
    .execute();
  return rows.map((row) => row.role_id);
}

export async function listMemberIdsOfRole(
  db: Executor,
  companyId: string,
  roleId: string,
): Promise<string[]> {
  const rows = await db
    .selectFrom("member_roles")
    .select("member_id")
    .where("company_id", "=", companyId)
    .where("role_id", "=", roleId)
    .execute();
  return rows.map((row) => row.member_id);
}
