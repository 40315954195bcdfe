// The answer shown in place of a page the member's roles do not open.
// The server refuses the data anyway (403); this only spares the user an empty page, says whom to ask
// (the company's Admins by name when the member may see the member list) and leads back Home.
import { Button, Result, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router-dom";
import { useCompanyAdminNames } from "../api/memberQueries";
import { companyPath } from "../navigation";
import { whomToAsk } from "../wording/access";
import { useOptionalCurrentMembership } from "./CurrentMembership";
import { ResultHeading } from "./ResultHeading";

/** `withinPage`: shown under a page's own title, so "403" is not the page's h1. */
export function AccessDenied({ withinPage = false }: { withinPage?: boolean }) {
  const { t, i18n } = useTranslation("shell");
  const current = useOptionalCurrentMembership();
  const membership = current?.membership ?? null;
  const mayKnowAdmins = membership?.permissions.includes("members.view") ?? false;
  const adminNames = useCompanyAdminNames(membership?.companyId ?? null, mayKnowAdmins);
  const navigate = useNavigate();

  return (
    <Result
      status="403"
      title={withinPage ? "403" : <ResultHeading>403</ResultHeading>}
      subTitle={
        <>
          <span>{t("accessDenied.noAccess")}</span>
          {membership !== null && (
            <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
              {whomToAsk(
                membership.companyName,
                adminNames.data ?? null,
                (key, values) => t(key, values ?? {}),
                i18n.language,
              )}
            </Typography.Paragraph>
          )}
        </>
      }
      extra={
        membership !== null && (
          <Button type="primary" onClick={() => navigate(companyPath(membership.companyId))}>
            {t("accessDenied.goHome")}
          </Button>
        )
      }
    />
  );
}
