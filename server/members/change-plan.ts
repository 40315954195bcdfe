// The strategy of a member change, decided without I/O: which path it takes (optimistic, without the
// company lock; or locked) and, on a reading of the state, whether it is refused, changes nothing or
// writes. members/service.ts reads the state, follows the plan and records refusals.
import { ADMIN_ROLE_KEY } from "../access/permissions.js";
import { refuseGrantBeyondOwn } from "../access/policy.js";
import { isSameScope, refuseScopeBeyondOwn, type Scope } from "../access/scope.js";
import { AppError } from "../errors.js";
import { hasSameExpiries, type RoleExpiries } from "../expiry/role-expiries.js";
import { isSameId } from "../ids.js";
import type { ChangeState, CompanyRole, DecidedOn, MemberRow, Standing } from "./queries.js";
import { memberView } from "./view.js";

export type MemberChange =
  /** `scope` absent: the member keeps the merchant accounts they reach (SPEC §6.4). */
  | { kind: "roles"; roleIds: readonly string[]; scope?: Scope; expiries?: RoleExpiries }
  | { kind: "deactivate" }
  | { kind: "reactivate" };

export type ChangeRequest = {
  actorMemberId: string;
  targetMemberId: string;
  /** The member's version the change was made on, when the caller sent one. */
  version: number | undefined;
  change: MemberChange;
};

/**
 * A roles change is tried first without holding the company lock across round trips: one statement
 * writes it if what it was decided on is unchanged (writeMemberRoles with DecidedOn). Deactivation
 * and reactivation always take the lock.
 */
export type ChangePath = "optimistic" | "locked";

/** Before anything is read: refused at once (rule 5), or the path the change starts on. */
export function openChange(request: ChangeRequest): { refuse: AppError } | { path: ChangePath } {
  if (isSameId(request.targetMemberId, request.actorMemberId)) {
    return { refuse: new AppError("self_modification") };
  }
  return { path: request.change.kind === "roles" ? "optimistic" : "locked" };
}

export type ChangeTarget = NonNullable<ChangeState["target"]>;

export type ChangeStep =
  /** Refused: under the lock, the refusal is final and recorded. */
  | { step: "refuse"; error: AppError }
  /** Only on the optimistic path: the unlocked reading cannot settle it; decide again under the lock. */
  | { step: "lock" }
  /** The member already is as asked (the same roles): nothing is written or recorded. */
  | { step: "unchanged"; target: ChangeTarget }
  /**
   * Give the member these roles. `decidedOn` (optimistic path only): the versions the write checks
   * again under its row locks, writing nothing if any has moved.
   */
  | {
      step: "write_roles";
      actor: Standing;
      target: ChangeTarget;
      roles: CompanyRole[];
      /** A new scope to write with the roles (only on the locked path). */
      scope: Scope | undefined;
      decidedOn: DecidedOn | undefined;
    }
  | { step: "deactivate"; target: ChangeTarget }
  | { step: "reactivate"; target: ChangeTarget };

/**
 * What to do on a reading of the state. Every change: the actor is an active member with the
 * permission, the target exists, is not beyond the actor's own permissions (rule 6) and is at the
 * version sent. Then each change's own checks. On the optimistic path any refusal, and anything
 * only the lock can settle (rule 4 counts Admins under it), becomes "lock", so that the locked path
 * refuses and records it.
 */
export function planChange(request: ChangeRequest, state: ChangeState, path: ChangePath): ChangeStep {
  let step: ChangeStep;
  try {
    step = judge(request, state, path);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    step = { step: "refuse", error };
  }
  return path === "optimistic" && step.step !== "write_roles" ? { step: "lock" } : step;
}

function judge(request: ChangeRequest, state: ChangeState, path: ChangePath): ChangeStep {
  const permission = request.change.kind === "roles" ? "members.edit_roles" : "members.deactivate";
  const actor = state.actor;
  if (actor?.status !== "active") throw new AppError("not_found");
  if (!actor.permissions.includes(permission)) {
    throw new AppError("forbidden", `You need the ${permission} permission for this.`, { permission });
  }
  const target = state.target;
  if (!target) throw new AppError("not_found");
  refuseGrantBeyondOwn(actor, target.standing.permissions);
  if (request.version !== undefined && request.version !== target.version) {
    throw new AppError("conflict", undefined, { current: memberView(target) });
  }
  switch (request.change.kind) {
    case "roles":
      return judgeRoles(request, request.change.roleIds, state, actor, target, path);
    case "deactivate":
      if (target.status === "deactivated") {
        throw conflictingState(target, "The member is already deactivated.");
      }
      refuseLastAdmin(state);
      return { step: "deactivate", target };
    case "reactivate":
      // The member comes back with the roles they held (rule 9); rule 6 was applied to those above.
      if (target.status === "active") throw conflictingState(target, "The member is already active.");
      return { step: "reactivate", target };
  }
}

/**
 * A roles change: every id a role of the company, none beyond the actor's own permissions (rule 6),
 * and at least one active Admin left (rule 4).
 */
function judgeRoles(
  request: ChangeRequest,
  roleIds: readonly string[],
  state: ChangeState,
  actor: Standing,
  target: ChangeTarget,
  path: ChangePath,
): ChangeStep {
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
  const wantedScope = request.change.kind === "roles" ? request.change.scope : undefined;
  const scope = wantedScope && !isSameScope(wantedScope, target.scope) ? wantedScope : undefined;
  // Rule 6 for scope: nobody grants a merchant account beyond their own scope, Admins included.
  // Sending the member's scope as it is grants nothing.
  if (scope) refuseScopeBeyondOwn(state.actorScope, scope);
  const expiries = request.change.kind === "roles" ? request.change.expiries : undefined;
  if (isSameRoleSet(target, roleIds) && !scope && (!expiries || hasSameExpiries(target.roles, expiries))) {
    return { step: "unchanged", target };
  }
  const keepsAdmin = roles.some((role) => role.key === ADMIN_ROLE_KEY);
  if (path === "locked") {
    if (!keepsAdmin) refuseLastAdmin(state);
    return { step: "write_roles", actor, target, roles, scope, decidedOn: undefined };
  }
  // A new scope is written with the roles under the company lock.
  if (scope) return { step: "lock" };
  // The target is an active Admin losing the role: only the lock may count the others (rule 4).
  const mayCostAnAdmin = state.otherActiveAdmins !== null && !keepsAdmin;
  if (mayCostAnAdmin || state.actorVersion === null) return { step: "lock" };
  return {
    step: "write_roles",
    actor,
    target,
    roles,
    scope: undefined,
    decidedOn: {
      actorMemberId: request.actorMemberId,
      actorVersion: state.actorVersion,
      targetVersion: target.version,
      rolesVersion: state.rolesVersion,
    },
  };
}

function isSameRoleSet(target: MemberRow, roleIds: readonly string[]): boolean {
  const before = target.roles.map((role) => role.id).sort();
  return before.length === roleIds.length && [...roleIds].sort().every((id, i) => id === before[i]);
}

/** Rule 4: would the company keep an active Admin if this member stopped being one? */
function refuseLastAdmin(state: ChangeState): void {
  if (state.otherActiveAdmins === 0) throw new AppError("last_admin");
}

function conflictingState(target: MemberRow, message: string): AppError {
  return new AppError("conflict", message, { current: memberView(target) });
}
