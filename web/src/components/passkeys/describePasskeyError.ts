// What a failed passkey ceremony says: the browser's refusals (cancelled, no passkey, not allowed
// here) in words, and the server's answers as they came.
import { isApiError } from "../../api/client";
import { i18next } from "../../i18n";
import { describeError } from "../errorMessages";

export function describePasskeyError(error: unknown): string {
  if (isApiError(error)) return describeError(error);
  const t = (key: string) => i18next.t(key, { ns: "errors" });
  const name = error instanceof Error ? error.name : "";
  if (name === "NotAllowedError" || name === "AbortError") return t("passkey.cancelled");
  if (name === "InvalidStateError") return t("passkey.alreadyRegistered");
  if (name === "SecurityError" || name === "NotSupportedError") return t("passkey.unsupported");
  return t("passkey.failed");
}
