// SQL of the retention: the oldest rows whose work is over or whose end has passed, deleted a batch
// at a time.
import { type Kysely, type RawBuilder, sql } from "kysely";
import type { DB } from "../db/schema.js";

/**
 * Deletes up to `limit` rows of `table` that `where` picks, the first by `order` (an index's key,
 * so the batch is read in order and nothing else), skipping rows another transaction holds.
 * Returns how many were deleted.
 */
async function deleteBatch(
  db: Kysely<DB>,
  table: keyof DB,
  key: string,
  where: RawBuilder<unknown>,
  order: string,
  limit: number,
): Promise<number> {
  const result = await sql`
    DELETE FROM ${sql.table(table)} WHERE ${sql.ref(key)} IN (
      SELECT ${sql.ref(key)} FROM ${sql.table(table)}
       WHERE ${where}
       ORDER BY ${sql.ref(order)} LIMIT ${limit}
       FOR UPDATE SKIP LOCKED)
    RETURNING 1`.execute(db);
  return result.rows.length;
}

/** The queues whose history is kept for a retention; in both, only 'pending' rows still have work. */
export type QueueTable = "mail_outbox" | "webhook_deliveries";

/**
 * Deletes up to `limit` of the oldest rows of `table` made before `before` whose work is over (a
 * mail sent or failed for good, a delivery delivered or failed for good); a pending row is never
 * deleted. Each table's partial index over these rows (migration 043) gives the batch in order.
 */
export function deleteFinishedBefore(
  db: Kysely<DB>,
  table: QueueTable,
  before: Date,
  limit: number,
): Promise<number> {
  const over = sql`status <> 'pending' AND created_at < ${before}::timestamptz`;
  return deleteBatch(db, table, "id", over, "created_at", limit);
}

/** What ends at its `expires_at` and is of no use after it. */
export type ExpiringTable = "sessions" | "known_devices" | "login_unlock_links";

/** Deletes up to `limit` rows of `table` whose end has passed at `now`, oldest end first. */
export function deleteExpired(
  db: Kysely<DB>,
  table: ExpiringTable,
  now: Date,
  limit: number,
): Promise<number> {
  return deleteBatch(db, table, "id", sql`expires_at <= ${now}::timestamptz`, "expires_at", limit);
}

/**
 * Deletes up to `limit` of the login throttle's counters (rule 14) with no failure since `idleSince`
 * and no lock in force at `now`, oldest first.
 */
export function deleteIdleLoginThrottles(
  db: Kysely<DB>,
  idleSince: Date,
  now: Date,
  limit: number,
): Promise<number> {
  const idle = sql`updated_at < ${idleSince}::timestamptz
                   AND (locked_until IS NULL OR locked_until <= ${now}::timestamptz)`;
  return deleteBatch(db, "login_throttle", "email", idle, "updated_at", limit);
}
