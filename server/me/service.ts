// The caller's own account: the body of GET /api/me, and ending one of their own sessions.
import type { Kysely } from "kysely";
import type { RequestContext } from "../access/session-queries.js";
import { deleteOwnSession } from "../access/session-queries.js";
import { type RequestMeta, recordAudit } from "../audit/writer.js";
import type { DB } from "../db/schema.js";
import { AppError } from "../errors.js";
import { findAccountWithMemberships } from "./queries.js";
import { preferencesOf } from "./schemas.js";

export async function buildMeBody(db: Kysely<DB>, accountId: string, now: Date) {
  const account = await findAccountWithMemberships(db, accountId, now);
  if (!account) throw new AppError("unauthenticated");
  return {
    account: {
      id: account.id,
      email: account.email,
      name: account.name,
      alternateEmail: account.alternate_email,
      ...preferencesOf(account.language, account.time_zone),
    },
    memberships: account.memberships,
  };
}

/** Ends a session of the caller's own account; another account's session id is not found. */
export async function endOwnSession(
  db: Kysely<DB>,
  caller: RequestContext,
  sessionId: string,
  meta: RequestMeta,
  now: Date,
): Promise<void> {
  const deleted = await db.transaction().execute(async (trx) => {
    if (!(await deleteOwnSession(trx, caller.accountId, sessionId))) return false;
    await recordAudit(trx, {
      action: "session.ended",
      outcome: "success",
      actor: { accountId: caller.accountId, email: caller.email },
      // The audit log never holds a session id (rule 11); the account is the target.
      target: { type: "account", id: caller.accountId },
      meta,
      at: now,
    });
    return true;
  });
  if (!deleted) throw new AppError("not_found");
}
