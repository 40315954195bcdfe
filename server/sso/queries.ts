// SQL of single sign-on's shared tables (migration 026): the company's one connection, its group →
// role mapping and break-glass Admins, and which company holds an email domain verified.
import { type Kysely, sql, type Transaction } from "kysely";
import type { DB } from "../db/schema.js";

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

/**
 * Whether password login is closed to this account by "Require SSO": its email's domain is verified
 * by a company whose enabled connection requires SSO, and the account is not one of that company's
 * break-glass members (who stay active members).
 */
export async function isPasswordLoginClosed(db: Executor, account: { id: string; email: string }) {
  const domain = account.email.slice(account.email.lastIndexOf("@") + 1);
  const result = await sql<{ closed: boolean }>`
    SELECT EXISTS (
      SELECT 1 FROM company_domains d
        JOIN sso_connections c ON c.company_id = d.company_id AND c.enabled AND c.require_sso
       WHERE d.domain = ${domain} AND d.verified_at IS NOT NULL
         AND NOT EXISTS (
           SELECT 1 FROM sso_break_glass_members b
             JOIN members m ON m.id = b.member_id AND m.company_id = b.company_id
            WHERE b.company_id = c.company_id AND m.account_id = ${account.id} AND m.status = 'active')
    ) AS closed`.execute(db);
  return result.rows[0]?.closed === true;
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
