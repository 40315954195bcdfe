// The life of one verification challenge (rule 7), whatever it is for: sending a code within the
// limits, and judging a submitted code under row locks, with audit events and mail in one transaction.
import { randomUUID } from "node:crypto";
import type { Kysely, Transaction } from "kysely";
import type { AuditAction } from "../audit/actions.js";
import { recordRefusal } from "../audit/refusals.js";
import { type RequestMeta, recordAudit } from "../audit/writer.js";
import type { Clock } from "../clock.js";
import type { DB, VerificationPurpose } from "../db/schema.js";
import { AppError } from "../errors.js";
import { maskEmail } from "../identity/email.js";
import { enqueueMail } from "../mail/outbox.js";
import type { RenderedMail } from "../mail/templates.js";
import {
  ACCOUNT_FAILURE_LIMIT,
  ACCOUNT_LOCK_MS,
  CODE_TTL_MS,
  hashVerificationCode,
  type IssueRefusalReason,
  isCorrectCode,
  issueRefusal,
  MAX_WRONG_TRIES,
  newVerificationCode,
  nextIssueAllowedAt,
} from "./codes.js";
import {
  findChallengeForUpdate,
  findOpenChallengeForUpdate,
  insertChallenge,
  lastIssuedAt,
  lockThrottle,
  markChallengeConsumed,
  pruneOldChallenges,
  recentIssueTimes,
  recordWrongTry,
  saveThrottle,
  setChallengeCompany,
  voidOpenChallenges,
} from "./queries.js";

export type VerificationDeps = { db: Kysely<DB>; clock: Clock };

/** The logged-in caller; a challenge belongs to this account and this session only. */
export type Caller = { accountId: string; email: string; sessionId: string };

export type IssuedChallenge = {
  challengeId: string;
  /** How the person answers: a mailed code, or a factor of theirs (SPEC §6.2). */
  method: "email" | "totp" | "passkey";
  /** Where the code went, masked; null when no mail was sent. */
  sentTo: string | null;
  sentAt: Date;
  expiresAt: Date;
  resendAvailableAt: Date;
};

export type Trx = Transaction<DB>;
export type Challenge = NonNullable<Awaited<ReturnType<typeof findChallengeForUpdate>>>;

// Audit actions per purpose. The success of an alternate-email challenge is the change it makes.
const ACTIONS: Record<
  VerificationPurpose,
  Record<"sent" | "refused" | "failed" | "locked" | "verified", AuditAction>
> = {
  step_up: {
    sent: "step_up.code_sent",
    refused: "step_up.code_refused",
    failed: "step_up.failed",
    locked: "step_up.locked",
    verified: "step_up.verified",
  },
  alternate_email: {
    sent: "alternate_email.code_sent",
    refused: "alternate_email.code_refused",
    failed: "alternate_email.failed",
    locked: "alternate_email.locked",
    verified: "alternate_email.changed",
  },
};

const REFUSAL_MESSAGES: Record<IssueRefusalReason, string> = {
  cooldown: "A code was sent less than a minute ago; wait before asking for another.",
  hourly_cap: "Too many codes were sent in the last hour; try again later.",
  account_locked: "Too many wrong codes: verification is paused for this account; try again later.",
};

const CHALLENGE_LOCKED_MESSAGE = "Too many wrong codes for this challenge; request a new code.";

function retryAfter(
  code: "rate_limited" | "too_many_attempts",
  message: string,
  ms: number,
  reason: string,
): AppError {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  return new AppError(
    code,
    message,
    { reason, retryAfterSeconds: seconds },
    { "retry-after": String(seconds) },
  );
}

function actorOf(caller: Caller) {
  return { accountId: caller.accountId, email: caller.email };
}

// ---- sending a code -------------------------------------------------------------------------

export type IssueInput = {
  caller: Caller;
  purpose: VerificationPurpose;
  targetEmail: string;
  /** The company a step-up code elevates once verified; null outside any company. */
  companyId: string | null;
  /**
   * The window asking again (reopened, not "Resend code"): the caller's pending code to the same
   * address is handed back, no mail sent, while it is valid and has tries left.
   */
  mayReusePending: boolean;
  render: (code: string) => RenderedMail;
  meta: RequestMeta;
  now: Date;
};

/** The caller's own pending challenge that the code they already got still verifies, if any. */
async function reusableChallenge(trx: Trx, input: IssueInput) {
  const pending = await findOpenChallengeForUpdate(trx, input.caller.accountId, input.purpose);
  const isReusable =
    pending !== undefined &&
    pending.session_id === input.caller.sessionId &&
    pending.method === "email" &&
    pending.target_email === input.targetEmail &&
    pending.expires_at.getTime() > input.now.getTime();
  return isReusable && pending.target_email !== null
    ? { ...pending, target_email: pending.target_email }
    : null;
}

