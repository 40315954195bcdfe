// The error report: why payments failed, by error code, with each code's share of the failures.
import { Flex, Progress, Table, type TableColumnsType, Typography } from "antd";
import type { ErrorReportEntry } from "../../api/types";
import { formatRate } from "./formatRate";

const count = new Intl.NumberFormat();

const columns: TableColumnsType<ErrorReportEntry> = [
  {
    key: "errorCode",
    title: "Error code",
    render: (_, row) => (
      <Typography.Text code style={{ whiteSpace: "nowrap" }}>
        {row.errorCode}
      </Typography.Text>
    ),
  },
  { key: "count", title: "Count", align: "right", render: (_, row) => count.format(row.count) },
  {
    key: "share",
    title: "Share of failures",
    render: (_, row) => (
      <Flex align="center" gap="small" style={{ minWidth: 160 }}>
        <span style={{ minWidth: 48, textAlign: "right" }}>{formatRate(row.share)}</span>
        <Progress percent={row.share * 100} showInfo={false} size="small" status="exception" aria-hidden />
      </Flex>
    ),
  },
];

export function ErrorReportTable({ errors }: { errors: ErrorReportEntry[] }) {
  return (
    <Table<ErrorReportEntry>
      rowKey="errorCode"
      size="small"
      columns={columns}
      dataSource={errors}
      pagination={false}
      locale={{ emptyText: "No failed payments in this period." }}
    />
  );
}
