// Step-up verification (rule 7) and the alternate email its codes go to: one function per use case,
// each built on the challenge life cycle in challenges.ts (one transaction, audit and mail inside).

import { rotateSessionToken } from "../access/session-queries.js";
import type { RequestMeta } from "../audit/writer.js";
import { AppError } from "../errors.js";
import { canonicalizeEmail, maskEmail } from "../identity/email.js";
import { enqueueMail } from "../mail/outbox.js";
import { mailLocaleOf } from "../mail/templates.js";
import { confirmedFactorTypes } from "../mfa/queries.js";
import { acceptTotpCode } from "../mfa/service.js";
import type { RelyingParty } from "../passkeys/ceremony.js";
import {
  type Caller,
  type IssuedChallenge,
  issueChallenge,
  issueFactorChallenge,
  type VerificationDeps,
  verifyChallenge,
} from "./challenges.js";
import { ELEVATION_MS } from "./codes.js";
import { alternateEmailChangedMail, alternateEmailCodeMail, stepUpCodeMail } from "./mails.js";
import { type PasskeyChallenge, requestPasskeyStepUp } from "./passkey-step-up.js";
import { elevateSession, findAccountAddresses, isActiveMember, setAlternateEmail } from "./queries.js";

export type { Caller, IssuedChallenge, VerificationDeps };

async function loadAccount(deps: VerificationDeps, accountId: string) {
  const account = await findAccountAddresses(deps.db, accountId);
  if (!account) throw new AppError("unauthenticated");
  return account;
}

/** Verification that can also judge an account's factors: TOTP secrets are sealed under this key. */
export type StepUpDeps = VerificationDeps & { mfaSecretKey: Buffer };

export type StepUpMethod = IssuedChallenge["method"];

/**
 * The strongest factor the account has (SPEC §6.2): passkey, else TOTP, else a mailed code. A
 * passkey counts only where the caller can run the passkey ceremony (`hasPasskeyVerifier`: the
 * routes know the relying party); otherwise an account with a passkey and an authenticator app steps
 * up with the app, and one with a passkey alone by mail.
 */
export function strongestStepUpMethod(
  factorTypes: ReadonlySet<"totp" | "passkey">,
  hasPasskeyVerifier: boolean,
): StepUpMethod {
  if (factorTypes.has("passkey") && hasPasskeyVerifier) return "passkey";
  if (factorTypes.has("totp")) return "totp";
  return "email";
}

/**
 * Asks for a step-up by the strongest factor of the account, else mails a code to the stored
 * alternate email, else the primary one; never to a given address. The verification elevates the
 * session in `companyId` only (rule 7), or, without one, for account-level changes only. Unless
 * `resend`, the caller's pending challenge is handed back rather than a new one made.
 */
export async function requestStepUpCode(
  deps: VerificationDeps,
  caller: Caller,
  input: { companyId: string | null; resend: boolean; meta: RequestMeta; passkeyParty?: RelyingParty },
): Promise<IssuedChallenge | PasskeyChallenge> {
  // Not an active member there: as if the company did not exist (rule 3).
  if (input.companyId !== null && !(await isActiveMember(deps.db, caller.accountId, input.companyId))) {
    throw new AppError("not_found");
  }
  // Passkey first, the strongest factor (SPEC §6.2): answered in the browser, no mail; then the
  // authenticator app; else a mailed code.
  const method = strongestStepUpMethod(
    await confirmedFactorTypes(deps.db, caller.accountId),
    input.passkeyParty !== undefined,
  );
  if (method === "passkey" && input.passkeyParty) {
    return requestPasskeyStepUp(deps, input.passkeyParty, caller, input);
  }
  if (method !== "email") {
    return issueFactorChallenge(deps, {
      caller,
      method,
      companyId: input.companyId,
      meta: input.meta,
      now: deps.clock.now(),
    });
  }
  const account = await loadAccount(deps, caller.accountId);
  return issueChallenge(deps, {
    caller,
    purpose: "step_up",
    targetEmail: account.alternate_email ?? account.email,
    companyId: input.companyId,
    mayReusePending: !input.resend,
    render: (code) => stepUpCodeMail({ locale: mailLocaleOf(account), name: account.name, code }),
    meta: input.meta,
    now: deps.clock.now(),
  });
}

