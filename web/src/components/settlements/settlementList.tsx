// The Settlements section as a record list (`settlements.view`): settlement batches filtered by
// `Status` (pending or paid); each batch's reference, period, settled at, count, gross, fees,
// refunds, net and status. Periods are whole UTC days, `periodEnd` exclusive.

import { type TableColumnsType, Typography } from "antd";
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { settlementsExportUrl, useSettlements } from "../../api/queries";
import type { Settlement, SettlementFilters } from "../../api/types";
import { formatDateTime, formatUtcDate } from "../formatDateTime";
import { formatCount, formatMoney } from "../formatMoney";
import { MerchantAccountName } from "../merchant-accounts/MerchantAccountName";
import type { RecordList } from "../records/RecordListPage";
import { SettlementStatusTag, settlementStatusLabels } from "./SettlementStatusTag";

/** "Nov 26, 2026" for one day, "Nov 1, 2026 – Nov 7, 2026" for several. */
function formatPeriod(batch: Settlement, t: TFunction<"records">): string {
  const start = formatUtcDate(batch.periodStart);
  const lastDay = new Date(Date.parse(batch.periodEnd) - 1);
  const end = Number.isNaN(lastDay.getTime()) ? batch.periodEnd : formatUtcDate(lastDay.toISOString());
  return start === end ? start : t("settlements.periodRange", { start, end });
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

/** The Settlements list in the page's language. */
export function useSettlementList(): RecordList<SettlementFilters, Settlement> {
  const { t } = useTranslation("records");
  const columns: TableColumnsType<Settlement> = [
    { key: "reference", title: t("settlements.reference"), render: (_, batch) => batch.reference },
    { key: "period", title: t("settlements.period"), render: (_, batch) => formatPeriod(batch, t) },
    {
      key: "settledAt",
      title: t("settlements.settledAt"),
      render: (_, batch) =>
        batch.settledAt === null ? (
          <Typography.Text type="secondary">{t("settlements.notYet")}</Typography.Text>
        ) : (
          formatDateTime(batch.settledAt)
        ),
    },
    {
      key: "transactionCount",
      title: t("settlements.transactions"),
      align: "right",
      render: (_, batch) => formatCount(batch.transactionCount),
    },
    money("grossAmount", t("settlements.gross")),
    money("fees", t("settlements.fees")),
    money("refunds", t("settlements.refunds")),
    money("netAmount", t("settlements.net")),
    {
      key: "status",
      title: t("settlements.status"),
      render: (_, batch) => <SettlementStatusTag status={batch.status} />,
    },
    {
      key: "merchantAccount",
      title: t("settlements.merchantAccount"),
      render: (_, batch) => <MerchantAccountName id={batch.merchantAccountId} />,
    },
  ];
  return {
    title: t("settlements.title"),
    noun: t("settlements.noun"),
    noFilters: {},
    filterFields: [
      {
        kind: "select",
        field: "status",
        label: t("settlements.status"),
        placeholder: t("settlements.allStatuses"),
        options: Object.keys(settlementStatusLabels).map((value) => ({
          value,
          label: t(`settlementStatuses.${value}`),
        })),
        width: 160,
      },
    ],
    columns,
    emptyText: t("settlements.empty"),
    useRecords: useSettlements,
    download: {
      permission: "settlements.download",
      description: t("settlements.download"),
      url: settlementsExportUrl,
    },
  };
}