/**
 * Sends a new code unless a limit refuses it; a new code voids the open one of the same purpose.
 * With `mayReusePending`, the pending code is handed back instead, so reopening the window within
 * the resend cooldown is not refused and the code already mailed keeps working.
 */
export async function issueChallenge(deps: VerificationDeps, input: IssueInput): Promise<IssuedChallenge> {
  const { caller, purpose, now } = input;
  const outcome = await deps.db.transaction().execute(async (trx) => {
    const throttle = await lockThrottle(trx, caller.accountId, now);
    const recent = await recentIssueTimes(trx, caller.accountId, now);
    const history = {
      lockedUntil: throttle.lockedUntil,
      lastSamePurposeAt: await lastIssuedAt(trx, caller.accountId, purpose),
      recentNewestFirst: recent,
    };
    const isAccountLocked = throttle.lockedUntil !== null && throttle.lockedUntil.getTime() > now.getTime();
    const pending = input.mayReusePending && !isAccountLocked ? await reusableChallenge(trx, input) : null;
    if (pending) {
      // The latest window says which company the code elevates.
      if (pending.company_id !== input.companyId) {
        await setChallengeCompany(trx, pending.id, input.companyId);
      }
      const next = nextIssueAllowedAt(history).at;
      return {
        issued: true as const,
        challenge: {
          challengeId: pending.id,
          method: "email" as const,
          sentTo: maskEmail(input.targetEmail),
          sentAt: pending.created_at,
          expiresAt: pending.expires_at,
          resendAvailableAt: new Date(Math.max(next.getTime(), now.getTime())),
        },
      };
    }
    const refusal = issueRefusal(history, now);
    if (refusal) {
      await recordRefusal(trx, {
        action: ACTIONS[purpose].refused,
        actor: actorOf(caller),
        details: { reason: refusal.reason, retryAfterSeconds: Math.ceil(refusal.retryAfterMs / 1000) },
        meta: input.meta,
        at: now,
      });
      return { issued: false as const, refusal };
    }

    const voided = await voidOpenChallenges(trx, caller.accountId, purpose, now);
    const challengeId = randomUUID();
    const code = newVerificationCode();
    const expiresAt = new Date(now.getTime() + CODE_TTL_MS);
    await insertChallenge(trx, {
      id: challengeId,
      accountId: caller.accountId,
      sessionId: caller.sessionId,
      purpose,
      companyId: input.companyId,
      method: "email",
      targetEmail: input.targetEmail,
      codeHash: hashVerificationCode(challengeId, code),
      createdAt: now,
      expiresAt,
    });
    await enqueueMail(
      trx,
      { kind: `${purpose}_code`, to: input.targetEmail, mail: input.render(code), isSensitive: true },
      now,
    );
    await recordAudit(trx, {
      action: ACTIONS[purpose].sent,
      outcome: "success",
      actor: actorOf(caller),
      target: { type: "verification_challenge", id: challengeId },
      details: {
        sentTo: input.targetEmail,
        expiresAt: expiresAt.toISOString(),
        replacedOpenChallenge: voided > 0,
      },
      meta: input.meta,
      at: now,
    });
    await pruneOldChallenges(trx, caller.accountId, now);
    const next = nextIssueAllowedAt({
      lockedUntil: null,
      lastSamePurposeAt: now,
      recentNewestFirst: [now, ...recent],
    });
    return {
      issued: true as const,
      challenge: {
        challengeId,
        method: "email" as const,
        sentTo: maskEmail(input.targetEmail),
        sentAt: now,
        expiresAt,
        resendAvailableAt: next.at,
      },
    };
  });
  if (!outcome.issued) {
    throw retryAfter(
      "rate_limited",
      REFUSAL_MESSAGES[outcome.refusal.reason],
      outcome.refusal.retryAfterMs,
      outcome.refusal.reason,
    );
  }
  return outcome.challenge;
}

// ---- asking for a factor ------------------------------------------------------------------

/**
 * A step-up challenge answered by one of the account's factors: nothing is mailed, so the mail limits
 * (cooldown, hourly cap) do not apply, while the account's lock after failed verifications does.
 * The caller's pending challenge of the same method is handed back, re-pointed at this company.
 */
