// What a refused member change (roles, deactivation, reactivation) tells the user (SPEC rules 4-7).
import { isApiError } from "../../api/client";
import { describeError } from "../errorMessages";

export const STALE_MEMBER_MESSAGE = "Someone else changed this member; reload and try again.";

export function describeMemberChangeError(error: unknown): string {
  if (!isApiError(error)) return describeError(error);
  switch (error.code) {
    case "last_admin":
      return "The company must keep at least one active Admin.";
    case "self_modification":
      return "You cannot change your own roles or deactivate yourself.";
    case "grant_exceeds_own":
      return "You can only grant roles, and act on members, whose permissions you hold yourself.";
    case "conflict":
      return STALE_MEMBER_MESSAGE;
    case "not_found":
      return "This member no longer exists; the list has been refreshed.";
    case "forbidden":
      return "You no longer have the permission this needs.";
    // The user closed the Email Verification window.
    case "step_up_required":
      return "Email verification is needed for this change. Try again and enter the code.";
    default:
      return describeError(error);
  }
}
