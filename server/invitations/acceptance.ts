// The invitation link as its holder uses it (SPEC rule 8, SECURITY 30-36): viewing and accepting. Both
// re-check the inviter's rights; accepting binds to the invited email and wins at most once per link.
import type { Kysely, Transaction } from "kysely";
import { mayGrant, unionOfPermissions } from "../access/policy.js";
import { isWithinScope } from "../access/scope.js";
import { createSession, deleteSession } from "../access/session-queries.js";
import { hashSecretToken, looksLikeSecretToken } from "../access/tokens.js";
import { type RequestMeta, recordAudit } from "../audit/writer.js";
import { createAccount } from "../auth/accounts.js";
import {
  type FailureCounter,
  forgetLoginFailures,
  openLoginGate,
  recordLoginFailure,
  rememberDevice,
} from "../auth/lockout.js";
import { verifyPassword } from "../auth/passwords.js";
import { countIpFailure, ipWaitMs, rateLimited } from "../auth/service.js";
import { addMember } from "../companies/service.js";
import { isUniqueViolation } from "../db/error-kinds.js";
import type { DB } from "../db/schema.js";
import { AppError, type ErrorCode } from "../errors.js";
import { findMemberScope, writeMemberScope } from "../merchant-accounts/queries.js";
import { emitWebhookEvent, webhookEvent } from "../webhooks/events.js";
import {
  closePendingInvitations,
  findAccountByEmail,
  findInvitation,
  findInvitationByTokenHash,
  findMemberStanding,
  findOfferedRoles,
  type InvitationRow,
  type OfferedRole,
} from "./queries.js";
import {
  CLOSED_STATUS_ERRORS,
  expireOverdue,
  type InvitationDeps,
  type Outcome,
  roleNames,
} from "./service.js";

/**
 * Rule 8 / SECURITY 35: may whoever issued the link still grant what it offers? System invitations
 * may; a member must still be active, hold members.invite and pass the rule 6 ceiling, read now.
 */
async function mayInviterStillGrant(
  db: Kysely<DB> | Transaction<DB>,
  row: InvitationRow,
  offered: readonly OfferedRole[],
): Promise<boolean> {
  if (row.invited_by === null) return true;
  const inviter = await findMemberStanding(db, row.company_id, row.invited_by);
  if (inviter?.status !== "active" || !inviter.permissions.includes("members.invite")) return false;
  if (!mayGrant(inviter, unionOfPermissions(offered))) return false;
  // Rule 6 extends to scope: the inviter must still reach every account the invitation offers.
  const inviterScope = await findMemberScope(db, row.company_id, row.invited_by);
  return inviterScope !== null && isWithinScope(inviterScope, row.scope);
}

/** Revokes an invitation whose inviter lost the right to send it; false if it was no longer pending. */
async function revokeForLostRights(
  trx: Transaction<DB>,
  row: InvitationRow,
  offered: readonly OfferedRole[],
  now: Date,
  meta: RequestMeta,
): Promise<boolean> {
  const [closed] = await closePendingInvitations(trx, {
    status: "revoked",
    now,
    expiry: "any",
    invitationId: row.id,
  });
  if (!closed) return false;
  await recordAudit(trx, {
    action: "invitation.revoked",
    outcome: "success",
    companyId: row.company_id,
    target: { type: "invitation", id: row.id },
    details: {
      email: row.email,
      roles: roleNames(offered),
      reason: "inviter_lost_rights",
      invitedBy: row.invited_by,
    },
    meta,
    at: now,
  });
  await emitWebhookEvent(
    trx,
    webhookEvent(row.company_id, "invitation.revoked", now, {
      invitationId: row.id,
      email: row.email,
      roles: roleNames(offered),
      reason: "inviter_lost_rights",
    }),
  );
  return true;
}

/** Why a link that is not pending any more fails, read afresh (another request may have closed it). */
async function closedStatusError(trx: Transaction<DB>, row: InvitationRow): Promise<ErrorCode> {
  const current = await findInvitation(trx, row.company_id, row.id);
  const status = current?.status ?? "revoked";
  return status === "pending" ? "invitation_revoked" : CLOSED_STATUS_ERRORS[status];
}

type OpenedLink =
  | { ok: true; row: InvitationRow; offered: OfferedRole[] }
  | { ok: false; code: ErrorCode; row: InvitationRow | null };

/**
 * Finds the invitation a link's token names, in a state that still works. Every dead link (unknown,
 * malformed, or replaced by a resend) answers 410 invitation_revoked alike, so guessing learns nothing;
 * the token holder learns whether theirs was used, revoked or expired. Overdue links are marked expired.
 */
