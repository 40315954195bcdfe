// The end of every successful login (password, second step, passkey, SSO): the browser becomes a known
// device, the session it held before ends (fixation), a full session is made and the login audited.
import type { Transaction } from "kysely";
import {
  createSession,
  deleteSession,
  deleteSessionByToken,
  type SessionPolicy,
} from "../access/session-queries.js";
import { type RequestMeta, recordAudit } from "../audit/writer.js";
import type { DB } from "../db/schema.js";
import { rememberDevice } from "./lockout.js";

export type FullSession = { token: string; accountId: string; expiresAt: Date; deviceTokens: string[] };

/** The session the browser held before this login: known by id (a guarded route) or by its token. */
export type PreviousSession = { id: string } | { token: string } | null;

/**
 * Inside the login's transaction, once the person is proven and rule 9 checked by the caller (under
 * the account's share lock): opens the full session. `details` says how they logged in, for the audit.
 */
export async function openFullSession(
  trx: Transaction<DB>,
  input: {
    account: { id: string; email: string };
    previousSession: PreviousSession;
    deviceTokens: readonly string[];
    policy: SessionPolicy;
    details: Record<string, unknown>;
    meta: RequestMeta;
    now: Date;
  },
): Promise<FullSession> {
  const { account, now, meta } = input;
  const deviceTokens = await rememberDevice(trx, {
    accountId: account.id,
    deviceTokens: input.deviceTokens,
    now,
  });
  const previous = input.previousSession;
  if (previous && "id" in previous) await deleteSession(trx, previous.id);
  else if (previous) await deleteSessionByToken(trx, previous.token);
  const created = await createSession(trx, {
    accountId: account.id,
    ip: meta.ip,
    userAgent: meta.userAgent,
    now,
    policy: input.policy,
  });
  await recordAudit(trx, {
    action: "auth.login_succeeded",
    outcome: "success",
    actor: { accountId: account.id, email: account.email },
    target: { type: "account", id: account.id },
    details: input.details,
    meta,
    at: now,
  });
  return { token: created.token, accountId: account.id, expiresAt: created.expiresAt, deviceTokens };
}
