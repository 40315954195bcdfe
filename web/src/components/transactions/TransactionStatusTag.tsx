// A transaction's status as a coloured tag in the page's language (the `records` catalogue), and the
// statuses the list can be filtered by.
import { Tag } from "antd";
import { useTranslation } from "react-i18next";
import type { TransactionStatus } from "../../api/types";

export const transactionStatusLabels: Record<TransactionStatus, string> = {
  succeeded: "Succeeded",
  failed: "Failed",
  refunded: "Refunded",
  pending: "Pending",
};

const colors: Record<TransactionStatus, string> = {
  succeeded: "green",
  failed: "red",
  refunded: "orange",
  pending: "blue",
};

export function TransactionStatusTag({ status }: { status: string }) {
  const { t } = useTranslation("records");
  const known = status in transactionStatusLabels ? (status as TransactionStatus) : null;
  return (
    <Tag color={known === null ? "default" : colors[known]}>
      {known === null ? status : t(`transactionStatuses.${known}`)}
    </Tag>
  );
}
