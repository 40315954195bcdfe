// SQL for accounts as logging in and creating one see them: the credentials by email, the insert.
import { type Kysely, sql, type Transaction } from "kysely";
import type { DB } from "../db/schema.js";

/** What a login checks: the account of this (canonical) email and its password hash. */
export function findCredentialsByEmail(db: Kysely<DB>, email: string) {
  return db
    .selectFrom("accounts")
    .select(["id", "email", "password_hash", "has_second_factor"])
    .where("email", "=", email)
    .executeTakeFirst();
}

export async function isEmailTaken(db: Kysely<DB> | Transaction<DB>, email: string): Promise<boolean> {
  const row = await db.selectFrom("accounts").select("id").where("email", "=", email).executeTakeFirst();
  return row !== undefined;
}

export function insertAccount(
  trx: Transaction<DB>,
  account: { email: string; name: string; passwordHash: string; now: Date },
) {
  return trx
    .insertInto("accounts")
    .values({
      email: account.email,
      name: account.name,
      password_hash: account.passwordHash,
      created_at: account.now,
      password_changed_at: account.now,
    })
    .returning(["id", "email"])
    .executeTakeFirstOrThrow();
}

/**
 * Whether password login is closed to this account by "Require SSO": its email's domain is verified
 * by a company whose enabled connection requires SSO, and the account is not one of that company's
 * break-glass members (who stay active members).
 */
export async function isPasswordLoginClosed(
  db: Kysely<DB> | Transaction<DB>,
  account: { id: string; email: string },
) {
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
