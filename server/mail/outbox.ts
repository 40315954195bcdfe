// Writing mail: the only way any service sends one is enqueueMail inside its own transaction (or
// enqueueMailWhen inside the statement of its change), so the mail exists exactly when the change
// that caused it was committed (rule 12).
import type { Kysely, RawBuilder, Transaction } from "kysely";
import type { DB } from "../db/schema.js";
import { canonicalizeEmail } from "../identity/email.js";
import { findAccountPreferences, insertOutboxRow, insertOutboxRowWhen, type OutboxRow } from "./queries.js";
import { type MailLocale, mailLocaleOf, type RenderedMail } from "./templates.js";

export type OutgoingMail = {
  kind: string;
  to: string;
  mail: RenderedMail;
  /** True when the body holds a code or a secret link; wiped after external delivery. */
  isSensitive: boolean;
};

function outboxRow(message: OutgoingMail, now: Date): OutboxRow {
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
  return insertOutboxRow(db, outboxRow(message, now));
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
  return insertOutboxRowWhen(outboxRow(message, now), condition);
}

/** The language and time zone to write an account's mail in: its own choice, else English and UTC. */
export async function recipientLocale(
  db: Kysely<DB> | Transaction<DB>,
  accountId: string,
): Promise<MailLocale> {
  return mailLocaleOf(await findAccountPreferences(db, accountId));
}
