// The Transactions section as a record list (`transactions.view`): filtered by `Status`, `Payment
// method` and `Date range`; each record's time, reference, amount, payment method, status and error code.
import { type TableColumnsType, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { transactionsExportUrl, useTransactions } from "../../api/queries";
import type { Transaction, TransactionFilters } from "../../api/types";
import { formatDateTime } from "../formatDateTime";
import { formatMoney } from "../formatMoney";
import { MerchantAccountName } from "../merchant-accounts/MerchantAccountName";
import { paymentMethodLabel, paymentMethodLabels } from "../paymentMethods";
import type { RecordList } from "../records/RecordListPage";
import { TransactionStatusTag, transactionStatusLabels } from "./TransactionStatusTag";

/** The Transactions list in the page's language. */
export function useTransactionList(): RecordList<TransactionFilters, Transaction> {
  const { t } = useTranslation(["records", "format"]);
  const columns: TableColumnsType<Transaction> = [
    { key: "occurredAt", title: t("transactions.time"), render: (_, row) => formatDateTime(row.occurredAt) },
    {
      key: "merchantReference",
      title: t("transactions.reference"),
      render: (_, row) => row.merchantReference,
    },
    {
      key: "amount",
      title: t("transactions.amount"),
      align: "right",
      render: (_, row) => (
        <span style={{ fontVariantNumeric: "tabular-nums", whiteSpace: "nowrap" }}>
          {formatMoney(row.amount, row.currency)}
        </span>
      ),
    },
    {
      key: "paymentMethod",
      title: t("transactions.paymentMethod"),
      render: (_, row) => paymentMethodLabel(row.paymentMethod),
    },
    {
      key: "status",
      title: t("transactions.status"),
      render: (_, row) => <TransactionStatusTag status={row.status} />,
    },
    {
      key: "merchantAccount",
      title: t("transactions.merchantAccount"),
      render: (_, row) => <MerchantAccountName id={row.merchantAccountId} />,
    },
    {
      key: "errorCode",
      title: t("transactions.errorCode"),
      render: (_, row) =>
        row.errorCode === null ? (
          <Typography.Text type="secondary">—</Typography.Text>
        ) : (
          <Typography.Text code>{row.errorCode}</Typography.Text>
        ),
    },
  ];
  return {
    title: t("transactions.title"),
    noun: t("transactions.noun"),
    noFilters: {},
    filterFields: [
      {
        kind: "select",
        field: "status",
        label: t("transactions.status"),
        placeholder: t("transactions.allStatuses"),
        options: Object.keys(transactionStatusLabels).map((value) => ({
          value,
          label: t(`transactionStatuses.${value}`),
        })),
        width: 160,
      },
      {
        kind: "select",
        field: "paymentMethod",
        label: t("transactions.paymentMethod"),
        placeholder: t("transactions.allMethods"),
        options: Object.keys(paymentMethodLabels).map((value) => ({
          value,
          label: paymentMethodLabel(value),
        })),
        width: 170,
      },
      { kind: "dateRange", label: t("transactions.dateRange") },
    ],
    columns,
    emptyText: t("transactions.empty"),
    useRecords: useTransactions,
    download: {
      permission: "transactions.download",
      description: t("transactions.download"),
      url: transactionsExportUrl,
    },
  };
}
