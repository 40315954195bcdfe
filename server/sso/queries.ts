// SQL of single sign-on's shared tables (migration 026): the company's one connection, its group →
// role mapping (with each mapping's merchant-account scope, migration 036) and break-glass Admins, and which company holds an email domain verified.
import { type Insertable, type Kysely, sql, type Transaction } from "kysely";
import type { Scope } from "../access/scope.js";
import type { DB, SsoConnections } from "../db/schema.js";

type Executor = Kysely<DB> | Transaction<DB>;

export const CONNECTION_COLUMNS = [
  "company_id",
  "protocol",
  "enabled",
  "oidc_issuer",
  "oidc_client_id",
  "oidc_client_secret_sealed",
  "saml_idp_entity_id",
  "saml_idp_sso_url",
  "saml_idp_certificate",
  "saml_allow_idp_initiated",
  "groups_attribute",
  "default_role_id",
  "require_sso",
  "version",
  "updated_at",
  "updated_by",
] as const;

export async function findConnection(db: Executor, companyId: string) {
  return db
    .selectFrom("sso_connections")
    .select(CONNECTION_COLUMNS)
    .where("company_id", "=", companyId)
    .executeTakeFirst();
}

export type ConnectionRow = NonNullable<Awaited<ReturnType<typeof findConnection>>>;

/** The connection, share-locked: a settings change (which takes it for update) waits for this login. */
export async function findConnectionForShare(trx: Transaction<DB>, companyId: string) {
  return trx
    .selectFrom("sso_connections")
    .select(CONNECTION_COLUMNS)
    .where("company_id", "=", companyId)
    .forShare()
    .executeTakeFirst();
}

export async function findConnectionForUpdate(trx: Transaction<DB>, companyId: string) {
  return trx
    .selectFrom("sso_connections")
    .select(CONNECTION_COLUMNS)
    .where("company_id", "=", companyId)
    .forUpdate()
    .executeTakeFirst();
}

/** The company that holds this domain verified, if any (at most one: migration 026's unique index). */
export async function findVerifiedDomainOwner(db: Executor, domain: string): Promise<string | undefined> {
  const row = await db
    .selectFrom("company_domains")
    .select("company_id")
    .where("domain", "=", domain)
    .where("verified_at", "is not", null)
    .executeTakeFirst();
  return row?.company_id;
}

/** The enabled connection of the company that holds this domain verified. */
export async function findEnabledConnectionByDomain(db: Executor, domain: string) {
  return db
    .selectFrom("company_domains as d")
    .innerJoin("sso_connections as c", "c.company_id", "d.company_id")
    .select(CONNECTION_COLUMNS.map((column) => `c.${column}` as const))
    .where("d.domain", "=", domain)
    .where("d.verified_at", "is not", null)
    .where("c.enabled", "=", true)
    .executeTakeFirst();
}

export type MappingRow = { group_name: string; role_id: string; scope: Scope };

/** The scope of the mapping row `g` as JSON, like a member's (merchant-accounts/queries.ts). */
const SCOPE_OF_MAPPING = sql<Scope>`CASE WHEN g.scope_kind = 'restricted'
    THEN json_build_object('kind', 'restricted', 'merchantAccountIds', coalesce((
           SELECT json_agg(gma.merchant_account_id ORDER BY gma.merchant_account_id)
             FROM sso_group_mapping_merchant_accounts gma
            WHERE gma.company_id = g.company_id AND gma.group_name = g.group_name
              AND gma.role_id = g.role_id), '[]'::json))
    ELSE json_build_object('kind', 'all') END`;

export async function listMappings(db: Executor, companyId: string): Promise<MappingRow[]> {
  const result = await sql<MappingRow>`
    SELECT g.group_name, g.role_id, ${SCOPE_OF_MAPPING} AS scope FROM sso_group_mappings g
     WHERE g.company_id = ${companyId}
     ORDER BY g.group_name, g.role_id`.execute(db);
  return result.rows;
}

/**
 * The mappings the person's IdP groups match (exact, case-sensitive names): the roles they give and
 * each one's merchant-account scope.
 */
export async function matchedMappings(
  db: Executor,
  companyId: string,
  groups: readonly string[],
): Promise<{ role_id: string; scope: Scope }[]> {
  if (groups.length === 0) return [];
  const result = await sql<{ role_id: string; scope: Scope }>`
    SELECT g.role_id, ${SCOPE_OF_MAPPING} AS scope FROM sso_group_mappings g
     WHERE g.company_id = ${companyId} AND g.group_name IN (${sql.join([...groups])})
     ORDER BY g.role_id`.execute(db);
  return result.rows;
}

