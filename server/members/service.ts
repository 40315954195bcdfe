// The member list and the three member changes: roles, deactivation, reactivation (rules 2, 4, 5,
// 6, 9, 11). Each change is one transaction under the company lock, re-reads the actor's own
// standing there, keeps at least one active Admin, and records its audit event; refusals are
// recorded on their own, outside the transaction that failed. A roles change allowed as it stands
// is first tried in one statement that takes the same locks only for itself (changeRolesUnlocked).
import type { Kysely, RawBuilder, Transaction } from "kysely";
import { ADMIN_ROLE_KEY } from "../access/permissions.js";
import { refuseGrantBeyondOwn } from "../access/policy.js";
import type { AuditAction } from "../audit/actions.js";
import { type AuditEvent, type RequestMeta, recordAudit } from "../audit/writer.js";
import { deleteAccountSessions } from "../auth/sessions.js";
import type { DB, MemberStatus } from "../db/schema.js";
import { AppError, type ErrorCode } from "../errors.js";
import { DEFAULT_LIMIT, decodeIdCursor, pageOf } from "../http/pagination.js";
import { isSameId, isUuid } from "../ids.js";
import { enqueueMail, type OutgoingMail } from "../mail/outbox.js";
import { lockCompany } from "../roles/queries.js";
import { memberDeactivatedMail, memberReactivatedMail, rolesChangedMail } from "./mails.js";
import {
  type ChangeState,
  type CompanyRole,
  cappedCount,
  countActiveMemberships,
  counterTotal,
  estimateMatchingMembers,
  findMember,
  findRoleByIdOrKey,
  likePattern,
  listMembers,
  loadChange,
  lockAccount,
  type MemberFilter,
  type MemberRow,
  type Standing,
  scalar,
  updateMember,
  writeMemberRoles,
} from "./queries.js";

/** A substring search counts at most this many matches (SPEC §3), then says totalExact:false. */
export const SEARCH_COUNT_CAP = 1_000;
/** A search the planner estimates to match at most this many members is gathered, not walked. */
export const SEARCH_COLLECT_MAX_ESTIMATE = 10_000;
/** Shorter search terms match the start of the email: trigrams need three characters. */
export const SUBSTRING_MIN_LENGTH = 3;

export type MemberView = {
  id: string;
  accountId: string;
  email: string;
  name: string;
  roles: { id: string; key: string | null; name: string }[];
  status: MemberStatus;
  joinedAt: string;
  lastActiveAt: string | null;
  version: number;
};

export function memberView(row: MemberRow): MemberView {
  return {
    id: row.id,
    accountId: row.account_id,
    email: row.email,
    name: row.name,
    roles: row.roles,
    status: row.status,
    joinedAt: row.joined_at,
    lastActiveAt: row.last_active_at,
    version: row.version,
  };
}

export type MemberListQuery = {
  email?: string;
  role?: string;
  status?: MemberStatus;
  limit?: number;
  cursor?: string;
};

