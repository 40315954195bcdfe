// Profile > Sessions: where the account is logged in (device, IP, last seen), and `End session`
// for any but the current one (logging out ends that).
import { App, Button, Table, type TableColumnsType, Tag, Tooltip } from "antd";
import { useEndSession, useOwnSessions } from "../api/queries";
import type { OwnSession } from "../api/types";
import { describeDevice } from "./describeDevice";
import { describeError } from "./errorMessages";
import { formatDateTime } from "./formatDateTime";
import { SCROLL_INSIDE } from "./narrowScreen";
import { QueryErrorResult } from "./QueryErrorResult";

export function OwnSessionsTable() {
  const { message } = App.useApp();
  const sessions = useOwnSessions();
  const endSession = useEndSession();

  const end = (session: OwnSession) => {
    endSession.mutate(session.id, {
      onSuccess: () => void message.success("Session ended"),
      onError: (error) => void message.error(describeError(error)),
    });
  };

  if (sessions.isError) return <QueryErrorResult error={sessions.error} onRetry={() => sessions.refetch()} />;

  const columns: TableColumnsType<OwnSession> = [
    {
      key: "device",
      title: "Device",
      fixed: "left",
      render: (_, session) => (
        <>
          <Tooltip title={session.device}>
            <span>{describeDevice(session.device)}</span>
          </Tooltip>
          {session.current && (
            <Tag color="blue" style={{ marginInlineStart: 8 }}>
              This session
            </Tag>
          )}
        </>
      ),
    },
    { key: "ip", title: "IP address", render: (_, session) => session.ip ?? "Unknown" },
    { key: "createdAt", title: "Logged in", render: (_, session) => formatDateTime(session.createdAt) },
    { key: "lastSeenAt", title: "Last active", render: (_, session) => formatDateTime(session.lastSeenAt) },
    { key: "expiresAt", title: "Expires", render: (_, session) => formatDateTime(session.expiresAt) },
    {
      key: "actions",
      title: <span className="visually-hidden">Actions</span>,
      align: "right",
      fixed: "right",
      render: (_, session) =>
        session.current ? null : (
          <Button
            size="small"
            danger
            onClick={() => end(session)}
            loading={endSession.isPending && endSession.variables === session.id}
            aria-label="End session"
          >
            End session
          </Button>
        ),
    },
  ];

  return (
    <Table<OwnSession>
      rowKey="id"
      size="middle"
      columns={columns}
      dataSource={sessions.data?.items}
      loading={sessions.isPending}
      pagination={false}
      scroll={SCROLL_INSIDE}
    />
  );
}
