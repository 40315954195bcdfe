// The Transactions section as a record list (`transactions.view`): filtered by `Status`, `Payment
// method` and `Date range`; each record's time, reference, amount, payment method, status and error code.
import { type TableColumnsType, Typography } from "antd";
import { transactionsExportUrl, useTransactions } from "../../api/queries";
import type { Transaction, TransactionFilters } from "../../api/types";
import { formatDateTime } from "../formatDateTime";
import { formatMoney } from "../formatMoney";
import { MerchantAccountName } from "../merchant-accounts/MerchantAccountName";
import { paymentMethodLabel, paymentMethodLabels } from "../paymentMethods";
import { optionsOf } from "../records/RecordFilterBar";
import type { RecordList } from "../records/RecordListPage";
import { TransactionStatusTag, transactionStatusLabels } from "./TransactionStatusTag";

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
    key: "merchantAccount",
    title: "Merchant account",
    render: (_, row) => <MerchantAccountName id={row.merchantAccountId} />,
  },
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

export const transactionList: RecordList<TransactionFilters, Transaction> = {
  title: "Transactions",
  noun: "transactions",
  noFilters: {},
  filterFields: [
    {
      kind: "select",
      field: "status",
      label: "Status",
      placeholder: "All statuses",
      options: optionsOf(transactionStatusLabels),
      width: 160,
    },
    {
      kind: "select",
      field: "paymentMethod",
      label: "Payment method",
      placeholder: "All methods",
      options: optionsOf(paymentMethodLabels),
      width: 170,
    },
    { kind: "dateRange", label: "Date range" },
  ],
  columns,
  emptyText: "No transactions match these filters.",
  useRecords: useTransactions,
  download: {
    permission: "transactions.download",
    description: "Download the transactions matching these filters as CSV",
    url: transactionsExportUrl,
  },
};
