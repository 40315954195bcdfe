// What a refused invitation request tells the user (SPEC rule 8); the server's messages already say
// what to do instead (reactivate, resend), so most pass through.
import i18next from "i18next";
import { isApiError } from "../../api/client";
import { describeError } from "../errorMessages";

const t = (key: string) => i18next.t(key, { ns: "invitations" });

export function describeInvitationError(error: unknown): string {
  if (!isApiError(error)) return describeError(error);
  switch (error.code) {
    case "grant_exceeds_own":
      return t("errors.grantExceedsOwn");
    case "invitation_not_pending":
      return t("errors.notPending");
    case "not_found":
      return t("errors.notFound");
    // The user closed the Email Verification window.
    case "step_up_required":
      return t("errors.stepUpRequired");
    default:
      return describeError(error);
  }
}
