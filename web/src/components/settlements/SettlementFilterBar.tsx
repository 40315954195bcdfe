// The filter above the settlement list: `Status` (pending or paid).
import { Form, Select } from "antd";
import { useId } from "react";
import type { SettlementFilters, SettlementStatus } from "../../api/types";
import { settlementStatusLabels } from "./SettlementStatusTag";

const statusOptions = Object.entries(settlementStatusLabels).map(([value, label]) => ({
  value: value as SettlementStatus,
  label,
}));

export function SettlementFilterBar({
  filters,
  onChange,
}: {
  filters: SettlementFilters;
  onChange: (filters: SettlementFilters) => void;
}) {
  const statusId = useId();
  return (
    <Form layout="inline" component="div">
      <Form.Item label="Status" htmlFor={statusId} style={{ marginInlineEnd: 0 }}>
        <Select<SettlementStatus>
          id={statusId}
          allowClear
          placeholder="All statuses"
          value={filters.status}
          onChange={(status) => onChange({ ...filters, status })}
          options={statusOptions}
          style={{ width: 160 }}
        />
      </Form.Item>
    </Form>
  );
}
