// TanStack Query hooks of the member list and the three member changes (roles, deactivation,
// reactivation). Each change needs a fresh Email Verification, which the API client asks for by itself.
import {
  keepPreviousData,
  useMutation,
  useMutationState,
  useQuery,
  useQueryClient,
} from "@tanstack/react-query";
import { auditQueryKeys } from "./auditQueries";
import { api, dataOf, noContent } from "./client";
import { type PageRequest, queryKeys } from "./queries";
import type { Member, MemberFilters, MemberRolesChangeRequest } from "./types";

export const memberQueryKeys = {
  members: (companyId: string) => ["companies", companyId, "members"] as const,
};

const memberStatusChangeKey = (companyId: string) => ["companies", companyId, "member-status"] as const;

export function useMembers(companyId: string, filters: MemberFilters, page: PageRequest) {
  return useQuery({
    queryKey: [...memberQueryKeys.members(companyId), filters, page],
    queryFn: ({ signal }) =>
      dataOf(
        api.GET("/api/companies/{cid}/members", {
          params: { path: { cid: companyId }, query: { ...filters, ...page } },
          signal,
        }),
      ),
    placeholderData: keepPreviousData,
  });
}

/** One member, for their page; under the members key, so every change refreshes it too. */
export function useMember(companyId: string, memberId: string) {
  return useQuery({
    queryKey: [...memberQueryKeys.members(companyId), "detail", memberId],
    queryFn: ({ signal }) =>
      dataOf(
        api.GET("/api/companies/{cid}/members/{memberId}", {
          params: { path: { cid: companyId, memberId } },
          signal,
        }),
      ),
  });
}

/** The names of the company's active Admins (a few), for a member who may see the member list. */
export function useCompanyAdminNames(companyId: string | null, enabled: boolean) {
  return useQuery({
    queryKey: [...memberQueryKeys.members(companyId ?? ""), "admin-names"],
    queryFn: ({ signal }) =>
      dataOf(
        api.GET("/api/companies/{cid}/members", {
          params: { path: { cid: companyId ?? "" }, query: { role: "admin", status: "active", limit: 10 } },
          signal,
        }),
      ),
    enabled: enabled && companyId !== null,
    select: (page) => page.items.map((member) => member.name || member.email),
    retry: false,
  });
}

/**
 * After any change, or a refusal that says the list was stale: the list, the roles' member counts,
 * and the audit log, which has a new event either way (a change, or a recorded refusal).
 */
function useRefreshMembers(companyId: string) {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: memberQueryKeys.members(companyId) });
    void queryClient.invalidateQueries({ queryKey: queryKeys.roles(companyId) });
    void queryClient.invalidateQueries({ queryKey: auditQueryKeys.auditEvents(companyId) });
  };
}

export function useChangeMemberRoles(companyId: string) {
  const refresh = useRefreshMembers(companyId);
  return useMutation({
    mutationFn: ({ memberId, request }: { memberId: string; request: MemberRolesChangeRequest }) =>
      dataOf(
        api.PUT("/api/companies/{cid}/members/{memberId}/roles", {
          params: { path: { cid: companyId, memberId } },
          body: request,
        }),
      ),
    onSettled: refresh,
  });
}

export type MemberStatusChange = "deactivate" | "reactivate";

export interface MemberStatusChangeRequest {
  member: Member;
  change: MemberStatusChange;
}

export function useChangeMemberStatus(companyId: string) {
  const refresh = useRefreshMembers(companyId);
  return useMutation({
    mutationKey: memberStatusChangeKey(companyId),
    mutationFn: ({ member, change }: MemberStatusChangeRequest) =>
      dataOf(
        api.POST(`/api/companies/{cid}/members/{memberId}/${change}`, {
          params: { path: { cid: companyId, memberId: member.id } },
          body: { version: member.version },
        }),
      ),
    onSettled: refresh,
  });
}

/** Reactivates a member known only by id (the Invite dialog's deactivated email): no version to match. */
export function useReactivateMemberById(companyId: string) {
  const refresh = useRefreshMembers(companyId);
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (memberId: string) =>
      dataOf(
        api.POST("/api/companies/{cid}/members/{memberId}/reactivate", {
          params: { path: { cid: companyId, memberId } },
          body: {},
        }),
      ),
    onSettled: () => {
      refresh();
      void queryClient.invalidateQueries({ queryKey: ["companies", companyId, "invitations"] });
    },
  });
}

/** The members whose reactivation is in flight, each until its own answer (several may run at once). */
export function useReactivatingMemberIds(companyId: string): ReadonlySet<string> {
  const requests = useMutationState({
    filters: { mutationKey: memberStatusChangeKey(companyId), status: "pending" },
    select: (mutation) => mutation.state.variables as MemberStatusChangeRequest,
  });
  return new Set(
    requests.filter((request) => request.change === "reactivate").map((request) => request.member.id),
  );
}

/** Removes a deactivated member from the company for good (after Email Verification if needed). */
export function useRemoveMember(companyId: string) {
  const refresh = useRefreshMembers(companyId);
  return useMutation({
    mutationFn: (memberId: string) =>
      noContent(
        api.DELETE("/api/companies/{cid}/members/{memberId}", {
          params: { path: { cid: companyId, memberId } },
        }),
      ),
    onSettled: refresh,
  });
}
