// `/c/:companyId`: the pages of one company, shown only to its active members, with the
// membership provided to them; a company the account does not belong to is "not found", and one
// that requires a second factor the account lacks shows only the way to enrol one.
import { Result } from "antd";
import { Link, Outlet, useParams } from "react-router-dom";
import { CurrentMembershipProvider } from "./CurrentMembership";
import { usePortalMe } from "./PortalLayout";
import { ResultHeading } from "./ResultHeading";

/** The profile page where a second factor is enrolled. */
export const SECOND_FACTOR_ENROLMENT_PATH = "/profile/security";

export function CompanyScope() {
  const { account, memberships } = usePortalMe();
  const { companyId = "" } = useParams();
  const membership = memberships.find((candidate) => candidate.companyId === companyId);

  if (membership === undefined) {
    return (
      <Result
        status="404"
        title={<ResultHeading>Company not found</ResultHeading>}
        subTitle="This company does not exist or you are not a member of it."
        extra={<Link to="/">Go to your company</Link>}
      />
    );
  }
  if (membership.status !== "active") {
    return (
      <Result
        status="403"
        title={<ResultHeading>Your membership is deactivated</ResultHeading>}
        subTitle="You can no longer open this company. Ask one of its admins to reactivate you."
      />
    );
  }
  if (membership.mfaEnrolmentRequired === true) {
    return (
      <Result
        status="warning"
        title={<ResultHeading>Two-factor authentication required</ResultHeading>}
        subTitle={`${membership.companyName} requires two-factor authentication. Set up an authenticator app or a passkey on your profile's Security page, then come back.`}
        extra={<Link to={SECOND_FACTOR_ENROLMENT_PATH}>Set up two-factor authentication</Link>}
      />
    );
  }
  return (
    <CurrentMembershipProvider value={{ account, membership }}>
      <Outlet />
    </CurrentMembershipProvider>
  );
}
