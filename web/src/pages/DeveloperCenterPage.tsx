// Developer Center (`developer_center.view`): the company's API client id and environment, its
// API keys (masked) and its webhook endpoints; with webhooks.manage, the endpoints that receive the
// portal's events and their deliveries.
import { Descriptions, Skeleton, Tag, Typography } from "antd";
import { useDeveloperCenter } from "../api/queries";
import { useCurrentMembership } from "../components/CurrentMembership";
import { ApiKeysTable } from "../components/developer-center/ApiKeysTable";
import { WebhookEndpoints } from "../components/developer-center/WebhookEndpoints";
import { WebhooksTable } from "../components/developer-center/WebhooksTable";
import { PageTitle, SectionTitle } from "../components/PageTitle";
import { QueryErrorResult } from "../components/QueryErrorResult";

export function DeveloperCenterPage() {
  const { membership } = useCurrentMembership();
  const center = useDeveloperCenter(membership.companyId);

  return (
    <>
      <PageTitle>Developer Center</PageTitle>
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
                label: "Client ID",
                children:
                  center.data.clientId === null ? (
                    <Typography.Text type="secondary">Not issued yet</Typography.Text>
                  ) : (
                    <Typography.Text code copyable={{ text: center.data.clientId }}>
                      {center.data.clientId}
                    </Typography.Text>
                  ),
              },
              {
                key: "environment",
                label: "Environment",
                children:
                  center.data.environment === null ? (
                    <Typography.Text type="secondary">Not set</Typography.Text>
                  ) : (
                    <Tag color={center.data.environment === "production" ? "green" : "blue"}>
                      {center.data.environment}
                    </Tag>
                  ),
              },
            ]}
          />
          <SectionTitle style={{ marginTop: 32 }}>API keys</SectionTitle>
          <ApiKeysTable apiKeys={center.data.apiKeys} />
          <SectionTitle style={{ marginTop: 32 }}>Webhooks</SectionTitle>
          <WebhooksTable webhooks={center.data.webhooks} />
          {membership.permissions.includes("webhooks.manage") && (
            <WebhookEndpoints companyId={membership.companyId} />
          )}
        </>
      )}
    </>
  );
}
