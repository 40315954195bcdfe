// TanStack Query hooks of a company's verified domains (`security.manage`): list, add, verify by DNS,
// remove; each change may open the Email Verification window first (the API client does that).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, dataOf, noContent } from "./client";

export const domainQueryKeys = {
  list: (companyId: string) => ["companies", companyId, "domains"] as const,
};

export function useDomains(companyId: string) {
  return useQuery({
    queryKey: domainQueryKeys.list(companyId),
    queryFn: ({ signal }) =>
      dataOf(api.GET("/api/companies/{cid}/domains", { params: { path: { cid: companyId } }, signal })),
  });
}

export function useAddDomain(companyId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (domain: string) =>
      dataOf(
        api.POST("/api/companies/{cid}/domains", { params: { path: { cid: companyId } }, body: { domain } }),
      ),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: domainQueryKeys.list(companyId) }),
  });
}

export function useVerifyDomain(companyId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (domainId: string) =>
      dataOf(
        api.POST("/api/companies/{cid}/domains/{domainId}/verify", {
          params: { path: { cid: companyId, domainId } },
        }),
      ),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: domainQueryKeys.list(companyId) }),
  });
}

export function useRemoveDomain(companyId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (domainId: string) =>
      noContent(
        api.DELETE("/api/companies/{cid}/domains/{domainId}", {
          params: { path: { cid: companyId, domainId } },
        }),
      ),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: domainQueryKeys.list(companyId) }),
  });
}
