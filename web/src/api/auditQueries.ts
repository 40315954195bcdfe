// TanStack Query hooks of the audit log (`audit.view`): the filtered list, newest first, and the
// address of its CSV export with the same filters.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api, apiPath, dataOf, queryString } from "./client";
import type { PageRequest } from "./queries";
import type { AuditFilters } from "./types";

export const auditQueryKeys = {
  auditEvents: (companyId: string) => ["companies", companyId, "audit-events"] as const,
  auditActions: (companyId: string) => ["companies", companyId, "audit-actions"] as const,
};

/** The server's catalogue of audit actions (the action filter's options); it changes with a release only. */
export function useAuditActions(companyId: string) {
  return useQuery({
    queryKey: auditQueryKeys.auditActions(companyId),
    queryFn: ({ signal }) =>
      dataOf(
        api.GET("/api/companies/{cid}/audit-events/actions", {
          params: { path: { cid: companyId } },
          signal,
        }),
      ),
    staleTime: Number.POSITIVE_INFINITY,
  });
}

export function useAuditEvents(companyId: string, filters: AuditFilters, page: PageRequest) {
  return useQuery({
    queryKey: [...auditQueryKeys.auditEvents(companyId), filters, page],
    queryFn: ({ signal }) =>
      dataOf(
        api.GET("/api/companies/{cid}/audit-events", {
          params: { path: { cid: companyId }, query: { ...filters, ...page } },
          signal,
        }),
      ),
    placeholderData: keepPreviousData,
  });
}

/** The events done to one member, newest first; under the audit log's key, so changes refresh it. */
export function useMemberAuditEvents(companyId: string, memberId: string, page: PageRequest) {
  return useQuery({
    queryKey: [...auditQueryKeys.auditEvents(companyId), "member", memberId, page],
    queryFn: ({ signal }) =>
      dataOf(
        api.GET("/api/companies/{cid}/members/{memberId}/audit-events", {
          params: { path: { cid: companyId, memberId }, query: page },
          signal,
        }),
      ),
    placeholderData: keepPreviousData,
  });
}

/** Where the CSV of these filters downloads from (streamed by the server). */
export function auditExportUrl(companyId: string, filters: AuditFilters): string {
  return apiPath("companies", companyId, "audit-events", "export") + queryString({ ...filters });
}
