// The caller's own account: the body of GET /api/me, ending one of their own sessions, and the
// language and time zone the portal and its mails use for them (SPEC §6.6).
import type { Kysely } from "kysely";
import type { RequestContext } from "../access/session-queries.js";
import { deleteOwnSession } from "../access/session-queries.js";
import { type RequestMeta, recordAudit } from "../audit/writer.js";
import type { DB } from "../db/schema.js";
import { AppError } from "../errors.js";
import { isTimeZone, type Language } from "../i18n/languages.js";
import { t } from "../i18n/translate.js";
import { type AccountPreferences, findAccountWithMemberships, updateAccountPreferences } from "./queries.js";
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

/**
 * Saves the caller's language and/or time zone and answers both as saved. The time zone is checked
 * here, with Intl: the database cannot tell an IANA name from rubbish.
 */
export async function changeOwnPreferences(
  db: Kysely<DB>,
  caller: RequestContext,
  input: { language?: Language; timeZone?: string },
  meta: RequestMeta,
  now: Date,
): Promise<{ language: Language | null; timeZone: string | null }> {
  if (input.language === undefined && input.timeZone === undefined)
    throw new AppError("validation_failed", t("en", "message.preferences_empty"), { field: "body" });
  if (input.timeZone !== undefined && !isTimeZone(input.timeZone))
    throw new AppError("validation_failed", t("en", "message.time_zone_invalid"), { field: "body.timeZone" });
  const changes: Partial<AccountPreferences> = {
    ...(input.language !== undefined ? { language: input.language } : {}),
    ...(input.timeZone !== undefined ? { time_zone: input.timeZone } : {}),
  };
  const saved = await db.transaction().execute(async (trx) => {
    const row = await updateAccountPreferences(trx, caller.accountId, changes);
    if (!row) throw new AppError("unauthenticated");
    await recordAudit(trx, {
      action: "profile.preferences_changed",
      outcome: "success",
      actor: { accountId: caller.accountId, email: caller.email },
      target: { type: "account", id: caller.accountId },
      details: {
        ...(input.language !== undefined ? { language: input.language } : {}),
        ...(input.timeZone !== undefined ? { timeZone: input.timeZone } : {}),
      },
      meta,
      at: now,
    });
    return row;
  });
  return { language: saved.language, timeZone: saved.time_zone };
}