/**
 * Verifies a step-up code: the session is elevated for ELEVATION_MS in the company the code was
 * asked for (and for account-level changes) and gets a new token (rule 16).
 */
export async function verifyStepUpCode(
  deps: StepUpDeps,
  caller: Caller,
  input: { challengeId: string; code: string; meta: RequestMeta },
): Promise<{ verifiedUntil: Date; session: { token: string; expiresAt: Date } }> {
  const now = deps.clock.now();
  return verifyChallenge(deps, {
    caller,
    purpose: "step_up",
    ...input,
    now,
    checkFactor: async (trx, challenge) => {
      switch (challenge.method) {
        case "totp":
          return (
            (await acceptTotpCode(trx, deps.mfaSecretKey, {
              accountId: caller.accountId,
              code: input.code,
              now,
            })) !== null
          );
        case "passkey":
          // The passkey branch: judged by the WebAuthn assertion once the passkeys module supplies it.
          return false;
        default:
          return false;
      }
    },
    onVerified: async (trx, challenge) => {
      const verifiedUntil = new Date(now.getTime() + ELEVATION_MS);
      await elevateSession(trx, caller.sessionId, challenge.company_id, verifiedUntil);
      const session = await rotateSessionToken(trx, caller.sessionId);
      if (!session) throw new AppError("unauthenticated");
      return { verifiedUntil, session };
    },
  });
}

/** Mails a code to a new alternate email; the address is set only once that code comes back. */
export async function requestAlternateEmailCode(
  deps: VerificationDeps,
  caller: Caller,
  input: { email: string; meta: RequestMeta },
) {
  const canonical = canonicalizeEmail(input.email);
  if (!canonical.ok) throw new AppError("validation_failed", canonical.reason, { field: "email" });
  const account = await loadAccount(deps, caller.accountId);
  if (canonical.email === account.email) {
    throw new AppError("validation_failed", "This is your primary email; choose a different address.", {
      field: "email",
    });
  }
  return issueChallenge(deps, {
    caller,
    purpose: "alternate_email",
    targetEmail: canonical.email,
    companyId: null,
    mayReusePending: false,
    render: (code) => alternateEmailCodeMail({ locale: mailLocaleOf(account), name: account.name, code }),
    meta: input.meta,
    now: deps.clock.now(),
  });
}

/** Verifies the code sent to a new alternate email, stores it, and tells the account's addresses. */
export async function verifyAlternateEmailCode(
  deps: VerificationDeps,
  caller: Caller,
  input: { challengeId: string; code: string; meta: RequestMeta },
): Promise<{ alternateEmail: string }> {
  const now = deps.clock.now();
  return verifyChallenge(deps, {
    caller,
    purpose: "alternate_email",
    ...input,
    now,
    onVerified: async (trx, challenge) => {
      const account = await findAccountAddresses(trx, caller.accountId);
      if (!account) throw new AppError("unauthenticated");
      const newAddress = challenge.target_email;
      if (newAddress === null) throw new AppError("not_found");
      await setAlternateEmail(trx, caller.accountId, newAddress);
      const notice = alternateEmailChangedMail({
        locale: mailLocaleOf(account),
        name: account.name,
        maskedAddress: maskEmail(newAddress),
        at: now,
      });
      // The primary address, the replaced alternate one and the new one all learn of the change
      // (SECURITY 3): whoever reads any of them and did not make it can act.
      const recipients = new Set([account.email, account.alternate_email ?? account.email, newAddress]);
      for (const to of recipients) {
        await enqueueMail(
          trx,
          { kind: "alternate_email_changed", to, mail: notice, isSensitive: false },
          now,
        );
      }
      return { alternateEmail: newAddress };
    },
  });
}
