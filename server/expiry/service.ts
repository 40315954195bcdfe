// The role-expiry job (SPEC §6.4), run on every instance: mails each member 3 days before an
// assignment expires, removes expired assignments (each once, audited by the system) and, where
// removing one would leave no Admin (rule 4), keeps it and mails the Admins instead.
import type { Kysely } from "kysely";
import { type RequestMeta, recordAudit } from "../audit/writer.js";
import type { DB } from "../db/schema.js";
import { enqueueMail } from "../mail/outbox.js";
import { mailLocaleOf } from "../mail/templates.js";
import { lockCompany } from "../roles/queries.js";
import { lastAdminKeptMail, roleExpiringMail } from "./mails.js";
import {
  claimExpiryWarnings,
  claimKeptAdminNotices,
  companiesWithExpiredAssignments,
  companyName,
  deleteExpiredAssignments,
  listActiveAdmins,
} from "./queries.js";

export const EXPIRY_WARNING_MS = 3 * 86_400_000;

const SYSTEM_META: RequestMeta = { ip: null, userAgent: "system", requestId: null };

export type ExpiryRun = { warned: number; removed: number; kept: number };

export async function runRoleExpiry(db: Kysely<DB>, now: Date): Promise<ExpiryRun> {
  const warned = await db.transaction().execute(async (trx) => {
    const due = await claimExpiryWarnings(trx, now, EXPIRY_WARNING_MS);
    for (const warning of due) {
      await enqueueMail(
        trx,
        {
          kind: "role_expiring",
          to: warning.email,
          mail: roleExpiringMail({
            locale: mailLocaleOf(warning),
            name: warning.name,
            companyName: warning.company_name,
            role: { key: warning.role_key, name: warning.role_name },
            expiresAt: new Date(warning.expires_at),
          }),
          isSensitive: false,
        },
        now,
      );
    }
    return due.length;
  });
  let removed = 0;
  let kept = 0;
  for (const companyId of await companiesWithExpiredAssignments(db, now)) {
    const outcome = await expireInCompany(db, companyId, now);
    removed += outcome.removed;
    kept += outcome.kept;
  }
  return { warned, removed, kept };
}

/**
 * One company, under its lock (as every member change takes it), so rule 4's count cannot move
 * between deciding which Admin assignments to keep and deleting the others.
 */
async function expireInCompany(db: Kysely<DB>, companyId: string, now: Date) {
  return db.transaction().execute(async (trx) => {
    await lockCompany(trx, companyId);
    const removed = await deleteExpiredAssignments(trx, companyId, now);
    for (const assignment of removed) {
      await recordAudit(trx, {
        action: "member.role_expired",
        outcome: "success",
        companyId,
        actor: null,
        target: { type: "member", id: assignment.member_id },
        details: {
          accountId: assignment.account_id,
          email: assignment.email,
          role: { id: assignment.role_id, key: assignment.role_key, name: assignment.role_name },
          expiredAt: new Date(assignment.expires_at).toISOString(),
        },
        meta: SYSTEM_META,
        at: now,
      });
    }
    const keptNow = await claimKeptAdminNotices(trx, companyId, now);
    if (keptNow.length > 0) {
      const [admins, name] = await Promise.all([
        listActiveAdmins(trx, companyId),
        companyName(trx, companyId),
      ]);
      for (const assignment of keptNow) {
        await recordAudit(trx, {
          action: "member.role_expiry_kept",
          outcome: "success",
          companyId,
          actor: null,
          target: { type: "member", id: assignment.member_id },
          details: {
            accountId: assignment.account_id,
            email: assignment.email,
            reason: "last_admin",
            expiredAt: new Date(assignment.expires_at).toISOString(),
          },
          meta: SYSTEM_META,
          at: now,
        });
        for (const admin of admins) {
          await enqueueMail(
            trx,
            {
              kind: "last_admin_role_kept",
              to: admin.email,
              mail: lastAdminKeptMail({
                locale: mailLocaleOf(admin),
                name: admin.name,
                companyName: name,
                memberEmail: assignment.email,
                expiredAt: new Date(assignment.expires_at),
              }),
              isSensitive: false,
            },
            now,
          );
        }
      }
    }
    return { removed: removed.length, kept: keptNow.length };
  });
}
