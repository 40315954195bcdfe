// Changing a password and resetting a forgotten one (rule 14, SECURITY 3, 5, 8, 17): one transaction
// each stores the new hash, ends the other sessions, writes the audit event and queues the notice mail.
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import type { Transaction } from "kysely";
import { deleteAccountSessions, rotateSessionToken } from "../access/session-queries.js";
import { hashSecretToken, looksLikeSecretToken, newSecretToken } from "../access/tokens.js";
import { recordRefusal } from "../audit/refusals.js";
import type { RequestMeta } from "../audit/writer.js";
import { recordAudit } from "../audit/writer.js";
import { PRODUCT_WORDS } from "../auth/accounts.js";
import { forgetLoginFailures, liftLoginLocks, openLoginGate, recordLoginFailure } from "../auth/lockout.js";
import { hashPassword, verifyPassword } from "../auth/passwords.js";
import { isPasswordLoginClosed } from "../auth/queries.js";
import { type AuthDeps, rateLimited } from "../auth/service.js";
import type { DB } from "../db/schema.js";
import { AppError } from "../errors.js";
import { canonicalizeEmail } from "../identity/email.js";
import { checkPassword } from "../identity/password-policy.js";
import { enqueueMail, recipientLocale } from "../mail/outbox.js";
import { mailLocaleOf } from "../mail/templates.js";
import { passwordChangedMail, passwordResetMail } from "./mails.js";
import {
  countResetTokensSince,
  findAccountCredentials,
  findOpenResetToken,
  insertResetToken,
  lockAccountByEmail,
  pruneResetTokens,
  redeemResetToken,
  setPasswordHash,
  voidOpenResetTokens,
} from "./queries.js";

export const RESET_TOKEN_LIFETIME_MS = 30 * 60_000;
/** Reset mails per account per hour; further requests are answered alike and mail nothing (no mail bombing). */
export const RESET_MAILS_PER_ACCOUNT_PER_HOUR = 5;
/**
 * A reset request answers no sooner than this after it arrived, so the few inserts that only a mailed
 * request makes cannot be timed to learn whether an account exists (SECURITY 5). Wall time, not the clock.
 */
export const RESET_REQUEST_MIN_MS = 100;
/** The web page that reads the token from the URL fragment; it sends Referrer-Policy: no-referrer. */
export const RESET_PAGE_PATH = "/reset-password";

const HOUR_MS = 60 * 60_000;
const DAY_MS = 24 * HOUR_MS;
// An id no account has. A request that mails nothing (unknown email, or over the hourly cap) runs the
// same statements against it, so only the token and outbox inserts tell the paths apart (OWASP: "the same
// logic is followed, instead of using a quick exit method").
const NO_ACCOUNT_ID = "00000000-0000-0000-0000-000000000000";

export type PasswordDeps = { auth: AuthDeps; publicUrl: string };

type Actor = { accountId: string; email: string };

/**
 * A new password's audit event and notice, in the transaction that stored it. The notice goes to
 * the primary address and to the alternate one, where the account's verification codes go: whoever
 * reads either learns of a change they did not make.
 */
async function recordNewPassword(
  trx: Transaction<DB>,
  deps: PasswordDeps,
  input: {
    how: "changed" | "reset";
    account: { id: string; email: string; alternate_email: string | null; name: string };
    actor: Actor;
    details: Record<string, unknown>;
    meta: RequestMeta;
    now: Date;
  },
): Promise<void> {
  const { account, now } = input;
  await recordAudit(trx, {
    action: input.how === "changed" ? "password.changed" : "password.reset",
    outcome: "success",
    actor: input.actor,
    target: { type: "account", id: account.id },
    details: input.details,
    meta: input.meta,
    at: now,
  });
  const mail = passwordChangedMail({
    locale: await recipientLocale(trx, account.id),
    name: account.name,
    how: input.how,
    at: now,
    loginUrl: `${deps.publicUrl}/login`,
  });
  for (const to of new Set([account.email, account.alternate_email ?? account.email])) {
    await enqueueMail(trx, { kind: "password_changed", to, mail, isSensitive: false }, now);
  }
}

