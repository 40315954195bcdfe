// What is kept once it is of no more use, and for how long. The two queues: a mail that left the
// outbox (sent, or failed for good) and a webhook delivery that is over (delivered, or failed for
// good) are deleted once older than their retention (MAIL_RETENTION_DAYS,
// WEBHOOK_LOG_RETENTION_DAYS). Neither holds a record the audit log needs: each change is audited
// in its own transaction (rule 11). A pending one is never deleted. What has expired: a session, a
// known device and an unlock link past their end, and the login throttle's counter of an email
// with no failure for LOGIN_THROTTLE_IDLE_DAYS and no lock in force (rule 14). Every instance runs
// it; SKIP LOCKED keeps them off each other's batch.
import type { Kysely } from "kysely";
import type { Clock } from "../clock.js";
import type { DB } from "../db/schema.js";
import { Polling } from "../polling.js";
import {
  deleteExpired,
  deleteFinishedBefore,
  deleteIdleLoginThrottles,
  type ExpiringTable,
} from "./queries.js";

export const RETENTION_BATCH = 1_000;
const DAY_MS = 24 * 60 * 60_000;
/**
 * Days without a failure after which an email's count of consecutive login failures is forgotten.
 * It gives a guesser nothing the lock does not: each 30-minute lock restarts the count anyway.
 */
export const LOGIN_THROTTLE_IDLE_DAYS = 30;
const EXPIRING: readonly ExpiringTable[] = ["sessions", "known_devices", "login_unlock_links"];

export type RetentionSettings = { mailDays: number; webhookLogDays: number };

/**
 * Deletes one batch of each kind past its retention or its end at `now`; resolves to whether any
 * batch was full, so that more may be left.
 */
export async function pruneOnce(
  db: Kysely<DB>,
  now: Date,
  settings: RetentionSettings,
  batch = RETENTION_BATCH,
): Promise<boolean> {
  const before = (days: number) => new Date(now.getTime() - days * DAY_MS);
  const deleted = [
    await deleteFinishedBefore(db, "mail_outbox", before(settings.mailDays), batch),
    await deleteFinishedBefore(db, "webhook_deliveries", before(settings.webhookLogDays), batch),
  ];
  for (const table of EXPIRING) deleted.push(await deleteExpired(db, table, now, batch));
  deleted.push(await deleteIdleLoginThrottles(db, before(LOGIN_THROTTLE_IDLE_DAYS), now, batch));
  return deleted.some((count) => count === batch);
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
