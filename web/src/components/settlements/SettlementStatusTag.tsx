// A settlement batch's status as a coloured tag in the page's language (the `records` catalogue), and
// the statuses the list can be filtered by.
import { Tag } from "antd";
import { useTranslation } from "react-i18next";
import type { SettlementStatus } from "../../api/types";

export const settlementStatusLabels: Record<SettlementStatus, string> = {
  pending: "Pending",
  paid: "Paid",
};

export function SettlementStatusTag({ status }: { status: string }) {
  const { t } = useTranslation("records");
  const known = status in settlementStatusLabels ? (status as SettlementStatus) : null;
  return (
    <Tag color={known === "paid" ? "green" : known === "pending" ? "blue" : "default"}>
      {known === null ? status : t(`settlementStatuses.${known}`)}
    </Tag>
  );
}
