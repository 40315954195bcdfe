// The company's roles: name with a Predefined or Custom tag, description, how many permissions and
// members each has, and `Edit` / `Delete` on custom roles for members who manage roles. A row
// expands to what the role can and cannot do.
import { Button, Flex, Table, type TableColumnsType, Tag, Tooltip } from "antd";
import { useTranslation } from "react-i18next";
import type { PermissionDescription, Role } from "../../api/types";
import { useCatalogueLabels } from "../../i18n/catalogueLabels";
import { SCROLL_INSIDE, useActionsDirection } from "../narrowScreen";
import { useCan, useMayGrant } from "../useCan";
import { RolePermissionSummary } from "./RolePermissionSummary";

function RoleActions({ role, onEdit, onDelete }: { role: Role; onEdit: () => void; onDelete: () => void }) {
  const { t } = useTranslation("roles");
  const { mayGrant } = useMayGrant();
  const direction = useActionsDirection();
  const isLocked = role.permissions.some((permission) => !mayGrant(permission));
  const actions = (
    <Flex gap="small" justify="flex-end" align="flex-end" vertical={direction === "vertical"}>
      <Button size="small" onClick={onEdit} disabled={isLocked}>
        {t("edit")}
      </Button>
      <Button size="small" danger onClick={onDelete} disabled={isLocked}>
        {t("delete")}
      </Button>
    </Flex>
  );
  return isLocked ? (
    <Tooltip title={t("lockedReason")}>
      <span style={{ display: "inline-block" }}>{actions}</span>
    </Tooltip>
  ) : (
    actions
  );
}

export function RolesTable({
  roles,
  catalogue,
  isLoading,
  onEdit,
  onDelete,
}: {
  roles: Role[] | undefined;
  catalogue: readonly PermissionDescription[] | undefined;
  isLoading: boolean;
  onEdit: (role: Role) => void;
  onDelete: (role: Role) => void;
}) {
  const canManage = useCan("roles.manage");
  const { t } = useTranslation("roles");
  const labels = useCatalogueLabels();
  const columns: TableColumnsType<Role> = [
    {
      key: "name",
      title: t("name"),
      fixed: "left",
      render: (_, role) => (
        <Flex gap="small" align="center" wrap>
          <span style={{ fontWeight: 500 }}>{labels.roleName(role)}</span>
          {role.isPredefined ? (
            <Tag color="blue">{t("predefined")}</Tag>
          ) : (
            <Tag color="purple">{t("custom")}</Tag>
          )}
        </Flex>
      ),
    },
    {
      key: "description",
      title: t("description"),
      // A paragraph of its own width: as wide as its words, it would make the table a single line.
      render: (_, role) => (
        <div style={{ width: "clamp(200px, 30vw, 420px)" }}>{labels.roleDescription(role)}</div>
      ),
    },
    {
      key: "permissions",
      title: t("permissions"),
      align: "right",
      render: (_, role) => role.permissions.length,
    },
    { key: "members", title: t("members"), align: "right", render: (_, role) => role.memberCount },
    {
      key: "actions",
      title: <span className="visually-hidden">{t("actions")}</span>,
      align: "right",
      fixed: "right",
      render: (_, role) =>
        canManage && !role.isPredefined ? (
          <RoleActions role={role} onEdit={() => onEdit(role)} onDelete={() => onDelete(role)} />
        ) : null,
    },
  ];

  return (
    <Table<Role>
      rowKey="id"
      size="middle"
      columns={columns}
      dataSource={roles}
      loading={isLoading}
      pagination={false}
      scroll={SCROLL_INSIDE}
      expandable={
        catalogue === undefined
          ? undefined
          : {
              fixed: "left",
              expandedRowRender: (role) => (
                <Flex gap={48} wrap style={{ paddingInline: 8 }}>
                  <RolePermissionSummary permissions={role.permissions} catalogue={catalogue} />
                </Flex>
              ),
            }
      }
    />
  );
}
