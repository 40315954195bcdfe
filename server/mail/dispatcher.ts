// Delivers the outbox: claims due messages (FOR UPDATE SKIP LOCKED, so several instances never
// take the same one), sends them, and on failure retries with growing backoff until it gives up.
import { type Kysely, sql } from "kysely";
import type { Clock } from "../clock.js";
import type { DB } from "../db/schema.js";
import type { MailTransport } from "./transport.js";

export const MAX_ATTEMPTS = 10;
const CLAIM_MS = 2 * 60_000;

/** Wait before attempt n+1 after n failures: 5 s, 10 s, 20 s … capped at 30 minutes. */
export function backoffMs(failures: number): number {
  return Math.min(5_000 * 2 ** Math.max(0, failures - 1), 30 * 60_000);
}

type Claimed = {
  id: string;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string;
  is_sensitive: boolean;
  attempts: number;
};

export type DispatcherOptions = {
  db: Kysely<DB>;
  transport: MailTransport;
  clock: Clock;
  batchSize?: number;
  pollMs?: number;
  onError?: (error: unknown) => void;
};

export class MailDispatcher {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(private readonly options: DispatcherOptions) {}

  /** Claims and delivers one batch of due messages; resolves to how many were sent and failed. */
  async runOnce(): Promise<{ sent: number; failed: number }> {
    const { db, transport, clock } = this.options;
    const now = clock.now();
    const claimed = await sql<Claimed>`
      UPDATE mail_outbox SET locked_until = ${new Date(now.getTime() + CLAIM_MS)}, attempts = attempts + 1
       WHERE id IN (
         SELECT id FROM mail_outbox
          WHERE status = 'pending' AND next_attempt_at <= ${now}
            AND (locked_until IS NULL OR locked_until < ${now})
          ORDER BY next_attempt_at
          LIMIT ${this.options.batchSize ?? 20}
          FOR UPDATE SKIP LOCKED)
      RETURNING id, to_address, subject, text_body, html_body, is_sensitive, attempts`.execute(db);

    let sent = 0;
    let failed = 0;
    for (const message of claimed.rows) {
      try {
        await transport.send({
          to: message.to_address,
          subject: message.subject,
          text: message.text_body,
          html: message.html_body,
        });
        const wipe = transport.isExternal && message.is_sensitive;
        await db
          .updateTable("mail_outbox")
          .set({
            status: "sent",
            sent_at: clock.now(),
            locked_until: null,
            last_error: null,
            ...(wipe
              ? { text_body: "[delivered; body removed]", html_body: "[delivered; body removed]" }
              : {}),
          })
          .where("id", "=", message.id)
          .execute();
        sent += 1;
      } catch (error) {
        failed += 1;
        const gaveUp = message.attempts >= MAX_ATTEMPTS;
        await db
          .updateTable("mail_outbox")
          .set({
            status: gaveUp ? "failed" : "pending",
            locked_until: null,
            last_error: String((error as Error)?.message ?? error).slice(0, 500),
            next_attempt_at: new Date(clock.now().getTime() + backoffMs(message.attempts)),
          })
          .where("id", "=", message.id)
          .execute();
        this.options.onError?.(error);
      }
    }
    return { sent, failed };
  }

  /** Polls in the background until stop(). */
  start(): void {
    if (this.timer) return;
    const tick = async () => {
      this.running = this.runOnce().catch((error) => this.options.onError?.(error));
      await this.running;
      this.running = null;
      if (this.timer) this.timer = setTimeout(tick, this.options.pollMs ?? 1_000);
    };
    this.timer = setTimeout(tick, 0);
  }

  /** Stops polling and waits for a batch in flight, so nothing is left half-marked. */
  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }
}
