// A company's audit log read page by page, as the log's pages are asked: every page after every
// cursor (occurred_at, id), for tests that compare a way of reading the log with another.
import type { Kysely } from "kysely";
import type { AuditFilter, listAuditEvents, listNamedAuditEvents } from "../../server/audit/queries.js";
import type { DB } from "../../server/db/schema.js";

/** Every page of `size` after every cursor, as ids. */
export async function auditPages(
  db: Kysely<DB>,
  filter: AuditFilter,
  list: typeof listAuditEvents | typeof listNamedAuditEvents,
  size: number,
): Promise<string[][]> {
  const seen: string[][] = [];
  let after: [Date, string] | null = null;
  for (;;) {
    const rows: { id: string; occurred_at: Date }[] = await list(db, filter, after, size);
    seen.push(rows.map((row) => row.id));
    if (rows.length < size) return seen;
    const last = rows[rows.length - 1] as { id: string; occurred_at: Date };
    after = [new Date(last.occurred_at), last.id];
  }
}
