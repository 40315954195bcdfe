// Password hashing with argon2id (rule 14). A failed lookup still verifies against a dummy hash,
// so "no such account" costs the same verification as "wrong password" (rule 10).
import { hash, verify } from "@node-rs/argon2";

// OWASP's argon2id recommendation: m=19 MiB, t=2, p=1.
const OPTIONS = { algorithm: 2 /* Argon2id */, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

let hashes = 0;
let verifications = 0;

export function hashPassword(password: string): Promise<string> {
  hashes += 1;
  return hash(password, OPTIONS);
}

let dummyHash: Promise<string> | null = null;

/**
 * How many argon2 verifications this process has run, dummy ones included. Tests count them per
 * request: every login path must cost the same verifications whether or not the account exists,
 * which holds on a busy machine where timing the answers does not.
 */
export function passwordVerificationCount(): number {
  return verifications;
}

/** How many passwords this process has hashed with argon2 (the dummy hash included), counted alike. */
export function passwordHashCount(): number {
  return hashes;
}

function runVerification(storedHash: string, password: string): Promise<boolean> {
  verifications += 1;
  return verify(storedHash, password).catch(() => false);
}

export async function verifyPassword(storedHash: string | null, password: string): Promise<boolean> {
  if (storedHash === null) {
    dummyHash ??= hashPassword("dummy password that matches nothing");
    await runVerification(await dummyHash, password);
    return false;
  }
  return runVerification(storedHash, password);
}
