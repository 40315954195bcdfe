// What the signed-in member may do in the current company, for showing or enabling controls.
// Hiding a control is a courtesy: the server checks every request itself (SPEC rule 2).
import { ADMIN_ROLE_KEY } from "../../../server/access/permissions";
import type { PermissionKey } from "../api/types";
import { useCurrentMembership } from "./CurrentMembership";

/** Whether the current membership holds `permission`. */
export function useCan(permission: PermissionKey): boolean {
  const { membership } = useCurrentMembership();
  return membership.permissions.includes(permission);
}

/**
 * Whether the current member may put `permission` into a role (rule 6): a member holding Admin may
 * grant anything, anyone else only the permissions they hold themselves.
 */
export function useMayGrant(): { isAdmin: boolean; mayGrant: (permission: PermissionKey) => boolean } {
  const { membership } = useCurrentMembership();
  const isAdmin = membership.roles.some((role) => role.key === ADMIN_ROLE_KEY);
  const own = new Set(membership.permissions);
  return { isAdmin, mayGrant: (permission) => isAdmin || own.has(permission) };
}
