// Passkeys (SPEC §6.2): registering one on the account, and logging in with one instead of a
// password. Each use case is one function and one transaction; every WebAuthn challenge works once.
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from "@simplewebauthn/server";
import type { Kysely } from "kysely";
import type { RequestContext, SessionPolicy } from "../access/session-queries.js";
import { recordRefusal } from "../audit/refusals.js";
import { type RequestMeta, recordAudit } from "../audit/writer.js";
import { openFullSession } from "../auth/full-session.js";
import type { Clock } from "../clock.js";
import { isUniqueViolation } from "../db/error-kinds.js";
import type { DB } from "../db/schema.js";
import { AppError } from "../errors.js";
import { requireName } from "../identity/names.js";
import { enqueueMail } from "../mail/outbox.js";
import { mailLocaleOf } from "../mail/templates.js";
import { countActiveMemberships, shareLockAccount } from "../members/queries.js";
import {
  CEREMONY_TIMEOUT_MS,
  challengeOf,
  checkAssertion,
  checkRegistration,
  type RelyingParty,
  registrationOptions,
  requestOptions,
} from "./ceremony.js";
import { passkeyAddedMail } from "./mails.js";
import {
  consumeWebAuthnChallenge,
  findPasskeyForUpdate,
  insertPasskey,
  insertWebAuthnChallenge,
  listPasskeys,
  pruneExpiredWebAuthnChallenges,
  recordPasskeyUse,
  type WebAuthnPurpose,
} from "./queries.js";
import type { AuthenticationResponse, RegistrationResponse } from "./schemas.js";

export type PasskeyDeps = {
  db: Kysely<DB>;
  clock: Clock;
  sessionPolicy: SessionPolicy;
  publicUrl: string;
  party: RelyingParty;
};

const PASSKEY_NAME = { field: "name", label: "Passkey name", maxLength: 60 };

/** Keeps a new challenge for one ceremony, sweeping expired ones. */
export async function storeChallenge(
  db: Kysely<DB>,
  input: {
    challenge: string;
    purpose: WebAuthnPurpose;
    owner: { accountId: string; sessionId: string } | null;
    now: Date;
  },
): Promise<void> {
  await pruneExpiredWebAuthnChallenges(db, input.now);
  await insertWebAuthnChallenge(db, {
    accountId: input.owner?.accountId ?? null,
    sessionId: input.owner?.sessionId ?? null,
    purpose: input.purpose,
    challenge: input.challenge,
    now: input.now,
    expiresAt: new Date(input.now.getTime() + CEREMONY_TIMEOUT_MS),
  });
}

export async function listOwnPasskeys(db: Kysely<DB>, accountId: string) {
  const rows = await listPasskeys(db, accountId);
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    createdAt: row.created_at.toISOString(),
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
  }));
}

/** Registration options for the caller's account; its own passkeys are excluded from a second registration. */
export async function startPasskeyRegistration(deps: PasskeyDeps, caller: RequestContext) {
  const now = deps.clock.now();
  const existing = await listPasskeys(deps.db, caller.accountId);
  const options = await registrationOptions(
    deps.party,
    { id: caller.accountId, email: caller.email, name: caller.name },
    existing.map((row) => ({ credentialId: row.credential_id ?? "", transports: row.transports })),
  );
  await storeChallenge(deps.db, {
    challenge: options.challenge,
    purpose: "register",
    owner: { accountId: caller.accountId, sessionId: caller.sessionId },
    now,
  });
  return options;
}

/**
 * Verifies the browser's registration answer against a challenge this session was given, and
 * stores the passkey as a confirmed factor, audited and mailed to the account's addresses. A
 * credential registered before, to this account or any other, is refused.
 */
export async function registerPasskey(
  deps: PasskeyDeps,
  caller: RequestContext,
  input: { name: string | undefined; response: RegistrationResponse; meta: RequestMeta },
) {
  const now = deps.clock.now();
  const name = requireName(input.name ?? "Passkey", PASSKEY_NAME);
  const actor = { accountId: caller.accountId, email: caller.email };
  const refuse = async (reason: string, code: "passkey_rejected" | "passkey_already_registered") => {
    await recordRefusal(deps.db, {
      action: "passkey.register_refused",
      actor,
      target: { type: "account", id: caller.accountId },
      details: { reason },
      meta: input.meta,
      at: now,
    });
    return new AppError(code);
  };

  const challenge = challengeOf(input.response);
  const isOwnChallenge =
    challenge !== null &&
    (await consumeWebAuthnChallenge(deps.db, {
      challenge,
      purpose: "register",
      owner: { accountId: caller.accountId, sessionId: caller.sessionId },
      now,
    }));
  if (!challenge || !isOwnChallenge) throw await refuse("unknown_challenge", "passkey_rejected");
  const credential = await checkRegistration(
    deps.party,
    input.response as RegistrationResponseJSON,
    challenge,
  );
  if (!credential) throw await refuse("verification_failed", "passkey_rejected");

  try {
    return await deps.db.transaction().execute(async (trx) => {
      const id = await insertPasskey(trx, {
        accountId: caller.accountId,
        name,
        credentialId: credential.id,
        publicKey: credential.publicKey,
        signCount: credential.counter,
        transports: credential.transports,
        now,
      });
      await recordAudit(trx, {
        action: "passkey.registered",
        outcome: "success",
        actor,
        target: { type: "mfa_factor", id },
        details: { name },
        meta: input.meta,
        at: now,
      });
      const mail = passkeyAddedMail({
        locale: mailLocaleOf({ language: caller.language, time_zone: caller.timeZone }),
        name: caller.name,
        passkeyName: name,
        at: now,
        loginUrl: `${deps.publicUrl}/login`,
      });
      for (const to of new Set([caller.email, caller.alternateEmail ?? caller.email])) {
        await enqueueMail(trx, { kind: "passkey_added", to, mail, isSensitive: false }, now);
      }
      return { id, name, createdAt: now.toISOString(), lastUsedAt: null };
    });
  } catch (error) {
    // The credential id is unique across accounts: a passkey belongs to one account only.
    if (isUniqueViolation(error)) throw await refuse("credential_registered", "passkey_already_registered");
    throw error;
  }
}

