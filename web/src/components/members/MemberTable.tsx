// The member list's table: email (a link to the member's page), name, roles, status, last activity,
// and the row actions the current member may use (`Change Role`, `Deactivate` / `Reactivate`), never
// on their own row. Long emails and names are cut to one line, the full text shown on hover and focus
// (SPEC §6.7); the actions column stays pinned at the right edge while a narrow screen scrolls the others.
import { Button, Space, Table, type TableColumnsType, Tag, Tooltip } from "antd";
import { Link } from "react-router-dom";
import type { Member } from "../../api/types";
import { memberDetailPath } from "../../navigation";
import { useCurrentMembership } from "../CurrentMembership";
import { formatDateTime } from "../formatDateTime";
import { RoleTags } from "./RolePicker";

/** One line of at most `maxWidth`, cut with an ellipsis; focusable, so the keyboard reads it whole too. */
function TruncatedText({ text, maxWidth, to }: { text: string; maxWidth: string; to?: string }) {
  return (
    <Tooltip title={text} trigger={["hover", "focus"]}>
      {to ? (
        <Link className="truncated-text" to={to} style={{ maxWidth }}>
          {text}
        </Link>
      ) : (
        // biome-ignore lint/a11y/noNoninteractiveTabindex: focus shows the full text of a cut value
        <span className="truncated-text" tabIndex={0} style={{ maxWidth }}>
          {text}
        </span>
      )}
    </Tooltip>
  );
}

export interface MemberActions {
  canEditRoles: boolean;
  canDeactivate: boolean;
  onChangeRole: (member: Member) => void;
  onDeactivate: (member: Member) => void;
  onReactivate: (member: Member) => void;
  /** The members being reactivated. */
  reactivatingIds: ReadonlySet<string>;
}

export function MemberTable({
  members,
  isLoading,
  ownAccountId,
  actions,
}: {
  members: readonly Member[] | undefined;
  isLoading: boolean;
  ownAccountId: string;
  actions: MemberActions;
}) {
  const { membership } = useCurrentMembership();
  const hasActions = actions.canEditRoles || actions.canDeactivate;

  const columns: TableColumnsType<Member> = [
    {
      key: "email",
      title: "Email",
      render: (_, member) => (
        <>
          <TruncatedText
            text={member.email}
            maxWidth="clamp(120px, 28vw, 320px)"
            to={memberDetailPath(membership.companyId, member.id)}
          />
          {member.accountId === ownAccountId && (
            <Tag color="blue" style={{ marginInlineStart: 8 }}>
              You
            </Tag>
          )}
        </>
      ),
    },
    {
      key: "name",
      title: "Name",
      render: (_, member) => <TruncatedText text={member.name} maxWidth="clamp(100px, 20vw, 240px)" />,
    },
    { key: "roles", title: "Roles", render: (_, member) => <RoleTags roles={member.roles} /> },
    {
      key: "status",
      title: "Status",
      render: (_, member) =>
        member.status === "active" ? <Tag color="green">Active</Tag> : <Tag>Deactivated</Tag>,
    },
    {
      key: "lastActiveAt",
      title: "Last active",
      render: (_, member) => (member.lastActiveAt === null ? "Never" : formatDateTime(member.lastActiveAt)),
    },
  ];

  if (hasActions) {
    columns.push({
      key: "actions",
      title: <span className="visually-hidden">Actions</span>,
      align: "right",
      fixed: "right",
      render: (_, member) => {
        if (member.accountId === ownAccountId) return null;
        const isActive = member.status === "active";
        return (
          <Space size="small">
            {actions.canEditRoles && (
              <Button size="small" onClick={() => actions.onChangeRole(member)}>
                Change Role
              </Button>
            )}
            {actions.canDeactivate && isActive && (
              <Button size="small" danger onClick={() => actions.onDeactivate(member)}>
                Deactivate
              </Button>
            )}
            {actions.canDeactivate && !isActive && (
              <Button
                size="small"
                onClick={() => actions.onReactivate(member)}
                loading={actions.reactivatingIds.has(member.id)}
                aria-label="Reactivate"
              >
                Reactivate
              </Button>
            )}
          </Space>
        );
      },
    });
  }

  return (
    <Table<Member>
      rowKey="id"
      size="middle"
      columns={columns}
      dataSource={members}
      loading={isLoading}
      pagination={false}
      scroll={{ x: "max-content" }}
      locale={{ emptyText: "No members match this search." }}
    />
  );
}
