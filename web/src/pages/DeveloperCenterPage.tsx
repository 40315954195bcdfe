// Developer Center (`developer_center.view`): the company's API client id and environment, its
// API keys (masked) and its webhook endpoints; with webhooks.manage, the endpoints that receive the
// portal's events and their deliveries.
import { Descriptions, Skeleton, Tag, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { useDeveloperCenter } from "../api/queries";
import { useCurrentMembership } from "../components/CurrentMembership";
import { ApiKeysTable } from "../components/developer-center/ApiKeysTable";
import { WebhookEndpoints } from "../components/developer-center/WebhookEndpoints";
import { WebhooksTable } from "../components/developer-center/WebhooksTable";
import { PageTitle, SectionTitle } from "../components/PageTitle";
import { QueryErrorResult } from "../components/QueryErrorResult";

export function DeveloperCenterPage() {
  const { t } = useTranslation("developer");
  const { membership } = useCurrentMembership();
  const center = useDeveloperCenter(membership.companyId);

  return (
    <>
      <PageTitle>{t("title")}</PageTitle>
      {center.isPending ? (
        <Skeleton active />
      ) : center.isError ? (
        <QueryErrorResult error={center.error} onRetry={() => center.refetch()} />
      ) : (
        <>
          <Descriptions
            bordered
            column={1}
            style={{ maxWidth: 640 }}
            items={[
              {
                key: "clientId",
                label: t("clientId"),
                children:
                  center.data.clientId === null ? (
                    <Typography.Text type="secondary">{t("notIssued")}</Typography.Text>
                  ) : (
                    <Typography.Text code copyable={{ text: center.data.clientId }}>
                      {center.data.clientId}
                    </Typography.Text>
                  ),
              },
              {
                key: "environment",
                label: t("environment"),
                children:
                  center.data.environment === null ? (
                    <Typography.Text type="secondary">{t("notSet")}</Typography.Text>
                  ) : (
                    <Tag color={center.data.environment === "production" ? "green" : "blue"}>
                      {t(`environments.${center.data.environment}`, {
                        defaultValue: center.data.environment,
                      })}
                    </Tag>
                  ),
              },
            ]}
          />
          <SectionTitle style={{ marginTop: 32 }}>{t("apiKeys")}</SectionTitle>
          <ApiKeysTable apiKeys={center.data.apiKeys} />
          <SectionTitle style={{ marginTop: 32 }}>{t("webhooks")}</SectionTitle>
          <WebhooksTable webhooks={center.data.webhooks} />
          {membership.permissions.includes("webhooks.manage") && (
            <WebhookEndpoints companyId={membership.companyId} />
          )}
        </>
      )}
    </>
  );
}
