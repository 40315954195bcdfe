// Account > Account info (`account.view`): the company's merchant account, and its merchant
// accounts (one per region, say) that the viewer's scope reaches (SPEC §6.4).
import { Descriptions, Skeleton, Table, Tag, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { useMerchantAccount, useMerchantAccounts } from "../api/queries";
import { useCurrentMembership } from "../components/CurrentMembership";
import { formatDateTime } from "../components/formatDateTime";
import { PageTitle } from "../components/PageTitle";
import { QueryErrorResult } from "../components/QueryErrorResult";
import { readableStatus } from "../wording/company";

export function AccountInfoPage() {
  const { t } = useTranslation("company");
  const { membership } = useCurrentMembership();
  const account = useMerchantAccount(membership.companyId);
  const accounts = useMerchantAccounts(membership.companyId);

  return (
    <>
      <PageTitle>{t("accountInfo.title")}</PageTitle>
      {account.isPending ? (
        <Skeleton active />
      ) : account.isError ? (
        <QueryErrorResult error={account.error} onRetry={() => account.refetch()} />
      ) : (
        <Descriptions
          bordered
          column={1}
          items={[
            { key: "merchantId", label: t("accountInfo.merchantId"), children: account.data.merchantId },
            {
              key: "status",
              label: t("accountInfo.status"),
              children: (
                <Tag color={account.data.status === "active" ? "green" : "default"}>
                  {readableStatus(account.data.status, (key, values) => t(key, values ?? {}))}
                </Tag>
              ),
            },
            {
              key: "settlementCurrency",
              label: t("accountInfo.settlementCurrency"),
              children: account.data.settlementCurrency,
            },
            {
              key: "contactEmail",
              label: t("accountInfo.contactEmail"),
              children: account.data.contactEmail,
            },
          ]}
        />
      )}
      <Typography.Title level={2} style={{ fontSize: 18, marginTop: 32 }}>
        {t("accountInfo.merchantAccounts")}
      </Typography.Title>
      {accounts.isPending ? (
        <Skeleton active />
      ) : accounts.isError ? (
        <QueryErrorResult error={accounts.error} onRetry={() => accounts.refetch()} />
      ) : (
        <Table
          aria-label={t("accountInfo.merchantAccounts")}
          rowKey="id"
          size="small"
          pagination={false}
          scroll={{ x: "max-content" }}
          dataSource={accounts.data.items}
          columns={[
            { key: "name", title: t("accountInfo.name"), dataIndex: "name" },
            { key: "reference", title: t("accountInfo.reference"), dataIndex: "reference" },
            { key: "region", title: t("accountInfo.region"), dataIndex: "region" },
            {
              key: "createdAt",
              title: t("accountInfo.created"),
              dataIndex: "createdAt",
              render: (createdAt: string) => formatDateTime(createdAt),
            },
          ]}
        />
      )}
    </>
  );
}
