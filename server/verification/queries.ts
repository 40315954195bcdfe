// SQL of step-up verification: challenges, the per-account failure counter and lock, and the
// account and session columns a verification changes. Rules and transactions live in service.ts.
import { type Kysely, sql, type Transaction } from "kysely";
import type { DB, VerificationPurpose } from "../db/schema.js";
import { CODES_PER_HOUR, HOUR_MS } from "./codes.js";

type Trx = Transaction<DB>;

// Challenges are kept this long for the cooldown and the hourly cap, then pruned.
const CHALLENGE_RETENTION_MS = 24 * HOUR_MS;

export type ThrottleState = { consecutiveFailures: number; lockedUntil: Date | null };

/**
 * Locks the account's throttle row (creating it on first use) for the rest of the transaction.
 * Every issue and verify of one account takes this lock first, so their limits are checked and
 * counted one request at a time, on PostgreSQL as on PGlite.
 */
export async function lockThrottle(trx: Trx, accountId: string, now: Date): Promise<ThrottleState> {
  await trx
    .insertInto("verification_throttle")
    .values({ account_id: accountId, updated_at: now })
    .onConflict((conflict) => conflict.column("account_id").doNothing())
    .execute();
  const row = await trx
    .selectFrom("verification_throttle")
    .select(["consecutive_failures", "locked_until"])
    .where("account_id", "=", accountId)
    .forUpdate()
    .executeTakeFirstOrThrow();
  return { consecutiveFailures: row.consecutive_failures, lockedUntil: row.locked_until };
}

export async function saveThrottle(trx: Trx, accountId: string, state: ThrottleState, now: Date) {
  await trx
    .updateTable("verification_throttle")
    .set({
      consecutive_failures: state.consecutiveFailures,
      locked_until: state.lockedUntil,
      updated_at: now,
    })
    .where("account_id", "=", accountId)
    .execute();
}

// The cooldown and the hourly cap are about mail: a challenge answered by a factor sends none.
export async function lastIssuedAt(trx: Trx, accountId: string, purpose: VerificationPurpose) {
  const row = await trx
    .selectFrom("verification_challenges")
    .select("created_at")
    .where("account_id", "=", accountId)
    .where("purpose", "=", purpose)
    .where("method", "=", "email")
    .orderBy("created_at", "desc")
    .limit(1)
    .executeTakeFirst();
  return row?.created_at ?? null;
}

/** Send times of the account's codes within the last hour, newest first. */
export async function recentIssueTimes(trx: Trx, accountId: string, now: Date): Promise<Date[]> {
  const rows = await trx
    .selectFrom("verification_challenges")
    .select("created_at")
    .where("account_id", "=", accountId)
    .where("method", "=", "email")
    .where("created_at", ">", new Date(now.getTime() - HOUR_MS))
    .orderBy("created_at", "desc")
    .limit(CODES_PER_HOUR)
    .execute();
  return rows.map((row) => row.created_at);
}

