// TanStack Query hooks of a company's webhook endpoints (`webhooks.manage`): list, create (the secret
// is answered once), change, rotate, delete, the delivery log and redelivery. Changes step up when asked.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, dataOf, noContent } from "./client";
import type { components } from "./schema";

export type WebhookEndpoint = components["schemas"]["WebhookEndpoint"];
export type WebhookDelivery = components["schemas"]["WebhookDelivery"];

export const webhookQueryKeys = {
  endpoints: (companyId: string) => ["companies", companyId, "webhooks"] as const,
  deliveries: (companyId: string, endpointId: string) =>
    ["companies", companyId, "webhooks", endpointId, "deliveries"] as const,
};

export function useWebhookEndpoints(companyId: string) {
  return useQuery({
    queryKey: webhookQueryKeys.endpoints(companyId),
    queryFn: ({ signal }) =>
      dataOf(api.GET("/api/companies/{cid}/webhooks", { params: { path: { cid: companyId } }, signal })),
  });
}

export function useWebhookDeliveries(companyId: string, endpointId: string | null) {
  return useQuery({
    queryKey: webhookQueryKeys.deliveries(companyId, endpointId ?? ""),
    enabled: endpointId !== null,
    queryFn: ({ signal }) =>
      dataOf(
        api.GET("/api/companies/{cid}/webhooks/{webhookId}/deliveries", {
          params: { path: { cid: companyId, webhookId: endpointId ?? "" }, query: { limit: 50 } },
          signal,
        }),
      ),
  });
}

function useInvalidate(companyId: string) {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: webhookQueryKeys.endpoints(companyId) });
}

export function useCreateWebhookEndpoint(companyId: string) {
  const invalidate = useInvalidate(companyId);
  return useMutation({
    mutationFn: (body: { url: string; events: WebhookEndpoint["events"]; description?: string }) =>
      dataOf(
        api.POST("/api/companies/{cid}/webhooks", {
          params: { path: { cid: companyId } },
          body: body as never,
        }),
      ),
    onSuccess: () => void invalidate(),
  });
}

export function useUpdateWebhookEndpoint(companyId: string) {
  const invalidate = useInvalidate(companyId);
  return useMutation({
    mutationFn: ({ id, enabled }: { id: string; enabled: boolean }) =>
      dataOf(
        api.PATCH("/api/companies/{cid}/webhooks/{webhookId}", {
          params: { path: { cid: companyId, webhookId: id } },
          body: { enabled },
        }),
      ),
    onSuccess: () => void invalidate(),
  });
}

export function useRotateWebhookSecret(companyId: string) {
  const invalidate = useInvalidate(companyId);
  return useMutation({
    mutationFn: (id: string) =>
      dataOf(
        api.POST("/api/companies/{cid}/webhooks/{webhookId}/rotate-secret", {
          params: { path: { cid: companyId, webhookId: id } },
        }),
      ),
    onSuccess: () => void invalidate(),
  });
}

export function useDeleteWebhookEndpoint(companyId: string) {
  const invalidate = useInvalidate(companyId);
  return useMutation({
    mutationFn: (id: string) =>
      noContent(
        api.DELETE("/api/companies/{cid}/webhooks/{webhookId}", {
          params: { path: { cid: companyId, webhookId: id } },
        }),
      ),
    onSuccess: () => void invalidate(),
  });
}

export function useRedeliverWebhook(companyId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (deliveryId: string) =>
      dataOf(
        api.POST("/api/companies/{cid}/webhooks/deliveries/{deliveryId}/redeliver", {
          params: { path: { cid: companyId, deliveryId } },
        }),
      ),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: webhookQueryKeys.endpoints(companyId) }),
  });
}
