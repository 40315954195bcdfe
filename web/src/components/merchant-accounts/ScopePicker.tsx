// The scope after the roles (SPEC §6.4): a member reaches all of the company's merchant accounts
// (future ones too) or only chosen ones. The server refuses accounts beyond the caller's own scope.
import { Radio, Select, Skeleton, Space, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { useMerchantAccounts } from "../../api/queries";
import type { MemberScope, MerchantAccountItem } from "../../api/types";
import { formatCount } from "../../wording/counting";
import { QueryErrorResult } from "../QueryErrorResult";

export const ALL_ACCOUNTS: MemberScope = { kind: "all" };

export function accountLabel(account: MerchantAccountItem): string {
  return account.region === ""
    ? `${account.name} (${account.reference})`
    : `${account.name} · ${account.region}`;
}

export function isSameScope(left: MemberScope, right: MemberScope): boolean {
  if (left.kind === "all" || right.kind === "all") return left.kind === right.kind;
  const ids = new Set(left.merchantAccountIds);
  return right.merchantAccountIds.length === ids.size && right.merchantAccountIds.every((id) => ids.has(id));
}

/** A restricted scope that names no account yet: the dialogs ask for one before going on. */
export function isIncompleteScope(scope: MemberScope): boolean {
  return scope.kind === "restricted" && scope.merchantAccountIds.length === 0;
}

export function ScopePicker({
  companyId,
  value = ALL_ACCOUNTS,
  onChange,
}: {
  companyId: string;
  /** Set by an enclosing Form.Item, or by the dialog's state. */
  value?: MemberScope;
  onChange?: (scope: MemberScope) => void;
}) {
  const { t } = useTranslation("merchantAccounts");
  const accounts = useMerchantAccounts(companyId);
  if (accounts.isError) return <QueryErrorResult error={accounts.error} onRetry={() => accounts.refetch()} />;
  if (accounts.isPending) return <Skeleton active paragraph={{ rows: 1 }} />;
  const chosen = value.kind === "restricted" ? value.merchantAccountIds : [];

  return (
    <fieldset style={{ border: 0, margin: 0, padding: 0, minWidth: 0 }}>
      <legend style={{ fontSize: "inherit", fontWeight: 600, marginBottom: 8, border: 0 }}>
        {t("legend")}
      </legend>
      <Radio.Group
        value={value.kind}
        onChange={(event) =>
          onChange?.(
            event.target.value === "all" ? ALL_ACCOUNTS : { kind: "restricted", merchantAccountIds: chosen },
          )
        }
      >
        <Space direction="vertical">
          <Radio value="all">{t("all")}</Radio>
          <Radio value="restricted">{t("restricted")}</Radio>
        </Space>
      </Radio.Group>
      {value.kind === "restricted" && (
        <Select
          mode="multiple"
          aria-label={t("chosenLabel")}
          placeholder={t("choosePlaceholder")}
          value={chosen}
          onChange={(ids: string[]) => onChange?.({ kind: "restricted", merchantAccountIds: ids })}
          options={accounts.data.items.map((account) => ({
            value: account.id,
            label: accountLabel(account),
          }))}
          optionFilterProp="label"
          style={{ display: "block", width: "100%", marginTop: 8 }}
        />
      )}
      <Typography.Paragraph type="secondary" style={{ margin: "8px 0 0", fontSize: 12 }}>
        {value.kind === "all" ? t("allHelp") : t("restrictedHelp")}
      </Typography.Paragraph>
    </fieldset>
  );
}

/** A scope in words: "All merchant accounts", or the names of the chosen accounts. */
export function ScopeText({ companyId, scope }: { companyId: string; scope: MemberScope }) {
  const { t } = useTranslation("merchantAccounts");
  const accounts = useMerchantAccounts(companyId);
  if (scope.kind === "all") return <>{t("all")}</>;
  const known = accounts.data?.items ?? [];
  const names = scope.merchantAccountIds.map((id) => {
    const account = known.find((item) => item.id === id);
    return account ? accountLabel(account) : null;
  });
  const shown = names.filter((name): name is string => name !== null);
  const hidden = names.length - shown.length;
  return (
    <>
      {t("restrictedList", { names: shown.join(t("separator")) })}
      {hidden > 0 &&
        t(shown.length > 0 ? "andOutsideScope" : "outsideScope", {
          count: hidden,
          number: formatCount(hidden),
        })}
    </>
  );
}
