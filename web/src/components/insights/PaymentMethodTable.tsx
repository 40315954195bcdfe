// Payment-method performance in figures: transactions, succeeded, failed, success rate, volume.
import { Table, type TableColumnsType } from "antd";
import { useTranslation } from "react-i18next";
import type { PaymentMethodPerformance } from "../../api/types";
import { formatCount, formatMoney } from "../formatMoney";
import { paymentMethodLabel } from "../paymentMethods";
import { formatRate } from "./formatRate";

export function PaymentMethodTable({
  methods,
  currency,
}: {
  methods: PaymentMethodPerformance[];
  currency: string;
}) {
  const { t } = useTranslation(["insights", "format"]);
  const columns: TableColumnsType<PaymentMethodPerformance> = [
    {
      key: "paymentMethod",
      title: t("paymentMethod"),
      render: (_, row) => paymentMethodLabel(row.paymentMethod),
    },
    { key: "count", title: t("transactions"), align: "right", render: (_, row) => formatCount(row.count) },
    {
      key: "succeeded",
      title: t("succeeded"),
      align: "right",
      render: (_, row) => formatCount(row.succeeded),
    },
    { key: "failed", title: t("failed"), align: "right", render: (_, row) => formatCount(row.failed) },
    {
      key: "successRate",
      title: t("rate"),
      align: "right",
      render: (_, row) => formatRate(row.successRate),
    },
    {
      key: "volume",
      title: t("volume"),
      align: "right",
      render: (_, row) => <span style={{ whiteSpace: "nowrap" }}>{formatMoney(row.volume, currency)}</span>,
    },
  ];
  return (
    <Table<PaymentMethodPerformance>
      rowKey="paymentMethod"
      size="small"
      columns={columns}
      dataSource={methods}
      pagination={false}
      scroll={{ x: true }}
      locale={{ emptyText: t("noTransactionsInPeriod") }}
    />
  );
}
