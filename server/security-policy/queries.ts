// SQL for a company's security policy (SPEC §6.2): the policy row, which a company may lack (then
// the defaults hold), and the active members whose account has no second factor.
import { type Kysely, sql, type Transaction } from "kysely";
import type { DB } from "../db/schema.js";
import { DEFAULT_INACTIVITY_DAYS } from "../inactivity/queries.js";

export type SecurityPolicyRow = {
  require_mfa: boolean;
  session_idle_minutes: number | null;
  invite_domains: string[];
  /** Days without activity before the inactivity job deactivates a member (SPEC §6.4). */
  inactivity_days: number;
};

export const DEFAULT_SECURITY_POLICY: SecurityPolicyRow = {
  require_mfa: false,
  session_idle_minutes: null,
  invite_domains: [],
  inactivity_days: DEFAULT_INACTIVITY_DAYS,
};

export async function findSecurityPolicy(
  db: Kysely<DB> | Transaction<DB>,
  companyId: string,
): Promise<SecurityPolicyRow> {
  const row = await db
    .selectFrom("company_security_policies")
    .select(["require_mfa", "session_idle_minutes", "invite_domains", "inactivity_days"])
    .where("company_id", "=", companyId)
    .executeTakeFirst();
  return row ?? DEFAULT_SECURITY_POLICY;
}

/**
 * The company's policy row, locked until the transaction ends; made with the defaults when the
 * company has none, so two first changes serialise on one row and each audits the other's result.
 */
export async function lockSecurityPolicy(
  trx: Transaction<DB>,
  companyId: string,
  now: Date,
): Promise<SecurityPolicyRow> {
  await trx
    .insertInto("company_security_policies")
    .values({ company_id: companyId, updated_at: now })
    .onConflict((oc) => oc.column("company_id").doNothing())
    .execute();
  return trx
    .selectFrom("company_security_policies")
    .select(["require_mfa", "session_idle_minutes", "invite_domains", "inactivity_days"])
    .where("company_id", "=", companyId)
    .forUpdate()
    .executeTakeFirstOrThrow();
}

export async function writeSecurityPolicy(
  trx: Transaction<DB>,
  companyId: string,
  policy: SecurityPolicyRow,
  by: { accountId: string; now: Date },
): Promise<void> {
  await trx
    .updateTable("company_security_policies")
    .set({
      require_mfa: policy.require_mfa,
      session_idle_minutes: policy.session_idle_minutes,
      invite_domains: policy.invite_domains,
      inactivity_days: policy.inactivity_days,
      updated_at: by.now,
      updated_by: by.accountId,
    })
    .where("company_id", "=", companyId)
    .execute();
}

export type MemberWithoutFactorRow = { member_id: string; name: string; email: string };

// The company's active members whose account has no confirmed factor: the member row's copy of the
// account's flag, read through migration 048's partial index in its order.
const WITHOUT_FACTOR = (companyId: string) =>
  sql`m.company_id = ${companyId} AND m.status = 'active' AND NOT m.has_second_factor`;

/** Active members of the company whose account has no confirmed factor, by name, at most `limit`. */
export async function listMembersWithoutSecondFactor(
  db: Kysely<DB>,
  companyId: string,
  limit: number,
): Promise<MemberWithoutFactorRow[]> {
  const result = await sql<MemberWithoutFactorRow>`
    SELECT m.id AS member_id, m.name, m.email FROM members m
     WHERE ${WITHOUT_FACTOR(companyId)}
     ORDER BY lower(m.name COLLATE "default"), m.email COLLATE "default"
     LIMIT ${limit}`.execute(db);
  return result.rows;
}

/** Counts them, up to cap + 1. */
export async function countMembersWithoutSecondFactor(
  db: Kysely<DB>,
  companyId: string,
  cap: number,
): Promise<number> {
  const result = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM (SELECT 1 FROM members m WHERE ${WITHOUT_FACTOR(companyId)} LIMIT ${cap + 1}) capped`.execute(
    db,
  );
  return result.rows[0]?.n ?? 0;
}
