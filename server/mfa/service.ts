// Second factors of an account (SPEC §6.2): enrolling and confirming TOTP, listing, naming and
// removing factors, recovery codes, and the checks the login's second step and step-up call.
import type { Kysely, Transaction } from "kysely";
import { deleteAccountSessions } from "../access/session-queries.js";
import { type RequestMeta, recordAudit } from "../audit/writer.js";
import type { Clock } from "../clock.js";
import type { DB } from "../db/schema.js";
import { AppError } from "../errors.js";
import { type NameKind, requireName } from "../identity/names.js";
import { enqueueMail } from "../mail/outbox.js";
import { mailLocaleOf } from "../mail/templates.js";
import { type FactorChange, secondFactorChangedMail } from "./mails.js";
import {
  acceptTotpStep,
  companiesRequiringSecondFactor,
  consumeRecoveryCode,
  countUnusedRecoveryCodes,
  deleteAllSecondFactors,
  deleteFactor,
  deletePendingTotp,
  deleteRecoveryCodes,
  findAccountForNotice,
  findConfirmedTotpForUpdate,
  findFactor,
  findPendingTotpForUpdate,
  insertPendingTotp,
  listConfirmedFactors,
  lockConfirmedFactors,
  renameFactor,
  replaceRecoveryCodes,
} from "./queries.js";
import { hashRecoveryCode, newRecoveryCodes } from "./recovery-codes.js";
import { openSecret, sealSecret } from "./secret-box.js";
import { matchingTotpStep, newTotpSecret, totpUrl } from "./totp.js";

export type MfaDeps = { db: Kysely<DB>; clock: Clock; secretKey: Buffer };
export type MfaCaller = { accountId: string; email: string };

export const DEFAULT_TOTP_NAME = "Authenticator app";
export const FACTOR_NAME: NameKind = { field: "name", label: "Name", maxLength: 60 };

function actorOf(caller: MfaCaller) {
  return { accountId: caller.accountId, email: caller.email };
}

/** Mails the account's primary address, and its alternate one when set, that its factors changed. */
export async function mailFactorChange(
  trx: Transaction<DB>,
  accountId: string,
  change: FactorChange,
  now: Date,
): Promise<void> {
  const account = await findAccountForNotice(trx, accountId);
  if (!account) return;
  const mail = secondFactorChangedMail({
    locale: mailLocaleOf(account),
    name: account.name,
    change,
    at: now,
  });
  for (const to of new Set([account.email, account.alternate_email ?? account.email])) {
    await enqueueMail(trx, { kind: "second_factor_changed", to, mail, isSensitive: false }, now);
  }
}

/**
 * Starts a TOTP enrolment: a new secret, sealed at rest, returned this once with its otpauth URL.
 * The factor counts only once confirmed; an earlier unconfirmed enrolment is replaced.
 */
export async function startTotpEnrolment(
  deps: MfaDeps,
  caller: MfaCaller,
  input: { name?: string | undefined; meta: RequestMeta },
): Promise<{ secret: string; otpauthUrl: string }> {
  const now = deps.clock.now();
  const name = input.name === undefined ? DEFAULT_TOTP_NAME : requireName(input.name, FACTOR_NAME);
  const secret = newTotpSecret();
  await deps.db.transaction().execute(async (trx) => {
    await deletePendingTotp(trx, caller.accountId);
    const factor = await insertPendingTotp(trx, {
      accountId: caller.accountId,
      name,
      sealedSecret: sealSecret(deps.secretKey, secret, caller.accountId),
      now,
    });
    await recordAudit(trx, {
      action: "mfa.totp_enrolment_started",
      outcome: "success",
      actor: actorOf(caller),
      target: { type: "mfa_factor", id: factor.id },
      details: { name },
      meta: input.meta,
      at: now,
    });
  });
  return { secret, otpauthUrl: totpUrl(secret, caller.email) };
}

/** Issues a new set of recovery codes, voiding the old; returns the codes to show once. */
async function issueRecoveryCodes(trx: Transaction<DB>, accountId: string, now: Date): Promise<string[]> {
  const codes = newRecoveryCodes();
  await replaceRecoveryCodes(
    trx,
    accountId,
    codes.map((code) => hashRecoveryCode(accountId, code)),
    now,
  );
  return codes;
}

/**
 * Confirms the pending enrolment with a code from the app: the factor becomes active and a fresh set
 * of 10 recovery codes is issued (the previous set, if any, stops working), shown in this answer only.
 */
