// TanStack Query hooks of the caller's second factors (SPEC §6.2): the list, TOTP enrolment, naming,
// removal and recovery codes. Changes answered `403 step_up_required` open the verification window.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, dataOf, noContent } from "./client";

export const mfaQueryKeys = {
  // Not under "me": the query cache treats every "me…" key as the session probe.
  factors: ["own-second-factors"] as const,
};

export function useOwnFactors() {
  return useQuery({
    queryKey: mfaQueryKeys.factors,
    queryFn: ({ signal }) => dataOf(api.GET("/api/me/mfa", { signal })),
  });
}

export function useStartTotpEnrolment() {
  return useMutation({
    mutationFn: (name?: string) =>
      dataOf(api.POST("/api/me/mfa/totp", { body: name === undefined ? {} : { name } })),
  });
}

export function useConfirmTotpEnrolment() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (code: string) => dataOf(api.POST("/api/me/mfa/totp/confirm", { body: { code } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: mfaQueryKeys.factors }),
  });
}

export function useRenameFactor() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ factorId, name }: { factorId: string; name: string }) =>
      dataOf(api.PATCH("/api/me/mfa/{factorId}", { params: { path: { factorId } }, body: { name } })),
    onSuccess: (list) => queryClient.setQueryData(mfaQueryKeys.factors, list),
  });
}

export function useRemoveFactor() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (factorId: string) =>
      noContent(api.DELETE("/api/me/mfa/{factorId}", { params: { path: { factorId } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: mfaQueryKeys.factors }),
  });
}

export function useRegenerateRecoveryCodes() {
  return useMutation({
    mutationFn: () => dataOf(api.POST("/api/me/mfa/recovery-codes")),
  });
}
