// What an API error says to the user where the server's own message is not enough: how long to
// wait after a 429, and the answers to a wrong, expired or used-up verification code.
import { isApiError } from "../api/client";

/** "1 second", "45 seconds", "about 3 minutes". */
export function describeWait(seconds: number): string {
  if (seconds <= 90) return seconds === 1 ? "1 second" : `${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  return `about ${minutes} minutes`;
}

/** " Try again in 45 seconds." when the server sent `Retry-After`, else "". */
function tryAgainHint(error: unknown): string {
  if (!isApiError(error) || error.retryAfterSeconds === null || error.retryAfterSeconds <= 0) return "";
  return ` Try again in ${describeWait(error.retryAfterSeconds)}.`;
}

/** Any failed call: the server's message, with the wait after a 429. */
export function describeError(error: unknown): string {
  if (!isApiError(error)) return "Something went wrong. Try again.";
  if (error.status === 429) {
    return `${error.code === "rate_limited" ? "Too many requests." : error.message}${tryAgainHint(error) || " Try again later."}`;
  }
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
      if (typeof attemptsLeft !== "number") return { message: "Wrong code.", needsNewCode: false };
      if (attemptsLeft <= 0) {
        return { message: "Wrong code. No attempts left; request a new code.", needsNewCode: true };
      }
      const attempts = attemptsLeft === 1 ? "1 attempt" : `${attemptsLeft} attempts`;
      return { message: `Wrong code. ${attempts} left.`, needsNewCode: false };
    }
    case "challenge_expired":
      return { message: "This code has expired. Request a new code.", needsNewCode: true };
    // The challenge is gone (replaced by a newer code, or from before the session changed).
    case "not_found":
      return { message: "This code is no longer valid. Request a new code.", needsNewCode: true };
    case "too_many_attempts":
      return {
        message: `Too many wrong codes.${tryAgainHint(error) || " Request a new code."}`,
        needsNewCode: true,
      };
    default:
      return { message: describeError(error), needsNewCode: false };
  }
}