export async function confirmTotpEnrolment(
  deps: MfaDeps,
  caller: MfaCaller,
  input: { code: string; meta: RequestMeta },
): Promise<{ recoveryCodes: string[] }> {
  const now = deps.clock.now();
  const outcome = await deps.db.transaction().execute(async (trx) => {
    const pending = await findPendingTotpForUpdate(trx, caller.accountId);
    if (!pending?.totp_secret_sealed) return { kind: "none" as const };
    const secret = openSecret(deps.secretKey, pending.totp_secret_sealed, caller.accountId);
    const step = matchingTotpStep(secret, input.code, now, null);
    if (step === null) return { kind: "wrong" as const, factorId: pending.id };
    await acceptTotpStep(trx, pending.id, { step, now, confirm: true });
    const recoveryCodes = await issueRecoveryCodes(trx, caller.accountId, now);
    await recordAudit(trx, {
      action: "mfa.totp_confirmed",
      outcome: "success",
      actor: actorOf(caller),
      target: { type: "mfa_factor", id: pending.id },
      details: { name: pending.name, recoverySetIssued: true },
      meta: input.meta,
      at: now,
    });
    await mailFactorChange(trx, caller.accountId, { kind: "totp_added", factorName: pending.name }, now);
    return { kind: "confirmed" as const, recoveryCodes };
  });
  if (outcome.kind === "none") {
    throw new AppError("not_found", "No authenticator app is being set up; start the setup again.");
  }
  if (outcome.kind === "wrong") {
    await recordAudit(deps.db, {
      action: "mfa.totp_confirm_failed",
      outcome: "failure",
      actor: actorOf(caller),
      target: { type: "mfa_factor", id: outcome.factorId },
      meta: input.meta,
      at: now,
    });
    throw new AppError("invalid_code", "The code from the authenticator app is not correct.");
  }
  return { recoveryCodes: outcome.recoveryCodes };
}

export async function listFactors(db: Kysely<DB>, accountId: string) {
  const rows = await listConfirmedFactors(db, accountId);
  return {
    items: rows.map((row) => ({
      id: row.id,
      type: row.type,
      name: row.name,
      createdAt: row.created_at.toISOString(),
      lastUsedAt: row.last_used_at?.toISOString() ?? null,
    })),
  };
}

export async function renameOwnFactor(
  deps: MfaDeps,
  caller: MfaCaller,
  input: { factorId: string; name: string; meta: RequestMeta },
) {
  const now = deps.clock.now();
  const name = requireName(input.name, FACTOR_NAME);
  await deps.db.transaction().execute(async (trx) => {
    const factor = await findFactor(trx, caller.accountId, input.factorId);
    if (!factor) throw new AppError("not_found");
    await renameFactor(trx, factor.id, name);
    await recordAudit(trx, {
      action: "mfa.factor_renamed",
      outcome: "success",
      actor: actorOf(caller),
      target: { type: "mfa_factor", id: factor.id },
      details: { before: factor.name, after: name, type: factor.type },
      meta: input.meta,
      at: now,
    });
    await mailFactorChange(trx, caller.accountId, { kind: "factor_renamed", factorName: name }, now);
  });
  return listFactors(deps.db, caller.accountId);
}

/**
 * Removes one of the caller's factors. With the last one gone the recovery codes go too: they only
 * ever stand in for a factor at the login's second step, which an account without one never reaches.
 */
export async function removeOwnFactor(
  deps: MfaDeps,
  caller: MfaCaller,
  input: { factorId: string; meta: RequestMeta },
): Promise<void> {
  const now = deps.clock.now();
  // A refusal is audited in its own committed transaction, then answered.
  const refusal = await deps.db
    .transaction()
    .execute(async (trx): Promise<{ refusedFor: string[] } | null> => {
      const confirmed = await lockConfirmedFactors(trx, caller.accountId);
      const factor = await findFactor(trx, caller.accountId, input.factorId);
      if (!factor) throw new AppError("not_found");
      if (confirmed === 1) {
        const requiring = await companiesRequiringSecondFactor(trx, caller.accountId);
        if (requiring.length > 0) {
          await recordAudit(trx, {
            action: "mfa.factor_remove_refused",
            outcome: "denied",
            actor: actorOf(caller),
            target: { type: "mfa_factor", id: factor.id },
            details: { reason: "mfa_required_by_policy", companies: requiring },
            meta: input.meta,
            at: now,
          });
          return { refusedFor: requiring };
        }
      }
      await deleteFactor(trx, factor.id);
      const remaining = await listConfirmedFactors(trx, caller.accountId);
      if (remaining.length === 0) await deleteRecoveryCodes(trx, caller.accountId);
      await recordAudit(trx, {
        action: "mfa.factor_removed",
        outcome: "success",
        actor: actorOf(caller),
        target: { type: "mfa_factor", id: factor.id },
        details: { name: factor.name, type: factor.type, factorsLeft: remaining.length },
        meta: input.meta,
        at: now,
      });
      await mailFactorChange(trx, caller.accountId, { kind: "factor_removed", factorName: factor.name }, now);
      return null;
    });
  if (refusal) {
    throw new AppError(
      "mfa_required_by_policy",
      refusal.refusedFor.length === 1
        ? `${refusal.refusedFor.join(", ")} requires two-factor authentication: add another factor before removing this one.`
        : `${refusal.refusedFor.join(", ")} require two-factor authentication: add another factor before removing this one.`,
    );
  }
}

