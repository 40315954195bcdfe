// Delivers the outbox: claims due messages (FOR UPDATE SKIP LOCKED, so several instances never
// take the same one), sends them, and on failure retries with growing backoff until it gives up.
import type { Kysely } from "kysely";
import type { Clock } from "../clock.js";
import type { DB } from "../db/schema.js";
import { Polling } from "../polling.js";
import { claimDueMails, type DeliveredMail, markMailFailed, markMailsSent } from "./queries.js";
import type { MailTransport } from "./transport.js";

export const MAX_ATTEMPTS = 10;
const CLAIM_MS = 2 * 60_000;

/** Wait before attempt n+1 after n failures: 5 s, 10 s, 20 s … capped at 30 minutes. */
export function backoffMs(failures: number): number {
  return Math.min(5_000 * 2 ** Math.max(0, failures - 1), 30 * 60_000);
}

export type DispatcherOptions = {
  db: Kysely<DB>;
  transport: MailTransport;
  clock: Clock;
  batchSize?: number;
  pollMs?: number;
  onError?: (error: unknown) => void;
};

export class MailDispatcher {
  private readonly polling = new Polling();

  constructor(private readonly options: DispatcherOptions) {}

  /** Claims and delivers one batch of due messages; resolves to how many were sent and failed. */
  async runOnce(): Promise<{ sent: number; failed: number }> {
    const { db, transport, clock } = this.options;
    const now = clock.now();
    const claimed = await claimDueMails(
      db,
      now,
      new Date(now.getTime() + CLAIM_MS),
      this.options.batchSize ?? 20,
    );

    // What the server took is marked in one statement after the batch (and before a fault in it
    // leaves): a mail sent but not marked is sent again once its claim runs out.
    const delivered: DeliveredMail[] = [];
    let failed = 0;
    try {
      for (const message of claimed) {
        try {
          await transport.send({
            to: message.to_address,
            subject: message.subject,
            text: message.text_body,
            html: message.html_body,
          });
          delivered.push({
            id: message.id,
            sentAt: clock.now(),
            wipeBody: transport.isExternal && message.is_sensitive,
          });
        } catch (error) {
          failed += 1;
          const gaveUp = message.attempts >= MAX_ATTEMPTS;
          await markMailFailed(db, message.id, {
            gaveUp,
            error: String((error as Error)?.message ?? error).slice(0, 500),
            nextAttemptAt: new Date(clock.now().getTime() + backoffMs(message.attempts)),
          });
          this.options.onError?.(error);
        }
      }
    } finally {
      await markMailsSent(db, delivered);
    }
    const sent = delivered.length;
    return { sent, failed };
  }

  /**
   * Polls in the background until stop(). A batch that delivered anything is followed at once, until
   * one finds nothing due: a backlog leaves as fast as the receiver takes it, not one batch a second.
   */
  start(): void {
    this.polling.start(
      async () => (await this.runOnce()).sent > 0,
      this.options.pollMs ?? 1_000,
      this.options.onError,
    );
  }

  /** Stops polling and waits for a batch in flight, so nothing is left half-marked. */
  stop(): Promise<void> {
    return this.polling.stop();
  }
}
