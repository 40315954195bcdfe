// TanStack Query hooks for the API calls of the portal shell, the profile, password reset and
// email verification. Query keys live here so invalidation after a mutation names the same keys.
import {
  keepPreviousData,
  type QueryClient,
  queryOptions,
  useMutation,
  useQuery,
  useQueryClient,
} from "@tanstack/react-query";
import { findEntryByPath, isEntryAllowed, pathInCompany } from "../navigation";
import { api, apiPath, dataOf, noContent, noStepUp, queryString } from "./client";
import type {
  AlternateEmailConfirmRequest,
  AlternateEmailRequest,
  InsightsQuery,
  LoginRequest,
  LoginUnlockRequest,
  Me,
  PasswordChangeRequest,
  PasswordResetConfirmRequest,
  PasswordResetRequest,
  RoleCreateRequest,
  RoleUpdateRequest,
  SettlementFilters,
  StepUpRequest,
  TransactionFilters,
} from "./types";

export const queryKeys = {
  me: ["me"] as const,
  // Not under "me": the query cache treats every "me…" key as the session probe.
  ownSessions: ["own-sessions"] as const,
  ownAuditEvents: ["own-audit-events"] as const,
  companyInfo: (companyId: string) => ["companies", companyId, "info"] as const,
  merchantAccount: (companyId: string) => ["companies", companyId, "account"] as const,
  merchantAccounts: (companyId: string) => ["companies", companyId, "merchant-accounts"] as const,
  transactions: (companyId: string) => ["companies", companyId, "transactions"] as const,
  settlements: (companyId: string) => ["companies", companyId, "settlements"] as const,
  developerCenter: (companyId: string) => ["companies", companyId, "developer-center"] as const,
  insights: (companyId: string) => ["companies", companyId, "insights"] as const,
  roles: (companyId: string) => ["companies", companyId, "roles"] as const,
  permissionCatalogue: ["permission-catalogue"] as const,
};

/** One page of a cursor-paginated collection: the cursor of the page (none for the first) and its size. */
export interface PageRequest {
  cursor: string | undefined;
  limit: number;
}

/** `GET /api/me` as the cache holds it, for useMe and for reading it afresh (fetchQuery). */
export const meQuery = queryOptions({
  queryKey: queryKeys.me,
  queryFn: ({ signal }) => dataOf(api.GET("/api/me", { signal })),
});

export function useMe() {
  return useQuery(meQuery);
}

/** The size of the member list's first page when the address names none (useMemberListView's default). */
const MEMBER_LIST_FIRST_PAGE_SIZE = 20;

/**
 * Asks for what the portal page at this address shows first, before the page's code arrives and
 * in parallel with it: the signed-in account, then, when the address is the member list's default
 * view and the account may see it, the list's first page and the company's roles, under the keys
 * the page reads. Resolves once those answers are in the cache or have failed (the page then asks
 * again itself); nothing is asked that the page would not ask, so no refusal is provoked.
 */
export async function prefetchForAddress(
  queryClient: QueryClient,
  address: { pathname: string; search: string },
): Promise<void> {
  const segment = /^\/c\/([^/]+)/.exec(address.pathname)?.[1];
  const companyId = segment === undefined ? undefined : decodeURIComponent(segment);
  const path = companyId === undefined ? undefined : pathInCompany(address.pathname, companyId);
  const entry = path === undefined ? undefined : findEntryByPath(path);
  const isMemberList = entry?.key === "member-list" && entry.path === path && address.search === "";
  const [me, memberQueries] = await Promise.all([
    queryClient.fetchQuery(meQuery).catch(() => undefined),
    isMemberList ? import("./memberQueries") : undefined,
  ]);
  if (me === undefined || companyId === undefined || entry === undefined || memberQueries === undefined) {
    return;
  }
  const membership = me.memberships.find((candidate) => candidate.companyId === companyId);
  if (
    membership?.status !== "active" ||
    membership.mfaEnrolmentRequired === true ||
    !isEntryAllowed(entry, membership.permissions)
  ) {
    return;
  }
  // The key and the call of useMembers for no filters and the first page.
  const page: PageRequest = { cursor: undefined, limit: MEMBER_LIST_FIRST_PAGE_SIZE };
  await Promise.allSettled([
    queryClient.prefetchQuery({
      queryKey: [...memberQueries.memberQueryKeys.members(companyId), {}, page],
      queryFn: ({ signal }) =>
        dataOf(
          api.GET("/api/companies/{cid}/members", {
            params: { path: { cid: companyId }, query: { ...page } },
            signal,
          }),
        ),
    }),
    queryClient.prefetchQuery(rolesQuery(companyId)),
  ]);
}

