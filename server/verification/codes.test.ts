// Unit tests of the pure rule-7 pieces: code making, hashing and comparison, and the decision
// whether another code may be sent (cooldown, rolling hourly cap, account lock).
import { describe, expect, it } from "vitest";
import {
  CODES_PER_HOUR,
  HOUR_MS,
  hashVerificationCode,
  isCorrectCode,
  issueRefusal,
  newVerificationCode,
  nextIssueAllowedAt,
  RESEND_COOLDOWN_MS,
} from "./codes.js";

const CHALLENGE = "6f1c1c1e-7d4b-4a57-9c1e-2f1a3b4c5d6e";
const at = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms);

describe("rule 7: verification codes", () => {
  it("are 6 digits, leading zeros kept, and spread over the whole range", () => {
    const codes = Array.from({ length: 2000 }, () => newVerificationCode());
    for (const code of codes) expect(code).toMatch(/^\d{6}$/);
    expect(new Set(codes).size).toBeGreaterThan(1990);
    expect(codes.some((code) => code.startsWith("0"))).toBe(true);
  });

  it("are stored as an HMAC keyed by the challenge, never as themselves", () => {
    const hash = hashVerificationCode(CHALLENGE, "012345");
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toContain("012345");
    expect(hashVerificationCode("00000000-0000-4000-8000-000000000000", "012345")).not.toBe(hash);
  });

  it("match only the exact code", () => {
    const hash = hashVerificationCode(CHALLENGE, "012345");
    expect(isCorrectCode(CHALLENGE, "012345", hash)).toBe(true);
    for (const other of ["12345", "0123450", "012346", " 012345", "", "０１２３４５"]) {
      expect(isCorrectCode(CHALLENGE, other, hash), other).toBe(false);
    }
    expect(isCorrectCode("00000000-0000-4000-8000-000000000000", "012345", hash)).toBe(false);
    expect(isCorrectCode(CHALLENGE, "012345", "not hex")).toBe(false);
  });
});

describe("rule 7: when another code may be sent", () => {
  const none = { lockedUntil: null, lastSamePurposeAt: null, recentNewestFirst: [] };

  it("allows the first code at once", () => {
    expect(issueRefusal(none, at(0))).toBeNull();
  });

  it("waits 60 s after the previous code of the same purpose", () => {
    const history = { ...none, lastSamePurposeAt: at(0), recentNewestFirst: [at(0)] };
    expect(issueRefusal(history, at(RESEND_COOLDOWN_MS - 1))).toEqual({
      reason: "cooldown",
      retryAfterMs: 1,
    });
    expect(issueRefusal(history, at(RESEND_COOLDOWN_MS))).toBeNull();
  });

  it("allows 10 codes in any rolling hour, then waits for the oldest of them to leave it", () => {
    const ten = Array.from({ length: CODES_PER_HOUR }, (_, i) => at((CODES_PER_HOUR - 1 - i) * 120_000));
    const history = { ...none, recentNewestFirst: ten };
    const now = at(ten[0]!.getTime() - at(0).getTime() + 120_000);
    expect(issueRefusal(history, now)).toEqual({
      reason: "hourly_cap",
      retryAfterMs: HOUR_MS - (now.getTime() - at(0).getTime()),
    });
    expect(issueRefusal(history, at(HOUR_MS))).toBeNull();
    expect(issueRefusal({ ...none, recentNewestFirst: ten.slice(1) }, now)).toBeNull();
  });

  it("refuses while the account is locked, and names the limit that lasts longest", () => {
    const history = { lockedUntil: at(30 * 60_000), lastSamePurposeAt: at(0), recentNewestFirst: [at(0)] };
    expect(issueRefusal(history, at(1000))).toEqual({
      reason: "account_locked",
      retryAfterMs: 30 * 60_000 - 1000,
    });
    expect(issueRefusal({ ...history, lockedUntil: at(-1) }, at(1000))).toEqual({
      reason: "cooldown",
      retryAfterMs: RESEND_COOLDOWN_MS - 1000,
    });
  });

  it("tells when the next code may go, right after one was sent", () => {
    expect(nextIssueAllowedAt({ ...none, lastSamePurposeAt: at(0), recentNewestFirst: [at(0)] }).at).toEqual(
      at(RESEND_COOLDOWN_MS),
    );
  });
});
