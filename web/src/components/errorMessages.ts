// What an API error says to the user where the server's own message is not enough: how long to
// wait after a 429, and the answers to a wrong, expired or used-up verification code. The words are
// the `errors` catalogue's; the server writes its own `message` in the page's language already.
import { isApiError } from "../api/client";
import { i18next } from "../i18n";

const t = (key: string, options?: Record<string, unknown>) => i18next.t(key, { ns: "errors", ...options });

/** "1 second", "45 seconds", "about 3 minutes". */
export function describeWait(seconds: number): string {
  if (seconds <= 90) return t("wait.seconds", { count: seconds });
  return t("wait.minutes", { count: Math.ceil(seconds / 60) });
}

/** " Try again in 45 seconds." when the server sent `Retry-After`, else "". */
function tryAgainHint(error: unknown): string {
  if (!isApiError(error) || error.retryAfterSeconds === null || error.retryAfterSeconds <= 0) return "";
  return t("tryAgainIn", { wait: describeWait(error.retryAfterSeconds) });
}

/** Any failed call: the server's message, with the wait after a 429. */
export function describeError(error: unknown): string {
  if (!isApiError(error)) return t("somethingWrong");
  if (error.status === 429) {
    return `${error.code === "rate_limited" ? t("tooManyRequests") : error.message}${tryAgainHint(error) || t("tryAgainLater")}`;
  }
  // The client's own failures are worded here, in the page's current language.
  if (error.code === "network_error") return t("network");
  return error.message;
}

export interface CodeErrorDescription {
  message: string;
  /** The challenge is dead (expired or out of attempts): only a new code helps. */
  needsNewCode: boolean;
}

/** A failed check of a mailed code (step-up or a new alternate email). */
export function describeCodeError(error: unknown): CodeErrorDescription {
  if (!isApiError(error)) return { message: describeError(error), needsNewCode: false };
  switch (error.code) {
    case "invalid_code": {
      const attemptsLeft = error.details.attemptsLeft;
      if (typeof attemptsLeft !== "number") return { message: t("code.wrong"), needsNewCode: false };
      if (attemptsLeft <= 0) return { message: t("code.noAttemptsLeft"), needsNewCode: true };
      return { message: t("code.attemptsLeft", { count: attemptsLeft }), needsNewCode: false };
    }
    case "challenge_expired":
      return { message: t("code.expired"), needsNewCode: true };
    // The challenge is gone (replaced by a newer code, or from before the session changed).
    case "not_found":
      return { message: t("code.noLongerValid"), needsNewCode: true };
    case "too_many_attempts":
      return {
        message: `${t("code.tooMany")}${tryAgainHint(error) || t("code.requestNew")}`,
        needsNewCode: true,
      };
    default:
      return { message: describeError(error), needsNewCode: false };
  }
}