/** Options for a passwordless login: no account is named, the passkey itself says whose it is. */
export async function startPasskeyLogin(deps: PasskeyDeps) {
  const options = await requestOptions(deps.party, []);
  await storeChallenge(deps.db, {
    challenge: options.challenge,
    purpose: "login",
    owner: null,
    now: deps.clock.now(),
  });
  return options;
}

export type PasskeyLoginInput = {
  response: AuthenticationResponse;
  /** The session cookie the browser held before, whatever its stage: it ends with this login. */
  previousSessionToken: string | null;
  deviceTokens: readonly string[];
  meta: RequestMeta;
};

/**
 * Logs in with a passkey: the challenge is used up first (a replayed answer finds it gone), then
 * the credential's signature, user verification and counter are checked, and a full session is
 * made as a password login makes one. Every failure is one 401, audited. A signature cannot be
 * guessed, so failures stay out of the password lockout and its per-IP delays (which they would
 * only let a stranger fill); the route's per-IP limit caps the requests.
 */
export async function loginWithPasskey(
  deps: PasskeyDeps,
  input: PasskeyLoginInput,
): Promise<{ token: string; accountId: string; expiresAt: Date; deviceTokens: string[] }> {
  const now = deps.clock.now();

  const outcome = await deps.db.transaction().execute(async (trx) => {
    const challenge = challengeOf(input.response);
    if (!challenge) return { kind: "failed" as const, reason: "malformed", accountId: null };
    const isFresh = await consumeWebAuthnChallenge(trx, { challenge, purpose: "login", owner: null, now });
    if (!isFresh) return { kind: "failed" as const, reason: "unknown_challenge", accountId: null };
    const passkey = await findPasskeyForUpdate(trx, input.response.id);
    if (!passkey?.public_key || passkey.sign_count === null) {
      return { kind: "failed" as const, reason: "unknown_credential", accountId: null };
    }
    // The user handle, when the authenticator gives one, is the account id registration set.
    const userHandle = input.response.response.userHandle;
    if (userHandle && Buffer.from(userHandle, "base64url").toString("utf8") !== passkey.account_id) {
      return { kind: "failed" as const, reason: "user_handle_mismatch", accountId: passkey.account_id };
    }
    const checked = await checkAssertion(
      deps.party,
      input.response as AuthenticationResponseJSON,
      challenge,
      { id: input.response.id, publicKey: new Uint8Array(passkey.public_key), counter: passkey.sign_count },
    );
    if (!checked)
      return { kind: "failed" as const, reason: "assertion_refused", accountId: passkey.account_id };

    // Rule 9 as for a password login: counted under a share lock of the account.
    await shareLockAccount(trx, passkey.account_id);
    if ((await countActiveMemberships(trx, passkey.account_id)) === 0) {
      return { kind: "deactivated" as const, accountId: passkey.account_id, email: passkey.email };
    }
    await recordPasskeyUse(trx, passkey.id, checked.newCounter, now);
    const session = await openFullSession(trx, {
      account: { id: passkey.account_id, email: passkey.email },
      // A half-done password login ends too, whatever its stage.
      previousSession: input.previousSessionToken ? { token: input.previousSessionToken } : null,
      deviceTokens: input.deviceTokens,
      policy: deps.sessionPolicy,
      details: { method: "passkey", passkeyId: passkey.id },
      meta: input.meta,
      now,
    });
    return { kind: "session" as const, session };
  });

  if (outcome.kind === "session") return outcome.session;
  if (outcome.kind === "deactivated") {
    await recordRefusal(deps.db, {
      action: "auth.login_refused",
      actor: { accountId: outcome.accountId, email: outcome.email },
      details: { method: "passkey", reason: "account_deactivated" },
      meta: input.meta,
      at: now,
    });
    throw new AppError("account_deactivated");
  }
  await recordAudit(deps.db, {
    action: "auth.login_failed",
    outcome: "failure",
    target: outcome.accountId ? { type: "account", id: outcome.accountId } : null,
    details: { method: "passkey", reason: outcome.reason },
    meta: input.meta,
    at: now,
  });
  throw new AppError("passkey_login_failed");
}
