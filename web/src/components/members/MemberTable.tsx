// The member list's table: email (a link to the member's page), name, roles, status, joined, last
// activity, and the row actions the current member may use (`Change Role`, `Deactivate` /
// `Reactivate`), never on their own row. Email, name, joined and last active sort on the server. Long
// emails and names are cut to one line, the full text shown on hover and focus (SPEC §6.7); the email
// and actions columns stay pinned at the edges while a narrow screen scrolls the others.
import { Button, Space, Table, type TableColumnsType, type TableProps, Tag } from "antd";
import type { SortOrder } from "antd/es/table/interface";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import type { Member, MemberSortKey } from "../../api/types";
import { memberDetailPath } from "../../navigation";
import { useCurrentMembership } from "../CurrentMembership";
import { useCutTextTooltip } from "../CutTextTooltip";
import { formatDate, formatDateTime } from "../formatDateTime";
import { SCROLL_INSIDE, useActionsDirection, useIsWideScreen } from "../narrowScreen";
import { RoleTags } from "./RolePicker";
import type { MemberSort } from "./useMemberListView";

/**
 * One line of at most `maxWidth`, cut with an ellipsis; focusable, so the keyboard reads it whole too.
 * The table's one tooltip (useCutTextTooltip) shows the full text.
 */
function TruncatedText({ text, maxWidth, to }: { text: string; maxWidth: string; to?: string }) {
  return to ? (
    <Link className="truncated-text" to={to} style={{ maxWidth }}>
      {text}
    </Link>
  ) : (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: focus shows the full text of a cut value
    <span className="truncated-text" tabIndex={0} style={{ maxWidth }}>
      {text}
    </span>
  );
}

export interface MemberActions {
  canEditRoles: boolean;
  canDeactivate: boolean;
  onChangeRole: (member: Member) => void;
  onDeactivate: (member: Member) => void;
  onReactivate: (member: Member) => void;
  /** `Remove` on a deactivated member's row (SPEC §6.4); absent: no such button. */
  onRemove?: (member: Member) => void;
  /** The members being reactivated. */
  reactivatingIds: ReadonlySet<string>;
}

const SORT_DIRECTIONS: SortOrder[] = ["ascend", "descend"];

export function MemberTable({
  members,
  isLoading,
  ownAccountId,
  actions,
  sort,
  onSort,
}: {
  members: readonly Member[] | undefined;
  isLoading: boolean;
  ownAccountId: string;
  actions: MemberActions;
  /** The order shown; null: the server's default (email, ascending). */
  sort: MemberSort;
  onSort: (sort: MemberSort) => void;
}) {
  const { t } = useTranslation("members");
  const { membership } = useCurrentMembership();
  const hasActions = actions.canEditRoles || actions.canDeactivate;
  // Sorted on the server: the headers only say which order is shown and ask for another. A third
  // click on a header (antd's "no order") goes back to the default order.
  const sortable = (key: MemberSortKey) => ({
    sorter: true,
    sortDirections: SORT_DIRECTIONS,
    sortOrder: (sort === null
      ? key === "email"
        ? "ascend"
        : null
      : sort.key === key
        ? sort.descending
          ? "descend"
          : "ascend"
        : null) as SortOrder,
  });
  const changeSort: TableProps<Member>["onChange"] = (_pagination, _filters, sorter, extra) => {
    if (extra.action !== "sort" || Array.isArray(sorter)) return;
    const key = sorter.columnKey as MemberSortKey | undefined;
    onSort(key && sorter.order ? { key, descending: sorter.order === "descend" } : null);
  };
  const actionsDirection = useActionsDirection();
  // Pinned columns need a sideways scroller, which only narrower screens need.
  const isWide = useIsWideScreen();
  const cutText = useCutTextTooltip();

  const columns: TableColumnsType<Member> = [
    {
      key: "email",
      title: t("table.email"),
      ...sortable("email"),
      fixed: isWide ? undefined : "left",
      render: (_, member) => (
        <>
          <TruncatedText
            text={member.email}
            maxWidth="clamp(120px, 28vw, 320px)"
            to={memberDetailPath(membership.companyId, member.id)}
          />
          {member.accountId === ownAccountId && (
            <Tag color="blue" style={{ marginInlineStart: 8 }}>
              {t("table.you")}
            </Tag>
          )}
        </>
      ),
    },
    {
      key: "name",
      title: t("table.name"),
      ...sortable("name"),
      render: (_, member) => <TruncatedText text={member.name} maxWidth="clamp(100px, 20vw, 240px)" />,
    },
    { key: "roles", title: t("table.roles"), render: (_, member) => <RoleTags roles={member.roles} /> },
    {
      key: "status",
      title: t("table.status"),
      render: (_, member) =>
        member.status === "active" ? (
          <Tag color="green">{t("status.active")}</Tag>
        ) : (
          <Tag>{t("status.deactivated")}</Tag>
        ),
    },
    {
      key: "joinedAt",
      title: t("table.joined"),
      ...sortable("joinedAt"),
      render: (_, member) => formatDate(member.joinedAt),
    },
    {
      key: "lastActiveAt",
      title: t("table.lastActive"),
      ...sortable("lastActiveAt"),
      render: (_, member) =>
        member.lastActiveAt === null ? t("table.never") : formatDateTime(member.lastActiveAt),
    },
  ];

  if (hasActions) {
    columns.push({
      key: "actions",
      title: <span className="visually-hidden">{t("table.actions")}</span>,
      align: "right",
      fixed: isWide ? undefined : "right",
      render: (_, member) => {
        if (member.accountId === ownAccountId) return null;
        const isActive = member.status === "active";
        return (
          <Space size="small" direction={actionsDirection} align="end">
            {actions.canEditRoles && (
              <Button size="small" onClick={() => actions.onChangeRole(member)}>
                {t("table.changeRole")}
              </Button>
            )}
            {actions.canDeactivate && isActive && (
              <Button size="small" danger onClick={() => actions.onDeactivate(member)}>
                {t("table.deactivate")}
              </Button>
            )}
            {actions.canDeactivate && !isActive && (
              <Button
                size="small"
                onClick={() => actions.onReactivate(member)}
                loading={actions.reactivatingIds.has(member.id)}
                aria-label={t("table.reactivate")}
              >
                {t("table.reactivate")}
              </Button>
            )}
            {actions.canDeactivate && !isActive && actions.onRemove && (
              <Button size="small" danger onClick={() => actions.onRemove?.(member)}>
                {t("table.remove")}
              </Button>
            )}
          </Space>
        );
      },
    });
  }

  return (
    <div {...cutText.handlers}>
      <Table<Member>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={members}
        loading={isLoading}
        onChange={changeSort}
        showSorterTooltip={false}
        pagination={false}
        scroll={isWide ? undefined : SCROLL_INSIDE}
        locale={{ emptyText: t("table.empty") }}
      />
      {cutText.tooltip}
    </div>
  );
}
