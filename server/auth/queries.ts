// SQL for accounts as logging in and creating one see them: the credentials by email, the insert.
import type { Kysely, Transaction } from "kysely";
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
