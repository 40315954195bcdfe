// The caller's language and time zone (SPEC §6.6, PUT /api/me/preferences): saving them also updates
// the cached GET /api/me, so the page's account language and the switch never disagree.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, dataOf } from "./client";
import { queryKeys } from "./queries";
import type { Me } from "./types";

export type PreferencesChange = { language?: "en" | "zh-CN"; timeZone?: string };

export function useSavePreferences() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (change: PreferencesChange) => dataOf(api.PUT("/api/me/preferences", { body: change })),
    onSuccess: (saved) => {
      queryClient.setQueryData<Me>(queryKeys.me, (me) =>
        me
          ? {
              ...me,
              account: {
                ...me.account,
                ...(saved.language ? { language: saved.language } : {}),
                ...(saved.timeZone ? { timeZone: saved.timeZone } : {}),
              },
            }
          : me,
      );
    },
  });
}
