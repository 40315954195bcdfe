// `/c/:companyId`: the pages of one company, shown only to its active members, with the
// membership provided to them; a company the account does not belong to is "not found", and one
// that requires a second factor the account lacks shows only the way to enrol one.
import { Result } from "antd";
import { useTranslation } from "react-i18next";
import { Link, Outlet, useParams } from "react-router-dom";
import { CurrentMembershipProvider } from "./CurrentMembership";
import { usePortalMe } from "./PortalLayout";
import { ResultHeading } from "./ResultHeading";

/** The profile page where a second factor is enrolled. */
export const SECOND_FACTOR_ENROLMENT_PATH = "/profile/security";

export function CompanyScope() {
  const { t } = useTranslation("shell");
  const { account, memberships } = usePortalMe();
  const { companyId = "" } = useParams();
  const membership = memberships.find((candidate) => candidate.companyId === companyId);

  if (membership === undefined) {
    return (
      <Result
        status="404"
        title={<ResultHeading>{t("companyScope.notFound")}</ResultHeading>}
        subTitle={t("companyScope.notFoundDetail")}
        extra={<Link to="/">{t("companyScope.goToCompany")}</Link>}
      />
    );
  }
  if (membership.status !== "active") {
    return (
      <Result
        status="403"
        title={<ResultHeading>{t("companyScope.deactivated")}</ResultHeading>}
        subTitle={t("companyScope.deactivatedDetail")}
      />
    );
  }
  if (membership.mfaEnrolmentRequired === true) {
    return (
      <Result
        status="warning"
        title={<ResultHeading>{t("companyScope.mfaRequired")}</ResultHeading>}
        subTitle={t("companyScope.mfaRequiredDetail", { company: membership.companyName })}
        extra={<Link to={SECOND_FACTOR_ENROLMENT_PATH}>{t("companyScope.setUpMfa")}</Link>}
      />
    );
  }
  return (
    <CurrentMembershipProvider value={{ account, membership }}>
      <Outlet />
    </CurrentMembershipProvider>
  );
}
