// `/`: opens the first company the account is an active member of.
import { Button, Result } from "antd";
import { Navigate, useLocation } from "react-router-dom";
import { isApiError } from "../api/client";
import { useMe } from "../api/queries";
import { FullPageSpinner } from "../components/FullPageSpinner";
import { ResultHeading } from "../components/ResultHeading";
import { StandaloneMain } from "../components/SkipLink";
import { useSignOut } from "../components/useSignOut";
import { companyPath } from "../navigation";

export function CompanyRedirectPage() {
  const me = useMe();
  const location = useLocation();
  const { signOut, isSigningOut } = useSignOut();

  if (me.isPending) return <FullPageSpinner />;
  if (me.isError) {
    if (isApiError(me.error) && me.error.status === 401) {
      return <Navigate to="/login" replace state={{ from: location }} />;
    }
    return (
      <StandaloneMain>
        <Result
          status="error"
          title={<ResultHeading>The portal could not be loaded</ResultHeading>}
          subTitle={isApiError(me.error) ? me.error.message : undefined}
          extra={<Button onClick={() => me.refetch()}>Retry</Button>}
        />
      </StandaloneMain>
    );
  }

  const firstActive = me.data.memberships.find((membership) => membership.status === "active");
  if (firstActive) return <Navigate to={companyPath(firstActive.companyId)} replace />;
  return (
    <StandaloneMain>
      <Result
        status="info"
        title={<ResultHeading>You have no active company</ResultHeading>}
        subTitle="Ask an admin of your company to invite or reactivate you."
        extra={
          <Button onClick={signOut} disabled={isSigningOut}>
            Log out
          </Button>
        }
      />
    </StandaloneMain>
  );
}
