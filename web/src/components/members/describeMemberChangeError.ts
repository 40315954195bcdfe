// What a refused member change (roles, deactivation, reactivation) tells the user (SPEC rules 4-7),
// and the member as the server has it now when the refusal is a version conflict.
import { isApiError } from "../../api/client";
import type { Member } from "../../api/types";
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

/** The member as it is now, which a `conflict` refusal carries (`details.current`); else null. */
export function currentMemberOfConflict(error: unknown): Member | null {
  if (!isApiError(error) || error.code !== "conflict") return null;
  const current = error.details.current;
  const isMember =
    typeof current === "object" &&
    current !== null &&
    typeof (current as Partial<Member>).id === "string" &&
    typeof (current as Partial<Member>).version === "number" &&
    Array.isArray((current as Partial<Member>).roles);
  return isMember ? (current as Member) : null;
}
