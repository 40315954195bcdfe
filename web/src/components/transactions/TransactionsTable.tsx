// One page of transaction records: time, reference, amount, payment method, status, error code.
import { Table, type TableColumnsType, Typography } from "antd";
import type { Transaction } from "../../api/types";
import { formatDateTime } from "../formatDateTime";
import { formatMoney } from "../formatMoney";
import { paymentMethodLabel } from "../paymentMethods";
import { TransactionStatusTag } from "./TransactionStatusTag";

const columns: TableColumnsType<Transaction> = [
  { key: "occurredAt", title: "Time", render: (_, row) => formatDateTime(row.occurredAt) },
  {
    key: "merchantReference",
    title: "Reference",
    render: (_, row) => row.merchantReference,
  },
  {
    key: "amount",
    title: "Amount",
    align: "right",
    render: (_, row) => (
      <span style={{ fontVariantNumeric: "tabular-nums", whiteSpace: "nowrap" }}>
        {formatMoney(row.amount, row.currency)}
      </span>
    ),
  },
  {
    key: "paymentMethod",
    title: "Payment method",
    render: (_, row) => paymentMethodLabel(row.paymentMethod),
  },
  { key: "status", title: "Status", render: (_, row) => <TransactionStatusTag status={row.status} /> },
  {
    key: "errorCode",
    title: "Error code",
    render: (_, row) =>
      row.errorCode === null ? (
        <Typography.Text type="secondary">—</Typography.Text>
      ) : (
        <Typography.Text code>{row.errorCode}</Typography.Text>
      ),
  },
];

export function TransactionsTable({
  items,
  isLoading,
}: {
  items: Transaction[] | undefined;
  isLoading: boolean;
}) {
  return (
    <Table<Transaction>
      rowKey="id"
      size="middle"
      columns={columns}
      dataSource={items}
      loading={isLoading}
      pagination={false}
      scroll={{ x: true }}
      locale={{ emptyText: "No transactions match these filters." }}
    />
  );
}
