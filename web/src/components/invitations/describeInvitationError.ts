// What a refused invitation request tells the user (SPEC rule 8); the server's messages already say
// what to do instead (reactivate, resend), so most pass through.
import { isApiError } from "../../api/client";
import { describeError } from "../errorMessages";

export function describeInvitationError(error: unknown): string {
  if (!isApiError(error)) return describeError(error);
  switch (error.code) {
    case "grant_exceeds_own":
      return "You can only invite with roles whose permissions you hold yourself.";
    case "invitation_not_pending":
      return "This invitation is no longer pending; the list has been refreshed.";
    case "not_found":
      return "This invitation no longer exists; the list has been refreshed.";
    // The user closed the Email Verification window.
    case "step_up_required":
      return "Email verification is needed to send an invitation. Try again and enter the code.";
    default:
      return describeError(error);
  }
}
