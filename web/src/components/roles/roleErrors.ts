// What a refused role change says to the user: the server's codes for custom roles (SPEC §3)
// in words that tell what to do next, in the page's language.
import type { TFunction } from "i18next";
import { isApiError } from "../../api/client";
import { describeError } from "../errorMessages";

export interface RoleErrorDescription {
  message: string;
  description?: string;
  /** The form field the error belongs to, shown under it. */
  field?: "name";
}

/** `labelOf` names a permission key as the catalogue does ("View transactions"). */
export function describeRoleError(
  error: unknown,
  labelOf: (permission: string) => string,
  /** The `roles` catalogue in the page's language. */
  t: TFunction<"roles">,
): RoleErrorDescription {
  if (!isApiError(error)) return { message: describeError(error) };
  switch (error.code) {
    case "role_name_taken":
      return { message: t("errors.nameTaken"), field: "name" };
    case "grant_exceeds_own": {
      const permissions = Array.isArray(error.details.permissions)
        ? error.details.permissions.filter(
            (permission): permission is string => typeof permission === "string",
          )
        : [];
      return {
        message: t("errors.grantExceedsOwn"),
        ...(permissions.length > 0
          ? {
              description: t("errors.notYoursToGrant", {
                permissions: permissions.map(labelOf).join(t("listSeparator")),
              }),
            }
          : {}),
      };
    }
    case "role_in_use":
      return {
        message: t("errors.inUse"),
        description: t("errors.inUseHelp"),
      };
    case "predefined_role":
      return { message: t("errors.predefined") };
    case "role_limit_reached":
      return {
        message: t("errors.limitReached"),
        description: t("errors.limitReachedHelp"),
      };
    case "not_found":
      return { message: t("errors.notFound") };
    case "step_up_required":
      return {
        message: t("errors.stepUp"),
      };
    default:
      return { message: describeError(error) };
  }
}
