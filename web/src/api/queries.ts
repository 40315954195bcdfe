// TanStack Query hooks for the API calls of the portal shell, the profile, password reset and
// email verification. Query keys live here so invalidation after a mutation names the same keys.
import { keepPreviousData, queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiClient, apiPath } from "./client";
import type {
  AccountAuditEventPage,
  AlternateEmailConfirmation,
  AlternateEmailConfirmRequest,
  AlternateEmailRequest,
  CompanyInfo,
  DeveloperCenter,
  EmailCodeChallenge,
  Insights,
  InsightsQuery,
  LoginRequest,
  LoginUnlock,
  LoginUnlockRequest,
  Me,
  MerchantAccount,
  OwnSessionList,
  PasswordChangeRequest,
  PasswordResetConfirmRequest,
  PasswordResetRequest,
  PermissionCatalogue,
  Role,
  RoleCreateRequest,
  RoleList,
  RoleUpdateRequest,
  SettlementFilters,
  SettlementPage,
  StepUpRequest,
  StepUpVerification,
  TransactionFilters,
  TransactionPage,
} from "./types";

export const queryKeys = {
  me: ["me"] as const,
  // Not under "me": the query cache treats every "me…" key as the session probe.
  ownSessions: ["own-sessions"] as const,
  ownAuditEvents: ["own-audit-events"] as const,
  companyInfo: (companyId: string) => ["companies", companyId, "info"] as const,
  merchantAccount: (companyId: string) => ["companies", companyId, "account"] as const,
  transactions: (companyId: string) => ["companies", companyId, "transactions"] as const,
  settlements: (companyId: string) => ["companies", companyId, "settlements"] as const,
  developerCenter: (companyId: string) => ["companies", companyId, "developer-center"] as const,
  insights: (companyId: string) => ["companies", companyId, "insights"] as const,
  roles: (companyId: string) => ["companies", companyId, "roles"] as const,
  permissionCatalogue: ["permission-catalogue"] as const,
};

/** A query string from the set fields of `query` ("" when none), e.g. `?status=paid&limit=20`. */
export function queryString(query: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== "") search.set(name, String(value));
  }
  const text = search.toString();
  return text === "" ? "" : `?${text}`;
}

/** One page of a cursor-paginated collection: the cursor of the page (none for the first) and its size. */
export interface PageRequest {
  cursor: string | undefined;
  limit: number;
}

/** `GET /api/me` as the cache holds it, for useMe and for reading it afresh (fetchQuery). */
export const meQuery = queryOptions({
  queryKey: queryKeys.me,
  queryFn: ({ signal }) => apiClient.get<Me>(apiPath("me"), { signal }),
});

export function useMe() {
  return useQuery(meQuery);
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
    mutationFn: (request: StepUpRequest) =>
      apiClient.post<EmailCodeChallenge>(apiPath("verification", "step-up"), request, { skipStepUp: true }),
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
    // The server ended the other sessions and recorded the change.
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.ownSessions }),
        queryClient.invalidateQueries({ queryKey: queryKeys.ownAuditEvents }),
      ]),
  });
}

export function useOwnSessions() {
  return useQuery({
    queryKey: queryKeys.ownSessions,
    queryFn: ({ signal }) => apiClient.get<OwnSessionList>(apiPath("me", "sessions"), { signal }),
  });
}

/** The caller's own account events (Profile > Security), one page newest first. */
export function useOwnAuditEvents(page: PageRequest) {
  return useQuery({
    queryKey: [...queryKeys.ownAuditEvents, page],
    queryFn: ({ signal }) =>
      apiClient.get<AccountAuditEventPage>(apiPath("me", "audit-events") + queryString({ ...page }), {
        signal,
      }),
    placeholderData: keepPreviousData,
  });
}

export function useEndSession() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (sessionId: string) => apiClient.delete<void>(apiPath("me", "sessions", sessionId)),
    // Also after a 404: the session was already gone, so the list is stale either way.
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.ownSessions }),
        queryClient.invalidateQueries({ queryKey: queryKeys.ownAuditEvents }),
      ]),
  });
}

// Password reset: public, no session.

export function useRequestPasswordReset() {
  return useMutation({
    mutationFn: (request: PasswordResetRequest) =>
      apiClient.post<void>(apiPath("auth", "password-reset"), request),
  });
}

