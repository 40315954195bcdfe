// Invitations as the company sees them (SPEC rule 8, SECURITY D 29-37): invite, list, resend, revoke, expire.
// Each use case is one transaction that checks the rules, changes the rows, queues the mail and writes the audit.
import type { Kysely, Transaction } from "kysely";
import { refuseGrantBeyondOwn, unionOfPermissions } from "../access/policy.js";
import { ALL_ACCOUNTS, refuseScopeBeyondOwn, type Scope } from "../access/scope.js";
import { hashSecretToken, newSecretToken } from "../access/tokens.js";
import type { AuditAction } from "../audit/actions.js";
import { recordRefusal } from "../audit/refusals.js";
import { type RequestMeta, recordAudit } from "../audit/writer.js";
import type { AuthDeps } from "../auth/service.js";
import { isUniqueViolation } from "../db/error-kinds.js";
import { emailSearchPattern } from "../db/like-pattern.js";
import type { DB, InvitationStatus } from "../db/schema.js";
import { AppError, type ErrorCode } from "../errors.js";
import { parseRoleExpiries } from "../expiry/role-expiries.js";
import { DEFAULT_LIMIT, decodeCursor, pageOf } from "../http/pagination.js";
import type { Language } from "../i18n/languages.js";
import { canonicalizeEmail } from "../identity/email.js";
import { isUuid } from "../ids.js";
import { enqueueMail } from "../mail/outbox.js";
import { mailLocaleOf } from "../mail/templates.js";
import { writeInvitationScope } from "../merchant-accounts/queries.js";
import { checkRequestedScope } from "../merchant-accounts/service.js";
import { listRoles, lockCompany } from "../roles/queries.js";
import { invitationDomainRefusal } from "../security-policy/service.js";
import { emitWebhookEvent, webhookEvent } from "../webhooks/events.js";
import { INVITATION_PAGE_PATH, invitationMail } from "./mails.js";
import {
  closePendingInvitations,
  countInvitations,
  countInvitationsCreatedSince,
  countLivePendingInvitations,
  findAccountByEmail,
  findCompanyName,
  findInvitation,
  findInvitationLanguage,
  findInviteeLocale,
  findLivePendingInvitationOf,
  findMemberStanding,
  findOfferedRoles,
  findPendingInvitationOf,
  type InvitationRow,
  insertInvitation,
  listInvitations,
  type OfferedRole,
  reissueInvitation,
} from "./queries.js";

/** Rule 8's limits: pending invitations per company, and new ones per company per rolling hour. */
export const MAX_PENDING_INVITATIONS = 500;
export const MAX_NEW_INVITATIONS_PER_HOUR = 50;
/** A resend mails the same person again, so it waits this long after the previous send. */
export const RESEND_COOLDOWN_MS = 60_000;
/** The list counts up to this many and says totalExact:false beyond. */
export const INVITATION_TOTAL_CAP = 1_000;

const HOUR_MS = 3_600_000;
const SYSTEM_META: RequestMeta = { ip: null, userAgent: "system", requestId: null };
const CURSOR_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

export type InvitationDeps = { auth: AuthDeps; publicUrl: string; ttlHours: number };

/** A member acting through the API, with their standing in the company the request names. */
export type InvitingMember = {
  accountId: string;
  email: string;
  name: string;
  roleKeys: readonly string[];
  permissions: readonly string[];
  /** The merchant accounts the member reaches: an invitation offers no account beyond them (rule 6). */
  scope: Scope;
};

/** An outcome decided in a transaction whose writes (an expiry, a revocation) must commit either way. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; code: ErrorCode };

export const CLOSED_STATUS_ERRORS: Record<Exclude<InvitationStatus, "pending">, ErrorCode> = {
  accepted: "invitation_used",
  revoked: "invitation_revoked",
  expired: "invitation_expired",
};

function acceptUrl(deps: InvitationDeps, token: string): string {
  // The fragment never reaches a server, a log or a Referer; the page reads it and posts it (SECURITY 37).
  return `${deps.publicUrl}${INVITATION_PAGE_PATH}#token=${token}`;
}

function expiryFrom(deps: InvitationDeps, now: Date): Date {
  return new Date(now.getTime() + deps.ttlHours * HOUR_MS);
}

function actorOf(member: InvitingMember | null) {
  return member ? { accountId: member.accountId, email: member.email } : null;
}

export function roleNames(roles: readonly { id: string; name: string }[]) {
  return roles.map((role) => ({ id: role.id, name: role.name }));
}

/** Marks the matching pending invitations that are past their expiry as expired, auditing each. */
export async function expireOverdue(
  trx: Transaction<DB>,
  filter: { companyId?: string; invitationId?: string; email?: string },
  now: Date,
  meta: RequestMeta,
): Promise<number> {
  const closed = await closePendingInvitations(trx, { status: "expired", now, expiry: "overdue", ...filter });
  for (const invitation of closed) {
    await recordAudit(trx, {
      action: "invitation.expired",
      outcome: "success",
      companyId: invitation.company_id,
      target: { type: "invitation", id: invitation.id },
      details: { email: invitation.email },
      meta,
      at: now,
    });
  }
  return closed.length;
}

