// How an email search term becomes a LIKE pattern, for every list searched by email (members,
// invitations): the same text finds the same addresses in both.

/** Shorter search terms match the start of the email: trigrams need three characters. */
export const SUBSTRING_MIN_LENGTH = 3;

/** Escapes LIKE's wildcards so `_`, `%` and `\` in a search match themselves. */
export function likePattern(term: string, match: "prefix" | "substring"): string {
  const escaped = term.replace(/[\\%_]/g, (c) => `\\${c}`);
  return match === "prefix" ? `${escaped}%` : `%${escaped}%`;
}

/** The pattern of a search over canonical (lower-case) emails; undefined for a blank term. */
export function emailSearchPattern(text: string | undefined): string | undefined {
  const term = text?.trim().toLowerCase() ?? "";
  if (term === "") return undefined;
  return likePattern(term, term.length < SUBSTRING_MIN_LENGTH ? "prefix" : "substring");
}
