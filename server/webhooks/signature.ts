// The Portal-Signature header (SPEC §6.5): `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`, with
// one v1 per valid secret, so a receiver keeps verifying through a rotation (the old one lasts 24 h).
import { createHmac, randomBytes } from "node:crypto";

export const SIGNATURE_HEADER = "Portal-Signature";

/** A new signing secret: 32 random bytes, prefixed so a leaked one is recognisable in a scan. */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString("base64url")}`;
}

export function signatureOf(secret: string, timestamp: number, body: string): string {
  return createHmac("sha256", secret).update(`${timestamp}.${body}`, "utf8").digest("hex");
}

/** The header's value for `body` signed at `at` with every secret given (current first). */
export function signatureHeader(secrets: readonly string[], at: Date, body: string): string {
  const timestamp = Math.floor(at.getTime() / 1000);
  return [`t=${timestamp}`, ...secrets.map((secret) => `v1=${signatureOf(secret, timestamp, body)}`)].join(
    ",",
  );
}
