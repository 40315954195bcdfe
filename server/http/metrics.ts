// Prometheus metrics at GET /metrics through prom-client: request latency by route and status
// class, login failures, how far the mail outbox lags behind, and how often the rate limits fell
// back to this instance's memory because Redis failed; and the metrics other parts hand it (webhooks).
// Registered only when METRICS_ENABLED=true; METRICS_TOKEN, when set, is required as a bearer token.
import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { Counter, Gauge, Histogram, type Metric, Registry } from "prom-client";
import type { Clock } from "../clock.js";
import type { Database } from "../db/connect.js";
import { AppError } from "../errors.js";
import type { RedisOutage } from "../ratelimit/redis-fallback.js";
import { countPendingMails, oldestPendingMailAt } from "./metrics-queries.js";

export const METRICS_PATH = "/metrics";

/** Upper bounds in seconds, from a cheap read to a slow password hash under load. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const KNOWN_METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);
const LOGIN_ROUTE = "/api/auth/login";
// What a refused login answered, as a bounded label (the error codes behind each status).
const LOGIN_FAILURE_REASONS: Record<number, string> = {
  400: "bad_request",
  401: "invalid_credentials",
  403: "refused",
  415: "bad_request",
  429: "rate_limited",
};

export type MetricsOptions = {
  database: Database;
  clock: Clock;
  token: string | undefined;
  redisOutage: RedisOutage;
  /** Metrics other parts own (the webhook worker's), served with these. */
  extraMetrics?: Metric[];
};

function digest(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}

/** Constant-time check of `Authorization: Bearer <token>`. */
function hasToken(header: string | undefined, token: string): boolean {
  const presented = /^Bearer\s+(\S+)$/i.exec(header ?? "")?.[1];
  return presented !== undefined && timingSafeEqual(digest(presented), digest(token));
}

/** The metrics of one app, in a registry of its own: several apps in one process never share a series. */
function createRegistry(options: MetricsOptions) {
  const registry = new Registry();
  const latency = new Histogram({
    name: "portal_http_request_duration_seconds",
    help: "Time to answer a request, by route and status class.",
    labelNames: ["method", "route", "status_class"] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const loginFailures = new Counter({
    name: "portal_login_failures_total",
    help: "Refused logins on this instance, by reason.",
    labelNames: ["reason"] as const,
    registers: [registry],
  });
  new Counter({
    name: "portal_ratelimit_fallback_total",
    help: "Limit checks counted in this instance's memory because Redis failed, by limiter.",
    labelNames: ["limiter"] as const,
    registers: [registry],
    // The outage tracker owns the counts; each scrape copies them.
    collect() {
      this.reset();
      for (const [limiter, count] of options.redisOutage.fallbacks()) this.inc({ limiter }, count);
    },
  });

  const db = options.database.db;
  new Gauge({
    name: "portal_mail_outbox_pending",
    help: "Mails waiting in the outbox to be delivered.",
    registers: [registry],
    async collect() {
      this.set(await countPendingMails(db));
    },
  });
  new Gauge({
    name: "portal_mail_outbox_lag_seconds",
    help: "Age of the oldest mail still waiting (0 when none waits).",
    registers: [registry],
    async collect() {
      const oldest = await oldestPendingMailAt(db);
      const age = oldest ? (options.clock.now().getTime() - oldest.getTime()) / 1000 : 0;
      this.set(Math.max(0, age));
    },
  });
  for (const metric of options.extraMetrics ?? []) registry.registerMetric(metric);
  return { registry, latency, loginFailures };
}

export const metricsPlugin = fp(async (app: FastifyInstance, options: MetricsOptions) => {
  const { registry, latency, loginFailures } = createRegistry(options);

  app.addHook("onResponse", async (request, reply) => {
    const route = request.routeOptions.url;
    if (route === METRICS_PATH) return;
    latency.observe(
      {
        method: KNOWN_METHODS.has(request.method) ? request.method : "OTHER",
        route: route ?? "unmatched",
        status_class: `${Math.floor(reply.statusCode / 100)}xx`,
      },
      reply.elapsedTime / 1000,
    );
    if (route === LOGIN_ROUTE && request.method === "POST" && reply.statusCode >= 400) {
      loginFailures.inc({ reason: LOGIN_FAILURE_REASONS[reply.statusCode] ?? "other" });
    }
  });

  app.get(METRICS_PATH, { schema: { hide: true } }, async (request, reply) => {
    if (options.token !== undefined && !hasToken(request.headers.authorization, options.token)) {
      throw new AppError("unauthenticated", "This endpoint needs the metrics bearer token.", undefined, {
        "www-authenticate": 'Bearer realm="metrics"',
      });
    }
    const body = await registry.metrics();
    return reply.header("cache-control", "no-store").type(registry.contentType).send(body);
  });
});
