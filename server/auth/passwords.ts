// Password hashing with argon2id (rule 14). A failed lookup still verifies against a dummy hash,
// so "no such account" takes as long as "wrong password" (rule 10).
import { hash, verify } from "@node-rs/argon2";

// OWASP's argon2id recommendation: m=19 MiB, t=2, p=1.
const OPTIONS = { algorithm: 2 /* Argon2id */, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

let dummyHash: Promise<string> | null = null;

export async function verifyPassword(storedHash: string | null, password: string): Promise<boolean> {
  if (storedHash === null) {
    dummyHash ??= hashPassword("dummy password that matches nothing");
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  return verify(storedHash, password).catch(() => false);
}