function rejectPassword(password: string, email: string): void {
  const verdict = checkPassword(password, { email, extraWords: PRODUCT_WORDS });
  if (!verdict.ok) throw new AppError("password_rejected", verdict.message, { reason: verdict.code });
}

/**
 * Mails a reset link to the stored address of the account the email names, if there is one. The caller
 * answers the same whatever happens here: no mail is sent while the request waits (the outbox does it),
 * the paths run the same statements, and the answer is held back to RESET_REQUEST_MIN_MS.
 */
export async function requestPasswordReset(
  deps: PasswordDeps,
  input: { email: string; meta: RequestMeta },
): Promise<void> {
  const startedAt = performance.now();
  const { db, clock } = deps.auth;
  const now = clock.now();
  const canonical = canonicalizeEmail(input.email);
  // Judged on the text alone, so this answer says nothing about whether an account exists.
  if (!canonical.ok) throw new AppError("validation_failed", canonical.reason, { field: "email" });
  const token = newSecretToken();

  await db.transaction().execute(async (trx) => {
    const account = await lockAccountByEmail(trx, canonical.email);
    const issuedLastHour = await countResetTokensSince(
      trx,
      account?.id ?? NO_ACCOUNT_ID,
      new Date(now.getTime() - HOUR_MS),
    );
    const isCapped = issuedLastHour >= RESET_MAILS_PER_ACCOUNT_PER_HOUR;
    // "Require SSO": a password would not log in, so none is offered. Asked on every path alike.
    const isSsoRequired = await isPasswordLoginClosed(trx, {
      id: account?.id ?? NO_ACCOUNT_ID,
      email: canonical.email,
    });
    const mailedAccount = account && !isCapped && !isSsoRequired ? account : null;
    await pruneResetTokens(trx, mailedAccount?.id ?? NO_ACCOUNT_ID, new Date(now.getTime() - DAY_MS));
    await voidOpenResetTokens(trx, mailedAccount?.id ?? NO_ACCOUNT_ID, now);
    if (mailedAccount) {
      await insertResetToken(trx, {
        accountId: mailedAccount.id,
        tokenHash: hashSecretToken(token),
        now,
        expiresAt: new Date(now.getTime() + RESET_TOKEN_LIFETIME_MS),
      });
      // The fragment never reaches a server, a log or a Referer; the page reads it and posts it. The
      // language comes with the locked account row: a statement on this path alone would tell
      // existing accounts from unknown emails (rule 10).
      const resetUrl = `${deps.publicUrl}${RESET_PAGE_PATH}#token=${token}`;
      await enqueueMail(
        trx,
        {
          kind: "password_reset",
          // The stored canonical address, never the text of the request (SECURITY 8).
          to: mailedAccount.email,
          mail: passwordResetMail({
            locale: mailLocaleOf(mailedAccount),
            name: mailedAccount.name,
            resetUrl,
            validMinutes: RESET_TOKEN_LIFETIME_MS / 60_000,
          }),
          isSensitive: true,
        },
        now,
      );
    }
    await recordAudit(trx, {
      action: "password.reset_requested",
      outcome: !account ? "failure" : isCapped || isSsoRequired ? "denied" : "success",
      target: account ? { type: "account", id: account.id } : null,
      details: {
        email: canonical.email,
        accountExists: account !== undefined,
        mailed: mailedAccount !== null,
        ...(account && isCapped ? { reason: "hourly_mail_cap" } : {}),
        ...(account && !isCapped && isSsoRequired ? { reason: "sso_required" } : {}),
      },
      meta: input.meta,
      at: now,
    });
  });
  await sleep(Math.max(0, RESET_REQUEST_MIN_MS - (performance.now() - startedAt)));
}

/**
 * Sets a new password through a reset link. No session is created (SECURITY 8): the person logs in
 * afterwards, and every session the account had is over.
 */
