// The audit log's table, newest first: time in the reader's zone, the event as a sentence with its
// action's words, outcome, details as words and IP; a row opens to show the action's name, the ids,
// the recorded details, user agent and request id.
import { Descriptions, Table, type TableColumnsType, Tag, Typography } from "antd";
import { useTranslation } from "react-i18next";
import type { AuditEvent, AuditOutcome } from "../../api/types";
import { Instant } from "../Instant";
import { SCROLL_INSIDE } from "../narrowScreen";
import { auditActionLabel } from "./auditActionLabels";
import { describeAuditEvent } from "./auditSentences";
import { describeAuditDetails } from "./describeAuditEvent";
import { useAuditText } from "./useAuditText";

const outcomeColors: Record<AuditOutcome, string> = { success: "green", denied: "orange", failure: "red" };

function AuditEventDetails({ event }: { event: AuditEvent }) {
  const { t } = useTranslation("audit");
  return (
    <Descriptions
      column={1}
      size="small"
      items={[
        {
          key: "action",
          label: t("ui.action"),
          children: <Typography.Text code>{event.action}</Typography.Text>,
        },
        {
          key: "details",
          label: t("ui.details"),
          children: (
            <pre style={{ margin: 0, whiteSpace: "pre-wrap", wordBreak: "break-word" }}>
              {JSON.stringify(event.details, null, 2)}
            </pre>
          ),
        },
        { key: "target", label: t("ui.targetId"), children: event.target?.id ?? "—" },
        { key: "actor", label: t("ui.actorAccountId"), children: event.actor?.accountId ?? "—" },
        { key: "actorEmail", label: t("ui.actorEmail"), children: event.actor?.email ?? "—" },
        { key: "userAgent", label: t("ui.userAgent"), children: event.userAgent ?? "—" },
        { key: "requestId", label: t("ui.requestId"), children: event.requestId ?? "—" },
      ]}
    />
  );
}

export function AuditEventTable({
  events,
  isLoading,
}: {
  events: readonly AuditEvent[] | undefined;
  isLoading: boolean;
}) {
  const { t } = useTranslation("audit");
  const text = useAuditText();
  const columns: TableColumnsType<AuditEvent> = [
    {
      key: "occurredAt",
      title: t("ui.time"),
      fixed: "left",
      render: (_, event) => <Instant iso={event.occurredAt} />,
    },
    {
      key: "event",
      title: t("ui.event"),
      render: (_, event) => (
        <span style={{ display: "block", minWidth: 240 }}>
          {describeAuditEvent(event, text)}
          <br />
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {auditActionLabel(event.action, text)}
          </Typography.Text>
        </span>
      ),
    },
    {
      key: "outcome",
      title: t("ui.outcome"),
      render: (_, event) => <Tag color={outcomeColors[event.outcome]}>{t(`ui.${event.outcome}`)}</Tag>,
    },
    {
      key: "details",
      title: t("ui.details"),
      render: (_, event) => (
        <Typography.Text style={{ fontSize: 12, display: "block", minWidth: 200 }}>
          {describeAuditDetails(event.action, event.details, text)}
        </Typography.Text>
      ),
    },
    { key: "ip", title: t("ui.ip"), render: (_, event) => event.ip ?? "—" },
  ];

  return (
    <Table<AuditEvent>
      rowKey="id"
      size="small"
      columns={columns}
      dataSource={events}
      loading={isLoading}
      pagination={false}
      scroll={SCROLL_INSIDE}
      expandable={{ expandedRowRender: (event) => <AuditEventDetails event={event} />, fixed: "left" }}
      locale={{ emptyText: t("ui.empty") }}
    />
  );
}
