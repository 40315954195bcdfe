// Optional end dates for the chosen roles (SPEC §6.4, time-boxed access): one date picker per role,
// empty for access without end. The server refuses a past date; the access ends at the day's end
// in the reader's time zone.
import { DatePicker, Flex, Typography } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { useTranslation } from "react-i18next";
import { useCatalogueLabels } from "../../i18n/catalogueLabels";

/** Role id → ISO instant the role's access ends; a role absent from it never expires. */
export type RoleExpiryDraft = Record<string, string>;

/** The request's `roleExpiries` for the chosen roles. */
export function roleExpiriesOf(roleIds: readonly string[], draft: RoleExpiryDraft) {
  return roleIds.flatMap((roleId) => (draft[roleId] ? [{ roleId, expiresAt: draft[roleId] }] : []));
}

export function RoleExpiryFields({
  roles,
  value,
  onChange,
}: {
  /** The chosen roles. */
  roles: ReadonlyArray<{ id: string; key?: string | null; name: string }>;
  value: RoleExpiryDraft;
  onChange: (next: RoleExpiryDraft) => void;
}) {
  const { t } = useTranslation("members");
  const labels = useCatalogueLabels();
  if (roles.length === 0) return null;
  const today = dayjs().startOf("day");
  return (
    <fieldset style={{ border: 0, padding: 0, margin: "16px 0 0" }}>
      <legend>
        <Typography.Text strong>{t("roles.accessEndsOptional")}</Typography.Text>
      </legend>
      <Flex vertical gap="small">
        {roles.map((role) => {
          const id = `role-expiry-${role.id}`;
          const current = value[role.id];
          return (
            <Flex key={role.id} align="center" gap="small" wrap>
              <label htmlFor={id} style={{ minWidth: 160 }}>
                {t("roles.accessEndsOn", {
                  role: labels.roleName({ key: role.key ?? null, name: role.name }),
                })}
              </label>
              <DatePicker
                id={id}
                value={current ? dayjs(current) : null}
                disabledDate={(day: Dayjs) => day.isBefore(today) || day.isSame(today, "day")}
                placeholder={t("roles.noEndDate")}
                onChange={(day: Dayjs | null) => {
                  const next = { ...value };
                  if (day) next[role.id] = day.endOf("day").toISOString();
                  else delete next[role.id];
                  onChange(next);
                }}
              />
            </Flex>
          );
        })}
      </Flex>
    </fieldset>
  );
}
