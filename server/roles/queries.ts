// SQL for roles: a company's roles with their permissions and member counts (from the counters of
// migration 006, not a scan of the role's members), and the writes.
import { type Kysely, sql, type Transaction } from "kysely";
import { PERMISSIONS_OF_ROLE, ROLE_ORDER, ROLE_REFS_JSON } from "../access/role-queries.js";
import type { DB } from "../db/schema.js";

// members/queries.ts reads these from here.
export { PERMISSIONS_OF_ROLE, ROLE_ORDER, ROLE_REFS_JSON };

export type RoleRow = {
  id: string;
  key: string | null;
  name: string;
  description: string;
  permissions: string[];
  member_count: number;
  updated_at: Date;
};

export async function listRoles(
  db: Kysely<DB> | Transaction<DB>,
  companyId: string,
  roleId?: string,
): Promise<RoleRow[]> {
  const result = await sql<RoleRow>`
    SELECT r.id, r.key, r.name, r.description, r.updated_at,
           ${PERMISSIONS_OF_ROLE} AS permissions,
           coalesce((SELECT c.active FROM member_role_counts c
                      WHERE c.company_id = r.company_id AND c.role_id = r.id), 0) AS member_count
      FROM roles r
     WHERE r.company_id = ${companyId} ${roleId ? sql`AND r.id = ${roleId}` : sql``}
     ORDER BY ${ROLE_ORDER}`.execute(db);
  return result.rows;
}

/** Locks the company row so role limits and checks hold against concurrent writers. */
export async function lockCompany(trx: Transaction<DB>, companyId: string): Promise<void> {
  await sql`SELECT id FROM companies WHERE id = ${companyId} FOR UPDATE`.execute(trx);
}

/** The names of a company's roles, predefined ones included. */
export async function listRoleNames(
  trx: Transaction<DB>,
  companyId: string,
): Promise<{ id: string; name: string }[]> {
  return trx.selectFrom("roles").select(["id", "name"]).where("company_id", "=", companyId).execute();
}

export async function countCustomRoles(trx: Transaction<DB>, companyId: string): Promise<number> {
  const row = await trx
    .selectFrom("roles")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("company_id", "=", companyId)
    .where("key", "is", null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function isRoleAssigned(trx: Transaction<DB>, roleId: string): Promise<boolean> {
  const row = await trx
    .selectFrom("member_roles")
    .select("role_id")
    .where("role_id", "=", roleId)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

export async function replacePermissions(
  trx: Transaction<DB>,
  roleId: string,
  permissions: readonly string[],
) {
  await trx.deleteFrom("role_permissions").where("role_id", "=", roleId).execute();
  if (permissions.length > 0) {
    await trx
      .insertInto("role_permissions")
      .values(permissions.map((permission) => ({ role_id: roleId, permission })))
      .execute();
  }
}

export function insertCustomRole(
  trx: Transaction<DB>,
  companyId: string,
  role: { name: string; description: string },
  now: Date,
) {
  return trx
    .insertInto("roles")
    .values({
      company_id: companyId,
      key: null,
      name: role.name,
      description: role.description,
      created_at: now,
      updated_at: now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
}

/** Sets the name and description given (undefined leaves one as it is). */
export async function updateRoleText(
  trx: Transaction<DB>,
  companyId: string,
  roleId: string,
  text: { name?: string; description?: string },
  now: Date,
): Promise<void> {
  await trx
    .updateTable("roles")
    .set({
      ...(text.name !== undefined ? { name: text.name } : {}),
      ...(text.description !== undefined ? { description: text.description } : {}),
      updated_at: now,
    })
    .where("id", "=", roleId)
    .where("company_id", "=", companyId)
    .execute();
}

export async function deleteCustomRole(
  trx: Transaction<DB>,
  companyId: string,
  roleId: string,
): Promise<void> {
  await trx.deleteFrom("roles").where("id", "=", roleId).where("company_id", "=", companyId).execute();
}
