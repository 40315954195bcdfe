// The login's second step (SPEC §6.2): a correct password for an account with a factor gives a
// short session good only for this step; a TOTP or recovery code then makes the real session.
// Five wrong codes end that session, and each wrong code counts on the known-device lockout (rule 14).
import type { Transaction } from "kysely";
import {
  createSession,
  deleteSession,
  lockSecondStepSession,
  saveSecondStepFailures,
} from "../access/session-queries.js";
import { recordRefusal } from "../audit/refusals.js";
import { type RequestMeta, recordAudit } from "../audit/writer.js";
import type { DB } from "../db/schema.js";
import { AppError } from "../errors.js";
import { countActiveMemberships, shareLockAccount } from "../members/queries.js";
import { confirmedFactorTypes, countUnusedRecoveryCodes } from "../mfa/queries.js";
import { acceptTotpCode, mailFactorChange, redeemRecoveryCode } from "../mfa/service.js";
import { openFullSession } from "./full-session.js";
import { forgetLoginFailures, openLoginGate, recordLoginFailure } from "./lockout.js";
import { type LoginDeps, type LoginResult, rateLimited } from "./service.js";

/** Wrong codes one second-step session may take; the next login starts a new count. */
export const SECOND_STEP_MAX_FAILURES = 5;
/** How long the password's session waits for the second step. */
export const SECOND_STEP_LIFETIME_MS = 10 * 60_000;

export type SecondStepMethod = "totp" | "passkey" | "recovery_code";

/** The ways this account can finish the second step, strongest first. */
async function secondStepMethods(trx: Transaction<DB>, accountId: string): Promise<SecondStepMethod[]> {
  const types = await confirmedFactorTypes(trx, accountId);
  const methods: SecondStepMethod[] = [];
  if (types.has("passkey")) methods.push("passkey");
  if (types.has("totp")) methods.push("totp");
  if ((await countUnusedRecoveryCodes(trx, accountId)) > 0) methods.push("recovery_code");
  return methods;
}

/** Inside the login's transaction, once the password is right: the session that awaits the factor. */
export async function startSecondStep(
  trx: Transaction<DB>,
  input: {
    account: { id: string; email: string };
    meta: RequestMeta;
    now: Date;
    deviceTokens: string[];
  },
): Promise<LoginResult> {
  const { account, now } = input;
  const created = await createSession(trx, {
    accountId: account.id,
    ip: input.meta.ip,
    userAgent: input.meta.userAgent,
    now,
    policy: { idleMs: SECOND_STEP_LIFETIME_MS, absoluteMs: SECOND_STEP_LIFETIME_MS },
    stage: "second_step",
  });
  const methods = await secondStepMethods(trx, account.id);
  await recordAudit(trx, {
    action: "auth.second_step_required",
    outcome: "success",
    actor: { accountId: account.id, email: account.email },
    target: { type: "account", id: account.id },
    details: { methods },
    meta: input.meta,
    at: now,
  });
  return {
    token: created.token,
    accountId: account.id,
    expiresAt: created.expiresAt,
    deviceTokens: input.deviceTokens,
    secondStep: { methods },
  };
}

type Judged =
  | { kind: "passed"; token: string; expiresAt: Date; deviceTokens: string[] }
  | { kind: "wrong"; attemptsLeft: number }
  | { kind: "ended" }
  | { kind: "gone" };

/**
 * Finishes the second step with a TOTP code or a recovery code. The right code replaces the
 * second-step session by a full one with a new token (rule 16) and makes the device known; a wrong
 * one counts on the session (5 end it) and on the login failure counter of the device (rule 14).
 */
