// SQL for audit_events' monthly partitions (migration 021): creating a month's partition ahead of
// its rows, and dropping a whole month past retention (rule 11). Rows are never deleted from the
// log; the one DELETE here removes rows from the detached DEFAULT partition in the same transaction
// that copies them into their month's partition, so each event exists exactly once at every commit.
import { type Kysely, sql, type Transaction } from "kysely";
import { isDuplicateTable } from "../db/error-kinds.js";
import type { DB } from "../db/schema.js";

/** Serialises partition maintenance between instances (the migration lock is 727_072_001). */
const PARTITION_LOCK_KEY = 727_072_021;

const MONTH_PARTITION = /^audit_events_y(\d{4})m(\d{2})$/;

/** The first instant of the UTC month of `at`, moved by `offset` months. */
export function monthStart(at: Date, offset = 0): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + offset, 1));
}

/** `2026-03` for March 2026 (UTC). */
export function monthLabel(month: Date): string {
  return month.toISOString().slice(0, 7);
}

export function partitionName(month: Date): string {
  const [year, number] = monthLabel(month).split("-");
  return `audit_events_y${year}m${number}`;
}

/** The month a partition holds, from its name; undefined for DEFAULT and anything else. */
export function partitionMonth(name: string): Date | undefined {
  const match = MONTH_PARTITION.exec(name);
  return match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, 1)) : undefined;
}

/** The partitions of audit_events by name, DEFAULT included. */
export async function listAuditPartitions(db: Kysely<DB> | Transaction<DB>): Promise<string[]> {
  const result = await sql<{ name: string }>`
    SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'audit_events'::regclass ORDER BY c.relname`.execute(db);
  return result.rows.map((row) => row.name);
}

/** The months of the rows that sit in DEFAULT because their month had no partition. */
export async function monthsInDefaultPartition(db: Kysely<DB>): Promise<Date[]> {
  const result = await sql<{ month: Date }>`
    SELECT DISTINCT date_trunc('month', occurred_at, 'UTC') AS month FROM audit_events_default
     ORDER BY 1`.execute(db);
  return result.rows.map((row) => new Date(row.month));
}

/**
 * Creates the partition of one month unless it exists; true when this call created it. Rows of
 * that month already in DEFAULT are moved into it in the same transaction (PostgreSQL refuses to
 * create a partition whose rows sit in DEFAULT). Safe when instances race: they take turns on an
 * advisory lock, and a duplicate from anyone not taking it counts as already created.
 */
export async function createMonthPartition(db: Kysely<DB>, month: Date): Promise<boolean> {
  const name = partitionName(month);
  const from = monthStart(month).toISOString();
  const to = monthStart(month, 1).toISOString();
  try {
    return await db.transaction().execute(async (trx) => {
      await sql`SELECT pg_advisory_xact_lock(${PARTITION_LOCK_KEY})`.execute(trx);
      const exists = await sql<{ found: string | null }>`SELECT to_regclass(${name})::text AS found`.execute(
        trx,
      );
      if (exists.rows[0]?.found) return false;
      const waiting = await sql<{ any: boolean }>`
        SELECT EXISTS (SELECT 1 FROM audit_events_default
                        WHERE occurred_at >= ${from}::timestamptz AND occurred_at < ${to}::timestamptz) AS any`.execute(
        trx,
      );
      const move = waiting.rows[0]?.any === true;
      // Detached, DEFAULT loses the append-only trigger cloned from the parent until it is attached again.
      if (move) await sql`ALTER TABLE audit_events DETACH PARTITION audit_events_default`.execute(trx);
      await sql`CREATE TABLE IF NOT EXISTS ${sql.table(name)} PARTITION OF audit_events
                  FOR VALUES FROM (${sql.lit(from)}) TO (${sql.lit(to)})`.execute(trx);
      await sql`CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON ${sql.table(name)}
                  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_are_append_only()`.execute(trx);
      if (move) {
        await sql`INSERT INTO audit_events SELECT * FROM audit_events_default
                   WHERE occurred_at >= ${from}::timestamptz AND occurred_at < ${to}::timestamptz`.execute(
          trx,
        );
        await sql`DELETE FROM audit_events_default
                   WHERE occurred_at >= ${from}::timestamptz AND occurred_at < ${to}::timestamptz`.execute(
          trx,
        );
        await sql`ALTER TABLE audit_events ATTACH PARTITION audit_events_default DEFAULT`.execute(trx);
      }
      return true;
    });
  } catch (error) {
    if (isDuplicateTable(error)) return false;
    throw error;
  }
}

/**
 * Detaches and drops one month's partition, in the transaction that records `audit` (the event
 * saying so) first. Only a month partition can be named: never DEFAULT.
 */
export async function dropMonthPartition(
  db: Kysely<DB>,
  month: Date,
  audit: (trx: Transaction<DB>) => Promise<void>,
): Promise<boolean> {
  const name = partitionName(month);
  return db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(${PARTITION_LOCK_KEY})`.execute(trx);
    const exists = await sql<{ found: string | null }>`SELECT to_regclass(${name})::text AS found`.execute(
      trx,
    );
    if (!exists.rows[0]?.found) return false;
    await audit(trx);
    await sql`ALTER TABLE audit_events DETACH PARTITION ${sql.table(name)}`.execute(trx);
    await sql`DROP TABLE ${sql.table(name)}`.execute(trx);
    return true;
  });
}
