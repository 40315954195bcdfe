// TanStack Query hooks of invitations: the company's list of every status (send, resend, revoke; sending and
// resending need a fresh Email Verification) and the public link (view, accept).
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, dataOf, noContent } from "./client";
import type { PageRequest } from "./queries";
import type {
  InvitationAcceptRequest,
  InvitationBatchRequest,
  InvitationImportPreviewRequest,
  InvitationImportRequest,
  InvitationRequest,
  InvitationStatus,
} from "./types";

export const invitationQueryKeys = {
  invitations: (companyId: string) => ["companies", companyId, "invitations"] as const,
  // Not under "companies": the link is read without a session.
  invitationLink: (token: string) => ["invitation-link", token] as const,
};

export type InvitationFilters = {
  /** Any of these; undefined: every status. */
  statuses?: readonly InvitationStatus[];
  /** Text the email contains, as the member search reads it. */
  search?: string;
};

export function useInvitations(companyId: string, filters: InvitationFilters, page: PageRequest) {
  const query = {
    // The API takes several statuses as one comma-separated value (a repeated parameter is refused).
    ...(filters.statuses?.length ? { status: filters.statuses.join(",") } : {}),
    ...(filters.search ? { search: filters.search } : {}),
    ...page,
  };
  return useQuery({
    queryKey: [...invitationQueryKeys.invitations(companyId), "list", query],
    queryFn: ({ signal }) =>
      dataOf(
        api.GET("/api/companies/{cid}/invitations", { params: { path: { cid: companyId }, query }, signal }),
      ),
    placeholderData: keepPreviousData,
  });
}

/**
 * What an invitation of `email` would meet (a member, a deactivated member, a pending invitation),
 * asked as soon as the Invite dialog has an address; null asks nothing.
 */
export function useInvitationEmailCheck(companyId: string, email: string | null) {
  return useQuery({
    queryKey: [...invitationQueryKeys.invitations(companyId), "email-check", email],
    queryFn: ({ signal }) =>
      dataOf(
        api.GET("/api/companies/{cid}/invitations/email-check", {
          params: { path: { cid: companyId }, query: { email: email ?? "" } },
          signal,
        }),
      ),
    enabled: email !== null,
    retry: false,
    staleTime: 0,
  });
}

function useRefreshInvitations(companyId: string) {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: invitationQueryKeys.invitations(companyId) });
}

export function useInviteMember(companyId: string) {
  const refresh = useRefreshInvitations(companyId);
  return useMutation({
    mutationFn: (request: InvitationRequest) =>
      dataOf(
        api.POST("/api/companies/{cid}/invitations", { params: { path: { cid: companyId } }, body: request }),
      ),
    onSettled: refresh,
  });
}

export function useResendInvitation(companyId: string) {
  const refresh = useRefreshInvitations(companyId);
  return useMutation({
    mutationFn: (invitationId: string) =>
      dataOf(
        api.POST("/api/companies/{cid}/invitations/{invitationId}/resend", {
          params: { path: { cid: companyId, invitationId } },
        }),
      ),
    onSettled: refresh,
  });
}

export function useRevokeInvitation(companyId: string) {
  const refresh = useRefreshInvitations(companyId);
  return useMutation({
    mutationFn: (invitationId: string) =>
      noContent(
        api.DELETE("/api/companies/{cid}/invitations/{invitationId}", {
          params: { path: { cid: companyId, invitationId } },
        }),
      ),
    onSettled: refresh,
  });
}

/** What a link offers; a dead link answers 410 (expired, revoked or used). */
export function useInvitationLink(token: string) {
  return useQuery({
    queryKey: invitationQueryKeys.invitationLink(token),
    queryFn: ({ signal }) =>
      dataOf(api.GET("/api/invitations/{token}", { params: { path: { token } }, signal })),
    // Each read counts against the link's per-IP limit; the page needs it once.
    staleTime: Number.POSITIVE_INFINITY,
    refetchOnWindowFocus: false,
  });
}

export function useAcceptInvitation(token: string) {
  return useMutation({
    mutationFn: (request: InvitationAcceptRequest) =>
      dataOf(api.POST("/api/invitations/{token}/accept", { params: { path: { token } }, body: request })),
  });
}

/** Several emails with the same roles, after one Email Verification: one result per email. */
export function useInviteBatch(companyId: string) {
  const refresh = useRefreshInvitations(companyId);
  return useMutation({
    mutationFn: (request: InvitationBatchRequest) =>
      dataOf(
        api.POST("/api/companies/{cid}/invitations/batch", {
          params: { path: { cid: companyId } },
          body: request,
        }),
      ),
    onSettled: refresh,
  });
}

/** What a CSV would do, row by row, without sending anything (no verification needed). */
export function usePreviewInvitationImport(companyId: string) {
  return useMutation({
    mutationFn: (request: InvitationImportPreviewRequest) =>
      dataOf(
        api.POST("/api/companies/{cid}/invitations/import/preview", {
          params: { path: { cid: companyId } },
          body: request,
        }),
      ),
  });
}

export function useImportInvitations(companyId: string) {
  const refresh = useRefreshInvitations(companyId);
  return useMutation({
    mutationFn: (request: InvitationImportRequest) =>
      dataOf(
        api.POST("/api/companies/{cid}/invitations/import", {
          params: { path: { cid: companyId } },
          body: request,
        }),
      ),
    onSettled: refresh,
  });
}
