// The audit log's filters: action (picked from the server's catalogue: one action, or every action of
// a group), actor email, outcome and a date range; applied on `Search` (or Enter), so typing does not
// query the log at every key.
import { Button, DatePicker, Form, Input, Select } from "antd";
import type { Dayjs } from "dayjs";
import { useAuditActions } from "../../api/auditQueries";
import type { AuditActionEntry, AuditFilters, AuditOutcome } from "../../api/types";
import { RANGE_PICKER_MAX_WIDTH } from "../narrowScreen";

const ALL = "all";

interface FilterForm {
  action: string | undefined;
  actor: string;
  outcome: AuditOutcome | typeof ALL;
  dates: [Dayjs | null, Dayjs | null] | null;
}

type ActionOption = { value: string; label: string; search: string };

/**
 * The catalogue grouped as the server groups it; each group opens with "All …" (the category the
 * log's filter takes for every action under it, e.g. `member`).
 */
function actionOptionsOf(entries: readonly AuditActionEntry[]) {
  const groups = new Map<string, { category: string; options: ActionOption[] }>();
  for (const entry of entries) {
    const category = entry.action.slice(0, entry.action.indexOf("."));
    const group = groups.get(entry.group) ?? { category, options: [] };
    group.options.push({ value: entry.action, label: entry.label, search: `${entry.label} ${entry.action}` });
    groups.set(entry.group, group);
  }
  return [...groups].map(([label, { category, options }]) => ({
    label,
    title: label,
    options: [{ value: category, label: `All: ${label}`, search: `${label} ${category}` }, ...options],
  }));
}

function toFilters({ action, actor, outcome, dates }: FilterForm): AuditFilters {
  const filters: AuditFilters = {};
  const actionText = action ?? "";
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

export function AuditFilterBar({
  companyId,
  onSearch,
}: {
  companyId: string;
  onSearch: (filters: AuditFilters) => void;
}) {
  const actions = useAuditActions(companyId);
  return (
    <Form<FilterForm>
      name="audit-search"
      layout="inline"
      initialValues={{ action: undefined, actor: "", outcome: ALL, dates: null }}
      onFinish={(values) => onSearch(toFilters(values))}
      style={{ rowGap: 12 }}
    >
      <Form.Item label="Action" name="action">
        <Select
          showSearch
          allowClear
          placeholder="All actions"
          loading={actions.isPending}
          notFoundContent={actions.isError ? "Could not load the actions" : undefined}
          options={actionOptionsOf(actions.data?.items ?? [])}
          optionFilterProp="search"
          popupMatchSelectWidth={false}
          style={{ width: 260 }}
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
        <DatePicker.RangePicker allowEmpty={[true, true]} style={{ maxWidth: RANGE_PICKER_MAX_WIDTH }} />
      </Form.Item>
      <Form.Item>
        <Button type="primary" htmlType="submit">
          Search
        </Button>
      </Form.Item>
    </Form>
  );
}
