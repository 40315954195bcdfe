// Delivers queued webhook events (SPEC §6.5) on every instance: claims the head of each endpoint's
// queue (FOR UPDATE SKIP LOCKED, in order per endpoint), signs and posts it, retries with exponential
// backoff and jitter for 3 days, then disables the endpoint and mails the company's Admins.
import type { Kysely } from "kysely";
import { recordAudit } from "../audit/writer.js";
import type { Clock } from "../clock.js";
import type { DB } from "../db/schema.js";
import { enqueueMail } from "../mail/outbox.js";
import { mailLocaleOf } from "../mail/templates.js";
import { openSecret } from "../mfa/secret-box.js";
import { Polling } from "../polling.js";
import { endpointDisabledMail } from "./mails.js";
import type { WebhookMetrics } from "./metrics.js";
import {
  type ClaimedDelivery,
  claimDueDeliveries,
  disableFailingEndpoint,
  findCompanyName,
  listActiveAdminEmails,
  markAttemptFailed,
  markDelivered,
} from "./queries.js";
import type { Sender } from "./sender.js";
import { SIGNATURE_HEADER, signatureHeader } from "./signature.js";

export const RETRY_WINDOW_MS = 3 * 86_400_000;
/** Longer than the 10 s timeout: a claimed delivery is never taken over while its POST may run. */
const CLAIM_MS = 60_000;

/** Wait before the next try after `failures` failures: 10 s doubling up to 6 h, ±20 % jitter. */
export function retryDelayMs(failures: number, random: () => number = Math.random): number {
  const base = Math.min(10_000 * 2 ** Math.max(0, failures - 1), 6 * 3_600_000);
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** The endpoint's secrets that sign now: the current one, and the previous one until it expires. */
export function signingSecrets(delivery: ClaimedDelivery, key: Buffer, now: Date): string[] {
  const secrets = [openSecret(key, delivery.secret_sealed, delivery.endpoint_id)];
  if (
    delivery.previous_secret_sealed &&
    delivery.previous_secret_expires_at &&
    new Date(delivery.previous_secret_expires_at).getTime() > now.getTime()
  ) {
    secrets.push(openSecret(key, delivery.previous_secret_sealed, delivery.endpoint_id));
  }
  return secrets;
}

export type WebhookDispatcherOptions = {
  db: Kysely<DB>;
  clock: Clock;
  send: Sender;
  secretKey: Buffer;
  metrics?: WebhookMetrics;
  batchSize?: number;
  pollMs?: number;
  onError?: (error: unknown) => void;
};

export class WebhookDispatcher {
  private readonly polling = new Polling();

  constructor(private readonly options: WebhookDispatcherOptions) {}

  /** Claims and posts one batch (one delivery per endpoint at most); how many went and failed. */
  async runOnce(): Promise<{ delivered: number; failed: number }> {
    const { db, clock } = this.options;
    const now = clock.now();
    const claimed = await claimDueDeliveries(
      db,
      now,
      new Date(now.getTime() + CLAIM_MS),
      this.options.batchSize ?? 20,
    );
    const outcomes = await Promise.all(claimed.map((delivery) => this.deliver(delivery)));
    const delivered = outcomes.filter(Boolean).length;
    return { delivered, failed: outcomes.length - delivered };
  }

  private async deliver(delivery: ClaimedDelivery): Promise<boolean> {
    const { db, clock, metrics } = this.options;
    const at = clock.now();
    const secrets = signingSecrets(delivery, this.options.secretKey, at);
    const result = await this.options.send({
      url: delivery.url,
      body: delivery.body,
      headers: {
        [SIGNATURE_HEADER]: signatureHeader(secrets, at, delivery.body),
        "user-agent": "MerchantPortal-Webhooks/1",
        "portal-event-type": delivery.event_type,
        "portal-delivery-id": delivery.id,
      },
    });
    const ok = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
    metrics?.latency.observe({ outcome: ok ? "delivered" : "failed" }, result.durationMs / 1000);
    const attempt = {
      at,
      statusCode: result.statusCode,
      durationMs: result.durationMs,
      excerpt: result.excerpt,
      error: ok
        ? null
        : (result.error ??
          `the receiver answered ${result.statusCode} (only 2xx counts; redirects are not followed)`),
    };
    if (ok) {
      await markDelivered(db, delivery.id, attempt);
      return true;
    }
    metrics?.failures.inc({ endpoint_id: delivery.endpoint_id });
    const now = clock.now();
    const next = new Date(now.getTime() + retryDelayMs(delivery.attempts));
    const givesUp = next.getTime() > new Date(delivery.created_at).getTime() + RETRY_WINDOW_MS;
    if (!givesUp) {
      await markAttemptFailed(db, delivery.id, attempt, next);
      return false;
    }
    await db.transaction().execute(async (trx) => {
      await markAttemptFailed(trx, delivery.id, attempt, null);
      const disabled = await disableFailingEndpoint(trx, delivery.endpoint_id, now);
      if (!disabled) return;
      await recordAudit(trx, {
        action: "webhook.endpoint_disabled",
        outcome: "success",
        companyId: delivery.company_id,
        target: { type: "webhook_endpoint", id: delivery.endpoint_id },
        details: { url: delivery.url, reason: "failing", lastError: attempt.error, eventId: delivery.id },
        meta: { ip: null, userAgent: null, requestId: null },
        at: now,
      });
      const company = await findCompanyName(trx, delivery.company_id);
      for (const admin of await listActiveAdminEmails(trx, delivery.company_id)) {
        await enqueueMail(
          trx,
          {
            kind: "webhook_endpoint_disabled",
            to: admin.email,
            mail: endpointDisabledMail({
              locale: mailLocaleOf(admin),
              name: admin.name,
              companyName: company?.name ?? "",
              url: delivery.url,
              lastError: attempt.error ?? "",
              at: now,
            }),
            isSensitive: false,
          },
          now,
        );
      }
    });
    return false;
  }

  /**
   * Polls in the background until stop(). A batch that delivered anything is followed at once, until
   * one finds nothing due: a backlog leaves as fast as the receiver takes it, not one batch a second.
   */
  start(): void {
    this.polling.start(
      async () => (await this.runOnce()).delivered > 0,
      this.options.pollMs ?? 1_000,
      this.options.onError,
    );
  }

  /** Stops polling and waits for a batch in flight, so nothing is left half-marked. */
  stop(): Promise<void> {
    return this.polling.stop();
  }
}
