// Keyset pagination shared by every collection: opaque cursors, the limit bounds, and the
// collection envelope {items,total,totalExact,nextCursor} of SPEC §3.
import { type TSchema, Type } from "@sinclair/typebox";
import { AppError } from "../errors.js";
import { isUuid } from "../ids.js";

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;

export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_LIMIT })),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
};

export function Collection<T extends TSchema>(item: T) {
  return Type.Object({
    items: Type.Array(item),
    total: Type.Integer(),
    totalExact: Type.Boolean(),
    nextCursor: Type.Union([Type.String(), Type.Null()]),
  });
}

/** A cursor is the sort key of the last row seen, opaque to clients. */
export function encodeCursor(values: string[]): string {
  return Buffer.from(JSON.stringify(values), "utf8").toString("base64url");
}

export function decodeCursor(cursor: string | undefined, arity: number): string[] | null {
  if (cursor === undefined) return null;
  try {
    const values = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (
      Array.isArray(values) &&
      values.length === arity &&
      values.every((v) => typeof v === "string" && v.length < 200)
    ) {
      return values;
    }
  } catch {
    // fall through
  }
  throw new AppError("validation_failed", "The cursor is not valid; start again from the first page.", {
    field: "cursor",
  });
}

function invalidCursor(): AppError {
  return new AppError("validation_failed", "The cursor is not valid; start again from the first page.", {
    field: "cursor",
  });
}

/** A cursor of (time, id): the keyset of every newest-first list. */
export function decodeTimeIdCursor(cursor: string | undefined): [Date, string] | null {
  const values = decodeCursor(cursor, 2);
  if (values === null) return null;
  const [at = "", id = ""] = values;
  const time = new Date(at);
  if (Number.isNaN(time.getTime()) || !isUuid(id)) throw invalidCursor();
  return [time, id];
}

/** A cursor holding one row id. */
export function decodeIdCursor(cursor: string | undefined): string | null {
  const id = decodeCursor(cursor, 1)?.[0] ?? null;
  if (id !== null && !isUuid(id)) throw invalidCursor();
  return id;
}

/** Splits a fetched page of limit+1 rows into the page and the cursor of the next one. */
export function pageOf<R>(rows: R[], limit: number, keyOf: (row: R) => string[]) {
  const hasMore = rows.length > limit;
  const items = hasMore ? rows.slice(0, limit) : rows;
  const last = items[items.length - 1];
  return { items, nextCursor: hasMore && last ? encodeCursor(keyOf(last)) : null };
}
