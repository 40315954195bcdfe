// TanStack Query hooks of a company's security policy (`security.manage`): read it with the members
// who have no second factor, and change it (the Email Verification window opens when it must).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, dataOf } from "./client";
import { queryKeys } from "./queries";
import type { SecurityPolicyRequest } from "./types";

export const securityPolicyQueryKeys = {
  policy: (companyId: string) => ["companies", companyId, "security-policy"] as const,
};

export function useSecurityPolicy(companyId: string) {
  return useQuery({
    queryKey: securityPolicyQueryKeys.policy(companyId),
    queryFn: ({ signal }) =>
      dataOf(
        api.GET("/api/companies/{cid}/security-policy", { params: { path: { cid: companyId } }, signal }),
      ),
  });
}

export function useChangeSecurityPolicy(companyId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (request: SecurityPolicyRequest) =>
      dataOf(
        api.PUT("/api/companies/{cid}/security-policy", {
          params: { path: { cid: companyId } },
          body: request,
        }),
      ),
    onSuccess: (policy) => {
      queryClient.setQueryData(securityPolicyQueryKeys.policy(companyId), policy);
      // The caller's own access may change with the requirement (`me` says whether they must enrol).
      void queryClient.invalidateQueries({ queryKey: queryKeys.me });
    },
  });
}
