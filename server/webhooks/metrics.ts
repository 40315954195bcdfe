// The webhook worker's metrics (SPEC §6.5): delivery latency and failures by endpoint, counted by
// the worker; the queue's depth and age are read from the database at each scrape (http/metrics.ts).
import type { Kysely } from "kysely";
import { Counter, Gauge, Histogram, type Metric } from "prom-client";
import type { Clock } from "../clock.js";
import type { DB } from "../db/schema.js";
import { webhookQueueState } from "./queries.js";

/** Upper bounds in seconds, up to the 10 s delivery timeout. */
const DELIVERY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class WebhookMetrics {
  /** Not registered anywhere yet: the metrics plugin adds them to its own registry. */
  readonly latency = new Histogram({
    name: "portal_webhook_delivery_duration_seconds",
    help: "Time a webhook delivery attempt took, by outcome.",
    labelNames: ["outcome"] as const,
    buckets: DELIVERY_BUCKETS,
    registers: [],
  });
  readonly failures = new Counter({
    name: "portal_webhook_delivery_failures_total",
    help: "Failed webhook delivery attempts, by endpoint.",
    labelNames: ["endpoint_id"] as const,
    registers: [],
  });

  /** Every webhook metric, with the queue's gauges read from `db` at each scrape. */
  all(db: Kysely<DB>, clock: Clock): Metric[] {
    const depth = new Gauge({
      name: "portal_webhook_queue_pending",
      help: "Webhook deliveries waiting to be delivered, on every endpoint.",
      registers: [],
      async collect() {
        this.set((await webhookQueueState(db)).pending);
      },
    });
    const age = new Gauge({
      name: "portal_webhook_queue_age_seconds",
      help: "Age of the oldest webhook delivery still waiting (0 when none waits).",
      registers: [],
      async collect() {
        const { oldest } = await webhookQueueState(db);
        this.set(oldest ? Math.max(0, (clock.now().getTime() - oldest.getTime()) / 1000) : 0);
      },
    });
    return [this.latency, this.failures, depth, age];
  }
}