async function openLink(
  deps: InvitationDeps,
  token: unknown,
  now: Date,
  meta: RequestMeta,
  options: { recheckInviter: boolean },
): Promise<OpenedLink> {
  const { db } = deps.auth;
  const row = looksLikeSecretToken(token)
    ? await findInvitationByTokenHash(db, hashSecretToken(token))
    : undefined;
  if (!row) return { ok: false, code: "invitation_revoked", row: null };
  if (row.status !== "pending") return { ok: false, code: CLOSED_STATUS_ERRORS[row.status], row };
  if (row.expires_at.getTime() <= now.getTime()) {
    await db.transaction().execute((trx) => expireOverdue(trx, { invitationId: row.id }, now, meta));
    return { ok: false, code: "invitation_expired", row };
  }
  const offered = await findOfferedRoles(db, row.id);
  if (options.recheckInviter && !(await mayInviterStillGrant(db, row, offered))) {
    const code = await db
      .transaction()
      .execute(async (trx) =>
        (await revokeForLostRights(trx, row, offered, now, meta))
          ? ("invitation_revoked" as const)
          : closedStatusError(trx, row),
      );
    return { ok: false, code, row };
  }
  return { ok: true, row, offered };
}

/** What the accept page shows the holder of a link (SPEC §3). */
export async function viewInvitation(deps: InvitationDeps, input: { token: unknown; meta: RequestMeta }) {
  const { db, clock } = deps.auth;
  const opened = await openLink(deps, input.token, clock.now(), input.meta, { recheckInviter: true });
  if (!opened.ok) throw new AppError(opened.code);
  const { row, offered } = opened;
  const account = await findAccountByEmail(db, row.email);
  return {
    companyName: row.company_name,
    email: row.email,
    roles: offered.map((role) => ({ id: role.id, key: role.key, name: role.name })),
    invitedBy:
      row.invited_by && row.inviter_name !== null && row.inviter_email !== null
        ? { name: row.inviter_name, email: row.inviter_email }
        : null,
    expiresAt: row.expires_at,
    accountExists: account !== undefined,
  };
}

export type AcceptingCaller = { accountId: string; email: string; sessionId: string } | null;

type Accepted = {
  accountId: string;
  companyId: string;
  session: { token: string; expiresAt: Date };
  /** The known-device cookie's tokens: accepting logs in, so the browser becomes a known device. */
  deviceTokens: string[];
};

/**
 * Who accepts: the caller's own account, the invited email's account (proven by its password, which
 * ends the run of failures on `provenOn`), or a person to create.
 */
type Acceptor =
  | { kind: "existing"; accountId: string; provenOn: FailureCounter | null }
  | { kind: "new"; name: string; password: string };

/**
 * Decides who accepts, before anything changes (SECURITY 30, 31). The invited email's own logged-in
 * session (body {}), its existing account proven by the password (a login like any other, with the
 * same lock and counters), or a new person (name and password). Another logged-in account never
 * claims the link: 409 email_mismatch, and the invitation stays pending.
 */
async function resolveAcceptor(
  deps: InvitationDeps,
  row: InvitationRow,
  input: {
    name: string | undefined;
    password: string | undefined;
    caller: AcceptingCaller;
    deviceTokens: readonly string[];
    meta: RequestMeta;
  },
  now: Date,
): Promise<Acceptor> {
  const { db } = deps.auth;
  const isOtherAccount = input.caller !== null && input.caller.email !== row.email;
  if (input.password === undefined) {
    if (input.name !== undefined) {
      throw new AppError("validation_failed", "Choose a password to create your account.", {
        field: "password",
      });
    }
    if (!input.caller) throw new AppError("unauthenticated", "Log in as the invited email to accept.");
    if (isOtherAccount) throw new AppError("email_mismatch");
    return { kind: "existing", accountId: input.caller.accountId, provenOn: null };
  }
  const existing = await findAccountByEmail(db, row.email);
  if (existing) {
    const ipWait = await ipWaitMs(deps.auth, input.meta, now);
    if (ipWait > 0) throw rateLimited(ipWait);
    const gate = await openLoginGate(db, { email: existing.email, deviceTokens: input.deviceTokens, now });
    if (gate.lockedUntil) throw rateLimited(gate.lockedUntil.getTime() - now.getTime());
    if (!(await verifyPassword(existing.password_hash, input.password))) {
      await countIpFailure(deps.auth, input.meta, now);
      await recordLoginFailure(deps.auth, {
        publicUrl: deps.publicUrl,
        counter: gate.counter,
        email: existing.email,
        accountId: existing.id,
        meta: input.meta,
        now,
        failedAction: "invitation.accept_failed",
      });
      throw new AppError("invalid_credentials");
    }
    return { kind: "existing", accountId: existing.id, provenOn: gate.counter };
  }
  // Someone logged in as another account does not create the invited one on the side.
  if (isOtherAccount) throw new AppError("email_mismatch");
  if (input.name === undefined) {
    throw new AppError("validation_failed", "Enter your name to create your account.", { field: "name" });
  }
  return { kind: "new", name: input.name, password: input.password };
}

/**
 * Accepts an invitation for the address it was sent to and logs the person in with a fresh session.
 * The invitation leaves 'pending' by a conditional UPDATE, so of concurrent accepts exactly one makes
 * a membership (the members unique key backs it); the inviter's rights are re-checked in the same
 * transaction (SECURITY 35). Any refusal leaves the invitation pending unless it expired or was revoked.
 */
