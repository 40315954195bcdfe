// A section that lists records (transactions, settlements): its filters, one page of records at a
// time, and `Download` of the filtered records as CSV for members holding the list's download
// permission. Each list is one configuration of this page.
import type { UseQueryResult } from "@tanstack/react-query";
import { Flex, Table, type TableColumnsType } from "antd";
import { useState } from "react";
import type { PageRequest } from "../../api/queries";
import type { PermissionKey } from "../../api/types";
import { useCurrentMembership } from "../CurrentMembership";
import { CursorPager } from "../CursorPager";
import { DownloadLink } from "../DownloadLink";
import { pinFirstColumn, SCROLL_INSIDE } from "../narrowScreen";
import { PageTitle } from "../PageTitle";
import { QueryErrorResult } from "../QueryErrorResult";
import { useCan } from "../useCan";
import { useCursorPages } from "../useCursorPages";
import { RecordFilterBar, type RecordFilterField, type RecordFilters } from "./RecordFilterBar";

const PAGE_SIZE = 20;

export interface RecordPage<Item> {
  items: Item[];
  total: number;
  totalExact: boolean;
  nextCursor: string | null;
}

export interface RecordList<Filters extends RecordFilters, Item extends { id: string }> {
  title: string;
  /** Plural, for the pager ("transactions"). */
  noun: string;
  noFilters: Filters;
  filterFields: readonly RecordFilterField<Filters>[];
  columns: TableColumnsType<Item>;
  emptyText: string;
  useRecords: (companyId: string, filters: Filters, page: PageRequest) => UseQueryResult<RecordPage<Item>>;
  download: {
    permission: PermissionKey;
    description: string;
    url: (companyId: string, filters: Filters) => string;
  };
}

export function RecordListPage<Filters extends RecordFilters, Item extends { id: string }>({
  list,
}: {
  list: RecordList<Filters, Item>;
}) {
  const { membership } = useCurrentMembership();
  const companyId = membership.companyId;
  const canDownload = useCan(list.download.permission);
  const [filters, setFilters] = useState<Filters>(list.noFilters);
  const pages = useCursorPages(JSON.stringify(filters), PAGE_SIZE);
  const records = list.useRecords(companyId, filters, pages.page);

  return (
    <>
      <PageTitle>{list.title}</PageTitle>
      <Flex justify="space-between" align="flex-start" gap="middle" wrap style={{ marginBottom: 16 }}>
        <RecordFilterBar fields={list.filterFields} filters={filters} onChange={setFilters} />
        {canDownload && (
          <DownloadLink
            href={list.download.url(companyId, filters)}
            description={list.download.description}
            permission={list.download.permission}
          />
        )}
      </Flex>
      {records.isError && records.data === undefined ? (
        <QueryErrorResult error={records.error} onRetry={() => records.refetch()} />
      ) : (
        <>
          <Table<Item>
            rowKey="id"
            size="middle"
            columns={pinFirstColumn(list.columns)}
            dataSource={records.data?.items}
            loading={records.isFetching}
            pagination={false}
            scroll={SCROLL_INSIDE}
            locale={{ emptyText: list.emptyText }}
          />
          {records.data !== undefined && (
            <CursorPager
              pageIndex={pages.pageIndex}
              pageSize={PAGE_SIZE}
              itemCount={records.data.items.length}
              total={records.data.total}
              isTotalExact={records.data.totalExact}
              nextCursor={records.data.nextCursor}
              isLoading={records.isFetching}
              noun={list.noun}
              onPrevious={pages.goToPrevious}
              onNext={pages.goToNext}
            />
          )}
        </>
      )}
    </>
  );
}
