// Developer Center > Webhooks: endpoint URL (shown as text, never a link to follow), subscribed
// events, status and creation date.
import { Flex, Table, type TableColumnsType, Tag, Typography } from "antd";
import type { Webhook } from "../../api/types";
import { formatDateTime } from "../formatDateTime";
import { pinFirstColumn, SCROLL_INSIDE } from "../narrowScreen";

const columns: TableColumnsType<Webhook> = [
  {
    key: "url",
    title: "URL",
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
      columns={pinFirstColumn(columns)}
      dataSource={webhooks}
      pagination={false}
      scroll={SCROLL_INSIDE}
      locale={{ emptyText: "No webhooks." }}
    />
  );
}
