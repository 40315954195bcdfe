// The error report: why payments failed, by error code, with each code's share of the failures.
import { Flex, Progress, Table, type TableColumnsType, Typography } from "antd";
import { useTranslation } from "react-i18next";
import type { ErrorReportEntry } from "../../api/types";
import { formatCount } from "../formatMoney";
import { formatRate } from "./formatRate";

export function ErrorReportTable({ errors }: { errors: ErrorReportEntry[] }) {
  const { t } = useTranslation("insights");
  const columns: TableColumnsType<ErrorReportEntry> = [
    {
      key: "errorCode",
      title: t("errorCode"),
      render: (_, row) => (
        <Typography.Text code style={{ whiteSpace: "nowrap" }}>
          {row.errorCode}
        </Typography.Text>
      ),
    },
    { key: "count", title: t("count"), align: "right", render: (_, row) => formatCount(row.count) },
    {
      key: "share",
      title: t("shareOfFailures"),
      render: (_, row) => (
        <Flex align="center" gap="small" style={{ minWidth: 160 }}>
          <span style={{ minWidth: 48, textAlign: "right" }}>{formatRate(row.share)}</span>
          <Progress percent={row.share * 100} showInfo={false} size="small" status="exception" aria-hidden />
        </Flex>
      ),
    },
  ];
  return (
    <Table<ErrorReportEntry>
      rowKey="errorCode"
      size="small"
      columns={columns}
      dataSource={errors}
      pagination={false}
      locale={{ emptyText: t("noFailures") }}
    />
  );
}
