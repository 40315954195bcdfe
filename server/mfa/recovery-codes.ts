// Recovery codes (SPEC §6.2): ten random single-use codes per account, shown once, stored as
// SHA-256 digests bound to the account. Pure generation, normalisation and hashing; SQL elsewhere.
import { createHash, randomInt } from "node:crypto";

export const RECOVERY_CODE_COUNT = 10;
// No 0/o, 1/l/i: a code copied from paper is read back the same. 31 symbols, 10 of them: ~49 bits.
const ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789";
const CODE_LENGTH = 10;

/** A fresh set of codes as shown to the person, e.g. `k7qm2-xr9bd`. */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    let code = "";
    for (let i = 0; i < CODE_LENGTH; i += 1) code += ALPHABET[randomInt(ALPHABET.length)];
    return `${code.slice(0, 5)}-${code.slice(5)}`;
  });
}

/** What a person typed, in the one spelling that is hashed: case, spaces and dashes do not count. */
export function normalizeRecoveryCode(typed: string): string {
  return typed.toLowerCase().replace(/[\s-]/g, "");
}

/** The stored digest; the account id salts it, so equal codes of two accounts differ. */
export function hashRecoveryCode(accountId: string, typed: string): string {
  return createHash("sha256")
    .update(`${accountId}:${normalizeRecoveryCode(typed)}`, "utf8")
    .digest("hex");
}