export async function listMemberPage(db: Kysely<DB>, companyId: string, query: MemberListQuery) {
  const limit = query.limit ?? DEFAULT_LIMIT;
  const afterMemberId = decodeIdCursor(query.cursor);
  const term = query.email?.trim().toLowerCase() ?? "";
  const filter: MemberFilter = {
    companyId,
    status: query.status,
    roleId: query.role === undefined ? undefined : await resolveRoleFilter(db, companyId, query.role),
    emailPattern:
      term === ""
        ? undefined
        : likePattern(term, term.length < SUBSTRING_MIN_LENGTH ? "prefix" : "substring"),
  };

  let total: number;
  let totalExact = true;
  let rows: MemberRow[];
  if (filter.emailPattern === undefined && filter.roleId === undefined) {
    // The plain list: one walk in email order, its total read from the counters.
    ({ rows, total } = await walkWithTotal(
      db,
      filter,
      afterMemberId,
      limit + 1,
      counterTotal(companyId, undefined, filter.status),
    ));
  } else if (filter.emailPattern === undefined) {
    // A role: the total from the counters; few holders are cheaper gathered and sorted than walked.
    total = await scalar(db, counterTotal(companyId, filter.roleId, filter.status));
    rows = await listMembers(
      db,
      filter,
      afterMemberId,
      limit + 1,
      total <= SEARCH_COUNT_CAP ? "collect" : "walk",
    );
  } else if ((await estimateMatchingMembers(db, filter)) <= SEARCH_COLLECT_MAX_ESTIMATE) {
    // A search the planner expects to match a few thousand members at most: every match gathered
    // through the trigram index, sorted, and counted in the same query. Walking the email order
    // instead can read tens of thousands of rows before the first match (a first name clusters).
    const collected = await listMembers(db, filter, afterMemberId, limit + 1, "collect");
    // A page past the end has no row to carry the count, so it is asked apart.
    const matches = collected[0]?.matches ?? (await scalar(db, cappedCount(filter, SEARCH_COUNT_CAP)));
    rows = collected;
    total = Math.min(matches, SEARCH_COUNT_CAP);
    totalExact = matches <= SEARCH_COUNT_CAP;
  } else {
    // A search matching much of the company: the email order finds a page at once, and the count
    // stops at its cap.
    const walked = await walkWithTotal(
      db,
      filter,
      afterMemberId,
      limit + 1,
      cappedCount(filter, SEARCH_COUNT_CAP),
    );
    const counted = walked.total;
    rows = walked.rows;
    total = Math.min(counted, SEARCH_COUNT_CAP);
    totalExact = counted <= SEARCH_COUNT_CAP;
  }
  const page = pageOf(rows, limit, (row) => [row.id]);
  return { items: page.items.map(memberView), total, totalExact, nextCursor: page.nextCursor };
}

/**
 * One walk in email order with a total answered in the same round trip, on its rows; a page past
 * the end has no row to carry it, so it is asked apart.
 */
async function walkWithTotal(
  db: Kysely<DB>,
  filter: MemberFilter,
  afterMemberId: string | null,
  limit: number,
  totalQuery: RawBuilder<number>,
): Promise<{ rows: MemberRow[]; total: number }> {
  const rows = await listMembers(db, filter, afterMemberId, limit, "walk", totalQuery);
  const first = rows[0];
  return { rows, total: first ? Number(first.extra ?? 0) : await scalar(db, totalQuery) };
}

async function resolveRoleFilter(db: Kysely<DB>, companyId: string, role: string): Promise<string> {
  const id = await findRoleByIdOrKey(db, companyId, isUuid(role) ? { id: role } : { key: role });
  if (!id) {
    throw new AppError("validation_failed", "No such role in this company.", { field: "querystring.role" });
  }
  return id;
}

export async function getMember(db: Kysely<DB>, companyId: string, memberId: string): Promise<MemberView> {
  const row = await findMember(db, companyId, memberId);
  if (!row) throw new AppError("not_found");
  return memberView(row);
}

// ---- changes ---------------------------------------------------------------------------------

export type MemberActor = { accountId: string; email: string; name: string; memberId: string };

export type MemberContext = {
  db: Kysely<DB>;
  companyId: string;
  actor: MemberActor;
  meta: RequestMeta;
  now: Date;
};

// Refusals that reach the audit log as denied attempts (rule 11).
const RECORDED_REFUSALS = new Set<ErrorCode>([
  "self_modification",
  "last_admin",
  "grant_exceeds_own",
  "conflict",
  "forbidden",
  "not_found",
  "validation_failed",
]);

function auditEvent(
  ctx: MemberContext,
  action: AuditAction,
  outcome: "success" | "denied",
  memberId: string,
  details: Record<string, unknown>,
): AuditEvent {
  return {
    action,
    outcome,
    companyId: ctx.companyId,
    actor: { accountId: ctx.actor.accountId, email: ctx.actor.email },
    target: { type: "member", id: memberId },
    details,
    meta: ctx.meta,
    at: ctx.now,
  };
}

async function audit(
  ctx: MemberContext,
  db: Kysely<DB> | Transaction<DB>,
  action: AuditAction,
  outcome: "success" | "denied",
  memberId: string,
  details: Record<string, unknown>,
) {
  await recordAudit(db, auditEvent(ctx, action, outcome, memberId, details));
}

