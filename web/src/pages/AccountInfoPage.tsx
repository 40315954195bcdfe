// Account > Account info (`account.view`): the company's merchant account.
import { Descriptions, Skeleton, Tag } from "antd";
import { useMerchantAccount } from "../api/queries";
import { useCurrentMembership } from "../components/CurrentMembership";
import { PageTitle } from "../components/PageTitle";
import { QueryErrorResult } from "../components/QueryErrorResult";
import { readableStatus } from "../wording/company";

export function AccountInfoPage() {
  const { membership } = useCurrentMembership();
  const account = useMerchantAccount(membership.companyId);

  return (
    <>
      <PageTitle>Account info</PageTitle>
      {account.isPending ? (
        <Skeleton active />
      ) : account.isError ? (
        <QueryErrorResult error={account.error} onRetry={() => account.refetch()} />
      ) : (
        <Descriptions
          bordered
          column={1}
          items={[
            { key: "merchantId", label: "Merchant ID", children: account.data.merchantId },
            {
              key: "status",
              label: "Status",
              children: (
                <Tag color={account.data.status === "active" ? "green" : "default"}>
                  {readableStatus(account.data.status)}
                </Tag>
              ),
            },
            {
              key: "settlementCurrency",
              label: "Settlement currency",
              children: account.data.settlementCurrency,
            },
            { key: "contactEmail", label: "Contact email", children: account.data.contactEmail },
          ]}
        />
      )}
    </>
  );
}
