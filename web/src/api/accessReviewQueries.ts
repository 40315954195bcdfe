// TanStack Query hooks of access reviews (`security.manage`, SPEC §6.4): the list, one review, a
// decision per member, completion (the Email Verification window opens when it must).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, dataOf } from "./client";
import type { AccessReviewDecision } from "./types";

export const accessReviewQueryKeys = {
  all: (companyId: string) => ["companies", companyId, "access-reviews"] as const,
  one: (companyId: string, reviewId: string) => ["companies", companyId, "access-reviews", reviewId] as const,
};

export function useAccessReviews(companyId: string) {
  return useQuery({
    queryKey: accessReviewQueryKeys.all(companyId),
    queryFn: ({ signal }) =>
      dataOf(
        api.GET("/api/companies/{cid}/access-reviews", { params: { path: { cid: companyId } }, signal }),
      ),
  });
}

export function useAccessReview(companyId: string, reviewId: string | null) {
  return useQuery({
    queryKey: accessReviewQueryKeys.one(companyId, reviewId ?? ""),
    enabled: reviewId !== null,
    queryFn: ({ signal }) =>
      dataOf(
        api.GET("/api/companies/{cid}/access-reviews/{reviewId}", {
          params: { path: { cid: companyId, reviewId: reviewId ?? "" } },
          signal,
        }),
      ),
  });
}

export function useStartAccessReview(companyId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () =>
      dataOf(api.POST("/api/companies/{cid}/access-reviews", { params: { path: { cid: companyId } } })),
    onSuccess: (review) => {
      queryClient.setQueryData(accessReviewQueryKeys.one(companyId, review.id), review);
      void queryClient.invalidateQueries({ queryKey: accessReviewQueryKeys.all(companyId) });
    },
  });
}

export function useDecideAccessReview(companyId: string, reviewId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ memberId, decision }: { memberId: string; decision: AccessReviewDecision }) =>
      dataOf(
        api.PUT("/api/companies/{cid}/access-reviews/{reviewId}/decisions/{memberId}", {
          params: { path: { cid: companyId, reviewId, memberId } },
          body: decision,
        }),
      ),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: accessReviewQueryKeys.all(companyId) }),
  });
}

export function useCompleteAccessReview(companyId: string, reviewId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () =>
      dataOf(
        api.POST("/api/companies/{cid}/access-reviews/{reviewId}/complete", {
          params: { path: { cid: companyId, reviewId } },
        }),
      ),
    onSuccess: (review) => {
      queryClient.setQueryData(accessReviewQueryKeys.one(companyId, reviewId), review);
      void queryClient.invalidateQueries({ queryKey: accessReviewQueryKeys.all(companyId) });
      // Members' roles and statuses changed.
      void queryClient.invalidateQueries({ queryKey: ["companies", companyId, "members"] });
    },
    // A completion that failed part-way has closed the review and applied some decisions: show them.
    onError: () => {
      void queryClient.invalidateQueries({ queryKey: accessReviewQueryKeys.all(companyId) });
      void queryClient.invalidateQueries({ queryKey: ["companies", companyId, "members"] });
    },
  });
}
