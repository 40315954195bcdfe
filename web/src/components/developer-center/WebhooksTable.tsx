// Developer Center > Webhooks: endpoint URL (shown as text, never a link to follow), subscribed
// events, status and creation date.
import { Flex, Table, type TableColumnsType, Tag, Typography } from "antd";
import { useTranslation } from "react-i18next";
import type { Webhook } from "../../api/types";
import { formatDateTime } from "../formatDateTime";
import { pinFirstColumn, SCROLL_INSIDE } from "../narrowScreen";

export function WebhooksTable({ webhooks }: { webhooks: Webhook[] }) {
  const { t } = useTranslation("developer");
  const columns: TableColumnsType<Webhook> = [
    {
      key: "url",
      title: t("url"),
      // Pinned while the other columns scroll, so cut to one line; the full URL on hover and focus.
      render: (_, hook) => (
        <Typography.Text
          className="truncated-text"
          title={hook.url}
          style={{ maxWidth: "clamp(140px, 30vw, 420px)" }}
        >
          {hook.url}
        </Typography.Text>
      ),
    },
    {
      key: "events",
      title: t("events"),
      render: (_, hook) => (
        <Flex gap={4} wrap>
          {hook.events.map((event) => (
            <Tag key={event}>{event}</Tag>
          ))}
        </Flex>
      ),
    },
    {
      key: "status",
      title: t("status"),
      render: (_, hook) => (
        <Tag color={hook.status === "enabled" ? "green" : "default"}>
          {t(`statuses.${hook.status}`, { defaultValue: hook.status })}
        </Tag>
      ),
    },
    { key: "createdAt", title: t("created"), render: (_, hook) => formatDateTime(hook.createdAt) },
  ];
  return (
    <Table<Webhook>
      rowKey="id"
      size="middle"
      columns={pinFirstColumn(columns)}
      dataSource={webhooks}
      pagination={false}
      scroll={SCROLL_INSIDE}
      locale={{ emptyText: t("noWebhooks") }}
    />
  );
}
