// The accept page's answer for a link that no longer works (410): expired, revoked (or replaced by
// a resend, or unknown: told alike), or already used.
import { Result } from "antd";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import type { ErrorCode } from "../../api/types";

const CLOSED_INVITATION_CODES = [
  "invitation_expired",
  "invitation_revoked",
  "invitation_used",
] as const satisfies readonly ErrorCode[];

export type ClosedInvitationCode = (typeof CLOSED_INVITATION_CODES)[number];

export function isClosedInvitationCode(code: string): code is ClosedInvitationCode {
  return (CLOSED_INVITATION_CODES as readonly string[]).includes(code);
}

export function InvitationClosedResult({ code }: { code: ClosedInvitationCode | "missing_token" }) {
  const { t } = useTranslation("invitations");
  switch (code) {
    case "invitation_expired":
      return (
        <Result status="warning" title={t("closed.expiredTitle")} subTitle={t("closed.expiredSubtitle")} />
      );
    case "invitation_used":
      return (
        <Result
          status="info"
          title={t("closed.usedTitle")}
          subTitle={t("closed.usedSubtitle")}
          extra={<Link to="/login">{t("closed.logIn")}</Link>}
        />
      );
    case "missing_token":
      return (
        <Result
          status="warning"
          title={t("closed.incompleteTitle")}
          subTitle={t("closed.incompleteSubtitle")}
        />
      );
    default:
      return (
        <Result status="error" title={t("closed.invalidTitle")} subTitle={t("closed.invalidSubtitle")} />
      );
  }
}
