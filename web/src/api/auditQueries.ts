// TanStack Query hooks of the audit log (`audit.view`): the filtered list, newest first, and the
// address of its CSV export with the same filters.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { apiClient, apiPath } from "./client";
import { type PageRequest, queryString } from "./queries";
import type { AuditEventPage, AuditFilters } from "./types";

export const auditQueryKeys = {
  auditEvents: (companyId: string) => ["companies", companyId, "audit-events"] as const,
};

export function useAuditEvents(companyId: string, filters: AuditFilters, page: PageRequest) {
  return useQuery({
    queryKey: [...auditQueryKeys.auditEvents(companyId), filters, page],
    queryFn: ({ signal }) =>
      apiClient.get<AuditEventPage>(
        apiPath("companies", companyId, "audit-events") + queryString({ ...filters, ...page }),
        { signal },
      ),
    placeholderData: keepPreviousData,
  });
}

/** Where the CSV of these filters downloads from (streamed by the server). */
export function auditExportUrl(companyId: string, filters: AuditFilters): string {
  return apiPath("companies", companyId, "audit-events", "export") + queryString({ ...filters });
}
