// Developer Center > API keys: label, the key masked by the server (never the secret), creation
// date and status.
import { Table, type TableColumnsType, Tag, Typography } from "antd";
import type { ApiKey } from "../../api/types";
import { formatDateTime } from "../formatDateTime";
import { pinFirstColumn, SCROLL_INSIDE } from "../narrowScreen";

const columns: TableColumnsType<ApiKey> = [
  { key: "label", title: "Label", render: (_, key) => key.label },
  {
    key: "maskedKey",
    title: "Key",
    render: (_, key) => <Typography.Text code>{key.maskedKey}</Typography.Text>,
  },
  { key: "createdAt", title: "Created", render: (_, key) => formatDateTime(key.createdAt) },
  {
    key: "status",
    title: "Status",
    render: (_, key) => <Tag color={key.status === "active" ? "green" : "default"}>{key.status}</Tag>,
  },
];

export function ApiKeysTable({ apiKeys }: { apiKeys: ApiKey[] }) {
  return (
    <Table<ApiKey>
      rowKey="id"
      size="middle"
      columns={pinFirstColumn(columns)}
      dataSource={apiKeys}
      pagination={false}
      scroll={SCROLL_INSIDE}
      locale={{ emptyText: "No API keys." }}
    />
  );
}
