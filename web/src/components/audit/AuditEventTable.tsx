// The audit log's table, newest first: time in the reader's zone, the event as a sentence with its
// action's words, outcome, details as words and IP; a row opens to show the action's name, the ids,
// the recorded details, user agent and request id.
import { Descriptions, Table, type TableColumnsType, Tag, Typography } from "antd";
import type { AuditEvent, AuditOutcome } from "../../api/types";
import { Instant } from "../Instant";
import { SCROLL_INSIDE } from "../narrowScreen";
import { auditActionLabel } from "./auditActionLabels";
import { describeAuditEvent } from "./auditSentences";
import { describeAuditDetails } from "./describeAuditEvent";

const outcomeColors: Record<AuditOutcome, string> = { success: "green", denied: "orange", failure: "red" };
const outcomeLabels: Record<AuditOutcome, string> = {
  success: "Success",
  denied: "Denied",
  failure: "Failure",
};

function AuditEventDetails({ event }: { event: AuditEvent }) {
  return (
    <Descriptions
      column={1}
      size="small"
      items={[
        { key: "action", label: "Action", children: <Typography.Text code>{event.action}</Typography.Text> },
        {
          key: "details",
          label: "Details",
          children: (
            <pre style={{ margin: 0, whiteSpace: "pre-wrap", wordBreak: "break-word" }}>
              {JSON.stringify(event.details, null, 2)}
            </pre>
          ),
        },
        { key: "target", label: "Target id", children: event.target?.id ?? "—" },
        { key: "actor", label: "Actor account id", children: event.actor?.accountId ?? "—" },
        { key: "actorEmail", label: "Actor email", children: event.actor?.email ?? "—" },
        { key: "userAgent", label: "User agent", children: event.userAgent ?? "—" },
        { key: "requestId", label: "Request id", children: event.requestId ?? "—" },
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
  const columns: TableColumnsType<AuditEvent> = [
    {
      key: "occurredAt",
      title: "Time",
      fixed: "left",
      render: (_, event) => <Instant iso={event.occurredAt} />,
    },
    {
      key: "event",
      title: "Event",
      render: (_, event) => (
        <span style={{ display: "block", minWidth: 240 }}>
          {describeAuditEvent(event)}
          <br />
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {auditActionLabel(event.action)}
          </Typography.Text>
        </span>
      ),
    },
    {
      key: "outcome",
      title: "Outcome",
      render: (_, event) => <Tag color={outcomeColors[event.outcome]}>{outcomeLabels[event.outcome]}</Tag>,
    },
    {
      key: "details",
      title: "Details",
      render: (_, event) => (
        <Typography.Text style={{ fontSize: 12, display: "block", minWidth: 200 }}>
          {describeAuditDetails(event.action, event.details)}
        </Typography.Text>
      ),
    },
    { key: "ip", title: "IP", render: (_, event) => event.ip ?? "—" },
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
      locale={{ emptyText: "No events match these filters." }}
    />
  );
}
