// TanStack Query hooks of single sign-on: the company's SSO settings (`security.manage`; saving may
// open the Email Verification window) and the login page's "Continue with SSO".
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, dataOf } from "./client";
import type { components, paths } from "./schema";

export type SsoSettings = components["schemas"]["SsoSettings"];
export type SsoSettingsRequest =
  paths["/api/companies/{cid}/sso"]["put"]["requestBody"]["content"]["application/json"];

export const ssoQueryKeys = {
  settings: (companyId: string) => ["companies", companyId, "sso"] as const,
};

export function useSsoSettings(companyId: string) {
  return useQuery({
    queryKey: ssoQueryKeys.settings(companyId),
    queryFn: ({ signal }) =>
      dataOf(api.GET("/api/companies/{cid}/sso", { params: { path: { cid: companyId } }, signal })),
  });
}

export function useChangeSsoSettings(companyId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (request: SsoSettingsRequest) =>
      dataOf(api.PUT("/api/companies/{cid}/sso", { params: { path: { cid: companyId } }, body: request })),
    onSuccess: (settings) => queryClient.setQueryData(ssoQueryKeys.settings(companyId), settings),
  });
}

/** Asks where to sign in for this email's domain, then leaves for the identity provider. */
export function useStartSsoLogin() {
  return useMutation({
    mutationFn: (email: string) => dataOf(api.POST("/api/auth/sso/start", { body: { email } })),
    onSuccess: ({ redirectUrl }) => window.location.assign(redirectUrl),
  });
}
