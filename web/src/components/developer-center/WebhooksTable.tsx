// Developer Center > Webhooks: endpoint URL (shown as text, never a link to follow), subscribed
// events, status and creation date.
import { Flex, Table, type TableColumnsType, Tag, Typography } from "antd";
import type { Webhook } from "../../api/types";
import { formatDateTime } from "../formatDateTime";

const columns: TableColumnsType<Webhook> = [
  {
    key: "url",
    title: "URL",
    render: (_, hook) => <Typography.Text style={{ wordBreak: "break-all" }}>{hook.url}</Typography.Text>,
  },
  {
    key: "events",
    title: "Events",
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
    title: "Status",
    render: (_, hook) => <Tag color={hook.status === "enabled" ? "green" : "default"}>{hook.status}</Tag>,
  },
  { key: "createdAt", title: "Created", render: (_, hook) => formatDateTime(hook.createdAt) },
];

export function WebhooksTable({ webhooks }: { webhooks: Webhook[] }) {
  return (
    <Table<Webhook>
      rowKey="id"
      size="middle"
      columns={columns}
      dataSource={webhooks}
      pagination={false}
      scroll={{ x: true }}
      locale={{ emptyText: "No webhooks." }}
    />
  );
}
