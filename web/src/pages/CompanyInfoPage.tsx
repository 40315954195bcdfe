// Account > Company info (`company.view`): the company's legal details.
import { Descriptions, Skeleton } from "antd";
import { useTranslation } from "react-i18next";
import { useCompanyInfo } from "../api/queries";
import { useCurrentMembership } from "../components/CurrentMembership";
import { PageTitle } from "../components/PageTitle";
import { QueryErrorResult } from "../components/QueryErrorResult";
import { countryName } from "../wording/company";

export function CompanyInfoPage() {
  const { t, i18n } = useTranslation("company");
  const { membership } = useCurrentMembership();
  const company = useCompanyInfo(membership.companyId);

  return (
    <>
      <PageTitle>{t("companyInfo.title")}</PageTitle>
      {company.isPending ? (
        <Skeleton active />
      ) : company.isError ? (
        <QueryErrorResult error={company.error} onRetry={() => company.refetch()} />
      ) : (
        <Descriptions
          bordered
          column={1}
          items={[
            { key: "legalName", label: t("companyInfo.legalName"), children: company.data.legalName },
            {
              key: "registrationNumber",
              label: t("companyInfo.registrationNumber"),
              children: company.data.registrationNumber,
            },
            {
              key: "country",
              label: t("companyInfo.country"),
              children: countryName(company.data.country, i18n.language),
            },
            { key: "address", label: t("companyInfo.address"), children: company.data.address },
          ]}
        />
      )}
    </>
  );
}
