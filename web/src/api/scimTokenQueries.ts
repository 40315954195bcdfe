// TanStack Query hooks of a company's SCIM tokens (`security.manage`): list (never the secret),
// create (the answer carries the token, once), revoke; changes may open the Email Verification window.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, dataOf, noContent } from "./client";

export const scimTokenQueryKeys = {
  list: (companyId: string) => ["companies", companyId, "scim-tokens"] as const,
};

export function useScimTokens(companyId: string) {
  return useQuery({
    queryKey: scimTokenQueryKeys.list(companyId),
    queryFn: ({ signal }) =>
      dataOf(api.GET("/api/companies/{cid}/scim-tokens", { params: { path: { cid: companyId } }, signal })),
  });
}

export function useCreateScimToken(companyId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (name: string) =>
      dataOf(
        api.POST("/api/companies/{cid}/scim-tokens", {
          params: { path: { cid: companyId } },
          body: { name },
        }),
      ),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: scimTokenQueryKeys.list(companyId) }),
  });
}

export function useRevokeScimToken(companyId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (tokenId: string) =>
      noContent(
        api.DELETE("/api/companies/{cid}/scim-tokens/{tokenId}", {
          params: { path: { cid: companyId, tokenId } },
        }),
      ),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: scimTokenQueryKeys.list(companyId) }),
  });
}
