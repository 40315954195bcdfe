// The merchant accounts one SSO group mapping gives (SPEC §6.3 with §6.4): all of the company's, or
// chosen ones. A login gives the union of its matched mappings'; the server refuses beyond one's own.
import { type FormRule, Select, Space } from "antd";
import { useTranslation } from "react-i18next";
import { useMerchantAccounts } from "../../api/queries";
import type { MemberScope } from "../../api/types";
import { i18next } from "../../i18n";
import { ALL_ACCOUNTS, accountLabel, isIncompleteScope } from "../merchant-accounts/ScopePicker";

/** A restricted mapping names at least one account (the server refuses an empty list too). */
export const MAPPING_SCOPE_RULES: FormRule[] = [
  {
    validator: (_rule: unknown, value: MemberScope | undefined) =>
      value && isIncompleteScope(value)
        ? Promise.reject(new Error(i18next.t("chooseAccounts", { ns: "ssoScope" })))
        : Promise.resolve(),
  },
];

export function SsoMappingScope({
  companyId,
  index,
  value = ALL_ACCOUNTS,
  onChange,
}: {
  companyId: string;
  /** The mapping's position, which names its fields for a screen reader. */
  index: number;
  /** Set by the enclosing Form.Item; a mapping saved without a scope reaches all accounts. */
  value?: MemberScope;
  onChange?: (scope: MemberScope) => void;
}) {
  const { t } = useTranslation("ssoScope");
  const accounts = useMerchantAccounts(companyId);
  const chosen = value.kind === "restricted" ? value.merchantAccountIds : [];
  return (
    <Space align="baseline" wrap>
      <Select
        style={{ minWidth: 200 }}
        aria-label={t("kindLabel", { number: index + 1 })}
        value={value.kind}
        onChange={(kind: MemberScope["kind"]) =>
          onChange?.(kind === "all" ? ALL_ACCOUNTS : { kind: "restricted", merchantAccountIds: chosen })
        }
        options={[
          { value: "all", label: t("all") },
          { value: "restricted", label: t("restricted") },
        ]}
      />
      {value.kind === "restricted" && (
        <Select
          mode="multiple"
          style={{ minWidth: 240 }}
          aria-label={t("accountsLabel", { number: index + 1 })}
          placeholder={t("choose")}
          loading={accounts.isPending}
          value={chosen}
          onChange={(ids: string[]) => onChange?.({ kind: "restricted", merchantAccountIds: ids })}
          options={(accounts.data?.items ?? []).map((account) => ({
            value: account.id,
            label: accountLabel(account),
          }))}
          optionFilterProp="label"
        />
      )}
    </Space>
  );
}
