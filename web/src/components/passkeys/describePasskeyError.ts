// What a failed passkey ceremony says: the browser's refusals (cancelled, no passkey, not allowed
// here) in words, and the server's answers as they came.
import { isApiError } from "../../api/client";
import { describeError } from "../errorMessages";

export function describePasskeyError(error: unknown): string {
  if (isApiError(error)) return describeError(error);
  const name = error instanceof Error ? error.name : "";
  if (name === "NotAllowedError" || name === "AbortError") {
    return "The passkey request was cancelled or timed out. Try again.";
  }
  if (name === "InvalidStateError") return "This passkey is already registered.";
  if (name === "SecurityError" || name === "NotSupportedError") {
    return "This browser cannot use passkeys on this site.";
  }
  return "The passkey could not be used. Try again.";
}
