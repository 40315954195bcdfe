// Logging in and out (rules 9, 10, 14, 16): one answer for every wrong email or password,
// a per-email lock after 10 consecutive failures, growing per-IP delays, sessions rotated at login.
import type { Kysely } from "kysely";
import { type RequestMeta, recordAudit } from "../audit/writer.js";
import type { Clock } from "../clock.js";
import type { DB } from "../db/schema.js";
import { AppError } from "../errors.js";
import { canonicalizeEmail } from "../identity/email.js";
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

function rateLimited(retryAfterMs: number): AppError {
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
  // Unparseable addresses are throttled under their trimmed, lower-cased text, so they cost the same.
  const throttleEmail = canonical.ok ? canonical.email : input.email.trim().toLowerCase().slice(0, 320);
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

  const lock = await deps.db
    .selectFrom("login_throttle")
    .select(["locked_until"])
    .where("email", "=", throttleEmail)
    .executeTakeFirst();
  if (lock?.locked_until && lock.locked_until.getTime() > now.getTime()) {
    await recordAudit(deps.db, {
      action: "auth.login_rate_limited",
      outcome: "denied",
      details: { email: throttleEmail, scope: "email" },
      meta: input.meta,
      at: now,
    });
    throw rateLimited(lock.locked_until.getTime() - now.getTime());
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

  const activeMemberships = await deps.db
    .selectFrom("members")
    .select((eb) => eb.fn.countAll<number>().as("count"))
    .where("account_id", "=", account.id)
    .where("status", "=", "active")
    .executeTakeFirstOrThrow();
  if (Number(activeMemberships.count) === 0) {
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

  return deps.db.transaction().execute(async (trx) => {
    await trx.deleteFrom("login_throttle").where("email", "=", throttleEmail).execute();
    // Session fixation: whatever session the browser held before is gone after login.
    if (input.previousSessionId) await deleteSession(trx, input.previousSessionId);
    const session = await createSession(trx, {
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
      target: { type: "session", id: session.sessionId },
      meta: input.meta,
      at: now,
    });
    return { token: session.token, accountId: account.id, expiresAt: session.expiresAt };
  });
}

async function recordLoginFailure(
  deps: AuthDeps,
  email: string,
  accountId: string | null,
  ipKey: string,
  meta: RequestMeta,
  now: Date,
): Promise<void> {
  await deps.throttle.hit(ipKey, now.getTime(), IP_WINDOW_MS);
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
      action: locked ? "auth.login_locked" : "auth.login_failed",
      outcome: "failure",
      details: { email, accountExists: accountId !== null, consecutiveFailures: row.consecutive_failures },
      target: accountId ? { type: "account", id: accountId } : null,
      meta,
      at: now,
    });
    // The lock notice to an existing owner goes out by email once the mail outbox exists (issue 3).
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
      target: { type: "session", id: sessionId },
      meta,
      at: deps.clock.now(),
    });
  });
}
