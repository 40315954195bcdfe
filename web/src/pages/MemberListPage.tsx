// Account > Member list (`members.view`): search by `Member Email` / `Member Role`, `Invite new member`,
// and per member `Change Role`, `Deactivate` / `Reactivate` (user guide §2-5); pending invitations below.
import { useQueryClient } from "@tanstack/react-query";
import { App, Button, Flex } from "antd";
import { useState } from "react";
import {
  memberQueryKeys,
  useChangeMemberStatus,
  useMembers,
  useReactivatingMemberIds,
} from "../api/memberQueries";
import { useRoles } from "../api/queries";
import type { Member, MemberFilters } from "../api/types";
import { useCurrentMembership } from "../components/CurrentMembership";
import { InviteMemberModal } from "../components/invitations/InviteMemberModal";
import { PendingInvitationsSection } from "../components/invitations/PendingInvitationsSection";
import { ChangeRoleModal } from "../components/members/ChangeRoleModal";
import { DeactivateMemberDialog } from "../components/members/DeactivateMemberDialog";
import { describeMemberChangeError } from "../components/members/describeMemberChangeError";
import { MemberFilterBar } from "../components/members/MemberFilterBar";
import { MemberTable } from "../components/members/MemberTable";
import { PagedListFooter } from "../components/PagedListFooter";
import { PageTitle } from "../components/PageTitle";
import { QueryErrorResult } from "../components/QueryErrorResult";
import { useCan } from "../components/useCan";
import { useCursorPages } from "../components/useCursorPages";

const PAGE_SIZE = 20;

export function MemberListPage() {
  const { message } = App.useApp();
  const { account, membership } = useCurrentMembership();
  const companyId = membership.companyId;
  const canInvite = useCan("members.invite");
  const canEditRoles = useCan("members.edit_roles");
  const canDeactivate = useCan("members.deactivate");

  const queryClient = useQueryClient();
  const [filters, setFilters] = useState<MemberFilters>({});
  const filterKey = JSON.stringify(filters);
  const pages = useCursorPages(filterKey, PAGE_SIZE);
  const members = useMembers(companyId, filters, pages.page);
  const roles = useRoles(companyId);
  const changeStatus = useChangeMemberStatus(companyId);
  const reactivatingIds = useReactivatingMemberIds(companyId);

  const [isInviting, setIsInviting] = useState(false);
  // Ids, not copies: the windows read the member from the current page, so a reload hands them its
  // fresh version; `picked` keeps the member the window was opened on, or the newer copy a conflict
  // told of, for when the page no longer shows them (or shows an older copy).
  const [roleChangeId, setRoleChangeId] = useState<string | null>(null);
  const [deactivationId, setDeactivationId] = useState<string | null>(null);
  const [picked, setPicked] = useState<Member | null>(null);
  const current = (id: string | null): Member | null => {
    if (id === null) return null;
    const listed = members.data?.items.find((member) => member.id === id);
    const known = picked?.id === id ? picked : undefined;
    if (listed === undefined || known === undefined) return listed ?? known ?? null;
    return known.version > listed.version ? known : listed;
  };

  const search = (next: MemberFilters) => {
    // A search always shows what is there now: earlier results of any filter count as stale.
    void queryClient.invalidateQueries({ queryKey: memberQueryKeys.members(companyId), refetchType: "none" });
    if (JSON.stringify(next) === filterKey) void members.refetch();
    else setFilters(next);
  };

  const reactivate = (member: Member) => {
    if (reactivatingIds.has(member.id)) return;
    // The promise of this very call: with mutate's callbacks, only the latest of two calls at once
    // would tell its outcome.
    void changeStatus.mutateAsync({ member, change: "reactivate" }).then(
      () => void message.success(`${member.email} has been reactivated`),
      (error: unknown) => void message.error(describeMemberChangeError(error)),
    );
  };

  return (
    <>
      <PageTitle>Member list</PageTitle>
      <Flex justify="space-between" align="flex-start" gap="middle" wrap style={{ marginBottom: 16 }}>
        <MemberFilterBar roles={roles.data?.items ?? []} isLoadingRoles={roles.isPending} onSearch={search} />
        {canInvite && (
          <Button type="primary" onClick={() => setIsInviting(true)}>
            Invite new member
          </Button>
        )}
      </Flex>
      {members.isError ? (
        <QueryErrorResult error={members.error} onRetry={() => members.refetch()} />
      ) : (
        <>
          <MemberTable
            members={members.data?.items}
            isLoading={members.isPending || (members.isFetching && members.isPlaceholderData)}
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
              reactivatingIds,
            }}
          />
          <PagedListFooter
            pages={pages}
            pageSize={PAGE_SIZE}
            data={members.data}
            isLoading={members.isFetching}
            noun="members"
          />
        </>
      )}
      {canInvite && <PendingInvitationsSection companyId={companyId} />}
      {canInvite && (
        <InviteMemberModal companyId={companyId} open={isInviting} onClose={() => setIsInviting(false)} />
      )}
      <ChangeRoleModal
        companyId={companyId}
        member={current(roleChangeId)}
        onConflict={setPicked}
        onClose={() => setRoleChangeId(null)}
      />
      <DeactivateMemberDialog
        companyId={companyId}
        member={current(deactivationId)}
        onConflict={setPicked}
        onClose={() => setDeactivationId(null)}
      />
    </>
  );
}
