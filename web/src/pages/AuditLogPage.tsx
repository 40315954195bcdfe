// Account > Audit log (`audit.view`): security-relevant changes and refused attempts, newest first,
// filtered by action, actor, outcome and dates, with `Download CSV` of the same filters.
import { Button, Flex } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { auditExportUrl, useAuditEvents } from "../api/auditQueries";
import type { AuditFilters } from "../api/types";
import { AuditEventTable } from "../components/audit/AuditEventTable";
import { AuditFilterBar } from "../components/audit/AuditFilterBar";
import { useCurrentMembership } from "../components/CurrentMembership";
import { PagedListFooter } from "../components/PagedListFooter";
import { PageTitle } from "../components/PageTitle";
import { QueryErrorResult } from "../components/QueryErrorResult";
import { useCursorPages } from "../components/useCursorPages";

const PAGE_SIZE = 50;

export function AuditLogPage() {
  const { t } = useTranslation("audit");
  const { membership } = useCurrentMembership();
  const companyId = membership.companyId;
  const [filters, setFilters] = useState<AuditFilters>({});
  const filterKey = JSON.stringify(filters);
  const pages = useCursorPages(filterKey, PAGE_SIZE);
  const events = useAuditEvents(companyId, filters, pages.page);

  const search = (next: AuditFilters) => {
    // The same filters again: the newest events since.
    if (JSON.stringify(next) === filterKey) void events.refetch();
    else setFilters(next);
  };

  return (
    <>
      <PageTitle>{t("ui.title")}</PageTitle>
      <Flex justify="space-between" align="flex-start" gap="middle" wrap style={{ marginBottom: 16 }}>
        <AuditFilterBar companyId={companyId} onSearch={search} />
        {/* A link: the browser streams the server's CSV straight to disk with the session cookie. */}
        <Button href={auditExportUrl(companyId, filters)} download title={t("ui.downloadTitle")}>
          {t("ui.downloadCsv")}
        </Button>
      </Flex>
      {events.isError ? (
        <QueryErrorResult error={events.error} onRetry={() => events.refetch()} />
      ) : (
        <>
          <AuditEventTable
            events={events.data?.items}
            isLoading={events.isPending || (events.isFetching && events.isPlaceholderData)}
          />
          <PagedListFooter
            pages={pages}
            pageSize={PAGE_SIZE}
            data={events.data}
            isLoading={events.isFetching}
            noun={t("ui.noun")}
          />
        </>
      )}
    </>
  );
}
