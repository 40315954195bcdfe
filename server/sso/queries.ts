// SQL of single sign-on's shared tables (migration 026): the company's one connection, its group →
// role mapping and break-glass Admins, and which company holds an email domain verified.
import type { Insertable, Kysely, Transaction } from "kysely";
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

export async function listMappings(db: Executor, companyId: string) {
  return db
    .selectFrom("sso_group_mappings")
    .select(["group_name", "role_id"])
    .where("company_id", "=", companyId)
    .orderBy("group_name")
    .orderBy("role_id")
    .execute();
}

/** The roles the person's IdP groups give, by the company's mapping (exact, case-sensitive names). */
export async function mappedRoleIds(
  db: Executor,
  companyId: string,
  groups: readonly string[],
): Promise<string[]> {
  if (groups.length === 0) return [];
  const rows = await db
    .selectFrom("sso_group_mappings")
    .select("role_id")
    .distinct()
    .where("company_id", "=", companyId)
    .where("group_name", "in", [...groups])
    .execute();
  return rows.map((row) => row.role_id).sort();
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
  mappings: readonly { group: string; roleId: string }[],
) {
  await trx.deleteFrom("sso_group_mappings").where("company_id", "=", companyId).execute();
  if (mappings.length === 0) return;
  await trx
    .insertInto("sso_group_mappings")
    .values(mappings.map((m) => ({ company_id: companyId, group_name: m.group, role_id: m.roleId })))
    .execute();
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
