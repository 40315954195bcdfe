// Account > Member list (`members.view`): search by `Member Email` / `Member Role`, `Invite new member`,
// and per member `Change Role`, `Deactivate` / `Reactivate` (user guide §2-5); invitations of every status below,
// found by the same email search. The search, order, page size and page live in the URL (useMemberListView).
import { useQueryClient } from "@tanstack/react-query";
import { App, Button, Flex, Select } from "antd";
import { memo, useCallback, useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { apiPath, queryString } from "../api/client";
import {
  memberQueryKeys,
  useChangeMemberStatus,
  useMembers,
  useReactivatingMemberIds,
} from "../api/memberQueries";
import { useRoles } from "../api/queries";
import type { Member, Role } from "../api/types";
import { useCurrentMembership } from "../components/CurrentMembership";
import { DownloadLink } from "../components/DownloadLink";
import { ImportInvitationsModal } from "../components/invitations/ImportInvitationsModal";
import { InvitationsSection } from "../components/invitations/InvitationsSection";
import { InviteMemberModal } from "../components/invitations/InviteMemberModal";
import { ChangeRoleModal } from "../components/members/ChangeRoleModal";
import { DeactivateMemberDialog } from "../components/members/DeactivateMemberDialog";
import { describeMemberChangeError } from "../components/members/describeMemberChangeError";
import { MemberFilterBar } from "../components/members/MemberFilterBar";
import { MemberTable } from "../components/members/MemberTable";
import { RemoveMemberDialog } from "../components/members/RemoveMemberDialog";
import {
  MEMBER_PAGE_SIZES,
  type MemberPageSize,
  type MemberSearch,
  useMemberListView,
} from "../components/members/useMemberListView";
import { PagedListFooter } from "../components/PagedListFooter";
import { PageTitle } from "../components/PageTitle";
import { QueryErrorResult } from "../components/QueryErrorResult";
import { useCan } from "../components/useCan";
import { formatCount } from "../wording/counting";

// A next page re-renders this page; these parts do not change with it, and the invitations' own
// table would measure itself again (its scroll shading) at every render of the page.
const Invitations = memo(InvitationsSection);
const InviteWindow = memo(InviteMemberModal);
const ChangeRoleWindow = memo(ChangeRoleModal);
const DeactivateWindow = memo(DeactivateMemberDialog);
// The search form measures its fields as it renders (Ant Design's form items), which costs a layout
// of the page when a next page's rows have just arrived: it renders only when the search it shows
// changes. Its onSearch is stable and calls the page's latest search.
const FilterBar = memo(
  MemberFilterBar,
  (before, after) =>
    before.roles === after.roles &&
    before.isLoadingRoles === after.isLoadingRoles &&
    JSON.stringify(before.value) === JSON.stringify(after.value),
);

const NO_ROLES: Role[] = [];

export function MemberListPage() {
  const { message } = App.useApp();
  const { t } = useTranslation("members");
  const { account, membership } = useCurrentMembership();
  const companyId = membership.companyId;
  const canInvite = useCan("members.invite");
  const canEditRoles = useCan("members.edit_roles");
  const canDeactivate = useCan("members.deactivate");

  const queryClient = useQueryClient();
  const view = useMemberListView();
  const { pages } = view;
  const members = useMembers(companyId, view.filters, pages.page);
  const roles = useRoles(companyId);
  const changeStatus = useChangeMemberStatus(companyId);
  const reactivatingIds = useReactivatingMemberIds(companyId);

  const [isInviting, setIsInviting] = useState(false);
  const closeInvite = useCallback(() => setIsInviting(false), []);
  const [isImporting, setIsImporting] = useState(false);
  const [removal, setRemoval] = useState<Member | null>(null);
  // Ids, not copies: the windows read the member from the current page, so a reload hands them its
  // fresh version; `picked` keeps the member the window was opened on, or the newer copy a conflict
  // told of, for when the page no longer shows them (or shows an older copy).
  const [roleChangeId, setRoleChangeId] = useState<string | null>(null);
  const [deactivationId, setDeactivationId] = useState<string | null>(null);
  const [picked, setPicked] = useState<Member | null>(null);
  const closeRoleChange = useCallback(() => setRoleChangeId(null), []);
  const closeDeactivation = useCallback(() => setDeactivationId(null), []);
  const current = (id: string | null): Member | null => {
    if (id === null) return null;
    const listed = members.data?.items.find((member) => member.id === id);
    const known = picked?.id === id ? picked : undefined;
    if (listed === undefined || known === undefined) return listed ?? known ?? null;
    return known.version > listed.version ? known : listed;
  };

  const search = (next: MemberSearch) => {
    // A search always shows what is there now: earlier results of any filter count as stale.
    void queryClient.invalidateQueries({ queryKey: memberQueryKeys.members(companyId), refetchType: "none" });
    if (JSON.stringify(next) === JSON.stringify(view.search) && pages.pageIndex === 0) void members.refetch();
    else view.setSearch(next);
  };
  const latestSearch = useRef(search);
  latestSearch.current = search;
  const onSearch = useCallback((next: MemberSearch) => latestSearch.current(next), []);
  // While another page or order loads, the rows shown stay (placeholder data) under a spinner, and
  // the footer counts them as the page they are, not the one coming.
  const isLoadingNext = members.isPending || (members.isFetching && members.isPlaceholderData);
  const [shownPageIndex, setShownPageIndex] = useState(pages.pageIndex);
  const hasOwnData = members.data !== undefined && !members.isPlaceholderData;
  useEffect(() => {
    if (hasOwnData) setShownPageIndex(pages.pageIndex);
  }, [hasOwnData, pages.pageIndex]);

  const reactivate = (member: Member) => {
    if (reactivatingIds.has(member.id)) return;
    // The promise of this very call: with mutate's callbacks, only the latest of two calls at once
    // would tell its outcome.
    void changeStatus.mutateAsync({ member, change: "reactivate" }).then(
      () => void message.success(t("list.reactivated", { email: member.email })),
      (error: unknown) => void message.error(describeMemberChangeError(error)),
    );
  };

  return (
    <>
      <PageTitle>{t("list.title")}</PageTitle>
      <Flex justify="space-between" align="flex-start" gap="middle" wrap style={{ marginBottom: 16 }}>
        <FilterBar
          roles={roles.data?.items ?? NO_ROLES}
          isLoadingRoles={roles.isPending}
          value={view.search}
          onSearch={onSearch}
        />
        <Flex gap="small" wrap>
          <DownloadLink
            href={`${apiPath("companies", companyId, "members", "export")}${queryString({
              email: view.filters.email,
              role: view.filters.role,
              status: view.filters.status,
            })}`}
            description={t("list.exportDescription")}
            permission="members.view"
            label={t("list.export")}
          />
          {canInvite && <Button onClick={() => setIsImporting(true)}>{t("list.importCsv")}</Button>}
          {canInvite && (
            <Button type="primary" onClick={() => setIsInviting(true)}>
              {t("list.inviteNewMember")}
            </Button>
          )}
        </Flex>
      </Flex>
      {members.isError ? (
        <QueryErrorResult error={members.error} onRetry={() => members.refetch()} />
      ) : (
        <>
          <div aria-busy={isLoadingNext}>
            <MemberTable
              members={members.data?.items}
              isLoading={isLoadingNext}
              sort={view.sort}
              onSort={view.setSort}
              ownAccountId={account.id}
              actions={{
                canEditRoles,
                canDeactivate,
                onChangeRole: (member) => {
                  setPicked(member);
                  setRoleChangeId(member.id);
                },
                onDeactivate: (member) => {
                  setPicked(member);
                  setDeactivationId(member.id);
                },
                onReactivate: reactivate,
                onRemove: setRemoval,
                reactivatingIds,
              }}
            />
          </div>
          <Flex align="center" justify="space-between" gap="middle" wrap>
            <div style={{ flex: "1 1 auto" }}>
              <PagedListFooter
                pages={{ ...pages, pageIndex: hasOwnData ? pages.pageIndex : shownPageIndex }}
                pageSize={view.pageSize}
                data={members.data}
                isLoading={members.isFetching}
                noun="members"
              />
            </div>
            <Flex align="center" gap="small" style={{ marginTop: 16 }}>
              <label htmlFor="member-page-size">{t("list.membersPerPage")}</label>
              <Select<MemberPageSize>
                id="member-page-size"
                value={view.pageSize}
                onChange={view.setPageSize}
                style={{ width: 80 }}
                options={MEMBER_PAGE_SIZES.map((size) => ({ value: size, label: formatCount(size) }))}
              />
            </Flex>
          </Flex>
        </>
      )}
      {canInvite && <Invitations companyId={companyId} search={view.search.email} />}
      {canInvite && <InviteWindow companyId={companyId} open={isInviting} onClose={closeInvite} />}
      {canInvite && (
        <ImportInvitationsModal
          companyId={companyId}
          open={isImporting}
          onClose={() => setIsImporting(false)}
        />
      )}
      <RemoveMemberDialog companyId={companyId} member={removal} onClose={() => setRemoval(null)} />
      <ChangeRoleWindow
        companyId={companyId}
        member={current(roleChangeId)}
        onConflict={setPicked}
        onClose={closeRoleChange}
      />
      <DeactivateWindow
        companyId={companyId}
        member={current(deactivationId)}
        onConflict={setPicked}
        onClose={closeDeactivation}
      />
    </>
  );
}
