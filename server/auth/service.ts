// Logging in and out (rules 9, 10, 14, 16): one answer for every wrong email or password, the
// known-device lockout of lockout.ts, growing per-IP delays, sessions rotated at login.
import { createHash } from "node:crypto";
import type { Kysely } from "kysely";
import { deleteSession, type SessionPolicy } from "../access/session-queries.js";
import { recordRefusal } from "../audit/refusals.js";
import { type RequestMeta, recordAudit } from "../audit/writer.js";
import type { Clock } from "../clock.js";
import type { DB } from "../db/schema.js";
import { AppError } from "../errors.js";
import { canonicalizeEmail } from "../identity/email.js";
import { countActiveMemberships, shareLockAccount } from "../members/queries.js";
import type { ThrottleStore } from "../ratelimit/throttle-store.js";
import { openFullSession } from "./full-session.js";
import { forgetLoginFailures, openLoginGate, recordLoginFailure } from "./lockout.js";
import { verifyPassword } from "./passwords.js";
import { findCredentialsByEmail, isPasswordLoginClosed } from "./queries.js";
import { type SecondStepMethod, startSecondStep } from "./second-step.js";

// Per IP: free tries, then a wait that doubles with each further failure, capped.
export const IP_FREE_FAILURES = 10;
export const IP_MAX_DELAY_MS = 15 * 60_000;
const IP_WINDOW_MS = 60 * 60_000;

export type AuthDeps = {
  db: Kysely<DB>;
  clock: Clock;
  throttle: ThrottleStore;
  sessionPolicy: SessionPolicy;
};

/** Logging in may mail an unlock link, built from PUBLIC_URL (never the request's Host). */
export type LoginDeps = AuthDeps & { publicUrl: string };

export function ipDelayMs(failures: number): number {
  if (failures < IP_FREE_FAILURES) return 0;
  return Math.min(1000 * 2 ** (failures - IP_FREE_FAILURES), IP_MAX_DELAY_MS);
}

export function loginIpKey(meta: RequestMeta): string {
  return `login-ip:${meta.ip ?? "unknown"}`;
}

/** How long this IP must still wait before its next password check (0: none). */
export async function ipWaitMs(deps: AuthDeps, meta: RequestMeta, now: Date): Promise<number> {
  const state = await deps.throttle.get(loginIpKey(meta), now.getTime());
  return state ? state.lastAt + ipDelayMs(state.count) - now.getTime() : 0;
}

/** One more wrong password from this IP, whatever the email: it feeds the growing delays. */
export async function countIpFailure(deps: AuthDeps, meta: RequestMeta, now: Date): Promise<void> {
  await deps.throttle.hit(loginIpKey(meta), now.getTime(), IP_WINDOW_MS);
}

export function rateLimited(retryAfterMs: number): AppError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new AppError(
    "rate_limited",
    undefined,
    { retryAfterSeconds: seconds },
    { "retry-after": String(seconds) },
  );
}

/** What a correct password yields: a full session, or one good only for the second step (§6.2). */
export type LoginResult = {
  token: string;
  accountId: string;
  expiresAt: Date;
  /** The known-device cookie's tokens; unchanged until the second step is passed. */
  deviceTokens: string[];
  secondStep: { methods: SecondStepMethod[] } | null;
};

