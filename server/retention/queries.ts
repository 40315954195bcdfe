// SQL of the queues' retention: the oldest rows whose work is over, deleted a batch at a time.
import { type Kysely, sql } from "kysely";
import type { DB } from "../db/schema.js";

/** The queues whose history is kept for a retention; in both, only 'pending' rows still have work. */
export type QueueTable = "mail_outbox" | "webhook_deliveries";

/**
 * Deletes up to `limit` of the oldest rows of `table` made before `before` whose work is over (a
 * mail sent or failed for good, a delivery delivered or failed for good), skipping rows another
 * instance holds; a pending row is never deleted. Each table's partial index over these rows
 * (migration 043) gives the batch in order. Returns how many were deleted.
 */
export async function deleteFinishedBefore(
  db: Kysely<DB>,
  table: QueueTable,
  before: Date,
  limit: number,
): Promise<number> {
  const result = await sql<{ id: string }>`
    DELETE FROM ${sql.table(table)} WHERE id IN (
      SELECT id FROM ${sql.table(table)}
       WHERE status <> 'pending' AND created_at < ${before}::timestamptz
       ORDER BY created_at LIMIT ${limit}
       FOR UPDATE SKIP LOCKED)
    RETURNING id`.execute(db);
  return result.rows.length;
}

/** What ends at its `expires_at` and is of no use after it. */
export type ExpiringTable = "sessions" | "known_devices" | "login_unlock_links";

/**
 * Deletes up to `limit` rows of `table` whose end has passed at `now`, oldest end first, skipping
 * rows another transaction holds (a login touching its session). Returns how many were deleted.
 */
export async function deleteExpired(
  db: Kysely<DB>,
  table: ExpiringTable,
  now: Date,
  limit: number,
): Promise<number> {
  const result = await sql<{ id: string }>`
    DELETE FROM ${sql.table(table)} WHERE id IN (
      SELECT id FROM ${sql.table(table)}
       WHERE expires_at <= ${now}::timestamptz
       ORDER BY expires_at LIMIT ${limit}
       FOR UPDATE SKIP LOCKED)
    RETURNING id`.execute(db);
  return result.rows.length;
}

/**
 * Deletes up to `limit` of the login throttle's counters (rule 14) with no failure since `idleSince`
 * and no lock in force at `now`, oldest first. Returns how many were deleted.
 */
export async function deleteIdleLoginThrottles(
  db: Kysely<DB>,
  idleSince: Date,
  now: Date,
  limit: number,
): Promise<number> {
  const result = await sql<{ email: string }>`
    DELETE FROM login_throttle WHERE email IN (
      SELECT email FROM login_throttle
       WHERE updated_at < ${idleSince}::timestamptz
         AND (locked_until IS NULL OR locked_until <= ${now}::timestamptz)
       ORDER BY updated_at LIMIT ${limit}
       FOR UPDATE SKIP LOCKED)
    RETURNING email`.execute(db);
  return result.rows.length;
}
