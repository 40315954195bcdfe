// TanStack Query hooks of invitations: the company's pending ones (send, resend, revoke; sending and
// resending need a fresh Email Verification) and the public link (view, accept).
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiClient, apiPath } from "./client";
import { type PageRequest, queryString } from "./queries";
import type {
  Invitation,
  InvitationAcceptance,
  InvitationAcceptRequest,
  InvitationPage,
  InvitationRequest,
  InvitationStatus,
  PublicInvitation,
} from "./types";

export const invitationQueryKeys = {
  invitations: (companyId: string) => ["companies", companyId, "invitations"] as const,
  // Not under "companies": the link is read without a session.
  invitationLink: (token: string) => ["invitation-link", token] as const,
};

export function useInvitations(companyId: string, status: InvitationStatus, page: PageRequest) {
  return useQuery({
    queryKey: [...invitationQueryKeys.invitations(companyId), status, page],
    queryFn: ({ signal }) =>
      apiClient.get<InvitationPage>(
        apiPath("companies", companyId, "invitations") + queryString({ status, ...page }),
        { signal },
      ),
    placeholderData: keepPreviousData,
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
      apiClient.post<Invitation>(apiPath("companies", companyId, "invitations"), request),
    onSettled: refresh,
  });
}

export function useResendInvitation(companyId: string) {
  const refresh = useRefreshInvitations(companyId);
  return useMutation({
    mutationFn: (invitationId: string) =>
      apiClient.post<Invitation>(apiPath("companies", companyId, "invitations", invitationId, "resend")),
    onSettled: refresh,
  });
}

export function useRevokeInvitation(companyId: string) {
  const refresh = useRefreshInvitations(companyId);
  return useMutation({
    mutationFn: (invitationId: string) =>
      apiClient.delete<void>(apiPath("companies", companyId, "invitations", invitationId)),
    onSettled: refresh,
  });
}

/** What a link offers; a dead link answers 410 (expired, revoked or used). */
export function useInvitationLink(token: string) {
  return useQuery({
    queryKey: invitationQueryKeys.invitationLink(token),
    queryFn: ({ signal }) => apiClient.get<PublicInvitation>(apiPath("invitations", token), { signal }),
    // Each read counts against the link's per-IP limit; the page needs it once.
    staleTime: Number.POSITIVE_INFINITY,
    refetchOnWindowFocus: false,
  });
}

export function useAcceptInvitation(token: string) {
  return useMutation({
    mutationFn: (request: InvitationAcceptRequest) =>
      apiClient.post<InvitationAcceptance>(apiPath("invitations", token, "accept"), request),
  });
}
