// One row per email of a bulk invitation or CSV import (SPEC §6.4): what happened to it, and why
// when it was not sent. Emails are shown as text (React escapes them), never as a link.
import { Table, Tag, Typography } from "antd";
import type { InvitationBatchResult } from "../../api/types";

const STATUS_WORDS: Record<InvitationBatchResult["status"], { text: string; color: string }> = {
  invited: { text: "Invited", color: "success" },
  ready: { text: "Ready to invite", color: "processing" },
  already_member: { text: "Already a member", color: "default" },
  pending: { text: "Invitation pending", color: "warning" },
  invalid: { text: "Invalid", color: "error" },
  refused: { text: "Refused", color: "error" },
};

export function InvitationResultsTable({
  results,
  caption,
}: {
  results: readonly InvitationBatchResult[];
  caption: string;
}) {
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
        ...(hasLines ? [{ title: "Line", dataIndex: "line", key: "line", width: 64 }] : []),
        {
          title: "Email",
          dataIndex: "email",
          key: "email",
          render: (email: string) => (
            <Typography.Text ellipsis={{ tooltip: email }} style={{ maxWidth: 260 }}>
              {email}
            </Typography.Text>
          ),
        },
        {
          title: "Result",
          dataIndex: "status",
          key: "status",
          render: (status: InvitationBatchResult["status"]) => (
            <Tag color={STATUS_WORDS[status].color}>{STATUS_WORDS[status].text}</Tag>
          ),
        },
        { title: "Reason", dataIndex: "message", key: "message", render: (text?: string) => text ?? "" },
      ]}
    />
  );
}

/** "3 invited, 1 already a member…": the notice after a batch. */
export function summarizeResults(results: readonly InvitationBatchResult[]): string {
  const counts = new Map<string, number>();
  for (const row of results) {
    const words = STATUS_WORDS[row.status].text.toLowerCase();
    counts.set(words, (counts.get(words) ?? 0) + 1);
  }
  return [...counts].map(([words, count]) => `${count} ${words}`).join(", ");
}