/** What a refusal's audit event keeps: the reason and small facts, never the member's whole state. */
function refusalDetails(error: AppError, extra: Record<string, unknown>): Record<string, unknown> {
  const details: Record<string, unknown> = { reason: error.code, ...extra };
  if (error.code === "grant_exceeds_own") details.permissionsBeyondOwn = error.details?.permissions;
  if (error.code === "conflict") {
    details.currentVersion = (error.details?.current as MemberView | undefined)?.version ?? null;
  }
  return details;
}

/**
 * Runs one member change: refuses self-modification, then under the company lock re-reads the actor
 * (the guard's view is from the start of the request; a demotion committed since counts), loads and
 * locks the target, applies rule 6 to the target's current permissions and compares versions.
 */
async function changeMember(
  ctx: MemberContext,
  memberId: string,
  spec: {
    permission: "members.edit_roles" | "members.deactivate";
    refusedAction: AuditAction;
    refusalFacts: Record<string, unknown>;
    version: number | undefined;
    /** Roles the change asks for, loaded with the rest of the state. */
    roleIds?: readonly string[];
    /** Makes the change; answers the member as it now is, or null when nothing changed. */
    apply: (
      trx: Transaction<DB>,
      target: MemberRow,
      actor: Standing,
      state: ChangeState,
    ) => Promise<MemberRow | null>;
  },
): Promise<MemberView> {
  try {
    if (isSameId(memberId, ctx.actor.memberId)) throw new AppError("self_modification");
    return await ctx.db.transaction().execute(async (trx) => {
      await lockCompany(trx, ctx.companyId);
      // A statement of its own after the lock: it sees every change committed before the lock was ours.
      const state = await loadChange(trx, ctx.companyId, ctx.actor.memberId, memberId, spec.roleIds ?? []);
      const { actor, target } = admitChange(state, spec.permission, spec.version);
      return memberView((await spec.apply(trx, target, actor, state)) ?? target);
    });
  } catch (error) {
    if (error instanceof AppError && RECORDED_REFUSALS.has(error.code)) {
      await audit(
        ctx,
        ctx.db,
        spec.refusedAction,
        "denied",
        memberId,
        refusalDetails(error, spec.refusalFacts),
      );
    }
    throw error;
  }
}

/**
 * The checks of every member change on the state it was read in: the actor is an active member
 * with the permission, the target exists, is not beyond the actor's own permissions (rule 6) and
 * is at the version the change was made on.
 */
function admitChange(
  state: ChangeState,
  permission: "members.edit_roles" | "members.deactivate",
  version: number | undefined,
): { actor: Standing; target: NonNullable<ChangeState["target"]> } {
  const actor = state.actor;
  if (actor?.status !== "active") throw new AppError("not_found");
  if (!actor.permissions.includes(permission)) {
    throw new AppError("forbidden", `You need the ${permission} permission for this.`, { permission });
  }
  const target = state.target;
  if (!target) throw new AppError("not_found");
  refuseGrantBeyondOwn(actor, target.standing.permissions);
  if (version !== undefined && version !== target.version) {
    throw new AppError("conflict", undefined, { current: memberView(target) });
  }
  return { actor, target };
}

/** Rule 4: would the company keep an active Admin if this member stopped being one? */
function refuseLastAdmin(state: ChangeState): void {
  if (state.otherActiveAdmins === 0) throw new AppError("last_admin");
}

function conflictingState(target: MemberRow, message: string): AppError {
  return new AppError("conflict", message, { current: memberView(target) });
}

/**
 * The roles a change gives the member, after the checks of a roles change: every id a role of the
 * company, none beyond the actor's own permissions (rule 6), and at least one active Admin left
 * (rule 4). Null when they are the roles the member already holds: nothing changes.
 */