export async function completeSecondStep(
  deps: LoginDeps & { mfaSecretKey: Buffer },
  input: {
    caller: { sessionId: string; accountId: string; email: string };
    method: "totp" | "recovery_code";
    code: string;
    deviceTokens: readonly string[];
    meta: RequestMeta;
  },
): Promise<{ token: string; expiresAt: Date; deviceTokens: string[] }> {
  const { caller, meta } = input;
  const now = deps.clock.now();
  const actor = { accountId: caller.accountId, email: caller.email };
  const gate = await openLoginGate(deps.db, { email: caller.email, deviceTokens: input.deviceTokens, now });
  if (gate.lockedUntil) {
    await recordRefusal(deps.db, {
      action: "auth.login_rate_limited",
      actor,
      details: { email: caller.email, scope: gate.counter.kind, step: "second_step" },
      meta,
      at: now,
    });
    throw rateLimited(gate.lockedUntil.getTime() - now.getTime());
  }

  const judged = await deps.db.transaction().execute(async (trx): Promise<Judged> => {
    const session = await lockSecondStepSession(trx, caller.sessionId);
    if (!session) return { kind: "gone" };
    const isRight =
      input.method === "totp"
        ? (await acceptTotpCode(trx, deps.mfaSecretKey, {
            accountId: caller.accountId,
            code: input.code,
            now,
          })) !== null
        : await passRecoveryCode(trx, { ...input, now });
    if (!isRight) {
      const failures = session.failures + 1;
      if (failures >= SECOND_STEP_MAX_FAILURES) {
        await deleteSession(trx, caller.sessionId);
        await recordAudit(trx, {
          action: "auth.second_step_ended",
          outcome: "failure",
          actor,
          target: { type: "account", id: caller.accountId },
          details: { method: input.method, failures },
          meta,
          at: now,
        });
        return { kind: "ended" };
      }
      await saveSecondStepFailures(trx, caller.sessionId, failures);
      return { kind: "wrong", attemptsLeft: SECOND_STEP_MAX_FAILURES - failures };
    }

    // Rule 9 again: a deactivation may have come between the password and the code.
    await shareLockAccount(trx, caller.accountId);
    await deleteSession(trx, caller.sessionId);
    if ((await countActiveMemberships(trx, caller.accountId)) === 0) return { kind: "gone" };
    await forgetLoginFailures(trx, gate.counter);
    // The second-step session was deleted above, under the lock: nothing else to end.
    const opened = await openFullSession(trx, {
      account: { id: caller.accountId, email: caller.email },
      previousSession: null,
      deviceTokens: input.deviceTokens,
      policy: deps.sessionPolicy,
      details: {
        device: gate.counter.kind === "known_device" ? "known" : "unknown",
        secondFactor: input.method,
      },
      meta,
      now,
    });
    return {
      kind: "passed",
      token: opened.token,
      expiresAt: opened.expiresAt,
      deviceTokens: opened.deviceTokens,
    };
  });

  switch (judged.kind) {
    case "passed":
      return judged;
    case "gone":
      throw new AppError("unauthenticated");
    case "ended":
    case "wrong":
      await recordLoginFailure(deps, {
        publicUrl: deps.publicUrl,
        counter: gate.counter,
        email: caller.email,
        accountId: caller.accountId,
        meta,
        now,
        failedAction: "auth.second_step_failed",
        actor,
      });
      if (judged.kind === "ended") {
        throw new AppError("unauthenticated", "Too many wrong codes: log in again.", {
          reason: "second_step_ended",
        });
      }
      throw new AppError("invalid_code", undefined, { attemptsLeft: judged.attemptsLeft });
  }
}

/** A recovery code passes once; its use is audited and mailed, as the account is left with fewer. */
async function passRecoveryCode(
  trx: Transaction<DB>,
  input: { caller: { accountId: string; email: string }; code: string; meta: RequestMeta; now: Date },
): Promise<boolean> {
  const used = await redeemRecoveryCode(trx, {
    accountId: input.caller.accountId,
    code: input.code,
    now: input.now,
  });
  if (!used) return false;
  await recordAudit(trx, {
    action: "mfa.recovery_code_used",
    outcome: "success",
    actor: { accountId: input.caller.accountId, email: input.caller.email },
    target: { type: "account", id: input.caller.accountId },
    details: { unusedLeft: used.remaining },
    meta: input.meta,
    at: input.now,
  });
  await mailFactorChange(
    trx,
    input.caller.accountId,
    { kind: "recovery_code_used", remaining: used.remaining },
    input.now,
  );
  return true;
}
