// Owns the one email canonicalizer (SPEC 15, SECURITY 47) used by login, invitation, acceptance, reset and uniqueness.
// Policy: NFKC, trim, lowercase, then validate; local part ASCII-only and case-folded (dots and +tags kept), domain IDNA-encoded; fullwidth ＠ NFKC-folds into @ and names the same address; we store and mail only the canonical form.
import { domainToASCII, domainToUnicode } from "node:url";

export type CanonicalEmailResult = { ok: true; email: string } | { ok: false; reason: string };

/** Longest raw input looked at, checked before any normalisation so huge strings cost nothing. */
export const MAX_EMAIL_INPUT_LENGTH = 320;
const MAX_LOCAL_PART_LENGTH = 64;
const MAX_DOMAIN_LENGTH = 253;
/** RFC 5321 path limit (256 including the angle brackets): longer addresses cannot be mailed. */
const MAX_CANONICAL_LENGTH = 254;

// RFC 5322 atext plus the dot; dots are further restricted below. Quoted local parts are not supported.
const LOCAL_PART = /^[a-z0-9!#$%&'*+/=?^_`{|}~.-]+$/;
// Before IDNA the domain may hold non-ASCII letters, but its ASCII must be hostname characters:
// the WHATWG host parser would otherwise percent-decode (`ex%61mple`) or cut at `/`, `?`, `#`.
const ASCII_OUTSIDE_HOSTNAME = /[^a-z0-9.\-\u0080-\u{10ffff}]/u;
const DOMAIN_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
// Invisible characters that IDNA would silently drop (soft hyphen, zero-width space, variation selectors):
// reject them rather than let `exam<ZWSP>ple.com` quietly become example.com.
const INVISIBLE_OR_CONTROL = /[\p{Default_Ignorable_Code_Point}\p{Cc}\p{Cf}\p{Zl}\p{Zp}\s]/u;
// Scripts whose letters are confusable with each other; one label may use only one of them.
const CONFUSABLE_SCRIPTS = [/\p{Script=Latin}/u, /\p{Script=Cyrillic}/u, /\p{Script=Greek}/u];

function reject(reason: string): CanonicalEmailResult {
  return { ok: false, reason };
}

function isMixedScriptLabel(label: string): boolean {
  return CONFUSABLE_SCRIPTS.filter((script) => script.test(label)).length > 1;
}

function canonicalizeDomain(rawDomain: string): { ok: true; domain: string } | { ok: false; reason: string } {
  const invalid = { ok: false as const, reason: "The email domain is not a valid domain name." };
  if (rawDomain.length === 0 || ASCII_OUTSIDE_HOSTNAME.test(rawDomain)) return invalid;
  const domain = domainToASCII(rawDomain);
  if (domain === "" || domain.length > MAX_DOMAIN_LENGTH) return invalid;
  const labels = domain.split(".");
  if (labels.length < 2) return invalid;
  if (!labels.every((label) => DOMAIN_LABEL.test(label))) return invalid;
  if (/^[0-9]+$/.test(labels[labels.length - 1] ?? "")) return invalid;
  // Checked on the Unicode form so `ехample.com` and its punycode spelling are judged alike.
  if (domainToUnicode(domain).split(".").some(isMixedScriptLabel)) {
    return {
      ok: false,
      reason: "The email domain mixes look-alike alphabets (for example Latin and Cyrillic).",
    };
  }
  return { ok: true, domain };
}

/** The only way an email enters the system; compare, store and mail only `email` of an ok result. */
export function canonicalizeEmail(input: unknown): CanonicalEmailResult {
  if (typeof input !== "string") return reject("The email must be a string.");
  if (input.length > MAX_EMAIL_INPUT_LENGTH) return reject("The email is too long.");
  const normalized = input.normalize("NFKC").trim().toLowerCase();
  if (normalized.length === 0) return reject("The email is empty.");
  if (INVISIBLE_OR_CONTROL.test(normalized)) {
    return reject("The email contains spaces, line breaks or invisible characters.");
  }
  const parts = normalized.split("@");
  if (parts.length !== 2) return reject("The email must contain exactly one @.");
  const [local = "", rawDomain = ""] = parts;

  if (local.length === 0 || local.length > MAX_LOCAL_PART_LENGTH) {
    return reject("The part before the @ must be 1 to 64 characters.");
  }
  if (/\P{ASCII}/u.test(local)) {
    return reject("The part before the @ must use only unaccented Latin letters, digits and common symbols.");
  }
  if (!LOCAL_PART.test(local))
    return reject("The part before the @ contains a character that is not allowed.");
  if (local.startsWith(".") || local.endsWith(".") || local.includes("..")) {
    return reject("The part before the @ cannot start or end with a dot or contain two dots in a row.");
  }

  const domain = canonicalizeDomain(rawDomain);
  if (!domain.ok) return reject(domain.reason);
  const email = `${local}@${domain.domain}`;
  if (email.length > MAX_CANONICAL_LENGTH) return reject("The email is too long.");
  return { ok: true, email };
}

/** True only when both are valid emails naming the same canonical address. */
export function isSameEmail(a: unknown, b: unknown): boolean {
  const left = canonicalizeEmail(a);
  const right = canonicalizeEmail(b);
  return left.ok && right.ok && left.email === right.email;
}

/** Hint of where a code was sent (`a***e@example.com`); never echoes an invalid input back. */
export function maskEmail(email: string): string {
  const canonical = canonicalizeEmail(email);
  if (!canonical.ok) return "***";
  const at = canonical.email.indexOf("@");
  const local = canonical.email.slice(0, at);
  const domain = canonical.email.slice(at + 1);
  const visibleEnd = local.length > 2 ? local.slice(-1) : "";
  return `${local.slice(0, 1)}***${visibleEnd}@${domain}`;
}