/** A new set of 10 recovery codes; the old ones die. Only for an account with a factor. */
export async function regenerateRecoveryCodes(
  deps: MfaDeps,
  caller: MfaCaller,
  input: { meta: RequestMeta },
): Promise<{ recoveryCodes: string[] }> {
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (trx) => {
    if ((await listConfirmedFactors(trx, caller.accountId)).length === 0)
      throw new AppError("mfa_not_enrolled");
    const recoveryCodes = await issueRecoveryCodes(trx, caller.accountId, now);
    await recordAudit(trx, {
      action: "mfa.recovery_codes_generated",
      outcome: "success",
      actor: actorOf(caller),
      target: { type: "account", id: caller.accountId },
      meta: input.meta,
      at: now,
    });
    await mailFactorChange(trx, caller.accountId, { kind: "recovery_codes_generated" }, now);
    return { recoveryCodes };
  });
}

/**
 * Checks a TOTP code against the account's confirmed authenticators, under their row locks, and
 * records the accepted step so it never passes again. Returns the factor it matched, or null.
 */
export async function acceptTotpCode(
  trx: Transaction<DB>,
  secretKey: Buffer,
  input: { accountId: string; code: string; now: Date },
): Promise<{ factorId: string } | null> {
  for (const factor of await findConfirmedTotpForUpdate(trx, input.accountId)) {
    if (!factor.totp_secret_sealed) continue;
    const secret = openSecret(secretKey, factor.totp_secret_sealed, input.accountId);
    const step = matchingTotpStep(secret, input.code, input.now, factor.totp_last_step);
    if (step !== null) {
      await acceptTotpStep(trx, factor.id, { step, now: input.now, confirm: false });
      return { factorId: factor.id };
    }
  }
  return null;
}

/**
 * Uses one recovery code of the account (single use: a conditional UPDATE). Returns how many unused
 * codes are left, or null when the code is not an unused one of this account. The typed code is
 * digested before the lookup, so the database compares digests, never the code.
 */
export async function redeemRecoveryCode(
  trx: Transaction<DB>,
  input: { accountId: string; code: string; now: Date },
): Promise<{ remaining: number } | null> {
  const isUsed = await consumeRecoveryCode(
    trx,
    input.accountId,
    hashRecoveryCode(input.accountId, input.code),
    input.now,
  );
  if (!isUsed) return null;
  return { remaining: await countUnusedRecoveryCodes(trx, input.accountId) };
}

/**
 * The operator's last resort (`npm run admin -- reset-mfa`): every factor and recovery code of the
 * account goes, its sessions end, and the account is told. Audited with no actor: the system did it.
 */
export async function resetSecondFactors(
  trx: Transaction<DB>,
  input: { accountId: string; now: Date },
): Promise<{ factorsRemoved: number; sessionsEnded: number }> {
  const factorsRemoved = await deleteAllSecondFactors(trx, input.accountId);
  const sessionsEnded = await deleteAccountSessions(trx, input.accountId, null);
  await recordAudit(trx, {
    action: "mfa.reset_by_operator",
    outcome: "success",
    actor: null,
    target: { type: "account", id: input.accountId },
    details: { factorsRemoved, sessionsEnded, via: "admin_cli" },
    meta: { ip: null, userAgent: null, requestId: null },
    at: input.now,
  });
  await mailFactorChange(trx, input.accountId, { kind: "reset_by_operator" }, input.now);
  return { factorsRemoved, sessionsEnded };
}
