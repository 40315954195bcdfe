// SQL of the known-device lockout: failure counters per known device (known_devices) and per email for
// unknown devices (login_throttle), and the unlock links mailed to a locked account's owner.
import type { Kysely, Transaction } from "kysely";
import type { DB } from "../db/schema.js";

type Executor = Kysely<DB> | Transaction<DB>;

export type LiveDevice = {
  id: string;
  token_hash: string;
  account_id: string;
  email: string;
  locked_until: Date | null;
};

/** The unexpired devices among these token hashes, with the canonical email of their account. */
export async function findLiveDevices(db: Executor, tokenHashes: readonly string[], now: Date) {
  if (tokenHashes.length === 0) return [];
  return db
    .selectFrom("known_devices")
    .innerJoin("accounts", "accounts.id", "known_devices.account_id")
    .select([
      "known_devices.id",
      "known_devices.token_hash",
      "known_devices.account_id",
      "accounts.email",
      "known_devices.locked_until",
    ])
    .where("known_devices.token_hash", "in", tokenHashes)
    .where("known_devices.expires_at", ">", now)
    .execute() satisfies Promise<LiveDevice[]>;
}

export async function findUnknownDevicesLock(db: Executor, email: string): Promise<Date | null> {
  const row = await db
    .selectFrom("login_throttle")
    .select("locked_until")
    .where("email", "=", email)
    .executeTakeFirst();
  return row?.locked_until ?? null;
}

/** One more consecutive failure of a known device; returns the new count. */
export async function countKnownDeviceFailure(trx: Transaction<DB>, deviceId: string) {
  const row = await trx
    .updateTable("known_devices")
    .set((eb) => ({ consecutive_failures: eb("consecutive_failures", "+", 1) }))
    .where("id", "=", deviceId)
    .returning("consecutive_failures")
    .executeTakeFirst();
  // A device deleted meanwhile (its browser redeemed an unlock link) has nothing left to lock.
  return row?.consecutive_failures ?? 0;
}

/** One more consecutive failure of the unknown devices of an email; returns the new count. */
export async function countUnknownDevicesFailure(trx: Transaction<DB>, email: string, now: Date) {
  const row = await trx
    .insertInto("login_throttle")
    .values({ email, consecutive_failures: 1, updated_at: now })
    .onConflict((conflict) =>
      conflict.column("email").doUpdateSet((eb) => ({
        consecutive_failures: eb("login_throttle.consecutive_failures", "+", 1),
        updated_at: now,
      })),
    )
    .returning("consecutive_failures")
    .executeTakeFirstOrThrow();
  return row.consecutive_failures;
}

/** Locks a known device until `until`; the count restarts, so the lock is never permanent. */
export async function lockKnownDevice(trx: Transaction<DB>, deviceId: string, until: Date) {
  await trx
    .updateTable("known_devices")
    .set({ consecutive_failures: 0, locked_until: until })
    .where("id", "=", deviceId)
    .execute();
}

export async function lockUnknownDevices(trx: Transaction<DB>, email: string, until: Date) {
  await trx
    .updateTable("login_throttle")
    .set({ consecutive_failures: 0, locked_until: until })
    .where("email", "=", email)
    .execute();
}

export async function clearKnownDeviceFailures(db: Executor, deviceId: string) {
  await db
    .updateTable("known_devices")
    .set({ consecutive_failures: 0, locked_until: null })
    .where("id", "=", deviceId)
    .execute();
}

/** Forgets the consecutive failures (and any lock) of the unknown devices of an email. */
export async function clearUnknownDevicesFailures(db: Executor, email: string) {
  await db.deleteFrom("login_throttle").where("email", "=", email).execute();
}

export async function clearAllKnownDeviceFailures(db: Executor, accountId: string) {
  await db
    .updateTable("known_devices")
    .set({ consecutive_failures: 0, locked_until: null })
    .where("account_id", "=", accountId)
    .where((eb) => eb.or([eb("consecutive_failures", ">", 0), eb("locked_until", "is not", null)]))
    .execute();
}

/** A successful login from this device: known for another full lifetime, its count restarted. */
export async function renewKnownDevice(trx: Transaction<DB>, deviceId: string, now: Date, expiresAt: Date) {
  await trx
    .updateTable("known_devices")
    .set({
      last_login_at: now,
      expires_at: expiresAt,
      is_unlock_pass: false,
      consecutive_failures: 0,
      locked_until: null,
    })
    .where("id", "=", deviceId)
    .execute();
}

export async function insertKnownDevice(
  trx: Transaction<DB>,
  input: { accountId: string; tokenHash: string; now: Date; expiresAt: Date; isUnlockPass: boolean },
) {
  // Expired devices of the account go when a new one comes, so the table holds only live ones and a few.
  await trx
    .deleteFrom("known_devices")
    .where("account_id", "=", input.accountId)
    .where("expires_at", "<=", input.now)
    .execute();
  await trx
    .insertInto("known_devices")
    .values({
      account_id: input.accountId,
      token_hash: input.tokenHash,
      created_at: input.now,
      expires_at: input.expiresAt,
      last_login_at: input.isUnlockPass ? null : input.now,
      is_unlock_pass: input.isUnlockPass,
    })
    .execute();
}

export async function deleteKnownDevices(trx: Transaction<DB>, deviceIds: readonly string[]) {
  if (deviceIds.length === 0) return;
  await trx.deleteFrom("known_devices").where("id", "in", deviceIds).execute();
}

export async function insertUnlockLink(
  trx: Transaction<DB>,
  input: { accountId: string; tokenHash: string; now: Date; expiresAt: Date },
) {
  await trx
    .deleteFrom("login_unlock_links")
    .where("account_id", "=", input.accountId)
    .where("expires_at", "<=", input.now)
    .execute();
  await trx
    .insertInto("login_unlock_links")
    .values({
      account_id: input.accountId,
      token_hash: input.tokenHash,
      created_at: input.now,
      expires_at: input.expiresAt,
    })
    .execute();
}

/** Marks an open link used; the account it unlocks, or undefined when it was unknown, used or expired. */
export async function redeemUnlockLink(trx: Transaction<DB>, tokenHash: string, now: Date) {
  return trx
    .updateTable("login_unlock_links")
    .set({ used_at: now })
    .where("token_hash", "=", tokenHash)
    .where("used_at", "is", null)
    .where("expires_at", ">", now)
    .returning("account_id")
    .executeTakeFirst();
}

export async function findAccountEmail(db: Executor, accountId: string) {
  return db.selectFrom("accounts").select(["id", "email"]).where("id", "=", accountId).executeTakeFirst();
}
