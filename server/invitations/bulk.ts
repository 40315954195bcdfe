// Bulk invitations (SPEC §6.4): several emails with the same roles, or a CSV of up to 500 rows, each
// row sent through the single invitation's use case, so every rule of rule 8 holds row by row.
// One result per row; a preview answers the same results without writing anything.

import { mayGrant, unionOfPermissions } from "../access/policy.js";
import type { Scope } from "../access/scope.js";
import { recordRefusal } from "../audit/refusals.js";
import type { RequestMeta } from "../audit/writer.js";
import { AppError, ERROR_CODES, type ErrorCode } from "../errors.js";
import type { Language } from "../i18n/languages.js";
import { canonicalizeEmail } from "../identity/email.js";
import { listRoles } from "../roles/queries.js";
import { invitationDomainRefusal } from "../security-policy/service.js";
import {
  countInvitationsCreatedSince,
  countLivePendingInvitations,
  findAccountByEmail,
  findLivePendingInvitationOf,
  findMemberStanding,
} from "./queries.js";
import {
  type InvitationDeps,
  type InvitingMember,
  inviteMember,
  MAX_NEW_INVITATIONS_PER_HOUR,
  MAX_PENDING_INVITATIONS,
} from "./service.js";

/** At most this many emails in one invitation form (Alipay+ invites up to 10 people at once). */
export const MAX_BATCH_EMAILS = 10;

const HOUR_MS = 3_600_000;
/** An email as the result echoes it: what was written, cut to a readable length. */
const ECHO_LENGTH = 320;

/**
 * What became of one row. `ready` only in a preview: the row would be invited. `refused` carries
 * the rule that refused it in `code` (a limit of rule 8, the grant ceiling, a deactivated member…).
 */
export type BatchRowStatus = "invited" | "ready" | "already_member" | "pending" | "invalid" | "refused";
export type BatchRowResult = {
  email: string;
  status: BatchRowStatus;
  code?: ErrorCode;
  message?: string;
  /** The CSV line the row came from (imports only). */
  line?: number;
};

/** One person to invite: the email as written and the roles asked for it (ids, or names from a CSV). */
export type BatchRow = { email: string; line?: number } & (
  | { roleIds: readonly string[] }
  | { roleNames: readonly string[]; defaultRoleIds: readonly string[] }
);

export type BatchInput = {
  companyId: string;
  actor: InvitingMember;
  rows: readonly BatchRow[];
  acceptTerms: boolean | undefined;
  meta: RequestMeta;
  /** Every row's merchant accounts (SPEC §6.4), checked by inviteMember row by row; absent: all. */
  scope?: Scope;
  /** The batch's role expiries, for each row's roles that have one (SPEC §6.4). */
  roleExpiries?: { roleId: string; expiresAt: string }[];
  /** Every row's mail language for an invitee without an account that chose one (SPEC §6.6). */
  language?: Language;
};

function result(row: BatchRow, status: BatchRowStatus, code?: ErrorCode, message?: string): BatchRowResult {
  return {
    email: row.email.slice(0, ECHO_LENGTH),
    status,
    ...(code ? { code, message: message ?? ERROR_CODES[code].message } : {}),
    ...(row.line !== undefined ? { line: row.line } : {}),
  };
}

/** The outcome of a refused single invitation, as its row's result. */
function resultOfRefusal(row: BatchRow, error: AppError): BatchRowResult {
  switch (error.code) {
    case "already_member":
      return result(row, "already_member", error.code);
    case "invitation_pending":
      return result(row, "pending", error.code);
    case "validation_failed":
      return result(row, "invalid", error.code, error.message);
    default:
      return result(row, "refused", error.code, error.message);
  }
}

type Resolved = { ok: true; email: string; roleIds: string[] } | { ok: false; result: BatchRowResult };

/**
 * A row's canonical email and role ids, or its result when it cannot be sent: an invalid email, one
 * written twice in the batch, a role name the company does not have, no role at all.
 */
function resolveRows(
  rows: readonly BatchRow[],
  roles: readonly { id: string; key: string | null; name: string }[],
): Resolved[] {
  const seen = new Set<string>();
  const byName = new Map<string, string>();
  for (const role of roles) {
    byName.set(role.name.toLowerCase(), role.id);
    if (role.key) byName.set(role.key, role.id);
  }
  return rows.map((row): Resolved => {
    const canonical = canonicalizeEmail(row.email);
    if (!canonical.ok) {
      return { ok: false, result: result(row, "invalid", "validation_failed", canonical.reason) };
    }
    if (seen.has(canonical.email)) return { ok: false, result: result(row, "invalid", "duplicate_in_batch") };
    seen.add(canonical.email);
    let roleIds: string[];
    if ("roleIds" in row) roleIds = [...row.roleIds];
    else if (row.roleNames.length === 0) roleIds = [...row.defaultRoleIds];
    else {
      const unknown = row.roleNames.filter((name) => !byName.has(name.toLowerCase()));
      if (unknown.length > 0) {
        const message = `No role of this company is named ${unknown.map((name) => `"${name.slice(0, 60)}"`).join(", ")}.`;
        return { ok: false, result: result(row, "invalid", "validation_failed", message) };
      }
      roleIds = [...new Set(row.roleNames.map((name) => byName.get(name.toLowerCase()) as string))];
    }
    if (roleIds.length === 0) {
      return {
        ok: false,
        result: result(row, "invalid", "validation_failed", "Choose one or more roles for this row."),
      };
    }
    return { ok: true, email: canonical.email, roleIds };
  });
}

