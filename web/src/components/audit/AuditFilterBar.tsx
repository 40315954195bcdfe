// The audit log's filters: action (a category or one action), actor email, outcome and a date range;
// applied on `Search` (or Enter), so typing does not query the log at every key.
import { AutoComplete, Button, DatePicker, Form, Input, Select } from "antd";
import type { Dayjs } from "dayjs";
import type { AuditFilters, AuditOutcome } from "../../api/types";
import { auditActionLabel } from "./auditActionLabels";
import { AUDIT_ACTION_CATEGORIES, AUDIT_ACTION_PATTERN, AUDIT_ACTIONS } from "./auditActions";

const ALL = "all";

interface FilterForm {
  action: string;
  actor: string;
  outcome: AuditOutcome | typeof ALL;
  dates: [Dayjs | null, Dayjs | null] | null;
}

const actionOptions = [
  {
    label: "Categories",
    options: AUDIT_ACTION_CATEGORIES.map((category) => ({ value: category, label: `${category} (all)` })),
  },
  {
    label: "Actions",
    options: AUDIT_ACTIONS.map((action) => ({
      value: action,
      label: `${action}: ${auditActionLabel(action)}`,
    })),
  },
];

function toFilters({ action, actor, outcome, dates }: FilterForm): AuditFilters {
  const filters: AuditFilters = {};
  const actionText = action?.trim() ?? "";
  const actorText = actor?.trim() ?? "";
  if (actionText !== "") filters.action = actionText;
  if (actorText !== "") filters.actor = actorText;
  if (outcome !== ALL) filters.outcome = outcome;
  // Whole days in the reader's time zone: from the first day's start up to (not including) the
  // start of the day after the last.
  const [first, last] = dates ?? [null, null];
  if (first) filters.from = first.startOf("day").toISOString();
  if (last) filters.to = last.add(1, "day").startOf("day").toISOString();
  return filters;
}

export function AuditFilterBar({ onSearch }: { onSearch: (filters: AuditFilters) => void }) {
  return (
    <Form<FilterForm>
      name="audit-search"
      layout="inline"
      initialValues={{ action: "", actor: "", outcome: ALL, dates: null }}
      onFinish={(values) => onSearch(toFilters(values))}
      style={{ rowGap: 12 }}
    >
      <Form.Item
        label="Action"
        name="action"
        rules={[
          {
            validator: async (_, value: unknown) => {
              const text = typeof value === "string" ? value.trim() : "";
              if (text !== "" && !AUDIT_ACTION_PATTERN.test(text)) {
                throw new Error("An action such as member.deactivated, or a category such as member");
              }
            },
          },
        ]}
      >
        <AutoComplete
          options={actionOptions}
          allowClear
          placeholder="e.g. member"
          style={{ width: 230 }}
          filterOption={(input, option) => {
            const value = option !== undefined && "value" in option ? option.value : undefined;
            return typeof value === "string" && value.includes(input.trim().toLowerCase());
          }}
        />
      </Form.Item>
      <Form.Item label="Actor email" name="actor">
        <Input allowClear inputMode="email" spellCheck={false} autoComplete="off" style={{ width: 220 }} />
      </Form.Item>
      <Form.Item label="Outcome" name="outcome">
        <Select
          style={{ width: 140 }}
          showSearch
          optionFilterProp="label"
          options={[
            { value: ALL, label: "All outcomes" },
            { value: "success", label: "Success" },
            { value: "denied", label: "Denied" },
            { value: "failure", label: "Failure" },
          ]}
        />
      </Form.Item>
      <Form.Item label="Date range" name="dates">
        <DatePicker.RangePicker allowEmpty={[true, true]} />
      </Form.Item>
      <Form.Item>
        <Button type="primary" htmlType="submit">
          Search
        </Button>
      </Form.Item>
    </Form>
  );
}
