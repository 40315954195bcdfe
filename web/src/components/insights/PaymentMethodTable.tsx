// Payment-method performance in figures: transactions, succeeded, failed, success rate, volume.
import { Table, type TableColumnsType } from "antd";
import type { PaymentMethodPerformance } from "../../api/types";
import { formatMoney } from "../formatMoney";
import { paymentMethodLabel } from "../paymentMethods";
import { formatRate } from "./formatRate";

const count = new Intl.NumberFormat();

export function PaymentMethodTable({
  methods,
  currency,
}: {
  methods: PaymentMethodPerformance[];
  currency: string;
}) {
  const columns: TableColumnsType<PaymentMethodPerformance> = [
    {
      key: "paymentMethod",
      title: "Payment method",
      render: (_, row) => paymentMethodLabel(row.paymentMethod),
    },
    { key: "count", title: "Transactions", align: "right", render: (_, row) => count.format(row.count) },
    { key: "succeeded", title: "Succeeded", align: "right", render: (_, row) => count.format(row.succeeded) },
    { key: "failed", title: "Failed", align: "right", render: (_, row) => count.format(row.failed) },
    {
      key: "successRate",
      title: "Success rate",
      align: "right",
      render: (_, row) => formatRate(row.successRate),
    },
    {
      key: "volume",
      title: "Volume",
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
      locale={{ emptyText: "No transactions in this period." }}
    />
  );
}
