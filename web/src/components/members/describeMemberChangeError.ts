// What a refused member change (roles, deactivation, reactivation) tells the user (SPEC rules 4-7),
// and the member as the server has it now when the refusal is a version conflict.
import i18next from "i18next";
import { isApiError } from "../../api/client";
import type { Member } from "../../api/types";
import { describeError } from "../errorMessages";

const t = (key: string) => i18next.t(key, { ns: "members" });

export function describeMemberChangeError(error: unknown): string {
  if (!isApiError(error)) return describeError(error);
  switch (error.code) {
    case "last_admin":
      return t("errors.lastAdmin");
    case "self_modification":
      return t("errors.selfModification");
    case "grant_exceeds_own":
      return t("errors.grantExceedsOwn");
    case "conflict":
      return t("errors.stale");
    case "not_found":
      return t("errors.notFound");
    case "forbidden":
      return t("errors.forbidden");
    // The user closed the Email Verification window.
    case "step_up_required":
      return t("errors.stepUpRequired");
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
