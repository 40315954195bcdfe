// What a role can and cannot do, in the catalogue's words: "This role can:" and "This role cannot:".
// Updated live while permissions are picked; also shown when a role's row is expanded.
import { Typography } from "antd";
import { useId } from "react";
import type { PermissionDescription } from "../../api/types";

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
                {permission.label}
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
  const held = new Set(permissions);
  return (
    <>
      <PermissionList
        heading="This role can:"
        permissions={catalogue.filter((permission) => held.has(permission.key))}
        emptyText="Nothing yet. Pick at least one permission."
        tone="success"
      />
      <PermissionList
        heading="This role cannot:"
        permissions={catalogue.filter((permission) => !held.has(permission.key))}
        emptyText="Nothing: this role holds every permission."
        tone="secondary"
      />
    </>
  );
}
