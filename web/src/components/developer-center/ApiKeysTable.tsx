// Developer Center > API keys: label, the key masked by the server (never the secret), creation
// date and status.
import { Table, type TableColumnsType, Tag, Typography } from "antd";
import { useTranslation } from "react-i18next";
import type { ApiKey } from "../../api/types";
import { formatDateTime } from "../formatDateTime";
import { pinFirstColumn, SCROLL_INSIDE } from "../narrowScreen";

export function ApiKeysTable({ apiKeys }: { apiKeys: ApiKey[] }) {
  const { t } = useTranslation("developer");
  const columns: TableColumnsType<ApiKey> = [
    { key: "label", title: t("label"), render: (_, key) => key.label },
    {
      key: "maskedKey",
      title: t("key"),
      render: (_, key) => <Typography.Text code>{key.maskedKey}</Typography.Text>,
    },
    { key: "createdAt", title: t("created"), render: (_, key) => formatDateTime(key.createdAt) },
    {
      key: "status",
      title: t("status"),
      render: (_, key) => (
        <Tag color={key.status === "active" ? "green" : "default"}>
          {t(`statuses.${key.status}`, { defaultValue: key.status })}
        </Tag>
      ),
    },
  ];
  return (
    <Table<ApiKey>
      rowKey="id"
      size="middle"
      columns={pinFirstColumn(columns)}
      dataSource={apiKeys}
      pagination={false}
      scroll={SCROLL_INSIDE}
      locale={{ emptyText: t("noApiKeys") }}
    />
  );
}
