// The expiries a request sets on role assignments (SPEC §6.4), checked once for role changes and
// invitations alike: each names a requested role and lies ahead, at most MAX_EXPIRY_DAYS away.
import { AppError } from "../errors.js";

export const MAX_EXPIRY_DAYS = 730;

/** Role id → expiry; a requested role absent from the map never expires. */
export type RoleExpiries = ReadonlyMap<string, Date>;

export function parseRoleExpiries(
  input: readonly { roleId: string; expiresAt: string }[] | undefined,
  roleIds: readonly string[],
  now: Date,
  field: string,
): RoleExpiries | undefined {
  if (input === undefined) return undefined;
  const requested = new Set(roleIds.map((id) => id.toLowerCase()));
  const expiries = new Map<string, Date>();
  const latest = now.getTime() + MAX_EXPIRY_DAYS * 86_400_000;
  for (const entry of input) {
    const roleId = entry.roleId.toLowerCase();
    const at = new Date(entry.expiresAt);
    if (!requested.has(roleId) || expiries.has(roleId)) {
      throw new AppError("validation_failed", "Each expiry names one of the requested roles, once.", {
        field,
      });
    }
    if (Number.isNaN(at.getTime()) || at.getTime() <= now.getTime() || at.getTime() > latest) {
      throw new AppError(
        "validation_failed",
        `An expiry must lie in the future, at most ${MAX_EXPIRY_DAYS} days ahead.`,
        { field },
      );
    }
    expiries.set(roleId, at);
  }
  return expiries;
}

/** Whether a member's roles as they are already carry exactly these expiries. */
export function hasSameExpiries(
  roles: readonly { id: string; expiresAt?: string }[],
  expiries: RoleExpiries,
): boolean {
  return roles.every((role) => {
    const wanted = expiries.get(role.id);
    const current = role.expiresAt === undefined ? undefined : new Date(role.expiresAt).getTime();
    return wanted === undefined ? current === undefined : current === wanted.getTime();
  });
}
