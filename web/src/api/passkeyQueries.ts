// Passkeys through the API (SPEC §6.2): registering the caller's own (they are listed among the
// second factors, GET /api/me/mfa), logging in with
// one, and answering a step-up with one. The browser's part runs through @simplewebauthn/browser,
// fetched when a passkey is first used: the login page does not carry it for everyone.
import type {
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
} from "@simplewebauthn/browser";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, dataOf, noStepUp } from "./client";
import { mfaQueryKeys } from "./mfaQueries";
import { queryKeys } from "./queries";
import type { paths } from "./schema";

type RegisterBody = NonNullable<
  paths["/api/me/passkeys"]["post"]["requestBody"]
>["content"]["application/json"];
type LoginBody = NonNullable<
  paths["/api/auth/passkey"]["post"]["requestBody"]
>["content"]["application/json"];

/** Options from the server (after a step-up if it asks), the authenticator's answer, then the server's check. */
export function useAddPasskey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (name: string | undefined) => {
      const options = await dataOf(api.POST("/api/me/passkeys/options"));
      const { startRegistration } = await import("@simplewebauthn/browser");
      const response = await startRegistration({
        optionsJSON: options as unknown as PublicKeyCredentialCreationOptionsJSON,
      });
      return dataOf(
        api.POST("/api/me/passkeys", {
          body: { ...(name ? { name } : {}), response: response as unknown as RegisterBody["response"] },
        }),
      );
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: mfaQueryKeys.factors }),
  });
}

export function usePasskeyLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async () => {
      const options = await dataOf(api.POST("/api/auth/passkey/options"));
      const { startAuthentication } = await import("@simplewebauthn/browser");
      const response = await startAuthentication({
        optionsJSON: options as unknown as PublicKeyCredentialRequestOptionsJSON,
      });
      return dataOf(
        api.POST("/api/auth/passkey", { body: { response: response as unknown as LoginBody["response"] } }),
      );
    },
    onSuccess: (me) => {
      // Nothing cached for a previous account may survive into this session.
      queryClient.clear();
      queryClient.setQueryData(queryKeys.me, me);
    },
  });
}

/** Answers a step-up challenge of method passkey with the authenticator. */
export function usePasskeyStepUp() {
  return useMutation({
    mutationFn: async ({ challengeId, options }: { challengeId: string; options: unknown }) => {
      const { startAuthentication } = await import("@simplewebauthn/browser");
      const assertion = await startAuthentication({
        optionsJSON: options as PublicKeyCredentialRequestOptionsJSON,
      });
      return dataOf(
        api.POST("/api/verification/step-up/{challengeId}/verify", {
          params: { path: { challengeId } },
          body: { assertion: assertion as unknown as LoginBody["response"] },
          ...noStepUp,
        }),
      );
    },
  });
}
