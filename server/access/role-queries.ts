// SQL fragments over roles (alias r) that the queries of several folders share: the order roles are
// listed in, a role's permissions, and roles as {id, key, name} references.
import { type Kysely, sql } from "kysely";
import type { DB } from "../db/schema.js";
import { PREDEFINED_ROLES } from "./permissions.js";

/** The order roles are listed in everywhere: predefined in the guide's order, then custom by name (alias r). */
export const ROLE_ORDER = sql`r.key IS NULL, array_position(ARRAY[${sql.join(PREDEFINED_ROLES.map((role) => sql.lit(role.key)))}], r.key), lower(r.name)`;

/** The permissions of role r, sorted ('{}' when none). */
export const PERMISSIONS_OF_ROLE = sql<
  string[]
>`coalesce((SELECT array_agg(rp.permission ORDER BY rp.permission)
                                                     FROM role_permissions rp WHERE rp.role_id = r.id), '{}')`;

/** The roles r in scope as a JSON array of {id, key, name} in ROLE_ORDER (null when none). */
export const ROLE_REFS_JSON = sql`json_agg(json_build_object('id', r.id, 'key', r.key, 'name', r.name) ORDER BY ${ROLE_ORDER})`;

/** A company's roles as {id, key, name} in ROLE_ORDER, read in one statement with its roles_version. */
export async function findRolesWithVersion(db: Kysely<DB>, companyId: string) {
  const result = await sql<{
    version: string | number;
    refs: { id: string; key: string | null; name: string }[] | null;
  }>`
    SELECT c.roles_version AS version,
           (SELECT ${ROLE_REFS_JSON} FROM roles r WHERE r.company_id = c.id) AS refs
      FROM companies c WHERE c.id = ${companyId}`.execute(db);
  return result.rows[0];
}
