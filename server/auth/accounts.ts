// Creating an account with a password: the one place that applies the email canonicalizer and
// the password policy before anything is stored.

import { randomBytes } from "node:crypto";
import type { Transaction } from "kysely";
import type { DB } from "../db/schema.js";
import { AppError } from "../errors.js";
import { canonicalizeEmail } from "../identity/email.js";
import { PERSON_NAME, requireName } from "../identity/names.js";
import { checkPassword } from "../identity/password-policy.js";
import { hashPassword } from "./passwords.js";
import { insertAccount, isEmailTaken } from "./queries.js";

export const PRODUCT_WORDS = ["portal", "merchant", "antom", "alipay"];

export async function createAccount(
  trx: Transaction<DB>,
  input: { email: string; name: string; password: string; now: Date },
): Promise<{ id: string; email: string }> {
  const canonical = canonicalizeEmail(input.email);
  if (!canonical.ok) throw new AppError("validation_failed", canonical.reason, { field: "email" });
  const verdict = checkPassword(input.password, { email: canonical.email, extraWords: PRODUCT_WORDS });
  if (!verdict.ok) throw new AppError("password_rejected", verdict.message, { reason: verdict.code });
  const name = requireName(input.name, PERSON_NAME);
  if (await isEmailTaken(trx, canonical.email)) {
    throw new AppError("conflict", "An account with this email already exists.");
  }
  return insertAccount(trx, {
    email: canonical.email,
    name,
    passwordHash: await hashPassword(input.password),
    now: input.now,
  });
}

/**
 * Creates an account that nobody can log in to with a password yet: one provisioned by the company's
 * identity provider (SCIM, SPEC §6.3). Its hash is of a random secret thrown away at once, so the
 * password check runs as for any account (rule 10) and matches nothing; the person signs in through
 * SSO, or sets a password with a reset link mailed to the address.
 */
export async function createAccountWithoutPassword(
  trx: Transaction<DB>,
  input: { email: string; name: string; now: Date },
): Promise<{ id: string; email: string }> {
  const canonical = canonicalizeEmail(input.email);
  if (!canonical.ok) throw new AppError("validation_failed", canonical.reason, { field: "email" });
  const name = requireName(input.name, PERSON_NAME);
  if (await isEmailTaken(trx, canonical.email)) {
    throw new AppError("conflict", "An account with this email already exists.");
  }
  return insertAccount(trx, {
    email: canonical.email,
    name,
    passwordHash: await hashPassword(randomBytes(32).toString("base64url")),
    now: input.now,
  });
}
