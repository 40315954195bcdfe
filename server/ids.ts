// Ids: every row's id is a UUID. The one pattern that recognises one, and the one comparison of two.
// PostgreSQL reads a UUID in either case of its letters, so both accept either.

/** The text of a UUID, for a pattern that embeds it (unanchored, to be matched case-insensitively). */
export const UUID_PATTERN_SOURCE = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

const UUID = new RegExp(`^${UUID_PATTERN_SOURCE}$`, "i");

/** Is this text a UUID (in either case)? */
export function isUuid(value: unknown): value is string {
  return typeof value === "string" && UUID.test(value);
}

/** Two UUIDs are the same id whatever the case of their letters. */
export function isSameId(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
