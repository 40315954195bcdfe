// What the two queues keep once their work is done: a mail that left the outbox (sent, or failed
// for good) and a webhook delivery that is over (delivered, or failed for good) are deleted once
// older than their retention (MAIL_RETENTION_DAYS, WEBHOOK_LOG_RETENTION_DAYS). Neither holds a
// record the audit log needs: each change is audited in its own transaction (rule 11). A pending
// one is never deleted. Every instance runs it; SKIP LOCKED keeps them off each other's batch.
import type { Kysely } from "kysely";
import type { Clock } from "../clock.js";
import type { DB } from "../db/schema.js";
import { Polling } from "../polling.js";
import { deleteFinishedBefore } from "./queries.js";

export const RETENTION_BATCH = 1_000;
const DAY_MS = 24 * 60 * 60_000;

export type RetentionSettings = { mailDays: number; webhookLogDays: number };

/**
 * Deletes one batch of each kind past its retention at `now`; resolves to whether either batch was
 * full, so that more may be left.
 */
export async function pruneOnce(
  db: Kysely<DB>,
  now: Date,
  settings: RetentionSettings,
  batch = RETENTION_BATCH,
): Promise<boolean> {
  const before = (days: number) => new Date(now.getTime() - days * DAY_MS);
  const mails = await deleteFinishedBefore(db, "mail_outbox", before(settings.mailDays), batch);
  const deliveries = await deleteFinishedBefore(
    db,
    "webhook_deliveries",
    before(settings.webhookLogDays),
    batch,
  );
  return mails === batch || deliveries === batch;
}

/** Prunes at start, then a batch after each full one, and otherwise once an hour, until stop(). */
export class RetentionJob {
  private readonly polling = new Polling();

  constructor(
    private readonly options: {
      db: Kysely<DB>;
      clock: Clock;
      settings: RetentionSettings;
      intervalMs?: number;
      batch?: number;
      onError?: (error: unknown) => void;
    },
  ) {}

  start(): void {
    const { db, clock, settings, batch } = this.options;
    this.polling.start(
      () => pruneOnce(db, clock.now(), settings, batch),
      this.options.intervalMs ?? 60 * 60_000,
      this.options.onError,
    );
  }

  /** Stops, and waits for a batch in flight. */
  stop(): Promise<void> {
    return this.polling.stop();
  }
}
