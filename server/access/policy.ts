// Pure access decisions: no I/O, so the whole policy is unit-tested in memory.
// Callers load the facts (a member's status, roles, permissions) and ask these functions.
import { AppError } from "../errors.js";
import { ADMIN_ROLE_KEY, type Permission } from "./permissions.js";

/** What a route requires of its caller (rule 1: every route declares one). */
export type Access =
  | { kind: "public" }
  | { kind: "session" }
  /** Only a session in the login's second step (SPEC §6.2): it finishes the login, nothing else. */
  | { kind: "second_step" }
  | { kind: "member" }
  | { kind: "permission"; permission: Permission }
  /** Only a company's SCIM bearer token (SPEC §6.3); a session never passes, whoever holds it. */
  | { kind: "scim_token" };

/** The caller's standing in the company a request names. */
export type Membership = {
  memberId: string;
  status: "active" | "deactivated";
  roleKeys: readonly string[];
  permissions: readonly string[];
  /** The company requires a second factor and the caller's account has none (SPEC §6.2). */
  mfaEnrolmentRequired?: boolean;
};

export type Decision =
  | { allowed: true }
  | { allowed: false; code: "unauthenticated" | "not_found" | "forbidden" | "mfa_enrolment_required" };

/**
 * Decides a request. A caller who is not an active member of the named company gets not_found,
 * exactly as if the company did not exist (rule 3); an active member without the permission
 * gets forbidden. In a company that requires a second factor, an active member without one may use
 * none of its routes until they enrol one on their profile (account-level routes name no company).
 */
export function decide(access: Access, hasSession: boolean, membership: Membership | null): Decision {
  if (access.kind === "public") return { allowed: true };
  if (!hasSession || access.kind === "scim_token") return { allowed: false, code: "unauthenticated" };
  if (access.kind === "session" || access.kind === "second_step") return { allowed: true };
  if (membership?.status !== "active") return { allowed: false, code: "not_found" };
  if (membership.mfaEnrolmentRequired) return { allowed: false, code: "mfa_enrolment_required" };
  if (access.kind === "member") return { allowed: true };
  return membership.permissions.includes(access.permission)
    ? { allowed: true }
    : { allowed: false, code: "forbidden" };
}

/** The union of the permissions of several roles (a member's roles add up). */
export function unionOfPermissions(roles: readonly { permissions: readonly string[] }[]): string[] {
  const all = new Set<string>();
  for (const role of roles) for (const permission of role.permissions) all.add(permission);
  return [...all].sort();
}

/** Who grants: the role keys and the permissions (the union over the roles) of a member. */
export type Grantor = { roleKeys: readonly string[]; permissions: readonly string[] };

/**
 * Rule 6, the grant ceiling: the permissions among `wanted` that the actor may not grant (nor act
 * on someone holding), each once and sorted. A member holding the Admin role may grant anything;
 * anyone else only their own permissions.
 */
export function permissionsBeyondOwn(actor: Grantor, wanted: readonly string[]): string[] {
  if (actor.roleKeys.includes(ADMIN_ROLE_KEY)) return [];
  const own = new Set(actor.permissions);
  return [...new Set(wanted)].filter((permission) => !own.has(permission)).sort();
}

/** Rule 6: may an actor grant (or act on someone holding) these permissions? */
export function mayGrant(actor: Grantor, wanted: readonly string[]): boolean {
  return permissionsBeyondOwn(actor, wanted).length === 0;
}

/** Rule 6 as a refusal: grant_exceeds_own, naming the permissions beyond the actor's own. */
export function refuseGrantBeyondOwn(actor: Grantor, wanted: readonly string[]): void {
  const beyond = permissionsBeyondOwn(actor, wanted);
  if (beyond.length > 0) throw new AppError("grant_exceeds_own", undefined, { permissions: beyond });
}
