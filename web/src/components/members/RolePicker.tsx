// Choosing one or more roles for a member or an invitation: a checkbox per role of the company on
// the left, and the permissions of each chosen role on the right (user guide §2, step 2).
import { Checkbox, Col, Empty, List, Row, Tag, Tooltip, Typography } from "antd";
import { useTranslation } from "react-i18next";
import type { PermissionDescription, Role } from "../../api/types";
import { useCatalogueLabels } from "../../i18n/catalogueLabels";
import { formatInstant } from "../formatDateTime";
import { useMayGrant } from "../useCan";

/**
 * The catalogue's label of each permission, in the catalogue's order; unknown keys as they are.
 * `translate` gives a known permission's label in the reader's language (useCatalogueLabels).
 */
export function permissionLabels(
  keys: readonly string[],
  catalogue: readonly PermissionDescription[],
  translate: (key: string, fallback: string) => string = (_key, fallback) => fallback,
) {
  const wanted = new Set(keys);
  const known = catalogue.filter((permission) => wanted.has(permission.key));
  const unknown = keys.filter((key) => !catalogue.some((permission) => permission.key === key));
  return [...known.map((permission) => translate(permission.key, permission.label)), ...unknown];
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
  roles: ReadonlyArray<{ id: string; key?: string | null; name: string; expiresAt?: string }>;
}) {
  const { t } = useTranslation("members");
  const labels = useCatalogueLabels();
  if (roles.length === 0) return <Typography.Text type="secondary">{t("roles.noRole")}</Typography.Text>;
  return (
    <>
      {roles.map((role) => {
        const name = labels.roleName({ key: role.key ?? null, name: role.name });
        return (
          <Tag key={role.id}>
            {role.expiresAt ? t("roles.until", { role: name, date: formatInstant(role.expiresAt) }) : name}
          </Tag>
        );
      })}
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
  const { t } = useTranslation("members");
  const labels = useCatalogueLabels();
  const mayAssign = useMayAssignRole();
  const chosen = roles.filter((role) => value.includes(role.id));

  return (
    <Row gutter={24}>
      <Col xs={24} md={11}>
        <fieldset style={{ border: 0, margin: 0, padding: 0, minWidth: 0 }}>
          <legend className="visually-hidden">{t("roles.legend")}</legend>
          <Checkbox.Group
            value={value}
            onChange={(next) => onChange?.(next as string[])}
            style={{ display: "flex", flexDirection: "column", gap: 8 }}
          >
            {roles.map((role) => {
              const isAllowed = mayAssign(role) || value.includes(role.id);
              const checkbox = (
                <Checkbox value={role.id} disabled={!isAllowed}>
                  {labels.roleName(role)}
                </Checkbox>
              );
              return (
                <div key={role.id}>
                  {isAllowed ? checkbox : <Tooltip title={t("roles.notGrantable")}>{checkbox}</Tooltip>}
                  {role.description !== "" && (
                    <Typography.Paragraph
                      type="secondary"
                      style={{ margin: "0 0 0 24px", fontSize: 12 }}
                      ellipsis={{ rows: 2, tooltip: labels.roleDescription(role) }}
                    >
                      {labels.roleDescription(role)}
                    </Typography.Paragraph>
                  )}
                </div>
              );
            })}
          </Checkbox.Group>
        </fieldset>
      </Col>
      <Col xs={24} md={13}>
        <section aria-label={t("roles.permissionsOfSelected")}>
          <Typography.Text strong>{t("roles.permissions")}</Typography.Text>
          {chosen.length === 0 ? (
            <Empty
              image={Empty.PRESENTED_IMAGE_SIMPLE}
              description={t("roles.selectToSee")}
              style={{ marginTop: 8 }}
            />
          ) : (
            <List
              size="small"
              dataSource={chosen}
              rowKey="id"
              renderItem={(role) => (
                <List.Item style={{ display: "block", paddingInline: 0 }}>
                  <Typography.Text>{labels.roleName(role)}</Typography.Text>
                  <PermissionLabelList
                    labels={permissionLabels(role.permissions, catalogue, labels.permissionLabel)}
                  />
                </List.Item>
              )}
            />
          )}
        </section>
      </Col>
    </Row>
  );
}
