// Account > Company info (`company.view`): the company's legal details.
import { Descriptions, Skeleton } from "antd";
import { useCompanyInfo } from "../api/queries";
import { useCurrentMembership } from "../components/CurrentMembership";
import { PageTitle } from "../components/PageTitle";
import { QueryErrorResult } from "../components/QueryErrorResult";
import { countryName } from "../wording/company";

export function CompanyInfoPage() {
  const { membership } = useCurrentMembership();
  const company = useCompanyInfo(membership.companyId);

  return (
    <>
      <PageTitle>Company info</PageTitle>
      {company.isPending ? (
        <Skeleton active />
      ) : company.isError ? (
        <QueryErrorResult error={company.error} onRetry={() => company.refetch()} />
      ) : (
        <Descriptions
          bordered
          column={1}
          items={[
            { key: "legalName", label: "Legal name", children: company.data.legalName },
            {
              key: "registrationNumber",
              label: "Registration number",
              children: company.data.registrationNumber,
            },
            { key: "country", label: "Country", children: countryName(company.data.country) },
            { key: "address", label: "Address", children: company.data.address },
          ]}
        />
      )}
    </>
  );
}
