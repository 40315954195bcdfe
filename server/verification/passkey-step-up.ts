// Step-up answered with a passkey instead of a mailed code (rule 7, SPEC §6.2): the challenge row
// carries the elevation's company and session; the WebAuthn part lives in passkeys/step-up.ts.
import { randomUUID } from "node:crypto";
import type { PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import { rotateSessionToken } from "../access/session-queries.js";
import type { RequestMeta } from "../audit/writer.js";
import { recordAudit } from "../audit/writer.js";
import { AppError } from "../errors.js";
import { CEREMONY_TIMEOUT_MS, type RelyingParty } from "../passkeys/ceremony.js";
import type { AuthenticationResponse } from "../passkeys/schemas.js";
import { createStepUpOptions, verifyStepUpAssertion } from "../passkeys/step-up.js";
import type { Caller, VerificationDeps } from "./challenges.js";
import { ACCOUNT_FAILURE_LIMIT, ACCOUNT_LOCK_MS, ELEVATION_MS } from "./codes.js";
import {
  elevateSession,
  findChallengeForUpdate,
  insertFactorChallenge,
  lockThrottle,
  markChallengeConsumed,
  saveThrottle,
  voidOpenChallenges,
} from "./queries.js";

export type PasskeyChallenge = {
  challengeId: string;
  method: "passkey";
  options: PublicKeyCredentialRequestOptionsJSON;
  expiresAt: Date;
};

function lockedError(retryAfterMs: number): AppError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new AppError(
    "too_many_attempts",
    "Too many failed verifications: verification is paused for this account; try again later.",
    { reason: "account_locked", retryAfterSeconds: seconds },
    { "retry-after": String(seconds) },
  );
}

/** A new passkey challenge for this session, replacing the open one; no mail is sent. */
export async function requestPasskeyStepUp(
  deps: VerificationDeps,
  party: RelyingParty,
  caller: Caller,
  input: { companyId: string | null; meta: RequestMeta },
): Promise<PasskeyChallenge> {
  const now = deps.clock.now();
  const owner = { accountId: caller.accountId, sessionId: caller.sessionId };
  const outcome = await deps.db.transaction().execute(async (trx) => {
    const throttle = await lockThrottle(trx, caller.accountId, now);
    if (throttle.lockedUntil && throttle.lockedUntil.getTime() > now.getTime()) {
      return { kind: "locked" as const, retryAfterMs: throttle.lockedUntil.getTime() - now.getTime() };
    }
    await voidOpenChallenges(trx, caller.accountId, "step_up", now);
    const challengeId = randomUUID();
    const expiresAt = new Date(now.getTime() + CEREMONY_TIMEOUT_MS);
    await insertFactorChallenge(trx, {
      id: challengeId,
      ...owner,
      method: "passkey",
      companyId: input.companyId,
      createdAt: now,
      expiresAt,
    });
    const options = await createStepUpOptions(trx, party, owner, now);
    await recordAudit(trx, {
      action: "step_up.passkey_requested",
      outcome: "success",
      actor: { accountId: caller.accountId, email: caller.email },
      target: { type: "verification_challenge", id: challengeId },
      details: { method: "passkey", expiresAt: expiresAt.toISOString() },
      meta: input.meta,
      at: now,
    });
    return {
      kind: "issued" as const,
      challenge: { challengeId, method: "passkey" as const, options, expiresAt },
    };
  });
  if (outcome.kind === "locked") throw lockedError(outcome.retryAfterMs);
  return outcome.challenge;
}

/**
 * Verifies a passkey's answer to the caller's step-up challenge: the session is elevated as a mailed
 * code elevates it, and gets a new token. A refused answer ends the challenge (its WebAuthn challenge
 * is used up) and counts towards the account's consecutive failures.
 */
