// The audit log's table, newest first: time, action (its words and its name), outcome, actor,
// target, details as compact text and IP; a row opens to show its full details, user agent and
// request id.
import { Descriptions, Table, type TableColumnsType, Tag, Typography } from "antd";
import type { AuditEvent, AuditOutcome } from "../../api/types";
import { formatDateTime } from "../formatDateTime";
import { auditActionLabel } from "./auditActionLabels";
import { describeAuditActor, describeAuditDetails, describeAuditTarget } from "./describeAuditEvent";

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
      render: (_, event) => (
        <span title={event.occurredAt} style={{ whiteSpace: "nowrap" }}>
          {formatDateTime(event.occurredAt)}
        </span>
      ),
    },
    {
      key: "action",
      title: "Action",
      render: (_, event) => (
        <span style={{ whiteSpace: "nowrap" }}>
          {auditActionLabel(event.action)}
          <br />
          <Typography.Text code type="secondary" style={{ fontSize: 12 }}>
            {event.action}
          </Typography.Text>
        </span>
      ),
    },
    {
      key: "outcome",
      title: "Outcome",
      render: (_, event) => <Tag color={outcomeColors[event.outcome]}>{outcomeLabels[event.outcome]}</Tag>,
    },
    { key: "actor", title: "Actor", render: (_, event) => describeAuditActor(event.actor) },
    {
      key: "target",
      title: "Target",
      render: (_, event) => describeAuditTarget(event.target, event.details),
    },
    {
      key: "details",
      title: "Details",
      render: (_, event) => (
        <Typography.Text style={{ fontSize: 12, display: "block", minWidth: 280 }}>
          {describeAuditDetails(event.details)}
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
      scroll={{ x: true }}
      expandable={{ expandedRowRender: (event) => <AuditEventDetails event={event} /> }}
      locale={{ emptyText: "No events match these filters." }}
    />
  );
}
