// A member's page (SPEC §6.7), opened from the member list: who they are, their roles and status,
// when they joined, who invited them, when they were last active, the events done to them (with
// `audit.view`), and the list's row actions (`Change Role`, `Deactivate` / `Reactivate`).
import { App, Button, Descriptions, Flex, Skeleton, Space, Tag } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router-dom";
import { useMemberAuditEvents } from "../api/auditQueries";
import { useChangeMemberStatus, useMember, useReactivatingMemberIds } from "../api/memberQueries";
import type { Member } from "../api/types";
import { AuditEventTable } from "../components/audit/AuditEventTable";
import { useCurrentMembership } from "../components/CurrentMembership";
import { formatDateTime } from "../components/formatDateTime";
import { ChangeRoleModal } from "../components/members/ChangeRoleModal";
import { DeactivateMemberDialog } from "../components/members/DeactivateMemberDialog";
import { describeMemberChangeError } from "../components/members/describeMemberChangeError";
import { RoleTags } from "../components/members/RolePicker";
import { ScopeText } from "../components/merchant-accounts/ScopePicker";
import { PagedListFooter } from "../components/PagedListFooter";
import { PageTitle, SectionTitle } from "../components/PageTitle";
import { QueryErrorResult } from "../components/QueryErrorResult";
import { useCan } from "../components/useCan";
import { useCursorPages } from "../components/useCursorPages";
import { companyPath } from "../navigation";

const EVENTS_PAGE_SIZE = 10;

function MemberEvents({ companyId, memberId }: { companyId: string; memberId: string }) {
  const { t } = useTranslation("members");
  const pages = useCursorPages(memberId, EVENTS_PAGE_SIZE);
  const events = useMemberAuditEvents(companyId, memberId, pages.page);
  return (
    <section aria-labelledby="member-events-title">
      <SectionTitle id="member-events-title" style={{ marginTop: 32 }}>
        {t("detail.recentEvents")}
      </SectionTitle>
      {events.isError ? (
        <QueryErrorResult error={events.error} onRetry={() => events.refetch()} />
      ) : (
        <>
          <AuditEventTable
            events={events.data?.items}
            isLoading={events.isPending || (events.isFetching && events.isPlaceholderData)}
          />
          <PagedListFooter
            pages={pages}
            pageSize={EVENTS_PAGE_SIZE}
            data={events.data}
            isLoading={events.isFetching}
            noun="events"
          />
        </>
      )}
    </section>
  );
}

export function MemberDetailPage() {
  const { message } = App.useApp();
  const { t } = useTranslation("members");
  const { memberId = "" } = useParams();
  const { account, membership } = useCurrentMembership();
  const companyId = membership.companyId;
  const canEditRoles = useCan("members.edit_roles");
  const canDeactivate = useCan("members.deactivate");
  const canViewAudit = useCan("audit.view");
  const loaded = useMember(companyId, memberId);
  const changeStatus = useChangeMemberStatus(companyId);
  const reactivatingIds = useReactivatingMemberIds(companyId);

  const [dialog, setDialog] = useState<"change-role" | "deactivate" | null>(null);
  // The newer copy a conflict told of, until the reload catches up with it.
  const [conflicted, setConflicted] = useState<Member | null>(null);
  const fetched = loaded.data;

  const backLink = <Link to={companyPath(companyId, "account/members")}>{t("detail.backToList")}</Link>;

  if (loaded.isError) {
    return (
      <>
        <PageTitle>{t("detail.member")}</PageTitle>
        {backLink}
        <QueryErrorResult error={loaded.error} onRetry={() => loaded.refetch()} />
      </>
    );
  }
  if (fetched === undefined) {
    return (
      <>
        <PageTitle>{t("detail.member")}</PageTitle>
        <Skeleton active />
      </>
    );
  }
  const member = conflicted?.id === fetched.id && conflicted.version > fetched.version ? conflicted : fetched;

  const isSelf = member.accountId === account.id;
  const isActive = member.status === "active";
  const reactivate = () => {
    if (reactivatingIds.has(member.id)) return;
    void changeStatus.mutateAsync({ member, change: "reactivate" }).then(
      () => void message.success(t("list.reactivated", { email: member.email })),
      (error: unknown) => void message.error(describeMemberChangeError(error)),
    );
  };

  return (
    <>
      <PageTitle>{member.name || member.email}</PageTitle>
      <Flex justify="space-between" align="flex-start" gap="middle" wrap style={{ marginBottom: 16 }}>
        {backLink}
        {!isSelf && (canEditRoles || canDeactivate) && (
          <Space size="small" wrap>
            {canEditRoles && (
              <Button onClick={() => setDialog("change-role")}>{t("table.changeRole")}</Button>
            )}
            {canDeactivate && isActive && (
              <Button danger onClick={() => setDialog("deactivate")}>
                {t("table.deactivate")}
              </Button>
            )}
            {canDeactivate && !isActive && (
              <Button
                onClick={reactivate}
                loading={reactivatingIds.has(member.id)}
                aria-label={t("table.reactivate")}
              >
                {t("table.reactivate")}
              </Button>
            )}
          </Space>
        )}
      </Flex>
      <Descriptions
        bordered
        column={1}
        size="small"
        items={[
          { key: "name", label: t("detail.name"), children: member.name },
          {
            key: "email",
            label: t("detail.email"),
            children: <span style={{ wordBreak: "break-all" }}>{member.email}</span>,
          },
          {
            key: "status",
            label: t("detail.status"),
            children: isActive ? (
              <Tag color="green">{t("status.active")}</Tag>
            ) : (
              <Tag>{t("status.deactivated")}</Tag>
            ),
          },
          { key: "roles", label: t("detail.roles"), children: <RoleTags roles={member.roles} /> },
          {
            key: "scope",
            label: t("detail.merchantAccounts"),
            children: <ScopeText companyId={companyId} scope={member.scope} />,
          },
          { key: "joined", label: t("detail.joined"), children: formatDateTime(member.joinedAt) },
          {
            key: "invitedBy",
            label: t("detail.invitedBy"),
            children: fetched.invitedBy
              ? t("detail.invitedByValue", { name: fetched.invitedBy.name, email: fetched.invitedBy.email })
              : "—",
          },
          {
            key: "lastActive",
            label: t("detail.lastActive"),
            children: member.lastActiveAt === null ? t("detail.never") : formatDateTime(member.lastActiveAt),
          },
          {
            key: "secondFactor",
            label: t("detail.secondFactor"),
            children: fetched.hasSecondFactor ? t("detail.on") : t("detail.off"),
          },
        ]}
      />
      {canViewAudit && <MemberEvents companyId={companyId} memberId={member.id} />}
      <ChangeRoleModal
        companyId={companyId}
        member={dialog === "change-role" ? member : null}
        onConflict={setConflicted}
        onClose={() => setDialog(null)}
      />
      <DeactivateMemberDialog
        companyId={companyId}
        member={dialog === "deactivate" ? member : null}
        onConflict={setConflicted}
        onClose={() => setDialog(null)}
      />
    </>
  );
}
