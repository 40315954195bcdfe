// TanStack Query hook of a company's Home page: what its Admin cards count (`members.view`).
import { useQuery } from "@tanstack/react-query";
import { api, dataOf } from "./client";

export const homeQueryKeys = {
  // Under the company's members key, so a member or invitation change refreshes the counts.
  home: (companyId: string) => ["companies", companyId, "members", "home"] as const,
};

export function useCompanyHome(companyId: string, isEnabled: boolean) {
  return useQuery({
    queryKey: homeQueryKeys.home(companyId),
    queryFn: ({ signal }) =>
      dataOf(api.GET("/api/companies/{cid}/home", { params: { path: { cid: companyId } }, signal })),
    enabled: isEnabled,
  });
}