export async function login(
  deps: LoginDeps,
  input: {
    email: string;
    password: string;
    previousSessionId: string | null;
    /** The tokens of the request's known-device cookie. */
    deviceTokens: readonly string[];
    meta: RequestMeta;
  },
): Promise<LoginResult> {
  const now = deps.clock.now();
  const canonical = canonicalizeEmail(input.email);
  // Unparseable addresses are throttled under a digest of what was typed, so they cost the same and
  // raw input (NUL bytes, broken surrogates) never reaches a database value.
  const throttleEmail = canonical.ok
    ? canonical.email
    : `invalid:${createHash("sha256").update(input.email.trim().toLowerCase(), "utf8").digest("hex")}`;

  const ipWait = await ipWaitMs(deps, input.meta, now);
  if (ipWait > 0) {
    await recordRefusal(deps.db, {
      action: "auth.login_rate_limited",
      details: { email: throttleEmail, scope: "ip" },
      meta: input.meta,
      at: now,
    });
    throw rateLimited(ipWait);
  }

  const gate = await openLoginGate(deps.db, { email: throttleEmail, deviceTokens: input.deviceTokens, now });
  if (gate.lockedUntil) {
    await recordRefusal(deps.db, {
      action: "auth.login_rate_limited",
      details: {
        email: throttleEmail,
        scope: gate.counter.kind === "known_device" ? "known_device" : "unknown_devices",
      },
      meta: input.meta,
      at: now,
    });
    throw rateLimited(gate.lockedUntil.getTime() - now.getTime());
  }

  const account = canonical.ok ? await findCredentialsByEmail(deps.db, canonical.email) : undefined;
  const passwordMatches = await verifyPassword(account?.password_hash ?? null, input.password);

  if (!account || !passwordMatches) {
    await countIpFailure(deps, input.meta, now);
    await recordLoginFailure(deps, {
      publicUrl: deps.publicUrl,
      counter: gate.counter,
      email: throttleEmail,
      accountId: account?.id ?? null,
      meta: input.meta,
      now,
    });
    throw new AppError("invalid_credentials");
  }

  const session = await deps.db.transaction().execute(async (trx) => {
    // Rule 9: no session for an account without an active membership. Counted under a share lock
    // of the account, which a deactivation holds (exclusively) while it ends the account's
    // sessions: a deactivation that started first is seen here, one that starts later waits for
    // this login and ends the session it made. Counted before the lock, the two could cross and
    // leave a session behind.
    await shareLockAccount(trx, account.id);
    if ((await countActiveMemberships(trx, account.id)) === 0) return null;
    // "Require SSO" (SPEC §6.3): told only after a correct password, so it says nothing to a guesser.
    if (await isPasswordLoginClosed(trx, account)) return "sso_required" as const;

    // The password alone does not log in an account with a factor. Its failure run and device stay
    // as they are until the second step passes: wrong codes count on the same counter (rule 14).
    if (account.has_second_factor) {
      if (input.previousSessionId) await deleteSession(trx, input.previousSessionId);
      return startSecondStep(trx, {
        account,
        meta: input.meta,
        now,
        deviceTokens: [...input.deviceTokens],
      });
    }

    await forgetLoginFailures(trx, gate.counter);
    const opened = await openFullSession(trx, {
      account,
      previousSession: input.previousSessionId ? { id: input.previousSessionId } : null,
      deviceTokens: input.deviceTokens,
      policy: deps.sessionPolicy,
      details: { device: gate.counter.kind === "known_device" ? "known" : "unknown" },
      meta: input.meta,
      now,
    });
    return { ...opened, secondStep: null };
  });
  if (session === "sso_required") {
    await recordRefusal(deps.db, {
      action: "auth.password_login_refused_sso",
      actor: { accountId: account.id, email: account.email },
      details: { email: account.email },
      meta: input.meta,
      at: now,
    });
    throw new AppError("sso_required");
  }
  if (!session) {
    await recordRefusal(deps.db, {
      action: "auth.login_refused",
      actor: { accountId: account.id, email: account.email },
      details: { reason: "account_deactivated" },
      meta: input.meta,
      at: now,
    });
    throw new AppError("account_deactivated");
  }
  return session;
}

export async function logout(
  deps: AuthDeps,
  sessionId: string,
  actor: { accountId: string; email: string },
  meta: RequestMeta,
) {
  await deps.db.transaction().execute(async (trx) => {
    await deleteSession(trx, sessionId);
    await recordAudit(trx, {
      action: "auth.logout",
      outcome: "success",
      actor,
      target: { type: "account", id: actor.accountId },
      meta,
      at: deps.clock.now(),
    });
  });
}