/** Voids the account's open challenge of this purpose (a new code replaces it); returns how many. */
export async function voidOpenChallenges(
  trx: Trx,
  accountId: string,
  purpose: VerificationPurpose,
  now: Date,
) {
  const result = await trx
    .updateTable("verification_challenges")
    .set({ voided_at: now })
    .where("account_id", "=", accountId)
    .where("purpose", "=", purpose)
    .where("consumed_at", "is", null)
    .where("voided_at", "is", null)
    .where("locked_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function insertChallenge(
  trx: Trx,
  challenge: {
    id: string;
    accountId: string;
    sessionId: string;
    purpose: VerificationPurpose;
    companyId: string | null;
    /** How the challenge is answered; only a mailed one has a target and a code digest. */
    method: "email" | "totp" | "passkey";
    targetEmail: string | null;
    codeHash: string | null;
    createdAt: Date;
    expiresAt: Date;
  },
) {
  await trx
    .insertInto("verification_challenges")
    .values({
      id: challenge.id,
      account_id: challenge.accountId,
      session_id: challenge.sessionId,
      purpose: challenge.purpose,
      company_id: challenge.companyId,
      method: challenge.method,
      target_email: challenge.targetEmail,
      code_hash: challenge.codeHash,
      created_at: challenge.createdAt,
      expires_at: challenge.expiresAt,
    })
    .execute();
}

export async function pruneOldChallenges(trx: Trx, accountId: string, now: Date) {
  await trx
    .deleteFrom("verification_challenges")
    .where("account_id", "=", accountId)
    .where("created_at", "<", new Date(now.getTime() - CHALLENGE_RETENTION_MS))
    .execute();
}

/** The account's open challenge of this purpose (at most one: migration 003), locked; expired or not. */
export async function findOpenChallengeForUpdate(trx: Trx, accountId: string, purpose: VerificationPurpose) {
  return trx
    .selectFrom("verification_challenges")
    .selectAll()
    .where("account_id", "=", accountId)
    .where("purpose", "=", purpose)
    .where("consumed_at", "is", null)
    .where("voided_at", "is", null)
    .where("locked_at", "is", null)
    .forUpdate()
    .executeTakeFirst();
}

/** Points a pending step-up challenge at the company its window was opened for last. */
export async function setChallengeCompany(trx: Trx, challengeId: string, companyId: string | null) {
  await trx
    .updateTable("verification_challenges")
    .set({ company_id: companyId })
    .where("id", "=", challengeId)
    .execute();
}

export async function findChallengeForUpdate(trx: Trx, challengeId: string) {
  return trx
    .selectFrom("verification_challenges")
    .selectAll()
    .where("id", "=", challengeId)
    .forUpdate()
    .executeTakeFirst();
}

export async function markChallengeConsumed(trx: Trx, challengeId: string, now: Date) {
  await trx
    .updateTable("verification_challenges")
    .set({ consumed_at: now })
    .where("id", "=", challengeId)
    .execute();
}

/** Counts one wrong try; the MAX_WRONG_TRIES-th also locks the challenge. Returns the new count. */
export async function recordWrongTry(
  trx: Trx,
  challengeId: string,
  maxTries: number,
  now: Date,
): Promise<number> {
  const row = await trx
    .updateTable("verification_challenges")
    .set((eb) => ({
      attempts: eb("attempts", "+", 1),
      locked_at: sql<Date | null>`CASE WHEN attempts >= ${maxTries - 1} THEN ${now}::timestamptz END`,
    }))
    .where("id", "=", challengeId)
    .where("attempts", "<", maxTries)
    .returning("attempts")
    .executeTakeFirstOrThrow();
  return row.attempts;
}

export async function findAccountAddresses(db: Kysely<DB>, accountId: string) {
  return db
    .selectFrom("accounts")
    .select(["id", "email", "name", "alternate_email", "language", "time_zone"])
    .where("id", "=", accountId)
    .executeTakeFirst();
}

export async function setAlternateEmail(trx: Trx, accountId: string, email: string) {
  await trx.updateTable("accounts").set({ alternate_email: email }).where("id", "=", accountId).execute();
}

export async function isActiveMember(db: Kysely<DB>, accountId: string, companyId: string) {
  const row = await db
    .selectFrom("members")
    .select("id")
    .where("account_id", "=", accountId)
    .where("company_id", "=", companyId)
    .where("status", "=", "active")
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Elevates the session until `until`: account-level changes in any case, and company actions in
 * `companyId` only (rule 7), when the step-up was asked in a company.
 */
export async function elevateSession(trx: Trx, sessionId: string, companyId: string | null, until: Date) {
  await trx.updateTable("sessions").set({ step_up_until: until }).where("id", "=", sessionId).execute();
  if (companyId === null) return;
  await trx
    .insertInto("session_elevations")
    .values({ session_id: sessionId, company_id: companyId, verified_until: until })
    .onConflict((conflict) =>
      conflict.columns(["session_id", "company_id"]).doUpdateSet({ verified_until: until }),
    )
    .execute();
}

/** A step-up challenge answered by a factor (a passkey): no mailed code, no target address. */
export async function insertFactorChallenge(
  trx: Trx,
  challenge: {
    id: string;
    accountId: string;
    sessionId: string;
    method: "passkey";
    companyId: string | null;
    createdAt: Date;
    expiresAt: Date;
  },
) {
  await trx
    .insertInto("verification_challenges")
    .values({
      id: challenge.id,
      account_id: challenge.accountId,
      session_id: challenge.sessionId,
      purpose: "step_up",
      method: challenge.method,
      company_id: challenge.companyId,
      created_at: challenge.createdAt,
      expires_at: challenge.expiresAt,
    })
    .execute();
}

/** How the caller's own challenge is answered, or null when it is not the caller's session's. */
export async function findOwnChallengeMethod(
  db: Kysely<DB>,
  challengeId: string,
  owner: { accountId: string; sessionId: string },
) {
  const row = await db
    .selectFrom("verification_challenges")
    .select("method")
    .where("id", "=", challengeId)
    .where("account_id", "=", owner.accountId)
    .where("session_id", "=", owner.sessionId)
    .executeTakeFirst();
  return row?.method ?? null;
}
