// Reads of the caller's own account: profile and memberships with their roles and permissions.
import { type Kysely, sql, type Transaction } from "kysely";
import {
  MEMBERSHIP_SOURCE,
  type MembershipRow,
  type MembershipView,
  membershipColumns,
  membershipsOfAccount,
  membershipViews,
} from "../access/session-queries.js";
import type { DB } from "../db/schema.js";

/** Every membership of an account; a deactivated one opens nothing, so it lists no permission. */
export async function listMemberships(
  db: Kysely<DB>,
  accountId: string,
  now: Date,
): Promise<MembershipView[]> {
  const result = await sql<MembershipRow>`
    SELECT ${membershipColumns(now)}
      FROM ${MEMBERSHIP_SOURCE}
     WHERE m.account_id = ${accountId}
     ORDER BY c.name, m.company_id`.execute(db);
  return membershipViews(db, result.rows);
}

/** The profile and every membership in one round trip: the body of GET /api/me. */
export async function findAccountWithMemberships(db: Kysely<DB>, accountId: string, now: Date) {
  const result = await sql<{
    id: string;
    email: string;
    name: string;
    alternate_email: string | null;
    language: "en" | "zh-CN" | null;
    time_zone: string | null;
    memberships: MembershipRow[] | null;
  }>`
    SELECT a.id, a.email, a.name, a.alternate_email, a.language, a.time_zone, ${membershipsOfAccount(now)} AS memberships
      FROM accounts a
     WHERE a.id = ${accountId}`.execute(db);
  const row = result.rows[0];
  return row ? { ...row, memberships: await membershipViews(db, row.memberships ?? []) } : undefined;
}

export type AccountPreferences = { language: "en" | "zh-CN" | null; time_zone: string | null };

/** Sets the given preferences of one account and answers all of them as saved. */
export async function updateAccountPreferences(
  db: Kysely<DB> | Transaction<DB>,
  accountId: string,
  changes: Partial<AccountPreferences>,
): Promise<AccountPreferences | undefined> {
  return db
    .updateTable("accounts")
    .set(changes)
    .where("id", "=", accountId)
    .returning(["language", "time_zone"])
    .executeTakeFirst();
}
