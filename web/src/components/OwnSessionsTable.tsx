// Profile > Sessions: where the account is logged in (device, IP, last seen), and `End session`
// for any but the current one (logging out ends that). A session that has passed the password but
// not the second factor says so: whoever holds it knows the password.
import { App, Button, Table, type TableColumnsType, Tag, Tooltip } from "antd";
import { useTranslation } from "react-i18next";
import { useEndSession, useOwnSessions } from "../api/queries";
import type { OwnSession } from "../api/types";
import { describeDevice } from "./describeDevice";
import { describeError } from "./errorMessages";
import { formatDateTime } from "./formatDateTime";
import { SCROLL_INSIDE } from "./narrowScreen";
import { QueryErrorResult } from "./QueryErrorResult";

export function OwnSessionsTable() {
  const { t } = useTranslation("profile");
  const { message } = App.useApp();
  const sessions = useOwnSessions();
  const endSession = useEndSession();

  const end = (session: OwnSession) => {
    endSession.mutate(session.id, {
      onSuccess: () => void message.success(t("sessions.ended")),
      onError: (error) => void message.error(describeError(error)),
    });
  };

  if (sessions.isError) return <QueryErrorResult error={sessions.error} onRetry={() => sessions.refetch()} />;

  const columns: TableColumnsType<OwnSession> = [
    {
      key: "device",
      title: t("sessions.device"),
      fixed: "left",
      render: (_, session) => (
        <>
          <Tooltip title={session.device}>
            <span>{describeDevice(session.device, (key, values) => t(key, values ?? {}))}</span>
          </Tooltip>
          {session.current && (
            <Tag color="blue" style={{ marginInlineStart: 8 }}>
              {t("sessions.current")}
            </Tag>
          )}
          {session.secondStepPending && (
            <Tooltip title={t("sessions.secondStepPendingHint")}>
              <Tag color="orange" style={{ marginInlineStart: 8 }} tabIndex={0}>
                {t("sessions.secondStepPending")}
              </Tag>
            </Tooltip>
          )}
        </>
      ),
    },
    { key: "ip", title: t("sessions.ip"), render: (_, session) => session.ip ?? t("sessions.unknown") },
    {
      key: "createdAt",
      title: t("sessions.loggedIn"),
      render: (_, session) => formatDateTime(session.createdAt),
    },
    {
      key: "lastSeenAt",
      title: t("sessions.lastActive"),
      render: (_, session) => formatDateTime(session.lastSeenAt),
    },
    {
      key: "expiresAt",
      title: t("sessions.expires"),
      render: (_, session) => formatDateTime(session.expiresAt),
    },
    {
      key: "actions",
      title: <span className="visually-hidden">{t("sessions.actions")}</span>,
      align: "right",
      fixed: "right",
      render: (_, session) =>
        session.current ? null : (
          <Button
            size="small"
            danger
            onClick={() => end(session)}
            loading={endSession.isPending && endSession.variables === session.id}
            aria-label={t("sessions.end")}
          >
            {t("sessions.end")}
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