export async function confirmPasswordReset(
  deps: PasswordDeps,
  input: { token: string; password: string; meta: RequestMeta },
): Promise<void> {
  const { db, clock } = deps.auth;
  const now = clock.now();
  const refuse = async (accountId: string | null) => {
    await recordAudit(db, {
      action: "password.reset_failed",
      outcome: "failure",
      target: accountId ? { type: "account", id: accountId } : null,
      details: { reason: "link_invalid_used_or_expired" },
      meta: input.meta,
      at: now,
    });
    return new AppError("reset_token_invalid");
  };

  if (!looksLikeSecretToken(input.token)) throw await refuse(null);
  const tokenHash = hashSecretToken(input.token);
  const account = await findOpenResetToken(db, tokenHash, now);
  if (!account) throw await refuse(null);
  // A rejected password leaves the link open, so the person can try a better one.
  rejectPassword(input.password, account.email);
  const passwordHash = await hashPassword(input.password);

  const isDone = await db.transaction().execute(async (trx) => {
    if (!(await redeemResetToken(trx, tokenHash, now))) return false;
    await setPasswordHash(trx, { accountId: account.accountId, passwordHash, now });
    await voidOpenResetTokens(trx, account.accountId, now);
    const sessionsEnded = await deleteAccountSessions(trx, account.accountId, null);
    // Whoever holds the mailbox is the owner: a login lock from someone else's guesses ends here.
    await liftLoginLocks(trx, { id: account.accountId, email: account.email });
    await recordNewPassword(trx, deps, {
      how: "reset",
      account: { ...account, id: account.accountId },
      actor: { accountId: account.accountId, email: account.email },
      details: { sessionsEnded },
      meta: input.meta,
      now,
    });
    return true;
  });
  // Another confirm of the same link won the race between our check and our update.
  if (!isDone) throw await refuse(account.accountId);
}

/**
 * Changes the caller's password, proven by the current one. A wrong current password counts as a
 * failed login from the request's device (known or not), so a stolen session cannot guess without limit.
 * Returns the caller's session's new token: it survives, rotated; every other session ends.
 */
export async function changePassword(
  deps: PasswordDeps,
  input: {
    caller: Actor & { sessionId: string };
    currentPassword: string;
    newPassword: string;
    /** The tokens of the request's known-device cookie. */
    deviceTokens: readonly string[];
    meta: RequestMeta;
  },
): Promise<{ token: string; expiresAt: Date }> {
  const { db, clock } = deps.auth;
  const now = clock.now();
  const actor: Actor = { accountId: input.caller.accountId, email: input.caller.email };
  const account = await findAccountCredentials(db, input.caller.accountId);
  if (!account) throw new AppError("unauthenticated");

  const gate = await openLoginGate(db, { email: account.email, deviceTokens: input.deviceTokens, now });
  const { lockedUntil } = gate;
  if (lockedUntil) {
    await recordRefusal(db, {
      action: "password.change_refused",
      actor,
      target: { type: "account", id: account.id },
      details: { reason: "login_locked" },
      meta: input.meta,
      at: now,
    });
    throw rateLimited(lockedUntil.getTime() - now.getTime());
  }
  if (!(await verifyPassword(account.password_hash, input.currentPassword))) {
    await recordLoginFailure(deps.auth, {
      publicUrl: deps.publicUrl,
      counter: gate.counter,
      email: account.email,
      accountId: account.id,
      meta: input.meta,
      now,
      failedAction: "password.change_refused",
      actor,
    });
    throw new AppError("current_password_incorrect");
  }
  if (input.newPassword === input.currentPassword) {
    throw new AppError("password_rejected", "The new password must differ from the current one.", {
      reason: "password_unchanged",
    });
  }
  rejectPassword(input.newPassword, account.email);
  const passwordHash = await hashPassword(input.newPassword);

  return db.transaction().execute(async (trx) => {
    const isStored = await setPasswordHash(trx, {
      accountId: account.id,
      passwordHash,
      now,
      expectedHash: account.password_hash,
    });
    if (!isStored)
      throw new AppError("conflict", "The password was changed meanwhile; reload and try again.");
    const sessionsEnded = await deleteAccountSessions(trx, account.id, input.caller.sessionId);
    const rotated = await rotateSessionToken(trx, input.caller.sessionId);
    if (!rotated) throw new AppError("unauthenticated");
    await voidOpenResetTokens(trx, account.id, now);
    await forgetLoginFailures(trx, gate.counter);
    await recordNewPassword(trx, deps, {
      how: "changed",
      account,
      actor,
      details: { otherSessionsEnded: sessionsEnded },
      meta: input.meta,
      now,
    });
    return rotated;
  });
}