/** The sweep: expires every overdue pending invitation (of one company, or all). Safe to run anywhere. */
export async function expireOverdueInvitations(
  db: Kysely<DB>,
  now: Date,
  companyId?: string,
  meta: RequestMeta = SYSTEM_META,
): Promise<number> {
  return db.transaction().execute((trx) => expireOverdue(trx, companyId ? { companyId } : {}, now, meta));
}

async function throwAfterAudit(
  db: Kysely<DB>,
  error: unknown,
  event: {
    action: AuditAction;
    companyId: string;
    actor: InvitingMember | null;
    invitationId: string | null;
  },
  now: Date,
  meta: RequestMeta,
  extra: Record<string, unknown> = {},
): Promise<never> {
  // not_found is recorded too: an invitation id of another company is a cross-tenant probe (SECURITY 54).
  if (error instanceof AppError) {
    await recordRefusal(db, {
      action: event.action,
      companyId: event.companyId,
      actor: actorOf(event.actor),
      target: event.invitationId ? { type: "invitation", id: event.invitationId } : null,
      details: { reason: error.code, ...extra, ...(error.details ?? {}) },
      meta,
      at: now,
    });
  }
  throw error;
}

// --- Inviting -------------------------------------------------------------------------------------

/**
 * Creates an invitation and queues its mail in one transaction. `actor` null is the system (the admin
 * CLI inviting a company's first Admin): no grant ceiling, and acceptance trusts it without a re-check.
 * Returns the link only for that caller: the API never shows it (SECURITY 29).
 */
