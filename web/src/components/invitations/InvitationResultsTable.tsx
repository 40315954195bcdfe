// One row per email of a bulk invitation or CSV import (SPEC §6.4): what happened to it, and why
// when it was not sent. Emails are shown as text (React escapes them), never as a link.
import { Table, Tag, Typography } from "antd";
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import type { InvitationBatchResult } from "../../api/types";
import { formatCount } from "../../wording/counting";

// Each status's words are `results.<status>` in the `invitations` catalogue.
const STATUS_COLORS: Record<InvitationBatchResult["status"], string> = {
  invited: "success",
  ready: "processing",
  already_member: "default",
  pending: "warning",
  invalid: "error",
  refused: "error",
};

export function InvitationResultsTable({
  results,
  caption,
}: {
  results: readonly InvitationBatchResult[];
  caption: string;
}) {
  const { t } = useTranslation("invitations");
  const hasLines = results.some((row) => row.line !== undefined);
  return (
    <Table<InvitationBatchResult & { key: number }>
      size="small"
      pagination={results.length > 50 ? { pageSize: 50, showSizeChanger: false } : false}
      dataSource={results.map((row, index) => ({ ...row, key: index }))}
      scroll={{ x: "max-content" }}
      title={() => <Typography.Text strong>{caption}</Typography.Text>}
      aria-label={caption}
      columns={[
        ...(hasLines ? [{ title: t("results.line"), dataIndex: "line", key: "line", width: 64 }] : []),
        {
          title: t("results.email"),
          dataIndex: "email",
          key: "email",
          render: (email: string) => (
            <Typography.Text ellipsis={{ tooltip: email }} style={{ maxWidth: 260 }}>
              {email}
            </Typography.Text>
          ),
        },
        {
          title: t("results.result"),
          dataIndex: "status",
          key: "status",
          render: (status: InvitationBatchResult["status"]) => (
            <Tag color={STATUS_COLORS[status]}>{t(`results.${status}`)}</Tag>
          ),
        },
        {
          title: t("results.reason"),
          dataIndex: "message",
          key: "message",
          render: (text?: string) => text ?? "",
        },
      ]}
    />
  );
}

/** "3 invited, 1 already a member…": the notice after a batch (`t` of the `invitations` namespace). */
export function summarizeResults(
  results: readonly InvitationBatchResult[],
  t: TFunction<"invitations">,
): string {
  const counts = new Map<InvitationBatchResult["status"], number>();
  for (const row of results) counts.set(row.status, (counts.get(row.status) ?? 0) + 1);
  return [...counts]
    .map(([status, count]) => t(`results.summary.${status}`, { count, number: formatCount(count) }))
    .join(t("results.separator"));
}
