// Choosing one or more roles for a member or an invitation: a checkbox per role of the company on
// the left, and the permissions of each chosen role on the right (user guide §2, step 2).
import { Checkbox, Col, Empty, List, Row, Tag, Tooltip, Typography } from "antd";
import type { PermissionDescription, Role } from "../../api/types";
import { formatInstant } from "../formatDateTime";
import { useMayGrant } from "../useCan";

/** The catalogue's label of each permission, in the catalogue's order; unknown keys as they are. */
export function permissionLabels(keys: readonly string[], catalogue: readonly PermissionDescription[]) {
  const wanted = new Set(keys);
  const known = catalogue.filter((permission) => wanted.has(permission.key));
  const unknown = keys.filter((key) => !catalogue.some((permission) => permission.key === key));
  return [...known.map((permission) => permission.label), ...unknown];
}

/** Every permission of the roles with these ids (a member's permissions are the union of their roles'). */
export function permissionsOfRoles(roleIds: readonly string[], roles: readonly Role[]): string[] {
  const chosen = roles.filter((role) => roleIds.includes(role.id));
  return [...new Set(chosen.flatMap((role) => role.permissions))];
}

/** Whether the current member may hand out `role` (rule 6); the server decides anyway. */
export function useMayAssignRole(): (role: Role) => boolean {
  const { mayGrant } = useMayGrant();
  return (role) => role.permissions.every(mayGrant);
}

export function RoleTags({
  roles,
}: {
  roles: ReadonlyArray<{ id: string; name: string; expiresAt?: string }>;
}) {
  if (roles.length === 0) return <Typography.Text type="secondary">No role</Typography.Text>;
  return (
    <>
      {roles.map((role) => (
        <Tag key={role.id}>
          {role.expiresAt ? `${role.name} (until ${formatInstant(role.expiresAt)})` : role.name}
        </Tag>
      ))}
    </>
  );
}

export function PermissionLabelList({ labels }: { labels: readonly string[] }) {
  return (
    <ul style={{ margin: 0, paddingInlineStart: 20 }}>
      {labels.map((label) => (
        <li key={label}>{label}</li>
      ))}
    </ul>
  );
}

export function RolePicker({
  roles,
  catalogue,
  value = [],
  onChange,
}: {
  roles: readonly Role[];
  catalogue: readonly PermissionDescription[];
  /** Role ids; set by the enclosing Form.Item. */
  value?: string[];
  onChange?: (roleIds: string[]) => void;
}) {
  const mayAssign = useMayAssignRole();
  const chosen = roles.filter((role) => value.includes(role.id));

  return (
    <Row gutter={24}>
      <Col xs={24} md={11}>
        <fieldset style={{ border: 0, margin: 0, padding: 0, minWidth: 0 }}>
          <legend className="visually-hidden">Roles</legend>
          <Checkbox.Group
            value={value}
            onChange={(next) => onChange?.(next as string[])}
            style={{ display: "flex", flexDirection: "column", gap: 8 }}
          >
            {roles.map((role) => {
              const isAllowed = mayAssign(role) || value.includes(role.id);
              const checkbox = (
                <Checkbox value={role.id} disabled={!isAllowed}>
                  {role.name}
                </Checkbox>
              );
              return (
                <div key={role.id}>
                  {isAllowed ? (
                    checkbox
                  ) : (
                    <Tooltip title="This role has permissions you do not hold yourself.">{checkbox}</Tooltip>
                  )}
                  {role.description !== "" && (
                    <Typography.Paragraph
                      type="secondary"
                      style={{ margin: "0 0 0 24px", fontSize: 12 }}
                      ellipsis={{ rows: 2, tooltip: role.description }}
                    >
                      {role.description}
                    </Typography.Paragraph>
                  )}
                </div>
              );
            })}
          </Checkbox.Group>
        </fieldset>
      </Col>
      <Col xs={24} md={13}>
        <section aria-label="Permissions of the selected roles">
          <Typography.Text strong>Permissions</Typography.Text>
          {chosen.length === 0 ? (
            <Empty
              image={Empty.PRESENTED_IMAGE_SIMPLE}
              description="Select a role to see its permissions."
              style={{ marginTop: 8 }}
            />
          ) : (
            <List
              size="small"
              dataSource={chosen}
              rowKey="id"
              renderItem={(role) => (
                <List.Item style={{ display: "block", paddingInline: 0 }}>
                  <Typography.Text>{role.name}</Typography.Text>
                  <PermissionLabelList labels={permissionLabels(role.permissions, catalogue)} />
                </List.Item>
              )}
            />
          )}
        </section>
      </Col>
    </Row>
  );
}
