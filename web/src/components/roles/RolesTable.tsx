// The company's roles: name with a Predefined or Custom tag, description, how many permissions and
// members each has, and `Edit` / `Delete` on custom roles for members who manage roles. A row
// expands to what the role can and cannot do.
import { Button, Flex, Table, type TableColumnsType, Tag, Tooltip } from "antd";
import type { PermissionDescription, Role } from "../../api/types";
import { SCROLL_INSIDE, useActionsDirection } from "../narrowScreen";
import { useCan, useMayGrant } from "../useCan";
import { RolePermissionSummary } from "./RolePermissionSummary";

const LOCKED_REASON = "Only an Admin can change this role: it holds permissions you do not hold";

function RoleActions({ role, onEdit, onDelete }: { role: Role; onEdit: () => void; onDelete: () => void }) {
  const { mayGrant } = useMayGrant();
  const direction = useActionsDirection();
  const isLocked = role.permissions.some((permission) => !mayGrant(permission));
  const actions = (
    <Flex gap="small" justify="flex-end" align="flex-end" vertical={direction === "vertical"}>
      <Button size="small" onClick={onEdit} disabled={isLocked}>
        Edit
      </Button>
      <Button size="small" danger onClick={onDelete} disabled={isLocked}>
        Delete
      </Button>
    </Flex>
  );
  return isLocked ? (
    <Tooltip title={LOCKED_REASON}>
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
  const columns: TableColumnsType<Role> = [
    {
      key: "name",
      title: "Name",
      fixed: "left",
      render: (_, role) => (
        <Flex gap="small" align="center" wrap>
          <span style={{ fontWeight: 500 }}>{role.name}</span>
          {role.isPredefined ? <Tag color="blue">Predefined</Tag> : <Tag color="purple">Custom</Tag>}
        </Flex>
      ),
    },
    {
      key: "description",
      title: "Description",
      // A paragraph of its own width: as wide as its words, it would make the table a single line.
      render: (_, role) => <div style={{ width: "clamp(200px, 30vw, 420px)" }}>{role.description}</div>,
    },
    {
      key: "permissions",
      title: "Permissions",
      align: "right",
      render: (_, role) => role.permissions.length,
    },
    { key: "members", title: "Members", align: "right", render: (_, role) => role.memberCount },
    {
      key: "actions",
      title: <span className="visually-hidden">Actions</span>,
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
