// The audit log's filters: action (picked from the server's catalogue: one action, or every action of
// a group), actor email, outcome and a date range; applied on `Search` (or Enter), so typing does not
// query the log at every key.
import { Button, DatePicker, Form, Input, Select } from "antd";
import type { Dayjs } from "dayjs";
import { useTranslation } from "react-i18next";
import { useAuditActions } from "../../api/auditQueries";
import type { AuditActionEntry, AuditFilters, AuditOutcome } from "../../api/types";
import { RANGE_PICKER_MAX_WIDTH } from "../narrowScreen";
import type { AuditText } from "./auditText";
import { useAuditText } from "./useAuditText";

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
 * log's filter takes for every action under it, e.g. `member`). Groups and actions read in the
 * page's language by their keys; one this client does not know keeps the server's words.
 */
function actionOptionsOf(entries: readonly AuditActionEntry[], text: AuditText) {
  const groups = new Map<string, { category: string; label: string; options: ActionOption[] }>();
  for (const entry of entries) {
    const category = entry.action.slice(0, entry.action.indexOf("."));
    const groupLabel = text(`categories.${category}`, { defaultValue: entry.group });
    const group = groups.get(entry.group) ?? { category, label: groupLabel, options: [] };
    const label = text(`actions.${entry.action}`, { defaultValue: entry.label });
    group.options.push({ value: entry.action, label, search: `${label} ${entry.label} ${entry.action}` });
    groups.set(entry.group, group);
  }
  return [...groups.values()].map(({ category, label, options }) => ({
    label,
    title: label,
    options: [
      { value: category, label: text("ui.allOf", { group: label }), search: `${label} ${category}` },
      ...options,
    ],
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
  const { t } = useTranslation("audit");
  const text = useAuditText();
  return (
    <Form<FilterForm>
      name="audit-search"
      layout="inline"
      initialValues={{ action: undefined, actor: "", outcome: ALL, dates: null }}
      onFinish={(values) => onSearch(toFilters(values))}
      style={{ rowGap: 12 }}
    >
      <Form.Item label={t("ui.action")} name="action">
        <Select
          showSearch
          allowClear
          placeholder={t("ui.allActions")}
          loading={actions.isPending}
          notFoundContent={actions.isError ? t("ui.actionsNotLoaded") : undefined}
          options={actionOptionsOf(actions.data?.items ?? [], text)}
          optionFilterProp="search"
          popupMatchSelectWidth={false}
          style={{ width: 260 }}
        />
      </Form.Item>
      <Form.Item label={t("ui.actorEmail")} name="actor">
        <Input allowClear inputMode="email" spellCheck={false} autoComplete="off" style={{ width: 220 }} />
      </Form.Item>
      <Form.Item label={t("ui.outcome")} name="outcome">
        <Select
          style={{ width: 140 }}
          showSearch
          optionFilterProp="label"
          options={[
            { value: ALL, label: t("ui.allOutcomes") },
            { value: "success", label: t("ui.success") },
            { value: "denied", label: t("ui.denied") },
            { value: "failure", label: t("ui.failure") },
          ]}
        />
      </Form.Item>
      <Form.Item label={t("ui.dateRange")} name="dates">
        <DatePicker.RangePicker allowEmpty={[true, true]} style={{ maxWidth: RANGE_PICKER_MAX_WIDTH }} />
      </Form.Item>
      <Form.Item>
        <Button type="primary" htmlType="submit">
          {t("ui.search")}
        </Button>
      </Form.Item>
    </Form>
  );
}