export async function verifyPasskeyStepUp(
  deps: VerificationDeps,
  party: RelyingParty,
  caller: Caller,
  input: { challengeId: string; assertion: AuthenticationResponse; meta: RequestMeta },
): Promise<{ verifiedUntil: Date; session: { token: string; expiresAt: Date } }> {
  const now = deps.clock.now();
  const owner = { accountId: caller.accountId, sessionId: caller.sessionId };
  const audit = (
    action: "step_up.verified" | "step_up.failed",
    outcome: "success" | "failure" | "denied",
    details: Record<string, unknown>,
  ) => ({
    action,
    outcome,
    actor: { accountId: caller.accountId, email: caller.email },
    target: { type: "verification_challenge", id: input.challengeId },
    details: { method: "passkey", ...details },
    meta: input.meta,
    at: now,
  });
  const outcome = await deps.db.transaction().execute(async (trx) => {
    const throttle = await lockThrottle(trx, caller.accountId, now);
    const challenge = await findChallengeForUpdate(trx, input.challengeId);
    const isOwn =
      challenge?.account_id === caller.accountId &&
      challenge.session_id === caller.sessionId &&
      challenge.purpose === "step_up" &&
      challenge.method === "passkey";
    if (!challenge || !isOwn) {
      await recordAudit(trx, audit("step_up.failed", "denied", { reason: "unknown_challenge" }));
      return { kind: "not_found" as const };
    }
    if (throttle.lockedUntil && throttle.lockedUntil.getTime() > now.getTime()) {
      await recordAudit(trx, audit("step_up.failed", "denied", { reason: "account_locked" }));
      return { kind: "locked" as const, retryAfterMs: throttle.lockedUntil.getTime() - now.getTime() };
    }
    const isEnded =
      challenge.consumed_at !== null ||
      challenge.voided_at !== null ||
      challenge.locked_at !== null ||
      challenge.expires_at.getTime() <= now.getTime();
    if (isEnded) {
      await recordAudit(trx, audit("step_up.failed", "failure", { reason: "ended" }));
      return { kind: "ended" as const };
    }
    if (!(await verifyStepUpAssertion(trx, party, owner, input.assertion, now))) {
      // The challenge ends with its WebAuthn part used up (at most one is open per account).
      await voidOpenChallenges(trx, caller.accountId, "step_up", now);
      const failures = throttle.consecutiveFailures + 1;
      const isAccountLocked = failures >= ACCOUNT_FAILURE_LIMIT;
      await saveThrottle(
        trx,
        caller.accountId,
        {
          consecutiveFailures: isAccountLocked ? 0 : failures,
          lockedUntil: isAccountLocked ? new Date(now.getTime() + ACCOUNT_LOCK_MS) : null,
        },
        now,
      );
      await recordAudit(
        trx,
        audit("step_up.failed", "failure", { reason: "assertion_refused", consecutiveFailures: failures }),
      );
      return { kind: "rejected" as const };
    }
    await markChallengeConsumed(trx, challenge.id, now);
    await saveThrottle(trx, caller.accountId, { consecutiveFailures: 0, lockedUntil: null }, now);
    const verifiedUntil = new Date(now.getTime() + ELEVATION_MS);
    await elevateSession(trx, caller.sessionId, challenge.company_id, verifiedUntil);
    const session = await rotateSessionToken(trx, caller.sessionId);
    if (!session) return { kind: "not_found" as const };
    await recordAudit(trx, audit("step_up.verified", "success", { purpose: "step_up" }));
    return { kind: "verified" as const, result: { verifiedUntil, session } };
  });
  switch (outcome.kind) {
    case "verified":
      return outcome.result;
    case "not_found":
      throw new AppError("not_found", "No such verification challenge for this session.");
    case "locked":
      throw lockedError(outcome.retryAfterMs);
    case "ended":
      throw new AppError("challenge_expired", "This verification has ended; start a new one.", {
        reason: "ended",
      });
    case "rejected":
      throw new AppError("passkey_rejected");
  }
}
