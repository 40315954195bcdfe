// `/`: opens the first company the account is an active member of.
import { Button, Result } from "antd";
import { useTranslation } from "react-i18next";
import { Navigate, useLocation } from "react-router-dom";
import { isApiError } from "../api/client";
import { useMe } from "../api/queries";
import { FullPageSpinner } from "../components/FullPageSpinner";
import { ResultHeading } from "../components/ResultHeading";
import { StandaloneMain } from "../components/SkipLink";
import { useSignOut } from "../components/useSignOut";
import { companyPath } from "../navigation";

export function CompanyRedirectPage() {
  const { t } = useTranslation("shell");
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
          title={<ResultHeading>{t("portalNotLoaded")}</ResultHeading>}
          subTitle={isApiError(me.error) ? me.error.message : undefined}
          extra={<Button onClick={() => me.refetch()}>{t("common:retry")}</Button>}
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
        title={<ResultHeading>{t("noActiveCompany.title")}</ResultHeading>}
        subTitle={t("noActiveCompany.detail")}
        extra={
          <Button onClick={signOut} disabled={isSigningOut}>
            {t("profileMenu.logOut")}
          </Button>
        }
      />
    </StandaloneMain>
  );
}
