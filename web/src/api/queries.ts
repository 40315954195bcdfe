// TanStack Query hooks for the API calls of the portal shell and its read-only pages.
// Query keys live here so invalidation after a mutation names the same keys.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiClient, apiPath } from "./client";
import type { CompanyInfo, LoginRequest, Me, MerchantAccount } from "./types";

export const queryKeys = {
  me: ["me"] as const,
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
