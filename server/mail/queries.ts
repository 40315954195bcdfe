// SQL for the mail outbox: inserting a mail (alone, or within the statement of a change), the
// dispatcher's claim and marks, the outbox gauges and the development mailbox's read.
import { type Kysely, type RawBuilder, sql, type Transaction } from "kysely";
import type { DB } from "../db/schema.js";

export type OutboxRow = {
  created_at: Date;
  kind: string;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string;
  is_sensitive: boolean;
  next_attempt_at: Date;
};

export async function insertOutboxRow(db: Kysely<DB> | Transaction<DB>, row: OutboxRow): Promise<string> {
  const inserted = await db.insertInto("mail_outbox").values(row).returning("id").executeTakeFirstOrThrow();
  return inserted.id;
}

/** The INSERT of one mail, made only when `condition` holds. */
export function insertOutboxRowWhen(row: OutboxRow, condition: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`INSERT INTO mail_outbox (${sql.join(Object.keys(row).map((column) => sql.ref(column)))})
             SELECT ${sql.join(Object.values(row))} WHERE ${condition}`;
}

export type ClaimedMail = {
  id: string;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string;
  is_sensitive: boolean;
  attempts: number;
};

/**
 * Claims up to `batchSize` due mails until `lockedUntil`; other instances skip them meanwhile. The
 * due rows are picked once, in a materialized CTE that walks mail_outbox_due_idx in order and stops
 * at the batch, so no plan can rescan them per row; a claimed mail's next attempt moves to the end
 * of its lease, which takes it out of the index's due range until then (a crashed dispatcher's
 * claim comes back by itself, and the next claim does not walk over claimed rows).
 */
export function claimDueMailsStatement(now: Date, lockedUntil: Date, batchSize: number) {
  return sql<ClaimedMail>`
      WITH due AS MATERIALIZED (
        SELECT id FROM mail_outbox
         WHERE status = 'pending' AND next_attempt_at <= ${now}::timestamptz
           AND (locked_until IS NULL OR locked_until < ${now}::timestamptz)
         ORDER BY next_attempt_at
         LIMIT ${batchSize}
         FOR UPDATE SKIP LOCKED)
      UPDATE mail_outbox o
         SET locked_until = ${lockedUntil}::timestamptz, next_attempt_at = ${lockedUntil}::timestamptz,
             attempts = o.attempts + 1
        FROM due
       WHERE o.id = due.id
      RETURNING o.id, o.to_address, o.subject, o.text_body, o.html_body, o.is_sensitive, o.attempts`;
}

export async function claimDueMails(
  db: Kysely<DB>,
  now: Date,
  lockedUntil: Date,
  batchSize: number,
): Promise<ClaimedMail[]> {
  const claimed = await claimDueMailsStatement(now, lockedUntil, batchSize).execute(db);
  return claimed.rows;
}

/** What a mail's body reads once it is removed after delivery. */
export const DELIVERED_BODY_REMOVED = "[delivered; body removed]";

/** What a mail's body reads once its recipient deleted their account. */
export const RECIPIENT_DELETED_BODY_REMOVED = "[removed: the recipient deleted their account]";

/** A mail the server took, and whether its body is to be replaced (sensitive, and left for the outside). */
export type DeliveredMail = { id: string; sentAt: Date; wipeBody: boolean };

/**
 * Marks mails delivered, all in one statement: each with its own time, a sensitive body replaced
 * where `wipeBody` says so.
 */
export async function markMailsSent(db: Kysely<DB>, delivered: readonly DeliveredMail[]): Promise<void> {
  if (delivered.length === 0) return;
  await sql`
    UPDATE mail_outbox o
       SET status = 'sent', sent_at = d.sent_at, locked_until = NULL, last_error = NULL,
           text_body = CASE WHEN d.wipe THEN ${DELIVERED_BODY_REMOVED} ELSE o.text_body END,
           html_body = CASE WHEN d.wipe THEN ${DELIVERED_BODY_REMOVED} ELSE o.html_body END
      FROM unnest(${delivered.map((mail) => mail.id)}::uuid[],
                  ${delivered.map((mail) => mail.sentAt.toISOString())}::timestamptz[],
                  ${delivered.map((mail) => mail.wipeBody)}::boolean[]) AS d (id, sent_at, wipe)
     WHERE o.id = d.id`.execute(db);
}

/**
 * Records a failed delivery: tried again at `nextAttemptAt`, or failed for good when `gaveUp`. Only
 * a mail still pending: one its recipient's deletion stopped while it was being sent stays stopped.
 */
export async function markMailFailed(
  db: Kysely<DB>,
  id: string,
  failure: { gaveUp: boolean; error: string; nextAttemptAt: Date },
): Promise<void> {
  await db
    .updateTable("mail_outbox")
    .set({
      status: failure.gaveUp ? "failed" : "pending",
      locked_until: null,
      last_error: failure.error,
      next_attempt_at: failure.nextAttemptAt,
    })
    .where("id", "=", id)
    .where("status", "=", "pending")
    .execute();
}

/**
 * Forgets the mails to a person who deleted their account (SPEC §6.4), in the deleting transaction:
 * each keeps its kind, subject, status and times, addressed to the person's pseudonym address and
 * without its body; one still waiting is never sent (failed, with the reason). A mail claimed and
 * being sent at this moment still leaves, and is then marked sent. Returns how many were forgotten.
 */
export async function forgetMailsTo(
  trx: Transaction<DB>,
  addresses: readonly string[],
  pseudonymAddress: string,
): Promise<number> {
  if (addresses.length === 0) return 0;
  const result = await sql`
    UPDATE mail_outbox
       SET to_address = ${pseudonymAddress},
           text_body = ${RECIPIENT_DELETED_BODY_REMOVED}, html_body = ${RECIPIENT_DELETED_BODY_REMOVED},
           last_error = CASE WHEN status = 'pending' THEN 'the recipient deleted their account' ELSE last_error END,
           status = CASE WHEN status = 'pending' THEN 'failed' ELSE status END
     WHERE to_address IN (${sql.join(addresses)})
    RETURNING id`.execute(trx);
  return result.rows.length;
}

/** The newest mails of the outbox, of one (canonical) address when given. */
export function listOutbox(db: Kysely<DB>, limit: number, toAddress?: string) {
  let query = db
    .selectFrom("mail_outbox")
    .select(["id", "to_address", "subject", "text_body", "html_body", "status", "created_at"])
    .orderBy("seq", "desc")
    .limit(limit);
  if (toAddress !== undefined) query = query.where("to_address", "=", toAddress);
  return query.execute();
}

/** The language and time zone an account chose, for writing it a mail (SPEC §6.6). */
export async function findAccountPreferences(
  db: Kysely<DB> | Transaction<DB>,
  accountId: string,
): Promise<{ language: "en" | "zh-CN" | null; time_zone: string | null } | undefined> {
  return db
    .selectFrom("accounts")
    .select(["language", "time_zone"])
    .where("id", "=", accountId)
    .executeTakeFirst();
}