export async function issueFactorChallenge(
  deps: VerificationDeps,
  input: {
    caller: Caller;
    method: "totp" | "passkey";
    companyId: string | null;
    meta: RequestMeta;
    now: Date;
  },
): Promise<IssuedChallenge> {
  const { caller, now } = input;
  const outcome = await deps.db.transaction().execute(async (trx) => {
    const throttle = await lockThrottle(trx, caller.accountId, now);
    if (throttle.lockedUntil && throttle.lockedUntil.getTime() > now.getTime()) {
      const retryAfterMs = throttle.lockedUntil.getTime() - now.getTime();
      await recordRefusal(trx, {
        action: ACTIONS.step_up.refused,
        actor: actorOf(caller),
        details: {
          reason: "account_locked",
          method: input.method,
          retryAfterSeconds: Math.ceil(retryAfterMs / 1000),
        },
        meta: input.meta,
        at: now,
      });
      return { issued: false as const, retryAfterMs };
    }
    const pending = await findOpenChallengeForUpdate(trx, caller.accountId, "step_up");
    const isReusable =
      pending !== undefined &&
      pending.session_id === caller.sessionId &&
      pending.method === input.method &&
      pending.expires_at.getTime() > now.getTime();
    if (pending && isReusable) {
      if (pending.company_id !== input.companyId) await setChallengeCompany(trx, pending.id, input.companyId);
      return {
        issued: true as const,
        challengeId: pending.id,
        sentAt: pending.created_at,
        expiresAt: pending.expires_at,
      };
    }
    await voidOpenChallenges(trx, caller.accountId, "step_up", now);
    const challengeId = randomUUID();
    const expiresAt = new Date(now.getTime() + CODE_TTL_MS);
    await insertChallenge(trx, {
      id: challengeId,
      accountId: caller.accountId,
      sessionId: caller.sessionId,
      purpose: "step_up",
      companyId: input.companyId,
      method: input.method,
      targetEmail: null,
      codeHash: null,
      createdAt: now,
      expiresAt,
    });
    await recordAudit(trx, {
      action: "step_up.factor_requested",
      outcome: "success",
      actor: actorOf(caller),
      target: { type: "verification_challenge", id: challengeId },
      details: { method: input.method, expiresAt: expiresAt.toISOString() },
      meta: input.meta,
      at: now,
    });
    await pruneOldChallenges(trx, caller.accountId, now);
    return { issued: true as const, challengeId, sentAt: now, expiresAt };
  });
  if (!outcome.issued) {
    throw retryAfter("rate_limited", REFUSAL_MESSAGES.account_locked, outcome.retryAfterMs, "account_locked");
  }
  return {
    challengeId: outcome.challengeId,
    method: input.method,
    sentTo: null,
    sentAt: outcome.sentAt,
    expiresAt: outcome.expiresAt,
    resendAvailableAt: now,
  };
}

// ---- verifying a code -----------------------------------------------------------------------

type VerifyOutcome<T> =
  | { kind: "verified"; result: T }
  | { kind: "not_found" }
  | { kind: "ended"; message: string; reason: string }
  | { kind: "challenge_locked" }
  | { kind: "account_locked"; retryAfterMs: number }
  | { kind: "wrong"; attemptsLeft: number };

export type VerifyInput<T> = {
  caller: Caller;
  purpose: VerificationPurpose;
  challengeId: string;
  code: string;
  meta: RequestMeta;
  now: Date;
  /**
   * Judges the answer to a challenge that mailed no code (a factor's), under the same locks; a
   * purpose without factors leaves it out and such a challenge never passes.
   */
  checkFactor?: (trx: Trx, challenge: Challenge) => Promise<boolean>;
  /** The purpose's effect, in the same transaction as consuming the code. */
  onVerified: (trx: Trx, challenge: Challenge) => Promise<T>;
};

/** Why a challenge can no longer be verified, or null while it is open and unexpired. */
function endedReason(challenge: Challenge, now: Date): { reason: string; message: string } | "locked" | null {
  if (challenge.consumed_at)
    return { reason: "used", message: "This code was already used; request a new one." };
  if (challenge.voided_at) {
    return {
      reason: "replaced",
      message: "A newer code replaced this one; use the newest code or request another.",
    };
  }
  if (challenge.locked_at) return "locked";
  if (challenge.expires_at.getTime() <= now.getTime()) {
    return { reason: "expired", message: "This code has expired; request a new one." };
  }
  return null;
}

/**
 * Checks a code against a challenge of the caller's own session. The account's throttle row and the
 * challenge row are locked first, so concurrent verifies are judged one after another: one right
 * code succeeds once, and wrong tries never exceed MAX_WRONG_TRIES.
 */