export async function inviteMember(
  deps: InvitationDeps,
  input: {
    companyId: string;
    actor: InvitingMember | null;
    email: string;
    roleIds: readonly string[];
    /** Optional expiries of some of the roles, applied on acceptance (SPEC §6.4). */
    roleExpiries?: readonly { roleId: string; expiresAt: string }[];
    acceptTerms: boolean | undefined;
    /** Absent: all merchant accounts (SPEC §6.4). */
    scope?: Scope;
    /** The mail's language for an invitee without an account of their own choice (SPEC §6.6). */
    language?: Language;
    meta: RequestMeta;
  },
): Promise<{ invitation: InvitationRow; acceptUrl: string }> {
  const { db, clock } = deps.auth;
  const now = clock.now();
  const canonical = canonicalizeEmail(input.email);
  const event = {
    action: "invitation.create_refused" as const,
    companyId: input.companyId,
    actor: input.actor,
    invitationId: null,
  };
  const described = { email: canonical.ok ? canonical.email : null };
  try {
    if (input.acceptTerms !== true) throw new AppError("terms_not_accepted");
    if (!canonical.ok) throw new AppError("validation_failed", canonical.reason, { field: "email" });
    const email = canonical.email;
    const token = newSecretToken();
    return await db.transaction().execute(async (trx) => {
      // Serialises the company's invitations, so the limits and "one pending" hold under concurrency.
      await lockCompany(trx, input.companyId);
      const company = await findCompanyName(trx, input.companyId);
      if (!company) throw new AppError("not_found");

      const wantedIds = [...new Set(input.roleIds.map((id) => id.toLowerCase()))];
      const offered = (await listRoles(trx, input.companyId)).filter((role) => wantedIds.includes(role.id));
      if (wantedIds.length === 0 || offered.length !== wantedIds.length) {
        const known = new Set(offered.map((role) => role.id));
        throw new AppError("validation_failed", "Choose one or more roles of this company.", {
          field: "roleIds",
          unknownRoleIds: wantedIds.filter((id) => !known.has(id)),
        });
      }
      const expiries = parseRoleExpiries(input.roleExpiries, wantedIds, now, "roleExpiries");
      const wanted = unionOfPermissions(offered);
      if (input.actor) refuseGrantBeyondOwn(input.actor, wanted);
      const scope = (await checkRequestedScope(trx, input.companyId, input.scope)) ?? ALL_ACCOUNTS;
      if (input.actor) refuseScopeBeyondOwn(input.actor.scope, scope);

      const account = await findAccountByEmail(trx, email);
      const standing = account ? await findMemberStanding(trx, input.companyId, account.id) : undefined;
      if (standing?.status === "active") throw new AppError("already_member");
      if (standing?.status === "deactivated") throw new AppError("member_deactivated");
      const domainRefusal = await invitationDomainRefusal(trx, input.companyId, email);
      if (domainRefusal) throw domainRefusal;

      await expireOverdue(trx, { companyId: input.companyId, email }, now, input.meta);
      const pending = await findPendingInvitationOf(trx, input.companyId, email);
      if (pending) throw new AppError("invitation_pending", undefined, { invitationId: pending.id });
      if ((await countLivePendingInvitations(trx, input.companyId, now)) >= MAX_PENDING_INVITATIONS) {
        throw new AppError("invitation_limit_reached", undefined, { limit: MAX_PENDING_INVITATIONS });
      }
      const recent = await countInvitationsCreatedSince(
        trx,
        input.companyId,
        new Date(now.getTime() - HOUR_MS),
      );
      if (recent.count >= MAX_NEW_INVITATIONS_PER_HOUR) {
        const freesAt = (recent.oldest?.getTime() ?? now.getTime()) + HOUR_MS;
        const seconds = Math.max(1, Math.ceil((freesAt - now.getTime()) / 1000));
        throw new AppError(
          "invitation_rate_limited",
          undefined,
          { limit: MAX_NEW_INVITATIONS_PER_HOUR, retryAfterSeconds: seconds },
          { "retry-after": String(seconds) },
        );
      }

      const expiresAt = expiryFrom(deps, now);
      const invitationId = await insertInvitation(trx, {
        companyId: input.companyId,
        email,
        tokenHash: hashSecretToken(token),
        invitedBy: input.actor?.accountId ?? null,
        roleIds: offered.map((role) => role.id),
        roleExpiries: expiries,
        now,
        expiresAt,
        language: input.language ?? null,
      });
      await writeInvitationScope(trx, input.companyId, invitationId, scope);
      const link = acceptUrl(deps, token);
      const locale = mailLocaleOf(await findInviteeLocale(trx, email, input.language ?? null));
      await enqueueMail(
        trx,
        {
          kind: "invitation",
          to: email,
          mail: invitationMail({
            locale,
            companyName: company.name,
            inviter: input.actor ? { name: input.actor.name, email: input.actor.email } : null,
            roles: offered,
            expiresAt,
            acceptUrl: link,
          }),
          isSensitive: true,
        },
        now,
      );
      await recordAudit(trx, {
        action: "invitation.created",
        outcome: "success",
        companyId: input.companyId,
        actor: actorOf(input.actor),
        target: { type: "invitation", id: invitationId },
        details: {
          email,
          roles: roleNames(offered),
          permissions: wanted,
          scope,
          invitedBy: input.actor ? input.actor.accountId : "system",
          expiresAt: expiresAt.toISOString(),
        },
        meta: input.meta,
        at: now,
      });
      await emitWebhookEvent(
        trx,
        webhookEvent(input.companyId, "member.invited", now, {
          invitationId,
          email,
          roles: roleNames(offered),
          invitedBy: input.actor?.accountId ?? null,
          expiresAt: expiresAt.toISOString(),
        }),
      );
      const invitation = await findInvitation(trx, input.companyId, invitationId);
      return { invitation: invitation as InvitationRow, acceptUrl: link };
    });
  } catch (error) {
    // The partial unique index is the last word on "one pending invitation per email".
    const refusal = isUniqueViolation(error) ? new AppError("invitation_pending") : error;
    return throwAfterAudit(db, refusal, event, now, input.meta, described);
  }
}

// --- Checking an email before inviting --------------------------------------------------------

/** What an invitation of this email would meet, told as the email is typed (the send still decides). */
export type EmailStanding =
  | { standing: "invitable" }
  | { standing: "active_member"; memberId: string }
  | { standing: "deactivated_member"; memberId: string }
  | { standing: "invitation_pending"; invitationId: string }
  | { standing: "domain_not_allowed"; allowedDomains: string[] };

