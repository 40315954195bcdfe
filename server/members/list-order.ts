// The member list's orders (email, name, joined, last active; each ascending or descending, ties by
// member id) and their cursors: a cursor names the order it was made for and the last row's place.
import { AppError } from "../errors.js";
import { encodeCursor } from "../http/pagination.js";
import { isUuid } from "../ids.js";

export const MEMBER_SORT_KEYS = ["email", "name", "joinedAt", "lastActiveAt"] as const;
export type MemberSortKey = (typeof MEMBER_SORT_KEYS)[number];

export type MemberOrder = { key: MemberSortKey; descending: boolean };

export const DEFAULT_MEMBER_ORDER: MemberOrder = { key: "email", descending: false };

/**
 * Where a page starts: after the member `id`, whose sort key, as the database writes it (times in
 * microseconds), is `key`; null only in last-active order, for a member who never signed in.
 */
export type MemberPosition = { key: string | null; id: string };

/** The longest a sort key in a cursor can be: a 200-character name, in bytes of UTF-8, and then some. */
const MAX_KEY_LENGTH = 1_000;
const MICROSECOND_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

function orderName(order: MemberOrder): string {
  return `${order.key}:${order.descending ? "desc" : "asc"}`;
}

export function encodeMemberCursor(order: MemberOrder, position: MemberPosition): string {
  return encodeCursor([orderName(order), position.key, position.id] as string[]);
}

function invalidCursor(message = "The cursor is not valid; start again from the first page."): AppError {
  return new AppError("validation_failed", message, { field: "cursor" });
}

/** The position a cursor names; 400 when it is not one, or was made for another order. */
export function decodeMemberCursor(cursor: string | undefined, order: MemberOrder): MemberPosition | null {
  if (cursor === undefined) return null;
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw invalidCursor();
  }
  if (!Array.isArray(values) || values.length !== 3) throw invalidCursor();
  const [name, key, id] = values as unknown[];
  if (typeof name !== "string" || typeof id !== "string" || !isUuid(id)) throw invalidCursor();
  if (name !== orderName(order)) {
    throw invalidCursor("The cursor belongs to another sort order; start again from the first page.");
  }
  const isTime = order.key === "joinedAt" || order.key === "lastActiveAt";
  if (key === null) {
    // Only last activity has members without a key (they come last).
    if (order.key !== "lastActiveAt") throw invalidCursor();
    return { key: null, id };
  }
  if (typeof key !== "string" || key.length > MAX_KEY_LENGTH || key.includes("\u0000")) throw invalidCursor();
  if (isTime && !MICROSECOND_TIME.test(key)) throw invalidCursor();
  return { key, id };
}
