// TanStack Query hooks for the API calls of the portal shell, the profile, password reset and
// email verification. Query keys live here so invalidation after a mutation names the same keys.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiClient, apiPath } from "./client";
import type {
  AlternateEmailConfirmation,
  AlternateEmailConfirmRequest,
  AlternateEmailRequest,
  CompanyInfo,
  EmailCodeChallenge,
  LoginRequest,
  Me,
  MerchantAccount,
  OwnSessionList,
  PasswordChangeRequest,
  PasswordResetConfirmRequest,
  PasswordResetRequest,
  StepUpVerification,
} from "./types";

export const queryKeys = {
  me: ["me"] as const,
  // Not under "me": the query cache treats every "me…" key as the session probe.
  ownSessions: ["own-sessions"] as const,
  companyInfo: (companyId: string) => ["companies", companyId, "info"] as const,
  merchantAccount: (companyId: string) => ["companies", companyId, "account"] as const,
};

export function useMe() {
  return useQuery({
    queryKey: queryKeys.me,
    queryFn: ({ signal }) => apiClient.get<Me>(apiPath("me"), { signal }),
  });
}

export function useCompanyInfo(companyId: string) {
  return useQuery({
    queryKey: queryKeys.companyInfo(companyId),
    queryFn: ({ signal }) => apiClient.get<CompanyInfo>(apiPath("companies", companyId), { signal }),
  });
}

export function useMerchantAccount(companyId: string) {
  return useQuery({
    queryKey: queryKeys.merchantAccount(companyId),
    queryFn: ({ signal }) =>
      apiClient.get<MerchantAccount>(apiPath("companies", companyId, "account"), { signal }),
  });
}

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (credentials: LoginRequest) => apiClient.post<Me>(apiPath("auth", "login"), credentials),
    onSuccess: (me) => {
      // Nothing cached for a previous account may survive into this session.
      queryClient.clear();
      queryClient.setQueryData(queryKeys.me, me);
    },
  });
}

export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => apiClient.post<void>(apiPath("auth", "logout")),
    // Whether or not the server still knew the session, nothing of it stays in the browser.
    onSettled: () => queryClient.clear(),
  });
}

// Email verification (step-up). These calls never ask for a step-up themselves.

export function useStartStepUp() {
  return useMutation({
    mutationFn: () =>
      apiClient.post<EmailCodeChallenge>(apiPath("verification", "step-up"), {}, { skipStepUp: true }),
  });
}

export function useVerifyStepUp() {
  return useMutation({
    mutationFn: ({ challengeId, code }: { challengeId: string; code: string }) =>
      apiClient.post<StepUpVerification>(
        apiPath("verification", "step-up", challengeId, "verify"),
        { code },
        { skipStepUp: true },
      ),
  });
}

// The profile: alternate email, password, own sessions.

export function useStartAlternateEmail() {
  return useMutation({
    mutationFn: (request: AlternateEmailRequest) =>
      apiClient.post<EmailCodeChallenge>(apiPath("me", "alternate-email"), request),
  });
}

export function useConfirmAlternateEmail() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (request: AlternateEmailConfirmRequest) =>
      apiClient.post<AlternateEmailConfirmation>(apiPath("me", "alternate-email", "verify"), request),
    onSuccess: ({ alternateEmail }) => {
      queryClient.setQueryData<Me>(queryKeys.me, (me) =>
        me === undefined ? me : { ...me, account: { ...me.account, alternateEmail } },
      );
      void queryClient.invalidateQueries({ queryKey: queryKeys.me });
    },
  });
}

export function useChangePassword() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (request: PasswordChangeRequest) => apiClient.post<void>(apiPath("me", "password"), request),
    // The server ended the other sessions.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.ownSessions }),
  });
}

export function useOwnSessions() {
  return useQuery({
    queryKey: queryKeys.ownSessions,
    queryFn: ({ signal }) => apiClient.get<OwnSessionList>(apiPath("me", "sessions"), { signal }),
  });
}

export function useEndSession() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (sessionId: string) => apiClient.delete<void>(apiPath("me", "sessions", sessionId)),
    // Also after a 404: the session was already gone, so the list is stale either way.
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.ownSessions }),
  });
}

// Password reset: public, no session.

export function useRequestPasswordReset() {
  return useMutation({
    mutationFn: (request: PasswordResetRequest) =>
      apiClient.post<void>(apiPath("auth", "password-reset"), request),
  });
}

export function useConfirmPasswordReset() {
  return useMutation({
    mutationFn: (request: PasswordResetConfirmRequest) =>
      apiClient.post<void>(apiPath("auth", "password-reset", "confirm"), request),
  });
}
