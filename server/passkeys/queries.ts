// SQL of passkeys: the account's passkey factors (mfa_factors of type 'passkey') and the single-use
// WebAuthn challenges. Rules and transactions live in service.ts and step-up.ts.
import type { Kysely, Transaction } from "kysely";
import type { DB } from "../db/schema.js";

type Db = Kysely<DB> | Transaction<DB>;
export type WebAuthnPurpose = "register" | "login" | "second_step" | "step_up";

export async function insertWebAuthnChallenge(
  db: Db,
  row: {
    accountId: string | null;
    sessionId: string | null;
    purpose: WebAuthnPurpose;
    challenge: string;
    now: Date;
    expiresAt: Date;
  },
): Promise<void> {
  await db
    .insertInto("webauthn_challenges")
    .values({
      account_id: row.accountId,
      session_id: row.sessionId,
      purpose: row.purpose,
      challenge: row.challenge,
      created_at: row.now,
      expires_at: row.expiresAt,
    })
    .execute();
}

/**
 * Uses up a challenge: one conditional UPDATE, so of two requests answering the same challenge only
 * one gets it. A login challenge belongs to nobody; the others to one account and one session.
 * Returns whether this request got it.
 */
export async function consumeWebAuthnChallenge(
  db: Db,
  input: {
    challenge: string;
    purpose: WebAuthnPurpose;
    owner: { accountId: string; sessionId: string } | null;
    now: Date;
  },
): Promise<boolean> {
  let update = db
    .updateTable("webauthn_challenges")
    .set({ used_at: input.now })
    .where("challenge", "=", input.challenge)
    .where("purpose", "=", input.purpose)
    .where("used_at", "is", null)
    .where("expires_at", ">", input.now);
  update = input.owner
    ? update.where("account_id", "=", input.owner.accountId).where("session_id", "=", input.owner.sessionId)
    : update.where("account_id", "is", null);
  const result = await update.executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Challenges are worth nothing once expired; each new one sweeps those. */
export async function pruneExpiredWebAuthnChallenges(db: Db, now: Date): Promise<void> {
  await db.deleteFrom("webauthn_challenges").where("expires_at", "<=", now).execute();
}

export async function listPasskeys(db: Db, accountId: string) {
  return db
    .selectFrom("mfa_factors")
    .select(["id", "name", "credential_id", "transports", "created_at", "last_used_at"])
    .where("account_id", "=", accountId)
    .where("type", "=", "passkey")
    .orderBy("created_at")
    .orderBy("id")
    .execute();
}

/** The passkey holding this credential id, locked so its counter moves one assertion at a time. */
export async function findPasskeyForUpdate(trx: Transaction<DB>, credentialId: string) {
  return trx
    .selectFrom("mfa_factors")
    .innerJoin("accounts", "accounts.id", "mfa_factors.account_id")
    .select([
      "mfa_factors.id",
      "mfa_factors.account_id",
      "mfa_factors.public_key",
      "mfa_factors.sign_count",
      "mfa_factors.transports",
      "accounts.email",
    ])
    .where("mfa_factors.type", "=", "passkey")
    .where("mfa_factors.credential_id", "=", credentialId)
    .forUpdate("mfa_factors")
    .executeTakeFirst();
}

export async function insertPasskey(
  trx: Transaction<DB>,
  row: {
    accountId: string;
    name: string;
    credentialId: string;
    publicKey: Uint8Array;
    signCount: number;
    transports: string[];
    now: Date;
  },
): Promise<string> {
  const inserted = await trx
    .insertInto("mfa_factors")
    .values({
      account_id: row.accountId,
      type: "passkey",
      name: row.name,
      credential_id: row.credentialId,
      public_key: Buffer.from(row.publicKey),
      sign_count: row.signCount,
      transports: row.transports,
      created_at: row.now,
      confirmed_at: row.now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return inserted.id;
}

export async function recordPasskeyUse(
  trx: Transaction<DB>,
  factorId: string,
  signCount: number,
  now: Date,
): Promise<void> {
  await trx
    .updateTable("mfa_factors")
    .set({ sign_count: signCount, last_used_at: now })
    .where("id", "=", factorId)
    .execute();
}
