// Writing mail: the only way any service sends one is enqueueMail inside its own transaction,
// so the mail exists exactly when the change that caused it was committed (rule 12).
import type { Kysely, Transaction } from "kysely";
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

export async function enqueueMail(
  db: Kysely<DB> | Transaction<DB>,
  message: OutgoingMail,
  now: Date,
): Promise<string> {
  const to = canonicalizeEmail(message.to);
  if (!to.ok) throw new Error(`refusing to mail an invalid address: ${to.reason}`);
  const row = await db
    .insertInto("mail_outbox")
    .values({
      created_at: now,
      kind: message.kind,
      to_address: to.email,
      subject: message.mail.subject,
      text_body: message.mail.text,
      html_body: message.mail.html,
      is_sensitive: message.isSensitive,
      next_attempt_at: now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}
