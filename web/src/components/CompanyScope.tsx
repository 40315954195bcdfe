// `/c/:companyId`: the pages of one company, shown only to its active members, with the
// membership provided to them; a company the account does not belong to is "not found".
import { Result } from "antd";
import { Link, Outlet, useParams } from "react-router-dom";
import { CurrentMembershipProvider } from "./CurrentMembership";
import { usePortalMe } from "./PortalLayout";
import { ResultHeading } from "./ResultHeading";

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
  return (
    <CurrentMembershipProvider value={{ account, membership }}>
      <Outlet />
    </CurrentMembershipProvider>
  );
}
