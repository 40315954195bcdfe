// Opaque secrets (session, invitation, reset and unlock tokens): 256 bits from the CSPRNG,
// sent to the holder once and stored only as their SHA-256.
import { hash, randomBytes } from "node:crypto";

export function newSecretToken(): string {
  return randomBytes(32).toString("base64url");
}

export function hashSecretToken(token: string): string {
  return hash("sha256", token, "hex");
}

/** A token as we issue it: 43 base64url characters. Anything else is rejected before hashing. */
export function looksLikeSecretToken(value: unknown): value is string {
  return typeof value === "string" && /^[A-Za-z0-9_-]{43}$/.test(value);
}
