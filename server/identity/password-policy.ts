// Owns the password acceptance rule (SPEC 14, SECURITY 1–2): length in code points, common-password list, context words.
// It only judges: the password is hashed exactly as typed, never truncated or case-folded; folding here is for comparison only.
import { createRequire } from "node:module";
import { canonicalizeEmail } from "./email.js";

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;
/** Context words (email local part and its pieces, product or company names) shorter than this are ignored. */
const MIN_CONTEXT_WORD_LENGTH = 3;

export type PasswordRejectionCode =
  | "password_too_short"
  | "password_too_long"
  | "password_common"
  | "password_contains_email"
  | "password_invalid";

export type PasswordCheckResult = { ok: true } | { ok: false; code: PasswordRejectionCode; message: string };

export interface PasswordContext {
  /** The account's email; its local part (and the pieces between . _ - +) may not appear in the password. */
  email?: string;
  /** Further words the password may not contain, such as the product name "portal" or the company name. */
  extraWords?: string[];
}

type LanguageCommon = typeof import("@zxcvbn-ts/language-common");

let commonPasswords: Set<string> | undefined;

// Loaded on first use: the package decompresses ~49,000 entries, which startup and unrelated tests need not pay for.
function loadCommonPasswords(): Set<string> {
  if (commonPasswords === undefined) {
    const require = createRequire(import.meta.url);
    const { dictionary } = require("@zxcvbn-ts/language-common") as LanguageCommon;
    commonPasswords = new Set(dictionary["passwords-common"].map((entry) => entry.toLowerCase()));
  }
  return commonPasswords;
}

/** Size of the shipped common-password list (SPEC 14 requires at least 10,000). */
export function commonPasswordCount(): number {
  return loadCommonPasswords().size;
}

// "Password123!" and "!!qwerty2024" are list entries dressed up with ASCII digits, punctuation or spaces.
// Only ASCII is stripped, so a password with any other character never reduces to a list entry.
const ASCII_PADDING = /^[\x20-\x40\x5b-\x60\x7b-\x7e]+|[\x20-\x40\x5b-\x60\x7b-\x7e]+$/g;

function isCommonPassword(folded: string): boolean {
  const list = loadCommonPasswords();
  if (list.has(folded)) return true;
  const core = folded.replace(ASCII_PADDING, "");
  return core.length > 0 && core !== folded && list.has(core);
}

function fold(text: string): string {
  return text.normalize("NFKC").toLowerCase();
}

function codePointLength(text: string): number {
  return [...text].length;
}

function emailWords(email: string): string[] {
  const canonical = canonicalizeEmail(email);
  // An address that does not canonicalize is still the user's; judge its raw local part rather than skip it.
  const address = canonical.ok ? canonical.email : fold(email.trim());
  const at = address.lastIndexOf("@");
  const local = at >= 0 ? address.slice(0, at) : address;
  const pieces = local.split(/[._+-]+/);
  return [local, ...pieces].filter((word) => codePointLength(word) >= MIN_CONTEXT_WORD_LENGTH);
}

function reject(code: PasswordRejectionCode, message: string): PasswordCheckResult {
  return { ok: false, code, message };
}

/** Decides whether a new password may be set; never alters it. */
export function checkPassword(password: unknown, context: PasswordContext): PasswordCheckResult {
  if (typeof password !== "string") return reject("password_invalid", "The password must be text.");
  // A lone UTF-16 surrogate is not a character and cannot be encoded as UTF-8 for hashing without loss.
  if (/[\ud800-\udfff]/u.test(password)) {
    return reject("password_invalid", "The password contains an invalid character; please retype it.");
  }
  const length = codePointLength(password);
  if (length < PASSWORD_MIN_LENGTH) {
    return reject(
      "password_too_short",
      `The password must be at least ${PASSWORD_MIN_LENGTH} characters long; a few unrelated words make a good one.`,
    );
  }
  if (length > PASSWORD_MAX_LENGTH) {
    return reject(
      "password_too_long",
      `The password must be at most ${PASSWORD_MAX_LENGTH} characters long.`,
    );
  }

  const folded = fold(password);
  if (isCommonPassword(folded)) {
    return reject(
      "password_common",
      "This password is on a list of commonly used passwords (digits or symbols around it do not help); choose something less predictable.",
    );
  }
  if (context.email !== undefined && emailWords(context.email).some((word) => folded.includes(word))) {
    return reject(
      "password_contains_email",
      "The password must not contain your email address or your name from it.",
    );
  }
  for (const word of context.extraWords ?? []) {
    const foldedWord = fold(word.trim());
    if (codePointLength(foldedWord) >= MIN_CONTEXT_WORD_LENGTH && folded.includes(foldedWord)) {
      return reject(
        "password_common",
        `The password must not contain the word "${word.trim()}", which is easy to guess here.`,
      );
    }
  }
  return { ok: true };
}
