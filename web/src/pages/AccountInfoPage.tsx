// Account > Account info (`account.view`): the company's merchant account, and its merchant
// accounts (one per region, say) that the viewer's scope reaches (SPEC §6.4).
import { Descriptions, Skeleton, Table, Tag, Typography } from "antd";
import { useMerchantAccount, useMerchantAccounts } from "../api/queries";
import { useCurrentMembership } from "../components/CurrentMembership";
import { formatDateTime } from "../components/formatDateTime";
import { PageTitle } from "../components/PageTitle";
import { QueryErrorResult } from "../components/QueryErrorResult";
import { readableStatus } from "../wording/company";

export function AccountInfoPage() {
  const { membership } = useCurrentMembership();
  const account = useMerchantAccount(membership.companyId);
  const accounts = useMerchantAccounts(membership.companyId);

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
      <Typography.Title level={2} style={{ fontSize: 18, marginTop: 32 }}>
        Merchant accounts
      </Typography.Title>
      {accounts.isPending ? (
        <Skeleton active />
      ) : accounts.isError ? (
        <QueryErrorResult error={accounts.error} onRetry={() => accounts.refetch()} />
      ) : (
        <Table
          aria-label="Merchant accounts"
          rowKey="id"
          size="small"
          pagination={false}
          scroll={{ x: "max-content" }}
          dataSource={accounts.data.items}
          columns={[
            { key: "name", title: "Name", dataIndex: "name" },
            { key: "reference", title: "Reference", dataIndex: "reference" },
            { key: "region", title: "Region", dataIndex: "region" },
            {
              key: "createdAt",
              title: "Created",
              dataIndex: "createdAt",
              render: (createdAt: string) => formatDateTime(createdAt),
            },
          ]}
        />
      )}
    </>
  );
}
