// The period Insights cover: the last 7, 30 or 90 days (today included), as one radio group.
import { Radio } from "antd";
import { useTranslation } from "react-i18next";

export const insightsPeriods = [7, 30, 90] as const;
export type InsightsPeriodDays = (typeof insightsPeriods)[number];

export function InsightsPeriodPicker({
  days,
  onChange,
}: {
  days: InsightsPeriodDays;
  onChange: (days: InsightsPeriodDays) => void;
}) {
  const { t } = useTranslation("insights");
  return (
    <fieldset style={{ border: 0, margin: 0, padding: 0, minWidth: 0 }}>
      <legend className="visually-hidden">{t("period")}</legend>
      <Radio.Group
        value={days}
        onChange={(event) => onChange(event.target.value as InsightsPeriodDays)}
        options={insightsPeriods.map((value) => ({ value, label: t("lastDays", { days: value }) }))}
      />
    </fieldset>
  );
}