export function useCompanyInfo(companyId: string) {
  return useQuery({
    queryKey: queryKeys.companyInfo(companyId),
    queryFn: ({ signal }) =>
      dataOf(api.GET("/api/companies/{cid}", { params: { path: { cid: companyId } }, signal })),
  });
}

export function useMerchantAccount(companyId: string) {
  return useQuery({
    queryKey: queryKeys.merchantAccount(companyId),
    queryFn: ({ signal }) =>
      dataOf(api.GET("/api/companies/{cid}/account", { params: { path: { cid: companyId } }, signal })),
  });
}

/** The company's merchant accounts in the caller's scope (SPEC §6.4). */
export function useMerchantAccounts(companyId: string) {
  return useQuery({
    queryKey: queryKeys.merchantAccounts(companyId),
    queryFn: ({ signal }) =>
      dataOf(
        api.GET("/api/companies/{cid}/merchant-accounts", { params: { path: { cid: companyId } }, signal }),
      ),
  });
}

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (credentials: LoginRequest) => dataOf(api.POST("/api/auth/login", { body: credentials })),
    onSuccess: (answer) => {
      // Nothing cached for a previous account may survive into this session.
      queryClient.clear();
      // A second step still due: not logged in yet, nothing to show as "me".
      if (!("mfaRequired" in answer)) queryClient.setQueryData(queryKeys.me, answer);
    },
  });
}

/** The login's second step: a code from the authenticator app, or a recovery code. */
export function useCompleteSecondStep() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ method, code }: { method: "totp" | "recovery_code"; code: string }) =>
      dataOf(
        method === "totp"
          ? api.POST("/api/auth/mfa/totp", { body: { code } })
          : api.POST("/api/auth/mfa/recovery", { body: { code } }),
      ),
    onSuccess: (me: Me) => queryClient.setQueryData(queryKeys.me, me),
  });
}

export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => noContent(api.POST("/api/auth/logout")),
    // Whether or not the server still knew the session, nothing of it stays in the browser.
    onSettled: () => queryClient.clear(),
  });
}

/** Deletes the caller's own account (password + Email Verification); nothing of it stays in the browser. */
export function useDeleteOwnAccount() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (password: string) => noContent(api.DELETE("/api/me", { body: { password } })),
    onSuccess: () => queryClient.clear(),
  });
}

// Email verification (step-up). These calls never ask for a step-up themselves.

export function useStartStepUp() {
  return useMutation({
    mutationFn: (request: StepUpRequest) =>
      dataOf(api.POST("/api/verification/step-up", { body: request, ...noStepUp })),
  });
}

export function useVerifyStepUp() {
  return useMutation({
    mutationFn: ({ challengeId, code }: { challengeId: string; code: string }) =>
      dataOf(
        api.POST("/api/verification/step-up/{challengeId}/verify", {
          params: { path: { challengeId } },
          body: { code },
          ...noStepUp,
        }),
      ),
  });
}

// The profile: alternate email, password, own sessions.

export function useStartAlternateEmail() {
  return useMutation({
    mutationFn: (request: AlternateEmailRequest) =>
      dataOf(api.POST("/api/me/alternate-email", { body: request })),
  });
}

export function useConfirmAlternateEmail() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (request: AlternateEmailConfirmRequest) =>
      dataOf(api.POST("/api/me/alternate-email/verify", { body: request })),
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
    mutationFn: (request: PasswordChangeRequest) =>
      noContent(api.POST("/api/me/password", { body: request })),
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
    queryFn: ({ signal }) => dataOf(api.GET("/api/me/sessions", { signal })),
  });
}

