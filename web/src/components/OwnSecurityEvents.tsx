// Profile > Security: what happened to the account itself (sign-ins, failed logins, password,
// alternate email, sessions ended), newest first, with when, from which IP and on which device.
import { Table, type TableColumnsType, Tag, Tooltip } from "antd";
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { useOwnAuditEvents } from "../api/queries";
import type { AccountAuditEvent } from "../api/types";
import { auditActionLabel } from "./audit/auditActionLabels";
import { CursorPager } from "./CursorPager";
import { describeDevice } from "./describeDevice";
import { formatDateTime } from "./formatDateTime";
import { pinFirstColumn, SCROLL_INSIDE } from "./narrowScreen";
import { QueryErrorResult } from "./QueryErrorResult";
import { useCursorPages } from "./useCursorPages";

const PAGE_SIZE = 20;

const OUTCOME_TAGS: Record<AccountAuditEvent["outcome"], { color: string; textKey: string } | null> = {
  success: null,
  denied: { color: "orange", textKey: "events.refused" },
  failure: { color: "red", textKey: "events.failed" },
};

function columnsOf(t: TFunction<"profile">): TableColumnsType<AccountAuditEvent> {
  return [
    { key: "occurredAt", title: t("events.time"), render: (_, event) => formatDateTime(event.occurredAt) },
    {
      key: "action",
      title: t("events.event"),
      render: (_, event) => {
        const tag = OUTCOME_TAGS[event.outcome];
        return (
          <>
            {auditActionLabel(event.action)}
            {tag && (
              <Tag color={tag.color} style={{ marginInlineStart: 8 }}>
                {t(tag.textKey)}
              </Tag>
            )}
          </>
        );
      },
    },
    { key: "ip", title: t("sessions.ip"), render: (_, event) => event.ip ?? t("sessions.unknown") },
    {
      key: "device",
      title: t("sessions.device"),
      render: (_, event) => (
        <Tooltip title={event.device}>
          <span>{describeDevice(event.device, (key, values) => t(key, values ?? {}))}</span>
        </Tooltip>
      ),
    },
  ];
}

export function OwnSecurityEvents() {
  const { t } = useTranslation("profile");
  const pages = useCursorPages("own-audit-events", PAGE_SIZE);
  const events = useOwnAuditEvents(pages.page);

  if (events.isError) return <QueryErrorResult error={events.error} onRetry={() => events.refetch()} />;

  return (
    <>
      <Table<AccountAuditEvent>
        rowKey="id"
        size="middle"
        aria-label={t("events.label")}
        columns={pinFirstColumn(columnsOf(t))}
        dataSource={events.data?.items}
        loading={events.isPending}
        pagination={false}
        scroll={SCROLL_INSIDE}
      />
      {events.data && (
        <CursorPager
          pageIndex={pages.pageIndex}
          pageSize={PAGE_SIZE}
          itemCount={events.data.items.length}
          total={events.data.total}
          isTotalExact={events.data.totalExact}
          nextCursor={events.data.nextCursor}
          isLoading={events.isFetching}
          noun="events"
          onPrevious={pages.goToPrevious}
          onNext={pages.goToNext}
        />
      )}
    </>
  );
}