/**
 * The same checks the send makes, in its order, without writing anything: an active member, a
 * deactivated member, a domain the company's security policy does not list, a pending invitation
 * whose link still works. An account that is no member here
 * reads "invitable", like an unknown email: the inviter learns nothing beyond the company.
 */
export async function checkInvitableEmail(
  deps: InvitationDeps,
  input: { companyId: string; email: string },
): Promise<{ email: string } & EmailStanding> {
  const { db, clock } = deps.auth;
  const canonical = canonicalizeEmail(input.email);
  if (!canonical.ok) throw new AppError("validation_failed", canonical.reason, { field: "email" });
  const email = canonical.email;
  const account = await findAccountByEmail(db, email);
  const member = account ? await findMemberStanding(db, input.companyId, account.id) : undefined;
  if (member?.status === "active") return { email, standing: "active_member", memberId: member.memberId };
  if (member?.status === "deactivated") {
    return { email, standing: "deactivated_member", memberId: member.memberId };
  }
  const domainRefusal = await invitationDomainRefusal(db, input.companyId, email);
  if (domainRefusal) {
    return {
      email,
      standing: "domain_not_allowed",
      allowedDomains: domainRefusal.details?.allowedDomains as string[],
    };
  }
  const pending = await findLivePendingInvitationOf(db, input.companyId, email, clock.now());
  if (pending) return { email, standing: "invitation_pending", invitationId: pending.id };
  return { email, standing: "invitable" };
}

// --- Listing --------------------------------------------------------------------------------------

export async function listCompanyInvitations(
  deps: InvitationDeps,
  input: {
    companyId: string;
    /** Any of these statuses; undefined: every status. */
    statuses: readonly InvitationStatus[] | undefined;
    /** Text the email contains (under three characters: begins with), as the member search reads it. */
    search: string | undefined;
    limit: number | undefined;
    cursor: string | undefined;
    meta: RequestMeta;
  },
) {
  const { db, clock } = deps.auth;
  // Microsecond-precision cursors (see queries.ts), so the time is checked as text, not as a Date.
  const after = decodeCursor(input.cursor, 2);
  if (after && !(CURSOR_TIME.test(after[0] ?? "") && isUuid(after[1]))) {
    throw new AppError("validation_failed", "The cursor is not valid; start again from the first page.", {
      field: "cursor",
    });
  }
  const limit = input.limit ?? DEFAULT_LIMIT;
  // "Expired when seen": the list never shows a pending invitation whose link no longer works.
  await expireOverdueInvitations(db, clock.now(), input.companyId, input.meta);
  const filter = {
    companyId: input.companyId,
    statuses: input.statuses,
    emailPattern: emailSearchPattern(input.search),
  };
  const rows = await listInvitations(db, {
    ...filter,
    limit: limit + 1,
    after: after ? { createdAt: after[0] as string, id: after[1] as string } : null,
  });
  const page = pageOf(rows, limit, (row) => [row.cursor_created_at, row.id]);
  const counted = await countInvitations(db, filter, INVITATION_TOTAL_CAP);
  return {
    items: page.items,
    total: Math.min(counted, INVITATION_TOTAL_CAP),
    totalExact: counted <= INVITATION_TOTAL_CAP,
    nextCursor: page.nextCursor,
  };
}

// --- Resending and revoking -----------------------------------------------------------------------

/**
 * Loads and locks a company's invitation for a change, expiring it first if it is overdue.
 * Returns the row and its offered roles, or the refusal (after the expiry has been written).
 */
async function lockPendingInvitation(
  trx: Transaction<DB>,
  input: { companyId: string; invitationId: string; actor: InvitingMember; now: Date; meta: RequestMeta },
): Promise<Outcome<{ row: InvitationRow; offered: OfferedRole[] }>> {
  const row = await findInvitation(trx, input.companyId, input.invitationId, true);
  if (!row) throw new AppError("not_found");
  if (await expireOverdue(trx, { invitationId: row.id }, input.now, input.meta)) {
    return { ok: false, code: "invitation_not_pending" };
  }
  if (row.status !== "pending") return { ok: false, code: "invitation_not_pending" };
  const offered = await findOfferedRoles(trx, row.id);
  // Rule 6: acting on an invitation is granting its roles again, so the same ceiling applies.
  refuseGrantBeyondOwn(input.actor, unionOfPermissions(offered));
  refuseScopeBeyondOwn(input.actor.scope, row.scope);
  return { ok: true, value: { row, offered } };
}

