// Deleting one's own account (SPEC §6.4): password + step-up, refused while the person is the last
// active Admin of any company; the account, its sessions and memberships go, its audit events stay
// with the person's email and name replaced by a pseudonym (audit/pseudonyms.ts), and the mails to
// them, the invitations to them that are over and the webhook bodies keep no address of theirs, all
// in one transaction.

import { pseudonymAddressOf, pseudonymizeAuditTrail, pseudonymOf } from "../audit/pseudonyms.js";
import { recordRefusal } from "../audit/refusals.js";
import { type RequestMeta, recordAudit } from "../audit/writer.js";
import { openLoginGate, recordLoginFailure } from "../auth/lockout.js";
import { verifyPassword } from "../auth/passwords.js";
import { type AuthDeps, rateLimited } from "../auth/service.js";
import { AppError } from "../errors.js";
import { forgetClosedInvitationsTo } from "../invitations/queries.js";
import { forgetMailsTo } from "../mail/queries.js";
import { lockCompany } from "../roles/queries.js";
import { forgetAddressesInDeliveries } from "../webhooks/queries.js";
import {
  companiesOfAccount,
  deleteAccountRow,
  findAccountToDelete,
  listMembershipsForDeletion,
  lockAccountForDeletion,
} from "./queries.js";

export type AccountDeletionDeps = { auth: AuthDeps; publicUrl: string };

export async function deleteOwnAccount(
  deps: AccountDeletionDeps,
  input: {
    caller: { accountId: string; email: string };
    password: string;
    /** The tokens of the request's known-device cookie: a wrong password counts as a failed login. */
    deviceTokens: readonly string[];
    meta: RequestMeta;
  },
): Promise<void> {
  const { db, clock } = deps.auth;
  const now = clock.now();
  const actor = { accountId: input.caller.accountId, email: input.caller.email };
  const refuse = async (reason: string, details: Record<string, unknown> = {}) =>
    recordRefusal(db, {
      action: "member.account_delete_refused",
      actor,
      target: { type: "account", id: actor.accountId },
      details: { reason, ...details },
      meta: input.meta,
      at: now,
    });

  const account = await findAccountToDelete(db, actor.accountId);
  if (!account) throw new AppError("unauthenticated");
  // The password is guessed no faster here than at the login: the same lockout counts it.
  const gate = await openLoginGate(db, { email: account.email, deviceTokens: input.deviceTokens, now });
  if (gate.lockedUntil) {
    await refuse("login_locked");
    throw rateLimited(gate.lockedUntil.getTime() - now.getTime());
  }
  if (!(await verifyPassword(account.password_hash, input.password))) {
    await recordLoginFailure(deps.auth, {
      publicUrl: deps.publicUrl,
      counter: gate.counter,
      email: account.email,
      accountId: account.id,
      meta: input.meta,
      now,
      failedAction: "member.account_delete_refused",
      actor,
    });
    throw new AppError("current_password_incorrect");
  }

  try {
    await db.transaction().execute(async (trx) => {
      // Companies first, in id order (as every change locks a company before its members), then the
      // account: a concurrent demotion or deactivation of another Admin is decided before or after
      // this, never beside it (rule 4).
      for (const companyId of await companiesOfAccount(trx, actor.accountId))
        await lockCompany(trx, companyId);
      if (!(await lockAccountForDeletion(trx, actor.accountId))) throw new AppError("unauthenticated");
      const memberships = await listMembershipsForDeletion(trx, actor.accountId);
      const lastAdminOf = memberships
        .filter((m) => m.status === "active" && m.is_admin && Number(m.other_active_admins) === 0)
        .map((m) => m.company_id);
      if (lastAdminOf.length > 0) {
        throw new AppError(
          "last_admin",
          "You are the last active Admin of a company; make someone else Admin first.",
          {
            companyIds: lastAdminOf,
          },
        );
      }
      const pseudonym = pseudonymOf(actor.accountId);
      const addresses = [account.email, ...(account.alternate_email ? [account.alternate_email] : [])];
      await pseudonymizeAuditTrail(trx, {
        accountId: account.id,
        emails: addresses,
        name: account.name,
        memberIds: memberships.map((m) => m.member_id),
      });
      // The outbox, the invitations and the webhook bodies held the person's address too: mails to
      // them lose their words and never leave; invitations that are over and webhook bodies name
      // the pseudonym's address.
      const pseudonymAddress = pseudonymAddressOf(actor.accountId);
      await forgetMailsTo(trx, addresses, pseudonymAddress);
      await forgetClosedInvitationsTo(trx, addresses, pseudonymAddress);
      await forgetAddressesInDeliveries(trx, addresses, pseudonymAddress);
      // Each company's log says the member left by deleting their account; the event names only the pseudonym.
      const events = memberships.length > 0 ? memberships : [null];
      for (const membership of events) {
        await recordAudit(trx, {
          action: "member.account_deleted",
          outcome: "success",
          companyId: membership?.company_id ?? null,
          actor: { accountId: actor.accountId, email: pseudonym },
          target: membership
            ? { type: "member", id: membership.member_id }
            : { type: "account", id: actor.accountId },
          details: { accountId: actor.accountId, name: pseudonym },
          meta: input.meta,
          at: now,
        });
      }
      await deleteAccountRow(trx, actor.accountId);
    });
  } catch (error) {
    if (error instanceof AppError && error.code === "last_admin") {
      await refuse("last_admin", { companyIds: error.details?.companyIds });
    }
    throw error;
  }
}