export async function listBreakGlassMemberIds(db: Executor, companyId: string): Promise<string[]> {
  const rows = await db
    .selectFrom("sso_break_glass_members")
    .select("member_id")
    .where("company_id", "=", companyId)
    .orderBy("member_id")
    .execute();
  return rows.map((row) => row.member_id);
}

/** Replaces the connection's mapping and break-glass members (under the connection's row lock). */
export async function replaceMappings(
  trx: Transaction<DB>,
  companyId: string,
  mappings: readonly { group: string; roleId: string; scope: Scope }[],
) {
  // The accounts of the old mappings go with them (ON DELETE CASCADE).
  await trx.deleteFrom("sso_group_mappings").where("company_id", "=", companyId).execute();
  if (mappings.length === 0) return;
  await trx
    .insertInto("sso_group_mappings")
    .values(
      mappings.map((m) => ({
        company_id: companyId,
        group_name: m.group,
        role_id: m.roleId,
        scope_kind: m.scope.kind,
      })),
    )
    .execute();
  const accounts = mappings.flatMap((m) =>
    m.scope.kind === "restricted"
      ? m.scope.merchantAccountIds.map((id) => ({
          company_id: companyId,
          group_name: m.group,
          role_id: m.roleId,
          merchant_account_id: id,
        }))
      : [],
  );
  if (accounts.length > 0) {
    await trx.insertInto("sso_group_mapping_merchant_accounts").values(accounts).execute();
  }
}

export async function replaceBreakGlassMembers(
  trx: Transaction<DB>,
  companyId: string,
  memberIds: readonly string[],
) {
  await trx.deleteFrom("sso_break_glass_members").where("company_id", "=", companyId).execute();
  if (memberIds.length === 0) return;
  await trx
    .insertInto("sso_break_glass_members")
    .values(memberIds.map((memberId) => ({ company_id: companyId, member_id: memberId })))
    .execute();
}

/** Whether the company holds this domain verified. */
export async function isVerifiedDomainOf(db: Executor, companyId: string, domain: string): Promise<boolean> {
  const row = await db
    .selectFrom("company_domains")
    .select("id")
    .where("company_id", "=", companyId)
    .where("domain", "=", domain)
    .where("verified_at", "is not", null)
    .executeTakeFirst();
  return row !== undefined;
}

export async function listVerifiedDomains(db: Executor, companyId: string): Promise<string[]> {
  const rows = await db
    .selectFrom("company_domains")
    .select("domain")
    .where("company_id", "=", companyId)
    .where("verified_at", "is not", null)
    .orderBy("domain")
    .execute();
  return rows.map((row) => row.domain);
}

/** The company's roles among these ids, as audit events name them. */
export async function findRoleRefs(db: Executor, companyId: string, roleIds: readonly string[]) {
  return db
    .selectFrom("roles")
    .select(["id", "key", "name"])
    .where("company_id", "=", companyId)
    .where("id", "in", [...roleIds])
    .orderBy("name")
    .execute();
}

/** The company's roles among these ids with their permissions (a role without any has one null row). */
export async function findRolePermissions(db: Executor, companyId: string, roleIds: readonly string[]) {
  return db
    .selectFrom("roles")
    .leftJoin("role_permissions", "role_permissions.role_id", "roles.id")
    .select(["roles.id", "role_permissions.permission"])
    .where("roles.company_id", "=", companyId)
    .where("roles.id", "in", [...roleIds])
    .execute();
}

/** Which of these members are active Admins of the company. */
export async function findActiveAdminMemberIds(
  db: Executor,
  companyId: string,
  memberIds: readonly string[],
  adminRoleKey: string,
): Promise<Set<string>> {
  const rows = await db
    .selectFrom("members as m")
    .innerJoin("member_roles as mr", "mr.member_id", "m.id")
    .innerJoin("roles as r", "r.id", "mr.role_id")
    .select("m.id")
    .where("m.company_id", "=", companyId)
    .where("m.status", "=", "active")
    .where("r.key", "=", adminRoleKey)
    .where("m.id", "in", [...memberIds])
    .execute();
  return new Set(rows.map((row) => row.id));
}

export type ConnectionValues = Omit<Insertable<SsoConnections>, "company_id" | "version">;

/** Saves the connection: inserted the first time, else updated with its version moved on. */
export async function writeConnection(
  trx: Transaction<DB>,
  companyId: string,
  values: ConnectionValues,
  exists: boolean,
): Promise<void> {
  if (exists) {
    await trx
      .updateTable("sso_connections")
      .set((eb) => ({ ...values, version: eb("version", "+", 1) }))
      .where("company_id", "=", companyId)
      .execute();
  } else {
    await trx
      .insertInto("sso_connections")
      .values({ company_id: companyId, ...values })
      .execute();
  }
}