/** Lets this browser log in once past a login lock, with the token of an emailed unlock link. */
export function useUnlockLogin() {
  return useMutation({
    mutationFn: (request: LoginUnlockRequest) =>
      apiClient.post<LoginUnlock>(apiPath("auth", "login-unlock"), request),
  });
}

export function useConfirmPasswordReset() {
  return useMutation({
    mutationFn: (request: PasswordResetConfirmRequest) =>
      apiClient.post<void>(apiPath("auth", "password-reset", "confirm"), request),
  });
}

// Portal sections. Pages of a list keep showing while the next one loads (no flash of an empty table).

export function useTransactions(companyId: string, filters: TransactionFilters, page: PageRequest) {
  return useQuery({
    queryKey: [...queryKeys.transactions(companyId), filters, page],
    queryFn: ({ signal }) =>
      apiClient.get<TransactionPage>(
        apiPath("companies", companyId, "transactions") + queryString({ ...filters, ...page }),
        { signal },
      ),
    placeholderData: keepPreviousData,
  });
}

/** Where the CSV of these filters downloads from (streamed by the server; `transactions.download`). */
export function transactionsExportUrl(companyId: string, filters: TransactionFilters): string {
  return apiPath("companies", companyId, "transactions", "export") + queryString(filters);
}

export function useSettlements(companyId: string, filters: SettlementFilters, page: PageRequest) {
  return useQuery({
    queryKey: [...queryKeys.settlements(companyId), filters, page],
    queryFn: ({ signal }) =>
      apiClient.get<SettlementPage>(
        apiPath("companies", companyId, "settlements") + queryString({ ...filters, ...page }),
        { signal },
      ),
    placeholderData: keepPreviousData,
  });
}

/** Where the CSV of these filters downloads from (streamed by the server; `settlements.download`). */
export function settlementsExportUrl(companyId: string, filters: SettlementFilters): string {
  return apiPath("companies", companyId, "settlements", "export") + queryString(filters);
}

export function useDeveloperCenter(companyId: string) {
  return useQuery({
    queryKey: queryKeys.developerCenter(companyId),
    queryFn: ({ signal }) =>
      apiClient.get<DeveloperCenter>(apiPath("companies", companyId, "developer-center"), { signal }),
  });
}

export function useInsights(companyId: string, period: InsightsQuery) {
  return useQuery({
    queryKey: [...queryKeys.insights(companyId), period],
    queryFn: ({ signal }) =>
      apiClient.get<Insights>(apiPath("companies", companyId, "insights") + queryString(period), { signal }),
    placeholderData: keepPreviousData,
  });
}

// Roles: the catalogue they are composed from, the company's roles, and custom-role changes
// (each needs a fresh Email Verification, which the API client asks for by itself).

export function usePermissionCatalogue() {
  return useQuery({
    queryKey: queryKeys.permissionCatalogue,
    queryFn: ({ signal }) => apiClient.get<PermissionCatalogue>(apiPath("permissions"), { signal }),
    // Fixed by the server's release.
    staleTime: Number.POSITIVE_INFINITY,
  });
}

export function useRoles(companyId: string) {
  return useQuery({
    queryKey: queryKeys.roles(companyId),
    queryFn: ({ signal }) => apiClient.get<RoleList>(apiPath("companies", companyId, "roles"), { signal }),
  });
}

export function useCreateRole(companyId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (request: RoleCreateRequest) =>
      apiClient.post<Role>(apiPath("companies", companyId, "roles"), request),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.roles(companyId) }),
  });
}

export function useUpdateRole(companyId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ roleId, changes }: { roleId: string; changes: RoleUpdateRequest }) =>
      apiClient.patch<Role>(apiPath("companies", companyId, "roles", roleId), changes),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.roles(companyId) });
      // The signed-in member may hold the role: their permissions (menu, buttons) change with it.
      void queryClient.invalidateQueries({ queryKey: queryKeys.me });
    },
  });
}

export function useDeleteRole(companyId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (roleId: string) => apiClient.delete<void>(apiPath("companies", companyId, "roles", roleId)),
    // Also after a refusal: a 404 or role_in_use means the list was stale.
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.roles(companyId) }),
  });
}
