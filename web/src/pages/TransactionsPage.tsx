// Transactions (`transactions.view`): filters, one page of records at a time, and `Download` of the
// filtered records as CSV for members holding `transactions.download`.
import { Flex } from "antd";
import { useState } from "react";
import { transactionsExportUrl, useTransactions } from "../api/queries";
import type { TransactionFilters } from "../api/types";
import { useCurrentMembership } from "../components/CurrentMembership";
import { CursorPager } from "../components/CursorPager";
import { DownloadLink } from "../components/DownloadLink";
import { PageTitle } from "../components/PageTitle";
import { QueryErrorResult } from "../components/QueryErrorResult";
import { TransactionFilterBar } from "../components/transactions/TransactionFilterBar";
import { TransactionsTable } from "../components/transactions/TransactionsTable";
import { useCan } from "../components/useCan";
import { useCursorPages } from "../components/useCursorPages";

const PAGE_SIZE = 20;

export function TransactionsPage() {
  const { membership } = useCurrentMembership();
  const companyId = membership.companyId;
  const canDownload = useCan("transactions.download");
  const [filters, setFilters] = useState<TransactionFilters>({});
  const pages = useCursorPages(JSON.stringify(filters), PAGE_SIZE);
  const transactions = useTransactions(companyId, filters, pages.page);

  return (
    <>
      <PageTitle>Transactions</PageTitle>
      <Flex justify="space-between" align="flex-start" gap="middle" wrap style={{ marginBottom: 16 }}>
        <TransactionFilterBar filters={filters} onChange={setFilters} />
        {canDownload && (
          <DownloadLink
            href={transactionsExportUrl(companyId, filters)}
            description="Download the transactions matching these filters as CSV"
            permission="transactions.download"
          />
        )}
      </Flex>
      {transactions.isError && transactions.data === undefined ? (
        <QueryErrorResult error={transactions.error} onRetry={() => transactions.refetch()} />
      ) : (
        <>
          <TransactionsTable items={transactions.data?.items} isLoading={transactions.isFetching} />
          {transactions.data !== undefined && (
            <CursorPager
              pageIndex={pages.pageIndex}
              pageSize={PAGE_SIZE}
              itemCount={transactions.data.items.length}
              total={transactions.data.total}
              isTotalExact={transactions.data.totalExact}
              nextCursor={transactions.data.nextCursor}
              isLoading={transactions.isFetching}
              noun="transactions"
              onPrevious={pages.goToPrevious}
              onNext={pages.goToNext}
            />
          )}
        </>
      )}
    </>
  );
}
