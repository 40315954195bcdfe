// Settlements (`settlements.view`): settlement batches one page at a time, and `Download` of the
// filtered batches as CSV for members holding `settlements.download`.
import { Flex } from "antd";
import { useState } from "react";
import { settlementsExportUrl, useSettlements } from "../api/queries";
import type { SettlementFilters } from "../api/types";
import { useCurrentMembership } from "../components/CurrentMembership";
import { CursorPager } from "../components/CursorPager";
import { DownloadLink } from "../components/DownloadLink";
import { PageTitle } from "../components/PageTitle";
import { QueryErrorResult } from "../components/QueryErrorResult";
import { SettlementFilterBar } from "../components/settlements/SettlementFilterBar";
import { SettlementsTable } from "../components/settlements/SettlementsTable";
import { useCan } from "../components/useCan";
import { useCursorPages } from "../components/useCursorPages";

const PAGE_SIZE = 20;

export function SettlementsPage() {
  const { membership } = useCurrentMembership();
  const companyId = membership.companyId;
  const canDownload = useCan("settlements.download");
  const [filters, setFilters] = useState<SettlementFilters>({});
  const pages = useCursorPages(JSON.stringify(filters), PAGE_SIZE);
  const settlements = useSettlements(companyId, filters, pages.page);

  return (
    <>
      <PageTitle>Settlements</PageTitle>
      <Flex justify="space-between" align="flex-start" gap="middle" wrap style={{ marginBottom: 16 }}>
        <SettlementFilterBar filters={filters} onChange={setFilters} />
        {canDownload && (
          <DownloadLink
            href={settlementsExportUrl(companyId, filters)}
            description="Download the settlement batches matching this filter as CSV"
            permission="settlements.download"
          />
        )}
      </Flex>
      {settlements.isError && settlements.data === undefined ? (
        <QueryErrorResult error={settlements.error} onRetry={() => settlements.refetch()} />
      ) : (
        <>
          <SettlementsTable items={settlements.data?.items} isLoading={settlements.isFetching} />
          {settlements.data !== undefined && (
            <CursorPager
              pageIndex={pages.pageIndex}
              pageSize={PAGE_SIZE}
              itemCount={settlements.data.items.length}
              total={settlements.data.total}
              isTotalExact={settlements.data.totalExact}
              nextCursor={settlements.data.nextCursor}
              isLoading={settlements.isFetching}
              noun="settlement batches"
              onPrevious={pages.goToPrevious}
              onNext={pages.goToNext}
            />
          )}
        </>
      )}
    </>
  );
}
