// What a role can and cannot do, in the catalogue's words: "This role can:" and "This role cannot:".
// Updated live while permissions are picked; also shown when a role's row is expanded.
import { Typography } from "antd";
import { useId } from "react";
import { useTranslation } from "react-i18next";
import type { PermissionDescription } from "../../api/types";
import { useCatalogueLabels } from "../../i18n/catalogueLabels";

function PermissionList({
  heading,
  permissions,
  emptyText,
  tone,
}: {
  heading: string;
  permissions: PermissionDescription[];
  emptyText: string;
  tone: "success" | "secondary";
}) {
  const headingId = useId();
  const labels = useCatalogueLabels();
  return (
    <div>
      <Typography.Text strong id={headingId}>
        {heading}
      </Typography.Text>
      {permissions.length === 0 ? (
        <Typography.Paragraph type="secondary" style={{ marginTop: 4 }}>
          {emptyText}
        </Typography.Paragraph>
      ) : (
        <ul aria-labelledby={headingId} style={{ marginTop: 4, paddingInlineStart: 20 }}>
          {permissions.map((permission) => (
            <li key={permission.key}>
              <Typography.Text type={tone === "success" ? undefined : "secondary"}>
                {labels.permissionLabel(permission.key, permission.label)}
              </Typography.Text>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function RolePermissionSummary({
  permissions,
  catalogue,
}: {
  permissions: readonly string[];
  catalogue: readonly PermissionDescription[];
}) {
  const { t } = useTranslation("roles");
  const held = new Set(permissions);
  return (
    <>
      <PermissionList
        heading={t("summary.can")}
        permissions={catalogue.filter((permission) => held.has(permission.key))}
        emptyText={t("summary.nothingYet")}
        tone="success"
      />
      <PermissionList
        heading={t("summary.cannot")}
        permissions={catalogue.filter((permission) => !held.has(permission.key))}
        emptyText={t("summary.everything")}
        tone="secondary"
      />
    </>
  );
}
