// Prometheus metrics at GET /metrics, written by hand in the text exposition format (0.0.4): request
// latency by route and status class, login failures, how far the mail outbox lags behind, and how
// often the rate limits fell back to this instance's memory because Redis failed.
// Registered only when METRICS_ENABLED=true; METRICS_TOKEN, when set, is required as a bearer token.
import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { sql } from "kysely";
import type { Clock } from "../clock.js";
import type { Database } from "../db/connect.js";
import { AppError } from "../errors.js";
import type { RedisOutage } from "../ratelimit/redis-fallback.js";

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

type Histogram = { buckets: number[]; sum: number; count: number };

export type MetricsOptions = {
  database: Database;
  clock: Clock;
  token: string | undefined;
  redisOutage: RedisOutage;
};

/** A label value as Prometheus reads it: backslash, double quote and newline escaped. */
export function labelValue(value: string): string {
  return value.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n");
}

function labels(pairs: Record<string, string>): string {
  return `{${Object.entries(pairs)
    .map(([name, value]) => `${name}="${labelValue(value)}"`)
    .join(",")}}`;
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}

/** Constant-time check of `Authorization: Bearer <token>`. */
function hasToken(header: string | undefined, token: string): boolean {
  const presented = /^Bearer\s+(\S+)$/i.exec(header ?? "")?.[1];
  return presented !== undefined && timingSafeEqual(digest(presented), digest(token));
}

export const metricsPlugin = fp(async (app: FastifyInstance, options: MetricsOptions) => {
  const latency = new Map<string, { labels: Record<string, string>; histogram: Histogram }>();
  const loginFailures = new Map<string, number>();

  app.addHook("onResponse", async (request, reply) => {
    const route = request.routeOptions.url;
    if (route === METRICS_PATH) return;
    const method = KNOWN_METHODS.has(request.method) ? request.method : "OTHER";
    const series = {
      method,
      route: route ?? "unmatched",
      status_class: `${Math.floor(reply.statusCode / 100)}xx`,
    };
    const key = `${series.method} ${series.route} ${series.status_class}`;
    let entry = latency.get(key);
    if (!entry) {
      entry = { labels: series, histogram: { buckets: LATENCY_BUCKETS.map(() => 0), sum: 0, count: 0 } };
      latency.set(key, entry);
    }
    const seconds = reply.elapsedTime / 1000;
    entry.histogram.sum += seconds;
    entry.histogram.count += 1;
    LATENCY_BUCKETS.forEach((bound, index) => {
      if (seconds <= bound) entry.histogram.buckets[index] = (entry.histogram.buckets[index] ?? 0) + 1;
    });
    if (route === LOGIN_ROUTE && request.method === "POST" && reply.statusCode >= 400) {
      const reason = LOGIN_FAILURE_REASONS[reply.statusCode] ?? "other";
      loginFailures.set(reason, (loginFailures.get(reason) ?? 0) + 1);
    }
  });

  async function outboxLines(): Promise<string[]> {
    const result = await sql<{ pending: number; oldest: Date | null }>`
      SELECT count(*)::int AS pending, min(created_at) AS oldest
        FROM mail_outbox WHERE status = 'pending'`.execute(options.database.db);
    const row = result.rows[0];
    const oldest = row?.oldest ? new Date(row.oldest).getTime() : null;
    const lag = oldest === null ? 0 : Math.max(0, (options.clock.now().getTime() - oldest) / 1000);
    return [
      "# HELP portal_mail_outbox_pending Mails waiting in the outbox to be delivered.",
      "# TYPE portal_mail_outbox_pending gauge",
      `portal_mail_outbox_pending ${Number(row?.pending ?? 0)}`,
      "# HELP portal_mail_outbox_lag_seconds Age of the oldest mail still waiting (0 when none waits).",
      "# TYPE portal_mail_outbox_lag_seconds gauge",
      `portal_mail_outbox_lag_seconds ${lag}`,
    ];
  }

  function latencyLines(): string[] {
    const lines = [
      "# HELP portal_http_request_duration_seconds Time to answer a request, by route and status class.",
      "# TYPE portal_http_request_duration_seconds histogram",
    ];
    for (const { labels: series, histogram } of latency.values()) {
      LATENCY_BUCKETS.forEach((bound, index) => {
        const le = labels({ ...series, le: String(bound) });
        lines.push(`portal_http_request_duration_seconds_bucket${le} ${histogram.buckets[index] ?? 0}`);
      });
      lines.push(
        `portal_http_request_duration_seconds_bucket${labels({ ...series, le: "+Inf" })} ${histogram.count}`,
        `portal_http_request_duration_seconds_sum${labels(series)} ${histogram.sum}`,
        `portal_http_request_duration_seconds_count${labels(series)} ${histogram.count}`,
      );
    }
    return lines;
  }

  function loginLines(): string[] {
    const lines = [
      "# HELP portal_login_failures_total Refused logins on this instance, by reason.",
      "# TYPE portal_login_failures_total counter",
    ];
    for (const [reason, count] of loginFailures) {
      lines.push(`portal_login_failures_total${labels({ reason })} ${count}`);
    }
    return lines;
  }

  function rateLimitFallbackLines(): string[] {
    const lines = [
      "# HELP portal_ratelimit_fallback_total Limit checks counted in this instance's memory because Redis failed, by limiter.",
      "# TYPE portal_ratelimit_fallback_total counter",
    ];
    for (const [limiter, count] of options.redisOutage.fallbacks()) {
      lines.push(`portal_ratelimit_fallback_total${labels({ limiter })} ${count}`);
    }
    return lines;
  }

  app.get(METRICS_PATH, { schema: { hide: true } }, async (request, reply) => {
    if (options.token !== undefined && !hasToken(request.headers.authorization, options.token)) {
      throw new AppError("unauthenticated", "This endpoint needs the metrics bearer token.", undefined, {
        "www-authenticate": 'Bearer realm="metrics"',
      });
    }
    const body = [
      ...latencyLines(),
      ...loginLines(),
      ...rateLimitFallbackLines(),
      ...(await outboxLines()),
    ].join("\n");
    return reply
      .header("cache-control", "no-store")
      .type("text/plain; version=0.0.4; charset=utf-8")
      .send(`${body}\n`);
  });
});
