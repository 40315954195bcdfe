// Owns the one validator of names people read (a person's, a role's, a company's) and the
// confusable key that tells whether two role names would look alike in a picker (TR39 skeleton).
import unhomoglyph from "unhomoglyph";
import { AppError } from "../errors.js";

// Control (Cc) and format (Cf) characters (zero-width U+200B..U+200D and U+2060, the BOM, bidi
// embeddings, overrides and isolates U+202A..U+202E, U+2066..U+2069), lone surrogates (Cs), and
// line and paragraph separators: each is invisible, or reorders or splits what the reader sees.
const INVISIBLE_OR_CONTROL = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/u;
const DEFAULT_IGNORABLE = /\p{Default_Ignorable_Code_Point}/gu;
const WHITESPACE_RUN = /\s+/gu;

export type NameKind = { field: string; label: string; maxLength: number };

export const PERSON_NAME: NameKind = { field: "name", label: "Name", maxLength: 200 };
export const COMPANY_NAME: NameKind = { field: "name", label: "Company name", maxLength: 200 };
export const COMPANY_LEGAL_NAME: NameKind = { field: "legalName", label: "Legal name", maxLength: 300 };
export const ROLE_NAME: NameKind = { field: "body.name", label: "Role name", maxLength: 60 };

export type NameVerdict = { ok: true; name: string } | { ok: false; message: string };

/** The name trimmed, or why it cannot be one: empty, too long, or holding an invisible character. */
export function checkName(value: string, kind: NameKind): NameVerdict {
  // Before trimming, which would silently drop a leading byte order mark or a trailing newline.
  if (INVISIBLE_OR_CONTROL.test(value)) {
    return {
      ok: false,
      message: `${kind.label} must be one line of visible characters: no control, zero-width or text-direction characters.`,
    };
  }
  const name = value.trim();
  if (name.length === 0 || name.length > kind.maxLength) {
    return { ok: false, message: `${kind.label} must be 1 to ${kind.maxLength} characters.` };
  }
  return { ok: true, name };
}

/** The trimmed name, or 400 validation_failed naming the field. */
export function requireName(value: string, kind: NameKind): string {
  const verdict = checkName(value, kind);
  if (!verdict.ok) throw new AppError("validation_failed", verdict.message, { field: kind.field });
  return verdict.name;
}

/** Unicode TR39's skeleton: NFD, each character to its prototype in confusables.txt, NFD again. */
const skeleton = (text: string) =>
  unhomoglyph(text.normalize("NFD").replace(DEFAULT_IGNORABLE, "")).normalize("NFD");
const spacesMadeOne = (text: string) => text.replace(WHITESPACE_RUN, " ").trim();

/**
 * Equal for two names that read alike whatever their case: the skeleton of the lower-cased name,
 * lower-cased again, ignorable characters dropped and runs of spaces made one. "Аdmin" (Cyrillic А)
 * and "ADMIN" both give admin's key. Role names are unique regardless of case, so their keys are too.
 */
export function confusableKey(name: string): string {
  return spacesMadeOne(skeleton(name.toLowerCase()).toLowerCase());
}

/**
 * The skeleton of the name as written, then of its lower case: a capital I reads as a small l in
 * the portal's sans-serif type, and TR39 says so only before the case is folded ("Ops Iead", "Ops
 * lead"; lower-cased first, the I became an i).
 */
function writtenCaseKey(name: string): string {
  return spacesMadeOne(skeleton(skeleton(name).toLowerCase()).toLowerCase());
}

/** Whether two names would look alike in a picker: the same key either way. */
export function readsAlike(a: string, b: string): boolean {
  return confusableKey(a) === confusableKey(b) || writtenCaseKey(a) === writtenCaseKey(b);
}
