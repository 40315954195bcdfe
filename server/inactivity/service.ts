// The inactivity job (PCI DSS 8.2.6, SPEC §6.4), run on every instance: a warning mail 7 days
// before a member reaches the company's limit, then deactivation by the system (audited, mailed),
// never of the company's last active Admin (rule 4).
import type { Kysely } from "kysely";
import { deleteAccountSessions } from "../access/session-queries.js";
import { type RequestMeta, recordAudit } from "../audit/writer.js";
import type { DB } from "../db/schema.js";
import { inactivityWarningMail } from "../expiry/mails.js";
import { enqueueMail } from "../mail/outbox.js";
import { mailLocaleOf } from "../mail/templates.js";
import { memberDeactivatedMail } from "../members/mails.js";
import { countActiveMemberships, lockAccountOfMember, updateMember } from "../members/queries.js";
import { lockCompany } from "../roles/queries.js";
import { claimInactivityWarnings, listOverdueMembers, lockOverdueMember } from "./queries.js";

export const INACTIVITY_WARNING_MS = 7 * 86_400_000;

const SYSTEM_META: RequestMeta = { ip: null, userAgent: "system", requestId: null };

export type InactivityRun = { warned: number; deactivated: number; keptLastAdmin: number };

/** Warnings recorded (and their mails queued) per transaction: a backlog goes out in batches. */
export const INACTIVITY_WARNING_BATCH = 500;

export async function runInactivity(db: Kysely<DB>, now: Date): Promise<InactivityRun> {
  let warned = 0;
  for (;;) {
    const batch = await db.transaction().execute(async (trx) => {
      const due = await claimInactivityWarnings(trx, now, INACTIVITY_WARNING_MS, INACTIVITY_WARNING_BATCH);
      for (const warning of due) {
        await enqueueMail(
          trx,
          {
            kind: "inactivity_warning",
            to: warning.email,
            mail: inactivityWarningMail({
              locale: mailLocaleOf(warning),
              name: warning.name,
              companyName: warning.company_name,
              deactivatesAt: new Date(warning.deactivates_at),
            }),
            isSensitive: false,
          },
          now,
        );
      }
      return due.length;
    });
    warned += batch;
    // A batch recorded short of its size means none was left (or another instance took them).
    if (batch < INACTIVITY_WARNING_BATCH) break;
  }
  let deactivated = 0;
  let keptLastAdmin = 0;
  for (const { company_id, member_id } of await listOverdueMembers(db, now, INACTIVITY_WARNING_MS)) {
    const outcome = await deactivateInactive(db, company_id, member_id, now);
    if (outcome === "deactivated") deactivated += 1;
    if (outcome === "last_admin") keptLastAdmin += 1;
  }
  return { warned, deactivated, keptLastAdmin };
}

/**
 * One member, under the company lock (rule 4 counts Admins under it, as every deactivation does)
 * and re-read there: another instance that got there first has left nothing to do.
 */
async function deactivateInactive(db: Kysely<DB>, companyId: string, memberId: string, now: Date) {
  return db.transaction().execute(async (trx) => {
    await lockCompany(trx, companyId);
    // The account before the member's row, as every deactivation takes them (lockAccountOfMember).
    await lockAccountOfMember(trx, companyId, memberId);
    const member = await lockOverdueMember(trx, companyId, memberId, now);
    if (!member) return "gone" as const;
    if (member.is_admin && member.other_active_admins === 0) return "last_admin" as const;
    await updateMember(trx, member.id, { status: "deactivated", deactivatedAt: now });
    // Rule 9, as a deactivation by an Admin: with no active membership left, the sessions end.
    if ((await countActiveMemberships(trx, member.account_id)) === 0) {
      await deleteAccountSessions(trx, member.account_id, null);
    }
    await recordAudit(trx, {
      action: "member.deactivated_for_inactivity",
      outcome: "success",
      companyId,
      actor: null,
      target: { type: "member", id: member.id },
      details: {
        accountId: member.account_id,
        email: member.email,
        before: { status: "active" },
        after: { status: "deactivated" },
        roles: member.roles,
        inactiveSince: new Date(member.inactive_since).toISOString(),
        limitDays: member.limit_days,
      },
      meta: SYSTEM_META,
      at: now,
    });
    await enqueueMail(
      trx,
      {
        kind: "member_deactivated",
        to: member.email,
        mail: memberDeactivatedMail({
          locale: mailLocaleOf(member),
          name: member.name,
          companyName: member.company_name,
          at: now,
        }),
        isSensitive: false,
      },
      now,
    );
    return "deactivated" as const;
  });
}
