// The pure parts of rule 7: every limit as a named constant, making and checking 6-digit codes,
// and the decision whether an account may be sent another code now. No I/O, so it is unit-tested.
import { createHmac, randomInt, timingSafeEqual } from "node:crypto";

/** A code is valid this long after it was sent (SECURITY 40). */
export const CODE_TTL_MS = 10 * 60_000;
/** A verified session counts as stepped up this long. */
export const ELEVATION_MS = 10 * 60_000;
/** Wrong tries per challenge; the last one locks it. */
export const MAX_WRONG_TRIES = 5;
/** Consecutive failures per account (across codes) before verification is locked for the account. */
export const ACCOUNT_FAILURE_LIMIT = 100;
/** How long that lock lasts; the count starts again afterwards, as for the login lock (rule 14). */
export const ACCOUNT_LOCK_MS = 30 * 60_000;
/** Minimum wait between two codes of the same account and purpose. */
export const RESEND_COOLDOWN_MS = 60_000;
/** Codes per account (all purposes) in any rolling hour. */
export const CODES_PER_HOUR = 10;
export const HOUR_MS = 60 * 60_000;

/** A code from the CSPRNG: 6 digits, leading zeros kept (≈ 20 bits, SECURITY 39). */
export function newVerificationCode(): string {
  return randomInt(0, 1_000_000).toString().padStart(6, "0");
}

/** What is stored instead of the code: its HMAC-SHA-256 keyed by the challenge id. */
export function hashVerificationCode(challengeId: string, code: string): string {
  return createHmac("sha256", challengeId).update(code, "utf8").digest("hex");
}

/** Constant-time comparison of a submitted code with the stored hash. */
export function isCorrectCode(challengeId: string, submitted: string, storedHash: string): boolean {
  const expected = Buffer.from(storedHash, "hex");
  const actual = Buffer.from(hashVerificationCode(challengeId, submitted), "hex");
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

export type IssueRefusalReason = "account_locked" | "cooldown" | "hourly_cap";

export type IssueHistory = {
  /** The account's verification lock, if any (past values are ignored). */
  lockedUntil: Date | null;
  /** When the last code of the same account and purpose was sent. */
  lastSamePurposeAt: Date | null;
  /** Send times of the account's codes in the last hour, newest first (at most CODES_PER_HOUR needed). */
  recentNewestFirst: readonly Date[];
};

/**
 * The earliest moment another code may be sent, and which limit sets it. `at <= now` means now.
 * When several limits apply, the latest one wins, so a client that waits `at` is not refused again.
 */
export function nextIssueAllowedAt(history: IssueHistory): { at: Date; reason: IssueRefusalReason | null } {
  const candidates: { at: number; reason: IssueRefusalReason }[] = [];
  if (history.lockedUntil) candidates.push({ at: history.lockedUntil.getTime(), reason: "account_locked" });
  if (history.lastSamePurposeAt) {
    candidates.push({ at: history.lastSamePurposeAt.getTime() + RESEND_COOLDOWN_MS, reason: "cooldown" });
  }
  const oldestThatMustLeave = history.recentNewestFirst[CODES_PER_HOUR - 1];
  if (oldestThatMustLeave) {
    candidates.push({ at: oldestThatMustLeave.getTime() + HOUR_MS, reason: "hourly_cap" });
  }
  const latest = candidates.reduce<{ at: number; reason: IssueRefusalReason } | null>(
    (best, candidate) => (best === null || candidate.at > best.at ? candidate : best),
    null,
  );
  return latest ? { at: new Date(latest.at), reason: latest.reason } : { at: new Date(0), reason: null };
}

/** Null when a code may be sent now; otherwise why not and how long to wait. */
export function issueRefusal(
  history: IssueHistory,
  now: Date,
): { reason: IssueRefusalReason; retryAfterMs: number } | null {
  const next = nextIssueAllowedAt(history);
  if (next.reason === null || next.at.getTime() <= now.getTime()) return null;
  return { reason: next.reason, retryAfterMs: next.at.getTime() - now.getTime() };
}
