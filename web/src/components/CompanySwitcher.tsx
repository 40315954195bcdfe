// The top bar's company switcher: lists the account's memberships and moves to the same
// section in the chosen company when its roles open it, else to that company's home.
import { Flex, Select, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { useLocation, useNavigate } from "react-router-dom";
import type { Membership } from "../api/types";
import { companyPath, findEntryByPath, isEntryAllowed, pathInCompany } from "../navigation";

const switcherId = "company-switcher";

export function CompanySwitcher({
  memberships,
  companyId,
}: {
  memberships: readonly Membership[];
  companyId: string | undefined;
}) {
  const { t } = useTranslation("shell");
  const navigate = useNavigate();
  const location = useLocation();

  const onChange = (nextCompanyId: string) => {
    const next = memberships.find((membership) => membership.companyId === nextCompanyId);
    const entry =
      companyId === undefined ? undefined : findEntryByPath(pathInCompany(location.pathname, companyId));
    const isSectionOpen =
      next !== undefined && entry !== undefined && isEntryAllowed(entry, next.permissions);
    // Only the section carries over: a deeper path names things of the previous company.
    navigate(companyPath(nextCompanyId, isSectionOpen ? entry.path : ""));
  };

  // A <label> rather than aria-label: antd copies aria-label onto both its wrapper and its input.
  return (
    <Flex align="center" gap="small" style={{ minWidth: 0 }}>
      <Typography.Text type="secondary" className="wide-screen-only">
        <label htmlFor={switcherId}>{t("companySwitcher.label")}</label>
      </Typography.Text>
      <Select
        id={switcherId}
        placeholder={t("companySwitcher.placeholder")}
        value={companyId}
        onChange={onChange}
        style={{ width: "clamp(110px, 30vw, 240px)" }}
        popupMatchSelectWidth={false}
        options={memberships.map((membership) => ({
          value: membership.companyId,
          label:
            membership.status === "active"
              ? membership.companyName
              : t("companySwitcher.deactivated", { company: membership.companyName }),
          disabled: membership.status !== "active",
        }))}
      />
    </Flex>
  );
}
