// SQL behind the gauges of /metrics: how many mails wait in the outbox, and since when.
import { type Kysely, sql } from "kysely";
import type { DB } from "../db/schema.js";

export async function countPendingMails(db: Kysely<DB>): Promise<number> {
  const result = await sql<{ pending: number }>`
        SELECT count(*)::int AS pending FROM mail_outbox WHERE status = 'pending'`.execute(db);
  return Number(result.rows[0]?.pending ?? 0);
}

export async function oldestPendingMailAt(db: Kysely<DB>): Promise<Date | null> {
  const result = await sql<{ oldest: Date | null }>`
        SELECT min(created_at) AS oldest FROM mail_outbox WHERE status = 'pending'`.execute(db);
  const oldest = result.rows[0]?.oldest;
  return oldest ? new Date(oldest) : null;
}
