// The filters above the transaction list: `Status`, `Payment method` and `Date range` (whole days in
// the reader's time zone). Reports the choice as API filters (`from` inclusive, `to` exclusive).
import { DatePicker, Flex, Form, type GetProps, Select } from "antd";
import { useId } from "react";
import type { PaymentMethod, TransactionFilters, TransactionStatus } from "../../api/types";
import { paymentMethodLabels } from "../paymentMethods";
import { transactionStatusLabels } from "./TransactionStatusTag";

type RangeChange = NonNullable<GetProps<typeof DatePicker.RangePicker>["onChange"]>;

const statusOptions = Object.entries(transactionStatusLabels).map(([value, label]) => ({ value, label }));
const methodOptions = Object.entries(paymentMethodLabels).map(([value, label]) => ({ value, label }));

/** Local midnight of a "YYYY-MM-DD" day, `dayOffset` days later, as ISO 8601. */
function startOfLocalDay(day: string, dayOffset = 0): string | undefined {
  const [year, month, date] = day.split("-").map(Number);
  if (year === undefined || month === undefined || date === undefined) return undefined;
  const start = new Date(year, month - 1, date + dayOffset);
  return Number.isNaN(start.getTime()) ? undefined : start.toISOString();
}

export function TransactionFilterBar({
  filters,
  onChange,
}: {
  filters: TransactionFilters;
  onChange: (filters: TransactionFilters) => void;
}) {
  const statusId = useId();
  const methodId = useId();
  const rangeId = useId();

  const onRangeChange: RangeChange = (_, [fromDay, toDay]) => {
    const { from: _from, to: _to, ...rest } = filters;
    const from = fromDay ? startOfLocalDay(fromDay) : undefined;
    // The whole last day is included: the range ends at the next day's midnight.
    const to = toDay ? startOfLocalDay(toDay, 1) : undefined;
    onChange({ ...rest, ...(from && to ? { from, to } : {}) });
  };

  return (
    <Form layout="inline" component="div">
      <Flex gap="middle" wrap>
        <Form.Item label="Status" htmlFor={statusId} style={{ marginInlineEnd: 0 }}>
          <Select<TransactionStatus>
            id={statusId}
            allowClear
            placeholder="All statuses"
            value={filters.status}
            onChange={(status) => onChange({ ...filters, status })}
            options={statusOptions as { value: TransactionStatus; label: string }[]}
            style={{ width: 160 }}
          />
        </Form.Item>
        <Form.Item label="Payment method" htmlFor={methodId} style={{ marginInlineEnd: 0 }}>
          <Select<PaymentMethod>
            id={methodId}
            allowClear
            placeholder="All methods"
            value={filters.paymentMethod}
            onChange={(paymentMethod) => onChange({ ...filters, paymentMethod })}
            options={methodOptions as { value: PaymentMethod; label: string }[]}
            style={{ width: 170 }}
          />
        </Form.Item>
        <Form.Item label="Date range" htmlFor={rangeId} style={{ marginInlineEnd: 0 }}>
          <DatePicker.RangePicker id={rangeId} onChange={onRangeChange} />
        </Form.Item>
      </Flex>
    </Form>
  );
}
