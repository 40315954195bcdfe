// SQL of the password flows: reset links (stored as hashes only) and the account's password itself.
// The login failure counters a reset or change clears live in auth/lockout-queries.ts.
import type { Kysely, Transaction } from "kysely";
import type { DB } from "../db/schema.js";

type Executor = Kysely<DB> | Transaction<DB>;

/** The account an address belongs to, locked so concurrent reset requests count one after another. */
export async function lockAccountByEmail(trx: Transaction<DB>, email: string) {
  return trx
    .selectFrom("accounts")
    .select(["id", "email", "name", "language", "time_zone"])
    .where("email", "=", email)
    .forUpdate()
    .executeTakeFirst();
}

export async function findAccountCredentials(db: Executor, accountId: string) {
  return db
    .selectFrom("accounts")
    .select(["id", "email", "alternate_email", "name", "password_hash"])
    .where("id", "=", accountId)
    .executeTakeFirst();
}

/** Reset links issued to an account since `since`, used or not: the per-account mail cap. */
export async function countResetTokensSince(db: Executor, accountId: string, since: Date): Promise<number> {
  const row = await db
    .selectFrom("password_reset_tokens")
    .select((eb) => eb.fn.countAll<number>().as("count"))
    .where("account_id", "=", accountId)
    .where("created_at", ">", since)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

export async function pruneResetTokens(db: Executor, accountId: string, createdBefore: Date): Promise<void> {
  await db
    .deleteFrom("password_reset_tokens")
    .where("account_id", "=", accountId)
    .where("created_at", "<", createdBefore)
    .execute();
}

/** Makes every open link of the account worthless: a newer one was sent, or the password changed. */
export async function voidOpenResetTokens(db: Executor, accountId: string, now: Date): Promise<void> {
  await db
    .updateTable("password_reset_tokens")
    .set({ voided_at: now })
    .where("account_id", "=", accountId)
    .where("used_at", "is", null)
    .where("voided_at", "is", null)
    .execute();
}

export async function insertResetToken(
  db: Executor,
  input: { accountId: string; tokenHash: string; now: Date; expiresAt: Date },
): Promise<void> {
  await db
    .insertInto("password_reset_tokens")
    .values({
      account_id: input.accountId,
      token_hash: input.tokenHash,
      created_at: input.now,
      expires_at: input.expiresAt,
    })
    .execute();
}

/** The account behind a link that is still open (unused, not voided, not expired), or undefined. */
export async function findOpenResetToken(db: Executor, tokenHash: string, now: Date) {
  return db
    .selectFrom("password_reset_tokens as t")
    .innerJoin("accounts as a", "a.id", "t.account_id")
    .select(["a.id as accountId", "a.email", "a.alternate_email", "a.name"])
    .where("t.token_hash", "=", tokenHash)
    .where("t.used_at", "is", null)
    .where("t.voided_at", "is", null)
    .where("t.expires_at", ">", now)
    .executeTakeFirst();
}

/**
 * Marks a link used if and only if it is still open. The condition is re-checked under the row lock,
 * so of two concurrent confirms exactly one gets the row back.
 */
export async function redeemResetToken(trx: Transaction<DB>, tokenHash: string, now: Date) {
  return trx
    .updateTable("password_reset_tokens")
    .set({ used_at: now })
    .where("token_hash", "=", tokenHash)
    .where("used_at", "is", null)
    .where("voided_at", "is", null)
    .where("expires_at", ">", now)
    .returning(["account_id"])
    .executeTakeFirst();
}

/**
 * Stores a new password hash. With `expectedHash`, only if the password is still the one the caller
 * proved, so two concurrent changes cannot both succeed on the same current password.
 */
export async function setPasswordHash(
  trx: Transaction<DB>,
  input: { accountId: string; passwordHash: string; now: Date; expectedHash?: string },
): Promise<boolean> {
  let query = trx
    .updateTable("accounts")
    .set({ password_hash: input.passwordHash, password_changed_at: input.now })
    .where("id", "=", input.accountId);
  if (input.expectedHash !== undefined) query = query.where("password_hash", "=", input.expectedHash);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