/** Role ids sent for the whole batch must all be this company's: an unknown one is the request's 400. */
function refuseUnknownRoleIds(roleIds: readonly string[], roles: readonly { id: string }[]): void {
  const known = new Set(roles.map((role) => role.id));
  const unknown = roleIds.map((id) => id.toLowerCase()).filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new AppError("validation_failed", "Choose one or more roles of this company.", {
      field: "roleIds",
      unknownRoleIds: unknown,
    });
  }
}

function batchRoleIds(rows: readonly BatchRow[]): string[] {
  const ids = new Set<string>();
  for (const row of rows) for (const id of "roleIds" in row ? row.roleIds : row.defaultRoleIds) ids.add(id);
  return [...ids];
}

/**
 * Sends the invitations of a batch, one after the other, each through inviteMember (its own
 * transaction, limits, mail and audit event). A row a limit refuses is refused on its own, so a
 * batch crossing the hourly or pending limit invites the rows before the limit and names the
 * limit on each row after it.
 */
export async function inviteBatch(deps: InvitationDeps, input: BatchInput): Promise<BatchRowResult[]> {
  const { db, clock } = deps.auth;
  if (input.acceptTerms !== true) {
    await recordRefusal(db, {
      action: "invitation.create_refused",
      companyId: input.companyId,
      actor: { accountId: input.actor.accountId, email: input.actor.email },
      details: { reason: "terms_not_accepted", rows: input.rows.length },
      meta: input.meta,
      at: clock.now(),
    });
    throw new AppError("terms_not_accepted");
  }
  const roles = await listRoles(db, input.companyId);
  refuseUnknownRoleIds(batchRoleIds(input.rows), roles);
  const resolved = resolveRows(input.rows, roles);
  const results: BatchRowResult[] = [];
  for (const [index, row] of input.rows.entries()) {
    const decided = resolved[index] as Resolved;
    if (!decided.ok) {
      results.push(decided.result);
      continue;
    }
    try {
      await inviteMember(deps, {
        companyId: input.companyId,
        actor: input.actor,
        email: decided.email,
        roleIds: decided.roleIds,
        acceptTerms: true,
        scope: input.scope,
        roleExpiries: input.roleExpiries,
        language: input.language,
        meta: input.meta,
      });
      results.push(result(row, "invited"));
    } catch (error) {
      if (!(error instanceof AppError) || error.code === "not_found") throw error;
      results.push(resultOfRefusal(row, error));
    }
  }
  return results;
}

/**
 * What a batch would meet, row by row, without writing anything: the single invitation's checks in
 * its order, then the room left under rule 8's limits, taken by the rows in their order. The send
 * decides again (a preview is not a reservation).
 */
export async function previewBatch(
  deps: InvitationDeps,
  input: Omit<BatchInput, "acceptTerms" | "meta">,
): Promise<BatchRowResult[]> {
  const { db, clock } = deps.auth;
  const now = clock.now();
  const roles = await listRoles(db, input.companyId);
  refuseUnknownRoleIds(batchRoleIds(input.rows), roles);
  const resolved = resolveRows(input.rows, roles);
  const room = await db.transaction().execute(async (trx) => {
    const pending = await countLivePendingInvitations(trx, input.companyId, now);
    const recent = await countInvitationsCreatedSince(
      trx,
      input.companyId,
      new Date(now.getTime() - HOUR_MS),
    );
    return {
      pending: MAX_PENDING_INVITATIONS - pending,
      hourly: MAX_NEW_INVITATIONS_PER_HOUR - recent.count,
    };
  });
  const results: BatchRowResult[] = [];
  for (const [index, row] of input.rows.entries()) {
    const decided = resolved[index] as Resolved;
    if (!decided.ok) {
      results.push(decided.result);
      continue;
    }
    const offered = roles.filter((role) => decided.roleIds.includes(role.id));
    if (!mayGrant(input.actor, unionOfPermissions(offered))) {
      results.push(result(row, "refused", "grant_exceeds_own"));
      continue;
    }
    const account = await findAccountByEmail(db, decided.email);
    const standing = account ? await findMemberStanding(db, input.companyId, account.id) : undefined;
    if (standing?.status === "active") {
      results.push(result(row, "already_member", "already_member"));
      continue;
    }
    if (standing?.status === "deactivated") {
      results.push(result(row, "refused", "member_deactivated"));
      continue;
    }
    const domainRefusal = await invitationDomainRefusal(db, input.companyId, decided.email);
    if (domainRefusal) {
      results.push(result(row, "refused", domainRefusal.code, domainRefusal.message));
      continue;
    }
    if (await findLivePendingInvitationOf(db, input.companyId, decided.email, now)) {
      results.push(result(row, "pending", "invitation_pending"));
      continue;
    }
    if (room.pending <= 0) results.push(result(row, "refused", "invitation_limit_reached"));
    else if (room.hourly <= 0) results.push(result(row, "refused", "invitation_rate_limited"));
    else {
      room.pending -= 1;
      room.hourly -= 1;
      results.push(result(row, "ready"));
    }
  }
  return results;
}
