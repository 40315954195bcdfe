// The accept page's answer for a link that no longer works (410): expired, revoked (or replaced by
// a resend, or unknown: told alike), or already used.
import { Result } from "antd";
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
  switch (code) {
    case "invitation_expired":
      return (
        <Result
          status="warning"
          title="This invitation has expired"
          subTitle="Ask an admin of the company to send you a new invitation."
        />
      );
    case "invitation_used":
      return (
        <Result
          status="info"
          title="This invitation has already been accepted"
          subTitle="Each invitation link works once. If you accepted it, log in to open the company."
          extra={<Link to="/login">Log in</Link>}
        />
      );
    case "missing_token":
      return (
        <Result
          status="warning"
          title="This invitation link is incomplete"
          subTitle="Open the link from the invitation email again, or copy the whole address into the browser."
        />
      );
    default:
      return (
        <Result
          status="error"
          title="This invitation is no longer valid"
          subTitle="It was revoked, or replaced by a newer link. Ask an admin of the company for a new invitation."
        />
      );
  }
}
