// The Settlements section as a record list (`settlements.view`): settlement batches filtered by
// `Status` (pending or paid); each batch's reference, period, settled at, count, gross, fees,
// refunds, net and status. Periods are whole UTC days, `periodEnd` exclusive.
import { type TableColumnsType, Typography } from "antd";
import { settlementsExportUrl, useSettlements } from "../../api/queries";
import type { Settlement, SettlementFilters } from "../../api/types";
import { formatDateTime, formatUtcDate } from "../formatDateTime";
import { formatMoney } from "../formatMoney";
import { MerchantAccountName } from "../merchant-accounts/MerchantAccountName";
import { optionsOf } from "../records/RecordFilterBar";
import type { RecordList } from "../records/RecordListPage";
import { SettlementStatusTag, settlementStatusLabels } from "./SettlementStatusTag";

const count = new Intl.NumberFormat();

/** "Nov 26, 2026" for one day, "Nov 1, 2026 – Nov 7, 2026" for several. */
function formatPeriod(batch: Settlement): string {
  const start = formatUtcDate(batch.periodStart);
  const lastDay = new Date(Date.parse(batch.periodEnd) - 1);
  const end = Number.isNaN(lastDay.getTime()) ? batch.periodEnd : formatUtcDate(lastDay.toISOString());
  return start === end ? start : `${start} – ${end}`;
}

function money(key: keyof Settlement & ("grossAmount" | "fees" | "refunds" | "netAmount"), title: string) {
  return {
    key,
    title,
    align: "right" as const,
    render: (_: unknown, batch: Settlement) => (
      <span style={{ fontVariantNumeric: "tabular-nums", whiteSpace: "nowrap" }}>
        {formatMoney(batch[key], batch.currency)}
      </span>
    ),
  };
}

const columns: TableColumnsType<Settlement> = [
  { key: "reference", title: "Reference", render: (_, batch) => batch.reference },
  { key: "period", title: "Period", render: (_, batch) => formatPeriod(batch) },
  {
    key: "settledAt",
    title: "Settled at",
    render: (_, batch) =>
      batch.settledAt === null ? (
        <Typography.Text type="secondary">Not yet</Typography.Text>
      ) : (
        formatDateTime(batch.settledAt)
      ),
  },
  {
    key: "transactionCount",
    title: "Transactions",
    align: "right",
    render: (_, batch) => count.format(batch.transactionCount),
  },
  money("grossAmount", "Gross"),
  money("fees", "Fees"),
  money("refunds", "Refunds"),
  money("netAmount", "Net"),
  { key: "status", title: "Status", render: (_, batch) => <SettlementStatusTag status={batch.status} /> },
  {
    key: "merchantAccount",
    title: "Merchant account",
    render: (_, batch) => <MerchantAccountName id={batch.merchantAccountId} />,
  },
];

export const settlementList: RecordList<SettlementFilters, Settlement> = {
  title: "Settlements",
  noun: "settlement batches",
  noFilters: {},
  filterFields: [
    {
      kind: "select",
      field: "status",
      label: "Status",
      placeholder: "All statuses",
      options: optionsOf(settlementStatusLabels),
      width: 160,
    },
  ],
  columns,
  emptyText: "No settlement batches match this filter.",
  useRecords: useSettlements,
  download: {
    permission: "settlements.download",
    description: "Download the settlement batches matching this filter as CSV",
    url: settlementsExportUrl,
  },
};
