// Writing mail: the only way any service sends one is enqueueMail inside its own transaction (or
// enqueueMailWhen inside the statement of its change), so the mail exists exactly when the change
// that caused it was committed (rule 12).
import { type Kysely, type RawBuilder, sql, type Transaction } from "kysely";
import type { DB } from "../db/schema.js";
import { canonicalizeEmail } from "../identity/email.js";
import type { RenderedMail } from "./templates.js";

export type OutgoingMail = {
  kind: string;
  to: string;
  mail: RenderedMail;
  /** True when the body holds a code or a secret link; wiped after external delivery. */
  isSensitive: boolean;
};

function outboxRow(message: OutgoingMail, now: Date) {
  const to = canonicalizeEmail(message.to);
  if (!to.ok) throw new Error(`refusing to mail an invalid address: ${to.reason}`);
  return {
    created_at: now,
    kind: message.kind,
    to_address: to.email,
    subject: message.mail.subject,
    text_body: message.mail.text,
    html_body: message.mail.html,
    is_sensitive: message.isSensitive,
    next_attempt_at: now,
  };
}

export async function enqueueMail(
  db: Kysely<DB> | Transaction<DB>,
  message: OutgoingMail,
  now: Date,
): Promise<string> {
  const row = await db
    .insertInto("mail_outbox")
    .values(outboxRow(message, now))
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * The INSERT of one mail that is made only when `condition` holds, for a statement whose change
 * may not happen (a write on condition that nothing changed since it was decided).
 */
export function enqueueMailWhen(
  message: OutgoingMail,
  now: Date,
  condition: RawBuilder<unknown>,
): RawBuilder<unknown> {
  const row = outboxRow(message, now);
  return sql`INSERT INTO mail_outbox (${sql.join(Object.keys(row).map((column) => sql.ref(column)))})
             SELECT ${sql.join(Object.values(row))} WHERE ${condition}`;
}
