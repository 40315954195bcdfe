// What a refused role change says to the user: the server's codes for custom roles (SPEC §3)
// in words that tell what to do next.
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
): RoleErrorDescription {
  if (!isApiError(error)) return { message: describeError(error) };
  switch (error.code) {
    case "role_name_taken":
      return { message: "A role with this name already exists. Choose another name.", field: "name" };
    case "grant_exceeds_own": {
      const permissions = Array.isArray(error.details.permissions)
        ? error.details.permissions.filter(
            (permission): permission is string => typeof permission === "string",
          )
        : [];
      return {
        message: "You can only grant permissions you hold.",
        ...(permissions.length > 0
          ? { description: `Not yours to grant: ${permissions.map(labelOf).join(", ")}.` }
          : {}),
      };
    }
    case "role_in_use":
      return {
        message: "This role is still in use.",
        description: "Remove this role from its members and pending invitations first.",
      };
    case "predefined_role":
      return { message: "Predefined roles cannot be changed or deleted." };
    case "role_limit_reached":
      return {
        message: "The company has reached its limit of custom roles.",
        description: "Delete a custom role that is no longer needed first.",
      };
    case "not_found":
      return { message: "This role no longer exists. Someone may have deleted it." };
    case "step_up_required":
      return {
        message: "This change needs an email verification. Try again and enter the code we send you.",
      };
    default:
      return { message: describeError(error) };
  }
}