/** Mails a new link: the old token dies, the lifetime restarts, and the resender becomes the inviter. */
export async function resendInvitation(
  deps: InvitationDeps,
  input: { companyId: string; invitationId: string; actor: InvitingMember; meta: RequestMeta },
): Promise<InvitationRow> {
  const { db, clock } = deps.auth;
  const now = clock.now();
  const event = {
    action: "invitation.resend_refused" as const,
    companyId: input.companyId,
    actor: input.actor,
    invitationId: input.invitationId,
  };
  try {
    const token = newSecretToken();
    const outcome = await db.transaction().execute(async (trx): Promise<Outcome<InvitationRow>> => {
      const locked = await lockPendingInvitation(trx, { ...input, now });
      if (!locked.ok) return locked;
      const { row, offered } = locked.value;
      // A policy listing domains since the first send stops new links to the others.
      const domainRefusal = await invitationDomainRefusal(trx, input.companyId, row.email);
      if (domainRefusal) throw domainRefusal;
      const sinceLastSend = now.getTime() - row.last_sent_at.getTime();
      if (sinceLastSend < RESEND_COOLDOWN_MS) {
        const seconds = Math.max(1, Math.ceil((RESEND_COOLDOWN_MS - sinceLastSend) / 1000));
        throw new AppError(
          "invitation_rate_limited",
          "This invitation was sent moments ago; wait a minute before resending it.",
          { retryAfterSeconds: seconds },
          { "retry-after": String(seconds) },
        );
      }
      const expiresAt = expiryFrom(deps, now);
      await reissueInvitation(trx, {
        invitationId: row.id,
        tokenHash: hashSecretToken(token),
        invitedBy: input.actor.accountId,
        now,
        expiresAt,
      });
      const locale = mailLocaleOf(
        await findInviteeLocale(trx, row.email, await findInvitationLanguage(trx, row.id)),
      );
      await enqueueMail(
        trx,
        {
          kind: "invitation",
          to: row.email,
          mail: invitationMail({
            locale,
            companyName: row.company_name,
            inviter: { name: input.actor.name, email: input.actor.email },
            roles: offered,
            expiresAt,
            acceptUrl: acceptUrl(deps, token),
          }),
          isSensitive: true,
        },
        now,
      );
      await recordAudit(trx, {
        action: "invitation.resent",
        outcome: "success",
        companyId: input.companyId,
        actor: actorOf(input.actor),
        target: { type: "invitation", id: row.id },
        details: {
          email: row.email,
          roles: roleNames(offered),
          previousInvitedBy: row.invited_by ?? "system",
          expiresAt: expiresAt.toISOString(),
        },
        meta: input.meta,
        at: now,
      });
      return { ok: true, value: (await findInvitation(trx, input.companyId, row.id)) as InvitationRow };
    });
    if (!outcome.ok) throw new AppError(outcome.code);
    return outcome.value;
  } catch (error) {
    return throwAfterAudit(db, error, event, now, input.meta);
  }
}

/** Revokes a pending invitation: its link dies at once. */
export async function revokeInvitation(
  deps: InvitationDeps,
  input: { companyId: string; invitationId: string; actor: InvitingMember; meta: RequestMeta },
): Promise<void> {
  const { db, clock } = deps.auth;
  const now = clock.now();
  const event = {
    action: "invitation.revoke_refused" as const,
    companyId: input.companyId,
    actor: input.actor,
    invitationId: input.invitationId,
  };
  try {
    const outcome = await db.transaction().execute(async (trx): Promise<Outcome<null>> => {
      const locked = await lockPendingInvitation(trx, { ...input, now });
      if (!locked.ok) return locked;
      const { row, offered } = locked.value;
      await closePendingInvitations(trx, { status: "revoked", now, expiry: "any", invitationId: row.id });
      await recordAudit(trx, {
        action: "invitation.revoked",
        outcome: "success",
        companyId: input.companyId,
        actor: actorOf(input.actor),
        target: { type: "invitation", id: row.id },
        details: { email: row.email, roles: roleNames(offered), reason: "revoked_by_member" },
        meta: input.meta,
        at: now,
      });
      await emitWebhookEvent(
        trx,
        webhookEvent(input.companyId, "invitation.revoked", now, {
          invitationId: row.id,
          email: row.email,
          roles: roleNames(offered),
          reason: "revoked_by_member",
        }),
      );
      return { ok: true, value: null };
    });
    if (!outcome.ok) throw new AppError(outcome.code);
  } catch (error) {
    await throwAfterAudit(db, error, event, now, input.meta);
  }
}
