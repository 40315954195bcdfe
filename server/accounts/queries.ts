// SQL of deleting an account (SPEC §6.4): the account and its memberships read and locked, the
// last-Admin check's counts, and the delete itself, whose foreign keys take the rest with it.
import { type Kysely, sql, type Transaction } from "kysely";
import { ADMIN_ROLE_KEY } from "../access/permissions.js";
import type { DB } from "../db/schema.js";

/** The account with its password hash, read before anything is locked (the password check is slow). */
export async function findAccountToDelete(db: Kysely<DB>, accountId: string) {
  return db
    .selectFrom("accounts")
    .select(["id", "email", "alternate_email", "name", "password_hash"])
    .where("id", "=", accountId)
    .executeTakeFirst();
}

/** Locks the account against a concurrent login, change or deletion. */
export async function lockAccountForDeletion(trx: Transaction<DB>, accountId: string): Promise<boolean> {
  const result = await sql`SELECT id FROM accounts WHERE id = ${accountId} FOR UPDATE`.execute(trx);
  return result.rows.length === 1;
}

/** The account's company ids, in the order their rows are locked. */
export async function companiesOfAccount(trx: Transaction<DB>, accountId: string): Promise<string[]> {
  const rows = await trx
    .selectFrom("members")
    .select("company_id")
    .where("account_id", "=", accountId)
    .orderBy("company_id")
    .execute();
  return rows.map((row) => row.company_id);
}

/** The account's memberships, with whether each is an active Admin and how many other active Admins its company has. */
export async function listMembershipsForDeletion(trx: Transaction<DB>, accountId: string) {
  const result = await sql<{
    company_id: string;
    member_id: string;
    status: "active" | "deactivated";
    is_admin: boolean;
    other_active_admins: number;
  }>`
    SELECT m.company_id, m.id AS member_id, m.status,
           EXISTS (SELECT 1 FROM member_roles mr JOIN roles r ON r.id = mr.role_id
                    WHERE mr.member_id = m.id AND r.key = ${ADMIN_ROLE_KEY}) AS is_admin,
           (SELECT count(*)::int FROM members o
              JOIN member_roles mr ON mr.member_id = o.id JOIN roles r ON r.id = mr.role_id
             WHERE o.company_id = m.company_id AND o.id <> m.id AND o.status = 'active'
               AND r.key = ${ADMIN_ROLE_KEY}) AS other_active_admins
      FROM members m
     WHERE m.account_id = ${accountId}
     ORDER BY m.company_id`.execute(trx);
  return result.rows;
}

/** Deletes the account: sessions, memberships, factors and the invitations it sent go with it (foreign keys). */
export async function deleteAccountRow(trx: Transaction<DB>, accountId: string): Promise<void> {
  await trx.deleteFrom("accounts").where("id", "=", accountId).execute();
}
