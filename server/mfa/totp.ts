// TOTP as RFC 6238 and SPEC §6.2 fix it: SHA-1, 6 digits, 30-second steps, one step either side of
// now, and a step accepted once. Pure functions over the otpauth library; storage is in service.ts.
import { timingSafeEqual } from "node:crypto";
import { HOTP, Secret, TOTP } from "otpauth";

export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
/** Steps accepted on either side of the current one, for clocks that drift a little. */
export const TOTP_WINDOW = 1;
export const TOTP_ISSUER = "Merchant Portal";

/** A new shared secret: 160 random bits (RFC 4226's recommended length), base32 as apps expect. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** The otpauth:// URL an authenticator app reads from the QR code. */
export function totpUrl(secretBase32: string, accountEmail: string): string {
  return new TOTP({
    issuer: TOTP_ISSUER,
    label: accountEmail,
    algorithm: "SHA1",
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
    secret: Secret.fromBase32(secretBase32),
  }).toString();
}

/** The time step (30-second period since the epoch) that `at` falls in. */
export function totpStepAt(at: Date): number {
  return Math.floor(at.getTime() / 1000 / TOTP_PERIOD_SECONDS);
}

/**
 * The step, within the window around `now`, whose code `code` is, and which is later than
 * `lastAcceptedStep`: a step once accepted (or an earlier one) never passes again, so a code seen
 * over a shoulder or replayed from a log is worthless. Null when no such step matches.
 */
export function matchingTotpStep(
  secretBase32: string,
  code: string,
  now: Date,
  lastAcceptedStep: number | null,
): number | null {
  if (!/^[0-9]{6}$/.test(code)) return null;
  const secret = Secret.fromBase32(secretBase32);
  const current = totpStepAt(now);
  let matched: number | null = null;
  // Every candidate is computed and compared, so the time taken does not say which step matched.
  for (let step = current - TOTP_WINDOW; step <= current + TOTP_WINDOW; step += 1) {
    const expected = HOTP.generate({ secret, algorithm: "SHA1", digits: TOTP_DIGITS, counter: step });
    const isSame = timingSafeEqual(Buffer.from(expected), Buffer.from(code));
    if (isSame && (lastAcceptedStep === null || step > lastAcceptedStep)) matched = step;
  }
  return matched;
}