export async function verifyChallenge<T>(deps: VerificationDeps, input: VerifyInput<T>): Promise<T> {
  const { caller, purpose, now } = input;
  const audit = (
    trx: Trx,
    action: AuditAction,
    outcome: "success" | "denied" | "failure",
    details: Record<string, unknown>,
  ) =>
    recordAudit(trx, {
      action,
      outcome,
      actor: actorOf(caller),
      target: { type: "verification_challenge", id: input.challengeId },
      details,
      meta: input.meta,
      at: now,
    });

  const outcome = await deps.db.transaction().execute(async (trx): Promise<VerifyOutcome<T>> => {
    const throttle = await lockThrottle(trx, caller.accountId, now);
    const challenge = await findChallengeForUpdate(trx, input.challengeId);
    const isOwn =
      challenge?.account_id === caller.accountId &&
      challenge.session_id === caller.sessionId &&
      challenge.purpose === purpose;
    if (!challenge || !isOwn) {
      await audit(trx, ACTIONS[purpose].failed, "denied", { reason: "unknown_challenge" });
      return { kind: "not_found" };
    }
    if (throttle.lockedUntil && throttle.lockedUntil.getTime() > now.getTime()) {
      await audit(trx, ACTIONS[purpose].failed, "denied", { reason: "account_locked" });
      return { kind: "account_locked", retryAfterMs: throttle.lockedUntil.getTime() - now.getTime() };
    }
    const ended = endedReason(challenge, now);
    if (ended === "locked") {
      await audit(trx, ACTIONS[purpose].failed, "failure", { reason: "challenge_locked" });
      return { kind: "challenge_locked" };
    }
    if (ended) {
      await audit(trx, ACTIONS[purpose].failed, "failure", { reason: ended.reason });
      return { kind: "ended", ...ended };
    }

    const isCorrect =
      challenge.method === "email"
        ? challenge.code_hash !== null && isCorrectCode(challenge.id, input.code, challenge.code_hash)
        : ((await input.checkFactor?.(trx, challenge)) ?? false);
    if (isCorrect) {
      await markChallengeConsumed(trx, challenge.id, now);
      await saveThrottle(trx, caller.accountId, { consecutiveFailures: 0, lockedUntil: null }, now);
      const result = await input.onVerified(trx, challenge);
      await audit(trx, ACTIONS[purpose].verified, "success", {
        purpose,
        method: challenge.method,
        sentTo: challenge.target_email,
      });
      return { kind: "verified", result };
    }

    // A wrong code: counted on the challenge and on the account, whatever code came before.
    const attempts = await recordWrongTry(trx, challenge.id, MAX_WRONG_TRIES, now);
    const failures = throttle.consecutiveFailures + 1;
    const isAccountLocked = failures >= ACCOUNT_FAILURE_LIMIT;
    const lockedUntil = isAccountLocked ? new Date(now.getTime() + ACCOUNT_LOCK_MS) : null;
    // The count restarts with the lock, so the lock is temporary, never permanent.
    await saveThrottle(
      trx,
      caller.accountId,
      { consecutiveFailures: isAccountLocked ? 0 : failures, lockedUntil },
      now,
    );
    const attemptsLeft = MAX_WRONG_TRIES - attempts;
    if (isAccountLocked) {
      await audit(trx, ACTIONS[purpose].locked, "failure", {
        scope: "account",
        consecutiveFailures: failures,
        lockedUntil: lockedUntil?.toISOString(),
      });
      return { kind: "account_locked", retryAfterMs: ACCOUNT_LOCK_MS };
    }
    if (attemptsLeft === 0) {
      await audit(trx, ACTIONS[purpose].locked, "failure", {
        scope: "challenge",
        consecutiveFailures: failures,
      });
      return { kind: "challenge_locked" };
    }
    await audit(trx, ACTIONS[purpose].failed, "failure", {
      reason: "wrong_code",
      attemptsLeft,
      consecutiveFailures: failures,
    });
    return { kind: "wrong", attemptsLeft };
  });

  switch (outcome.kind) {
    case "verified":
      return outcome.result;
    case "not_found":
      throw new AppError("not_found", "No such verification challenge for this session.");
    case "ended":
      throw new AppError("challenge_expired", outcome.message, { reason: outcome.reason });
    case "challenge_locked":
      throw new AppError("too_many_attempts", CHALLENGE_LOCKED_MESSAGE, { reason: "challenge_locked" });
    case "account_locked":
      throw retryAfter(
        "too_many_attempts",
        REFUSAL_MESSAGES.account_locked,
        outcome.retryAfterMs,
        "account_locked",
      );
    case "wrong":
      throw new AppError("invalid_code", undefined, { attemptsLeft: outcome.attemptsLeft });
  }
}