/** The caller's own account events (Profile > Security), one page newest first. */
export function useOwnAuditEvents(page: PageRequest) {
  return useQuery({
    queryKey: [...queryKeys.ownAuditEvents, page],
    queryFn: ({ signal }) => dataOf(api.GET("/api/me/audit-events", { params: { query: page }, signal })),
    placeholderData: keepPreviousData,
  });
}

export function useEndSession() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (sessionId: string) =>
      noContent(api.DELETE("/api/me/sessions/{sessionId}", { params: { path: { sessionId } } })),
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
      noContent(api.POST("/api/auth/password-reset", { body: request })),
  });
}

/** Lets this browser log in once past a login lock, with the token of an emailed unlock link. */
export function useUnlockLogin() {
  return useMutation({
    mutationFn: (request: LoginUnlockRequest) =>
      dataOf(api.POST("/api/auth/login-unlock", { body: request })),
  });
}

export function useConfirmPasswordReset() {
  return useMutation({
    mutationFn: (request: PasswordResetConfirmRequest) =>
      noContent(api.POST("/api/auth/password-reset/confirm", { body: request })),
  });
}

// Portal sections. Pages of a list keep showing while the next one loads (no flash of an empty table).

export function useTransactions(companyId: string, filters: TransactionFilters, page: PageRequest) {
  return useQuery({
    queryKey: [...queryKeys.transactions(companyId), filters, page],
    queryFn: ({ signal }) =>
      dataOf(
        api.GET("/api/companies/{cid}/transactions", {
          params: { path: { cid: companyId }, query: { ...filters, ...page } },
          signal,
        }),
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
      dataOf(
        api.GET("/api/companies/{cid}/settlements", {
          params: { path: { cid: companyId }, query: { ...filters, ...page } },
          signal,
        }),
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
      dataOf(
        api.GET("/api/companies/{cid}/developer-center", { params: { path: { cid: companyId } }, signal }),
      ),
  });
}

export function useInsights(companyId: string, period: InsightsQuery) {
  return useQuery({
    queryKey: [...queryKeys.insights(companyId), period],
    queryFn: ({ signal }) =>
      dataOf(
        api.GET("/api/companies/{cid}/insights", {
          params: { path: { cid: companyId }, query: period },
          signal,
        }),
      ),
    placeholderData: keepPreviousData,
  });
}

// Roles: the catalogue they are composed from, the company's roles, and custom-role changes
// (each needs a fresh Email Verification, which the API client asks for by itself).

export function usePermissionCatalogue() {
  return useQuery({
    queryKey: queryKeys.permissionCatalogue,
    queryFn: ({ signal }) => dataOf(api.GET("/api/permissions", { signal })),
    // Fixed by the server's release.
    staleTime: Number.POSITIVE_INFINITY,
  });
}

function rolesQuery(companyId: string) {
  return queryOptions({
    queryKey: queryKeys.roles(companyId),
    queryFn: ({ signal }) =>
      dataOf(api.GET("/api/companies/{cid}/roles", { params: { path: { cid: companyId } }, signal })),
  });
}

export function useRoles(companyId: string) {
  return useQuery(rolesQuery(companyId));
}

export function useCreateRole(companyId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (request: RoleCreateRequest) =>
      dataOf(api.POST("/api/companies/{cid}/roles", { params: { path: { cid: companyId } }, body: request })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.roles(companyId) }),
  });
}

export function useUpdateRole(companyId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ roleId, changes }: { roleId: string; changes: RoleUpdateRequest }) =>
      dataOf(
        api.PATCH("/api/companies/{cid}/roles/{roleId}", {
          params: { path: { cid: companyId, roleId } },
          body: changes,
        }),
      ),
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
    mutationFn: (roleId: string) =>
      noContent(
        api.DELETE("/api/companies/{cid}/roles/{roleId}", { params: { path: { cid: companyId, roleId } } }),
      ),
    // Also after a refusal: a 404 or role_in_use means the list was stale.
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.roles(companyId) }),
  });
}
