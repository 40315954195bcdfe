// Logging in and out (rules 9, 10, 14, 16): one answer for every wrong email or password,
// a per-email lock after 10 consecutive failures, growing per-IP delays, sessions rotated at login.
import { createHash } from "node:crypto";
import type { Kysely } from "kysely";
import type { AuditAction } from "../audit/actions.js";
import { type RequestMeta, recordAudit } from "../audit/writer.js";
import type { Clock } from "../clock.js";
import type { DB } from "../db/schema.js";
import { AppError } from "../errors.js";
import { canonicalizeEmail } from "../identity/email.js";
import { enqueueMail } from "../mail/outbox.js";
import { countActiveMemberships, shareLockAccount } from "../members/queries.js";
import { loginLockedMail } from "../passwords/mails.js";
import type { ThrottleStore } from "../ratelimit/throttle-store.js";
import { verifyPassword } from "./passwords.js";
import { createSession, deleteSession, type SessionPolicy } from "./sessions.js";

export const LOGIN_LOCK_AFTER_FAILURES = 10;
export const LOGIN_LOCK_MS = 30 * 60_000;
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

export function ipDelayMs(failures: number): number {
  if (failures < IP_FREE_FAILURES) return 0;
  return Math.min(1000 * 2 ** (failures - IP_FREE_FAILURES), IP_MAX_DELAY_MS);
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

export async function login(
  deps: AuthDeps,
  input: { email: string; password: string; previousSessionId: string | null; meta: RequestMeta },
): Promise<{ token: string; accountId: string; expiresAt: Date }> {
  const now = deps.clock.now();
  const canonical = canonicalizeEmail(input.email);
  // Unparseable addresses are throttled under a digest of what was typed, so they cost the same and
  // raw input (NUL bytes, broken surrogates) never reaches a database value.
  const throttleEmail = canonical.ok
    ? canonical.email
    : `invalid:${createHash("sha256").update(input.email.trim().toLowerCase(), "utf8").digest("hex")}`;
  const ipKey = `login-ip:${input.meta.ip ?? "unknown"}`;

  const ipState = await deps.throttle.get(ipKey, now.getTime());
  if (ipState) {
    const wait = ipState.lastAt + ipDelayMs(ipState.count) - now.getTime();
    if (wait > 0) {
      await recordAudit(deps.db, {
        action: "auth.login_rate_limited",
        outcome: "denied",
        details: { email: throttleEmail, scope: "ip" },
        meta: input.meta,
        at: now,
      });
      throw rateLimited(wait);
    }
  }

  const lockedUntil = await findLoginLock(deps.db, throttleEmail, now);
  if (lockedUntil) {
    await recordAudit(deps.db, {
      action: "auth.login_rate_limited",
      outcome: "denied",
      details: { email: throttleEmail, scope: "email" },
      meta: input.meta,
      at: now,
    });
    throw rateLimited(lockedUntil.getTime() - now.getTime());
  }

  const account = canonical.ok
    ? await deps.db
        .selectFrom("accounts")
        .select(["id", "email", "password_hash"])
        .where("email", "=", canonical.email)
        .executeTakeFirst()
    : undefined;
  const passwordMatches = await verifyPassword(account?.password_hash ?? null, input.password);

  if (!account || !passwordMatches) {
    await recordLoginFailure(deps, throttleEmail, account?.id ?? null, ipKey, input.meta, now);
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

    await trx.deleteFrom("login_throttle").where("email", "=", throttleEmail).execute();
    // Session fixation: whatever session the browser held before is gone after login.
    if (input.previousSessionId) await deleteSession(trx, input.previousSessionId);
    const created = await createSession(trx, {
      accountId: account.id,
      ip: input.meta.ip,
      userAgent: input.meta.userAgent,
      now,
      policy: deps.sessionPolicy,
    });
    await recordAudit(trx, {
      action: "auth.login_succeeded",
      outcome: "success",
      actor: { accountId: account.id, email: account.email },
      target: { type: "account", id: account.id },
      meta: input.meta,
      at: now,
    });
    return { token: created.token, accountId: account.id, expiresAt: created.expiresAt };
  });
  if (!session) {
    await recordAudit(deps.db, {
      action: "auth.login_refused",
      outcome: "denied",
      actor: { accountId: account.id, email: account.email },
      details: { reason: "account_deactivated" },
      meta: input.meta,
      at: now,
    });
    throw new AppError("account_deactivated");
  }
  return session;
}

/** Until when logins for this canonical email are refused, or null when they are not. */
export async function findLoginLock(db: Kysely<DB>, email: string, now: Date): Promise<Date | null> {
  const lock = await db
    .selectFrom("login_throttle")
    .select(["locked_until"])
    .where("email", "=", email)
    .executeTakeFirst();
  return lock?.locked_until && lock.locked_until.getTime() > now.getTime() ? lock.locked_until : null;
}

/**
 * Counts one wrong password for an email (and its IP). Also used by the password change, whose
 * wrong "current password" is a guess like any other; it then names its own audit action and actor,
 * and passes no IP key: a session holder can only guess their own password, which the email lock caps.
 */
export async function recordLoginFailure(
  deps: AuthDeps,
  email: string,
  accountId: string | null,
  ipKey: string | null,
  meta: RequestMeta,
  now: Date,
  source: { failedAction?: AuditAction; actor?: { accountId: string; email: string } } = {},
): Promise<void> {
  if (ipKey) await deps.throttle.hit(ipKey, now.getTime(), IP_WINDOW_MS);
  await deps.db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto("login_throttle")
      .values({ email, consecutive_failures: 1, updated_at: now })
      .onConflict((conflict) =>
        conflict.column("email").doUpdateSet((eb) => ({
          consecutive_failures: eb("login_throttle.consecutive_failures", "+", 1),
          updated_at: now,
        })),
      )
      .returning(["consecutive_failures"])
      .executeTakeFirstOrThrow();
    const locked = row.consecutive_failures >= LOGIN_LOCK_AFTER_FAILURES;
    if (locked) {
      // The counter restarts with the lock, so the lock is temporary, never permanent.
      await trx
        .updateTable("login_throttle")
        .set({ consecutive_failures: 0, locked_until: new Date(now.getTime() + LOGIN_LOCK_MS) })
        .where("email", "=", email)
        .execute();
    }
    await recordAudit(trx, {
      action: locked ? "auth.login_locked" : (source.failedAction ?? "auth.login_failed"),
      outcome: "failure",
      actor: source.actor ?? null,
      details: { email, accountExists: accountId !== null, consecutiveFailures: row.consecutive_failures },
      target: accountId ? { type: "account", id: accountId } : null,
      meta,
      at: now,
    });
    // Rule 14: an existing owner learns of the lock. `email` is the canonical address the account was
    // found by, i.e. its stored one; an email without an account gets no mail, so the lock reveals nothing.
    if (locked && accountId !== null) {
      await enqueueMail(
        trx,
        { kind: "login_locked", to: email, mail: loginLockedMail(LOGIN_LOCK_MS), isSensitive: false },
        now,
      );
    }
  });
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
