// SQL of second factors: the account's factors, a TOTP factor's sealed secret and last step, and
// recovery codes. Rules and transactions live in service.ts and second-step.ts.
import type { Kysely, Transaction } from "kysely";
import type { DB } from "../db/schema.js";

type Executor = Kysely<DB> | Transaction<DB>;

export type FactorType = "totp" | "passkey";

/** The account's confirmed factors, oldest first (what GET /api/me/mfa lists). */
export function listConfirmedFactors(db: Executor, accountId: string) {
  return db
    .selectFrom("mfa_factors")
    .select(["id", "type", "name", "created_at", "last_used_at"])
    .where("account_id", "=", accountId)
    .where("confirmed_at", "is not", null)
    .orderBy("created_at")
    .orderBy("id")
    .execute();
}

/**
 * Locks the account's confirmed factors: two removals of its last two factors then run one after
 * the other, and the second sees that it would remove the last.
 */
export async function lockConfirmedFactors(trx: Transaction<DB>, accountId: string): Promise<number> {
  const rows = await trx
    .selectFrom("mfa_factors")
    .select("id")
    .where("account_id", "=", accountId)
    .where("confirmed_at", "is not", null)
    .forUpdate()
    .execute();
  return rows.length;
}

/** Names of the companies where the account is an active member and the policy requires a factor. */
export async function companiesRequiringSecondFactor(db: Executor, accountId: string): Promise<string[]> {
  const rows = await db
    .selectFrom("members")
    .innerJoin("company_security_policies as p", "p.company_id", "members.company_id")
    .innerJoin("companies", "companies.id", "members.company_id")
    .select("companies.name")
    .where("members.account_id", "=", accountId)
    .where("members.status", "=", "active")
    .where("p.require_mfa", "=", true)
    .orderBy("companies.name")
    .execute();
  return rows.map((row) => row.name);
}

/** Which kinds of confirmed factor the account has (login's methods, step-up's choice). */
export async function confirmedFactorTypes(db: Executor, accountId: string): Promise<Set<FactorType>> {
  const rows = await db
    .selectFrom("mfa_factors")
    .select("type")
    .distinct()
    .where("account_id", "=", accountId)
    .where("confirmed_at", "is not", null)
    .execute();
  return new Set(rows.map((row) => row.type));
}

/** Removes the account's unconfirmed TOTP enrolments: a new enrolment replaces an abandoned one. */
export async function deletePendingTotp(trx: Transaction<DB>, accountId: string) {
  await trx
    .deleteFrom("mfa_factors")
    .where("account_id", "=", accountId)
    .where("type", "=", "totp")
    .where("confirmed_at", "is", null)
    .execute();
}

export function insertPendingTotp(
  trx: Transaction<DB>,
  input: { accountId: string; name: string; sealedSecret: string; now: Date },
) {
  return trx
    .insertInto("mfa_factors")
    .values({
      account_id: input.accountId,
      type: "totp",
      name: input.name,
      created_at: input.now,
      totp_secret_sealed: input.sealedSecret,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
}

/** The account's newest unconfirmed TOTP enrolment, locked for the confirmation. */
export function findPendingTotpForUpdate(trx: Transaction<DB>, accountId: string) {
  return trx
    .selectFrom("mfa_factors")
    .select(["id", "name", "totp_secret_sealed", "created_at"])
    .where("account_id", "=", accountId)
    .where("type", "=", "totp")
    .where("confirmed_at", "is", null)
    .orderBy("created_at", "desc")
    .limit(1)
    .forUpdate()
    .executeTakeFirst();
}

/** The account's confirmed TOTP factors, locked: two requests with one code are judged in turn. */
export function findConfirmedTotpForUpdate(trx: Transaction<DB>, accountId: string) {
  return trx
    .selectFrom("mfa_factors")
    .select(["id", "name", "totp_secret_sealed", "totp_last_step"])
    .where("account_id", "=", accountId)
    .where("type", "=", "totp")
    .where("confirmed_at", "is not", null)
    .orderBy("created_at")
    .forUpdate()
    .execute();
}

/** Records an accepted TOTP step (and, for an enrolment, its confirmation). */
export async function acceptTotpStep(
  trx: Transaction<DB>,
  factorId: string,
  input: { step: number; now: Date; confirm: boolean },
) {
  await trx
    .updateTable("mfa_factors")
    .set({
      totp_last_step: input.step,
      last_used_at: input.now,
      ...(input.confirm ? { confirmed_at: input.now } : {}),
    })
    .where("id", "=", factorId)
    .execute();
}

export function findFactor(db: Executor, accountId: string, factorId: string) {
  return db
    .selectFrom("mfa_factors")
    .select(["id", "type", "name"])
    .where("id", "=", factorId)
    .where("account_id", "=", accountId)
    .where("confirmed_at", "is not", null)
    .executeTakeFirst();
}

export async function renameFactor(trx: Transaction<DB>, factorId: string, name: string) {
  await trx.updateTable("mfa_factors").set({ name }).where("id", "=", factorId).execute();
}

export async function deleteFactor(trx: Transaction<DB>, factorId: string) {
  await trx.deleteFrom("mfa_factors").where("id", "=", factorId).execute();
}

/** Every factor and recovery code of the account; returns how many factors went. */
export async function deleteAllSecondFactors(trx: Transaction<DB>, accountId: string): Promise<number> {
  await trx.deleteFrom("mfa_recovery_codes").where("account_id", "=", accountId).execute();
  const result = await trx.deleteFrom("mfa_factors").where("account_id", "=", accountId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Replaces the account's recovery codes by a new set of digests. */
export async function replaceRecoveryCodes(
  trx: Transaction<DB>,
  accountId: string,
  hashes: string[],
  now: Date,
) {
  await trx.deleteFrom("mfa_recovery_codes").where("account_id", "=", accountId).execute();
  await trx
    .insertInto("mfa_recovery_codes")
    .values(hashes.map((code_hash) => ({ account_id: accountId, code_hash, created_at: now })))
    .execute();
}

export async function deleteRecoveryCodes(trx: Transaction<DB>, accountId: string) {
  await trx.deleteFrom("mfa_recovery_codes").where("account_id", "=", accountId).execute();
}

/**
 * Marks one unused code of the account as used, in one conditional UPDATE: of two requests with the
 * same code exactly one changes the row. False when no unused code has this digest.
 */
export async function consumeRecoveryCode(
  trx: Transaction<DB>,
  accountId: string,
  hash: string,
  now: Date,
): Promise<boolean> {
  const row = await trx
    .updateTable("mfa_recovery_codes")
    .set({ used_at: now })
    .where("account_id", "=", accountId)
    .where("code_hash", "=", hash)
    .where("used_at", "is", null)
    .returning("id")
    .executeTakeFirst();
  return row !== undefined;
}

export async function countUnusedRecoveryCodes(db: Executor, accountId: string): Promise<number> {
  const row = await db
    .selectFrom("mfa_recovery_codes")
    .select((eb) => eb.fn.countAll<string>().as("count"))
    .where("account_id", "=", accountId)
    .where("used_at", "is", null)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** Name and addresses of the account, for the notice mails. */
export function findAccountForNotice(db: Executor, accountId: string) {
  return db
    .selectFrom("accounts")
    .select(["id", "email", "name", "alternate_email", "language", "time_zone"])
    .where("id", "=", accountId)
    .executeTakeFirst();
}