function plannedRoles(state: ChangeState, actor: Standing, target: MemberRow, roleIds: readonly string[]) {
  const roles = state.roles;
  if (roles.length !== roleIds.length) {
    const known = new Set(roles.map((role) => role.id));
    throw new AppError("validation_failed", "Unknown role for this company.", {
      field: "body.roleIds",
      unknownRoleIds: roleIds.filter((id) => !known.has(id)),
    });
  }
  refuseGrantBeyondOwn(
    actor,
    roles.flatMap((role) => role.permissions),
  );
  const before = target.roles.map((role) => role.id).sort();
  if (before.length === roleIds.length && [...roleIds].sort().every((id, i) => id === before[i])) {
    return null;
  }
  if (!roles.some((role) => role.key === ADMIN_ROLE_KEY)) refuseLastAdmin(state);
  return roles;
}

function rolesChangedEvent(ctx: MemberContext, target: MemberRow, roles: CompanyRole[]): AuditEvent {
  return auditEvent(ctx, "member.roles_changed", "success", target.id, {
    accountId: target.account_id,
    email: target.email,
    before: { roles: target.roles },
    after: { roles: roles.map((role) => ({ id: role.id, key: role.key, name: role.name })) },
  });
}

/** The member's own notice of new roles, queued with the change (rule 12). */
function rolesChangedNotice(
  ctx: MemberContext,
  target: MemberRow,
  roles: CompanyRole[],
  companyName: string,
): { mail: OutgoingMail; now: Date } {
  return {
    mail: {
      kind: "member_roles_changed",
      to: target.email,
      mail: rolesChangedMail({
        name: target.name,
        companyName,
        roleNames: roles.map((role) => role.name),
        changedBy: { name: ctx.actor.name, email: ctx.actor.email },
        at: ctx.now,
      }),
      isSensitive: false,
    },
    now: ctx.now,
  };
}

export async function changeMemberRoles(
  ctx: MemberContext,
  memberId: string,
  input: { roleIds: string[]; version?: number },
): Promise<MemberView> {
  // Ids compared as text below (the same roles? the caller?): in PostgreSQL's spelling.
  const roleIds = [...new Set(input.roleIds.map((id) => id.toLowerCase()))];
  const changed = await changeRolesUnlocked(ctx, memberId, roleIds, input.version);
  if (changed) return changed;
  return changeMember(ctx, memberId, {
    permission: "members.edit_roles",
    refusedAction: "member.roles_change_refused",
    refusalFacts: { requestedRoleIds: roleIds, sentVersion: input.version ?? null },
    version: input.version,
    roleIds,
    apply: async (trx, target, actor, state) => {
      const roles = plannedRoles(state, actor, target, roleIds);
      if (!roles) return null; // the same roles: nothing changes, nothing to record
      const written = await writeMemberRoles(
        trx,
        ctx.companyId,
        memberId,
        roleIds,
        rolesChangedEvent(ctx, target, roles),
        undefined,
        rolesChangedNotice(ctx, target, roles, state.companyName),
      );
      // Unconditional under the lock, on a target loadChange locked: a missing row is a fault, never "unchanged".
      if (!written) throw new Error("The member's roles were not written under the company lock.");
      return written;
    },
  });
}

/**
 * A roles change allowed as it stands, made in one statement without holding the company lock
 * across round trips (admins' changes in a large company queued behind each other there). The state
 * is read unlocked and judged by the same checks as the locked path; the write then happens only if
 * the company's roles, the actor and the target are still as judged (writeMemberRoles re-checks
 * them under their row locks). Anything else answers null, and the locked path decides, refuses
 * and records as always: a refusal, the same roles again, a change that could leave the company
 * without an active Admin (rule 4 counts under the company lock), or a state that moved meanwhile.
 */
