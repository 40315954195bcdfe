// The filters above a list of records: a `Select` per field (cleared for "all") and, where the list
// has a time range, a `Date range` of whole days in the reader's time zone, reported as the API's
// `from` (inclusive) and `to` (exclusive).
import { DatePicker, Flex, Form, type GetProps, Select } from "antd";
import { useId } from "react";
import { RANGE_PICKER_MAX_WIDTH } from "../narrowScreen";

/** A list's filters as its query sends them: every one optional. */
export type RecordFilters = Partial<Record<string, string>>;

export type RecordFilterField<Filters extends RecordFilters> =
  | {
      kind: "select";
      field: keyof Filters & string;
      label: string;
      placeholder: string;
      options: { value: string; label: string }[];
      width: number;
    }
  | { kind: "dateRange"; label: string };

type RangeChange = NonNullable<GetProps<typeof DatePicker.RangePicker>["onChange"]>;

/** Local midnight of a "YYYY-MM-DD" day, `dayOffset` days later, as ISO 8601. */
function startOfLocalDay(day: string, dayOffset = 0): string | undefined {
  const [year, month, date] = day.split("-").map(Number);
  if (year === undefined || month === undefined || date === undefined) return undefined;
  const start = new Date(year, month - 1, date + dayOffset);
  return Number.isNaN(start.getTime()) ? undefined : start.toISOString();
}

function SelectFilter<Filters extends RecordFilters>({
  field,
  filters,
  onChange,
}: {
  field: Extract<RecordFilterField<Filters>, { kind: "select" }>;
  filters: Filters;
  onChange: (filters: Filters) => void;
}) {
  const id = useId();
  return (
    <Form.Item label={field.label} htmlFor={id} style={{ marginInlineEnd: 0 }}>
      <Select<string>
        id={id}
        allowClear
        placeholder={field.placeholder}
        value={filters[field.field]}
        onChange={(value) => onChange({ ...filters, [field.field]: value })}
        options={field.options}
        style={{ width: field.width }}
      />
    </Form.Item>
  );
}

function DateRangeFilter<Filters extends RecordFilters>({
  label,
  filters,
  onChange,
}: {
  label: string;
  filters: Filters;
  onChange: (filters: Filters) => void;
}) {
  const id = useId();
  const onRangeChange: RangeChange = (_, [fromDay, toDay]) => {
    const { from: _from, to: _to, ...rest } = filters;
    const from = fromDay ? startOfLocalDay(fromDay) : undefined;
    // The whole last day is included: the range ends at the next day's midnight.
    const to = toDay ? startOfLocalDay(toDay, 1) : undefined;
    onChange({ ...rest, ...(from && to ? { from, to } : {}) } as Filters);
  };
  return (
    <Form.Item label={label} htmlFor={id} style={{ marginInlineEnd: 0 }}>
      <DatePicker.RangePicker id={id} onChange={onRangeChange} style={{ maxWidth: RANGE_PICKER_MAX_WIDTH }} />
    </Form.Item>
  );
}

export function RecordFilterBar<Filters extends RecordFilters>({
  fields,
  filters,
  onChange,
}: {
  fields: readonly RecordFilterField<Filters>[];
  filters: Filters;
  onChange: (filters: Filters) => void;
}) {
  return (
    <Form layout="inline" component="div">
      <Flex gap="middle" wrap>
        {fields.map((field) =>
          field.kind === "select" ? (
            <SelectFilter key={field.field} field={field} filters={filters} onChange={onChange} />
          ) : (
            <DateRangeFilter key="dateRange" label={field.label} filters={filters} onChange={onChange} />
          ),
        )}
      </Flex>
    </Form>
  );
}
