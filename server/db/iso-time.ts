// A time as the text Date#toISOString writes (UTC, milliseconds), formatted by the database.
// Answers that carry many times (CSV exports, member pages) read them this way rather than parse each
// into a Date and format it back in JavaScript. Milliseconds are truncated, as a Date holds them.
import { type RawBuilder, sql } from "kysely";

const ISO_MILLISECONDS = sql.raw(`'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`);

/** `time` (a timestamptz expression) as ISO 8601 text in UTC, or NULL when it is NULL. */
export function isoTime(time: RawBuilder<unknown>): RawBuilder<string> {
  return sql<string>`to_char(${time} AT TIME ZONE 'UTC', ${ISO_MILLISECONDS})`;
}