export async function acceptInvitation(
  deps: InvitationDeps,
  input: {
    token: unknown;
    name: string | undefined;
    password: string | undefined;
    caller: AcceptingCaller;
    /** The tokens of the request's known-device cookie. */
    deviceTokens: readonly string[];
    meta: RequestMeta;
  },
): Promise<Accepted> {
  const { db, clock } = deps.auth;
  const now = clock.now();
  const callerActor = input.caller ? { accountId: input.caller.accountId, email: input.caller.email } : null;
  const record = async (row: InvitationRow | null, error: AppError) => {
    const isRefusal = error.status === 409;
    await recordAudit(db, {
      action: isRefusal ? "invitation.accept_refused" : "invitation.accept_failed",
      outcome: isRefusal ? "denied" : "failure",
      companyId: row?.company_id ?? null,
      actor: callerActor,
      target: row ? { type: "invitation", id: row.id } : null,
      details: { reason: error.code, ...(row ? { invitedEmail: row.email } : {}) },
      meta: input.meta,
      at: now,
    });
  };

  const opened = await openLink(deps, input.token, now, input.meta, { recheckInviter: false });
  if (!opened.ok) {
    const error = new AppError(opened.code);
    await record(opened.row, error);
    throw error;
  }
  const { row } = opened;
  try {
    const acceptor = await resolveAcceptor(deps, row, input, now);
    const outcome = await db.transaction().execute(async (trx): Promise<Outcome<Accepted>> => {
      const offered = await findOfferedRoles(trx, row.id);
      if (!(await mayInviterStillGrant(trx, row, offered))) {
        const revoked = await revokeForLostRights(trx, row, offered, now, input.meta);
        return { ok: false, code: revoked ? "invitation_revoked" : await closedStatusError(trx, row) };
      }
      const [claimed] = await closePendingInvitations(trx, {
        status: "accepted",
        now,
        expiry: "valid",
        invitationId: row.id,
      });
      if (!claimed) {
        const expired = await expireOverdue(trx, { invitationId: row.id }, now, input.meta);
        return { ok: false, code: expired ? "invitation_expired" : await closedStatusError(trx, row) };
      }
      const accountId =
        acceptor.kind === "existing"
          ? acceptor.accountId
          : (
              await createAccount(trx, {
                email: row.email,
                name: acceptor.name,
                password: acceptor.password,
                now,
              })
            ).id;
      const standing = await findMemberStanding(trx, row.company_id, accountId);
      if (standing?.status === "active") throw new AppError("already_member");
      if (standing?.status === "deactivated") throw new AppError("member_deactivated");
      const memberId = await addMember(trx, {
        companyId: row.company_id,
        accountId,
        roleIds: claimed.role_ids,
        roleExpiries: claimed.role_expiries,
        invitedBy: row.invited_by,
        now,
      });
      if (row.scope.kind === "restricted") await writeMemberScope(trx, row.company_id, memberId, row.scope);
      if (acceptor.kind === "existing" && acceptor.provenOn)
        await forgetLoginFailures(trx, acceptor.provenOn);
      const deviceTokens = await rememberDevice(trx, { accountId, deviceTokens: input.deviceTokens, now });
      // Joining is a privilege change: whatever session the browser held is replaced (SECURITY 12).
      if (input.caller) await deleteSession(trx, input.caller.sessionId);
      const session = await createSession(trx, {
        accountId,
        ip: input.meta.ip,
        userAgent: input.meta.userAgent,
        now,
        policy: deps.auth.sessionPolicy,
      });
      await recordAudit(trx, {
        action: "invitation.accepted",
        outcome: "success",
        companyId: row.company_id,
        actor: { accountId, email: row.email },
        target: { type: "invitation", id: row.id },
        details: {
          email: row.email,
          memberId,
          roles: roleNames(offered),
          scope: row.scope,
          accountCreated: acceptor.kind === "new",
          invitedBy: row.invited_by ?? "system",
        },
        meta: input.meta,
        at: now,
      });
      await emitWebhookEvent(
        trx,
        webhookEvent(row.company_id, "member.joined", now, {
          memberId,
          accountId,
          email: row.email,
          roles: roleNames(offered),
          invitationId: row.id,
          invitedBy: row.invited_by,
        }),
      );
      return {
        ok: true,
        value: {
          accountId,
          companyId: row.company_id,
          session: { token: session.token, expiresAt: session.expiresAt },
          deviceTokens,
        },
      };
    });
    if (!outcome.ok) throw new AppError(outcome.code);
    return outcome.value;
  } catch (error) {
    const cause = uniqueViolationAsError(error);
    if (cause instanceof AppError && [409, 410].includes(cause.status)) await record(row, cause);
    throw cause;
  }
}

/** The unique keys back the checks above: one membership per account and company, one account per email. */
function uniqueViolationAsError(error: unknown): unknown {
  if (!isUniqueViolation(error)) return error;
  const constraint = String((error as { constraint?: string }).constraint ?? "");
  return constraint.startsWith("accounts")
    ? new AppError("conflict", "An account for this email was created meanwhile; log in and accept again.")
    : new AppError("already_member");
}