async function changeRolesUnlocked(
  ctx: MemberContext,
  memberId: string,
  roleIds: readonly string[],
  /** The version the caller made the change on; without one, the version it is judged on here. */
  version: number | undefined,
): Promise<MemberView | null> {
  if (isSameId(memberId, ctx.actor.memberId)) return null;
  const state = await loadChange(ctx.db, ctx.companyId, ctx.actor.memberId, memberId, roleIds, false);
  let admitted: ReturnType<typeof admitChange>;
  let roles: CompanyRole[] | null;
  try {
    admitted = admitChange(state, "members.edit_roles", version);
    roles = plannedRoles(state, admitted.actor, admitted.target, roleIds);
  } catch (error) {
    if (error instanceof AppError) return null; // the locked path refuses it again, and records it
    throw error;
  }
  const mayCostAnAdmin =
    state.otherActiveAdmins !== null && !roles?.some((role) => role.key === ADMIN_ROLE_KEY);
  if (!roles || mayCostAnAdmin || state.actorVersion === null) return null;
  const row = await writeMemberRoles(
    ctx.db,
    ctx.companyId,
    memberId,
    roleIds,
    rolesChangedEvent(ctx, admitted.target, roles),
    {
      actorMemberId: ctx.actor.memberId,
      actorVersion: state.actorVersion,
      targetVersion: admitted.target.version,
      rolesVersion: state.rolesVersion,
    },
    rolesChangedNotice(ctx, admitted.target, roles, state.companyName),
  );
  return row ? memberView(row) : null;
}

export async function deactivateMember(
  ctx: MemberContext,
  memberId: string,
  input: { version?: number },
): Promise<MemberView> {
  return changeMember(ctx, memberId, {
    permission: "members.deactivate",
    refusedAction: "member.deactivate_refused",
    refusalFacts: { sentVersion: input.version ?? null },
    version: input.version,
    apply: async (trx, target, _actor, state) => {
      if (target.status === "deactivated")
        throw conflictingState(target, "The member is already deactivated.");
      refuseLastAdmin(state);
      await updateMember(trx, memberId, { status: "deactivated", deactivatedAt: ctx.now });
      // Rule 9: the company is gone from the member's sessions at once (the guard reads the status
      // per request); with no active membership left anywhere, the sessions go too. Under the
      // account's lock: two companies deactivating the same account at once would otherwise each
      // count the other's membership as active, and neither would end the sessions.
      await lockAccount(trx, target.account_id);
      if ((await countActiveMemberships(trx, target.account_id)) === 0) {
        await deleteAccountSessions(trx, target.account_id, null);
      }
      // The company's event says nothing of the sessions ended: whether there were any would tell
      // this company whether the person is an active member of another one (rule 3).
      await audit(ctx, trx, "member.deactivated", "success", memberId, {
        accountId: target.account_id,
        email: target.email,
        before: { status: "active" },
        after: { status: "deactivated" },
        roles: target.roles,
      });
      await enqueueMail(
        trx,
        {
          kind: "member_deactivated",
          to: target.email,
          mail: memberDeactivatedMail({ name: target.name, companyName: state.companyName, at: ctx.now }),
          isSensitive: false,
        },
        ctx.now,
      );
      return (await findMember(trx, ctx.companyId, memberId)) as MemberRow;
    },
  });
}

export async function reactivateMember(
  ctx: MemberContext,
  memberId: string,
  input: { version?: number },
): Promise<MemberView> {
  return changeMember(ctx, memberId, {
    permission: "members.deactivate",
    refusedAction: "member.reactivate_refused",
    refusalFacts: { sentVersion: input.version ?? null },
    version: input.version,
    apply: async (trx, target, _actor, state) => {
      if (target.status === "active") throw conflictingState(target, "The member is already active.");
      // The member comes back with the roles they held (rule 9); rule 6 was applied to those above.
      await updateMember(trx, memberId, { status: "active", deactivatedAt: null });
      await audit(ctx, trx, "member.reactivated", "success", memberId, {
        accountId: target.account_id,
        email: target.email,
        before: { status: "deactivated" },
        after: { status: "active" },
        roles: target.roles,
      });
      await enqueueMail(
        trx,
        {
          kind: "member_reactivated",
          to: target.email,
          mail: memberReactivatedMail({
            name: target.name,
            companyName: state.companyName,
            roleNames: target.roles.map((role) => role.name),
            at: ctx.now,
          }),
          isSensitive: false,
        },
        ctx.now,
      );
      return (await findMember(trx, ctx.companyId, memberId)) as MemberRow;
    },
  });
}
