// SQL for merchant accounts and scopes: the company's accounts, a member's or an invitation's scope
// as one column of a larger query, and the writes that replace a scope (migration 031).
import { type Kysely, type RawBuilder, sql, type Transaction } from "kysely";
import type { Scope } from "../access/scope.js";
import type { DB } from "../db/schema.js";

type Executor = Kysely<DB> | Transaction<DB>;

export type MerchantAccountRow = {
  id: string;
  name: string;
  reference: string;
  region: string;
  created_at: Date;
};

/** The company's accounts a caller may see (`only` null: all of them), oldest (the default) first. */
export async function listMerchantAccounts(
  db: Executor,
  companyId: string,
  only: readonly string[] | null,
): Promise<MerchantAccountRow[]> {
  let query = db
    .selectFrom("merchant_accounts")
    .select(["id", "name", "reference", "region", "created_at"])
    .where("company_id", "=", companyId);
  if (only !== null) {
    if (only.length === 0) return [];
    query = query.where("id", "in", only);
  }
  return query.orderBy("created_at").orderBy("id").execute();
}

/** Which of these ids are no account of the company (a scope may name only the company's own). */
export async function unknownMerchantAccounts(
  db: Executor,
  companyId: string,
  ids: readonly string[],
): Promise<string[]> {
  if (ids.length === 0) return [];
  const found = await db
    .selectFrom("merchant_accounts")
    .select("id")
    .where("company_id", "=", companyId)
    .where("id", "in", ids)
    .execute();
  const known = new Set(found.map((row) => row.id));
  return ids.filter((id) => !known.has(id));
}

/**
 * The scope of the member row `m` as JSON ({"kind":"all"} or {"kind":"restricted",
 * "merchantAccountIds":[…]}), for a column of a larger query.
 */
export function scopeOfMember(member: RawBuilder<unknown>): RawBuilder<Scope> {
  return sql<Scope>`CASE WHEN ${member}.scope_kind = 'restricted'
    THEN json_build_object('kind', 'restricted', 'merchantAccountIds', coalesce((
           SELECT json_agg(mma.merchant_account_id ORDER BY mma.merchant_account_id)
             FROM member_merchant_accounts mma WHERE mma.member_id = ${member}.id), '[]'::json))
    ELSE json_build_object('kind', 'all') END`;
}

/** The same for the invitation row `i`. */
export function scopeOfInvitation(invitation: RawBuilder<unknown>): RawBuilder<Scope> {
  return sql<Scope>`CASE WHEN ${invitation}.scope_kind = 'restricted'
    THEN json_build_object('kind', 'restricted', 'merchantAccountIds', coalesce((
           SELECT json_agg(ima.merchant_account_id ORDER BY ima.merchant_account_id)
             FROM invitation_merchant_accounts ima WHERE ima.invitation_id = ${invitation}.id), '[]'::json))
    ELSE json_build_object('kind', 'all') END`;
}

/** An account's scope in a company, read now (null: no membership there). */
export async function findMemberScope(
  db: Executor,
  companyId: string,
  accountId: string,
): Promise<Scope | null> {
  const result = await sql<{ scope: Scope }>`
    SELECT ${scopeOfMember(sql`m`)} AS scope FROM members m
     WHERE m.company_id = ${companyId} AND m.account_id = ${accountId}`.execute(db);
  return result.rows[0]?.scope ?? null;
}

export async function findInvitationScope(db: Executor, invitationId: string): Promise<Scope> {
  const result = await sql<{ scope: Scope }>`
    SELECT ${scopeOfInvitation(sql`i`)} AS scope FROM invitations i WHERE i.id = ${invitationId}`.execute(db);
  return result.rows[0]?.scope ?? { kind: "all" };
}

/** Replaces a member's scope (in the transaction of the change that audits it). */
export async function writeMemberScope(
  trx: Transaction<DB>,
  companyId: string,
  memberId: string,
  scope: Scope,
): Promise<void> {
  await trx.updateTable("members").set({ scope_kind: scope.kind }).where("id", "=", memberId).execute();
  await trx.deleteFrom("member_merchant_accounts").where("member_id", "=", memberId).execute();
  if (scope.kind === "restricted" && scope.merchantAccountIds.length > 0) {
    await trx
      .insertInto("member_merchant_accounts")
      .values(
        scope.merchantAccountIds.map((id) => ({
          company_id: companyId,
          member_id: memberId,
          merchant_account_id: id,
        })),
      )
      .execute();
  }
}

/** Gives a new invitation its scope. */
export async function writeInvitationScope(
  trx: Transaction<DB>,
  companyId: string,
  invitationId: string,
  scope: Scope,
): Promise<void> {
  await trx
    .updateTable("invitations")
    .set({ scope_kind: scope.kind })
    .where("id", "=", invitationId)
    .execute();
  if (scope.kind === "restricted" && scope.merchantAccountIds.length > 0) {
    await trx
      .insertInto("invitation_merchant_accounts")
      .values(
        scope.merchantAccountIds.map((id) => ({
          company_id: companyId,
          invitation_id: invitationId,
          merchant_account_id: id,
        })),
      )
      .execute();
  }
}
