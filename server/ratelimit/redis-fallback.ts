// When Redis fails, the limits are counted in this instance's memory instead of the request failing:
// each fallback is counted, an outage is logged once when it starts and once when it ends.
import { createRequire } from "node:module";
import type { Redis, RedisOptions } from "ioredis";
import type { ThrottleStore } from "./throttle-store.js";

/**
 * While Redis is unreachable a command must fail at once rather than wait for a reconnection, so the
 * limiters fall back and the request goes on: no offline queue, one retry across a reconnection,
 * and a bound on a command Redis never answers. The client keeps reconnecting by itself (ioredis's
 * default backoff, up to 2 s), so the limits return to Redis when it does.
 */
export const REDIS_CLIENT_OPTIONS = {
  maxRetriesPerRequest: 1,
  enableOfflineQueue: false,
  connectTimeout: 2_000,
  commandTimeout: 2_000,
} satisfies RedisOptions;

/** Which limiter fell back: @fastify/rate-limit's per-route limits, or the per-IP login throttle. */
export type Limiter = "request_limit" | "login_throttle";
export const LIMITERS: readonly Limiter[] = ["request_limit", "login_throttle"];

type Log = {
  warn(details: object, message: string): void;
  info(details: object, message: string): void;
};

/** Whether Redis is failing the limiters now, and how many times each limiter fell back. */
export class RedisOutage {
  #isOngoing = false;
  readonly #fallbacks = new Map<Limiter, number>(LIMITERS.map((limiter) => [limiter, 0]));

  constructor(private readonly log: Log) {}

  fallbacks(): ReadonlyMap<Limiter, number> {
    return this.#fallbacks;
  }

  fellBack(limiter: Limiter, error: unknown): void {
    this.#fallbacks.set(limiter, (this.#fallbacks.get(limiter) ?? 0) + 1);
    if (this.#isOngoing) return;
    this.#isOngoing = true;
    this.log.warn(
      { limiter, err: describeFailure(error) },
      "Redis is failing: rate limits and login throttles count in this instance's memory until it answers again",
    );
  }

  answered(): void {
    if (!this.#isOngoing) return;
    this.#isOngoing = false;
    this.log.info({}, "Redis answers again: rate limits and login throttles are shared through it");
  }
}

/** What went wrong, without what was sent: a reply from Redis itself (ReplyError) may quote it. */
function describeFailure(error: unknown): { name: string; code?: string; message?: string } {
  const { name, code, message } = (error ?? {}) as { name?: unknown; code?: unknown; message?: unknown };
  const kind = typeof name === "string" ? name : "Error";
  return {
    name: kind,
    ...(typeof code === "string" ? { code } : {}),
    ...(kind !== "ReplyError" && typeof message === "string" ? { message: message.slice(0, 200) } : {}),
  };
}

/** A ThrottleStore that uses Redis and, while Redis fails, the instance's own memory. */
export function fallbackThrottleStore(
  shared: ThrottleStore,
  local: ThrottleStore,
  outage: RedisOutage,
): ThrottleStore {
  async function attempt<T>(use: (store: ThrottleStore) => Promise<T>): Promise<T> {
    let result: T;
    try {
      result = await use(shared);
    } catch (error) {
      outage.fellBack("login_throttle", error);
      return use(local);
    }
    outage.answered();
    return result;
  }
  return {
    get: (key, now) => attempt((store) => store.get(key, now)),
    hit: (key, now, ttlMs) => attempt((store) => store.hit(key, now, ttlMs)),
    reset: (key) => attempt((store) => store.reset(key)),
  };
}

// @fastify/rate-limit's own stores (its Redis Lua script and its in-memory LRU), which it does not
// export by name; a store given as `store` is built from the plugin's settings and asked for a child
// per route, as these are.
type IncrResult = { current: number; ttl: number };
type IncrCallback = (error: Error | null, result?: IncrResult) => void;
type PackageStore = {
  incr(key: string, callback: IncrCallback, timeWindow?: number, max?: number): void;
  child(routeOptions: object): PackageStore;
};
const requirePackage = createRequire(import.meta.url);
const PackageRedisStore: new (
  continueExceeding: boolean,
  exponentialBackoff: boolean,
  redis: Redis,
  nameSpace: string,
) => PackageStore = requirePackage("@fastify/rate-limit/store/RedisStore");
const PackageLocalStore: new (
  continueExceeding: boolean,
  exponentialBackoff: boolean,
  cache?: number,
) => PackageStore = requirePackage("@fastify/rate-limit/store/LocalStore");

type PluginSettings = { continueExceeding?: boolean; exponentialBackoff?: boolean };

/** The `store` option of @fastify/rate-limit: Redis first, this instance's memory while it fails. */
export function fallbackRateLimitStore(redis: Redis, nameSpace: string, outage: RedisOutage) {
  class FallbackRateLimitStore implements PackageStore {
    readonly #shared: PackageStore;
    readonly #local: PackageStore;

    constructor(settings: PluginSettings, stores?: { shared: PackageStore; local: PackageStore }) {
      this.#shared =
        stores?.shared ??
        new PackageRedisStore(
          settings.continueExceeding === true,
          settings.exponentialBackoff === true,
          redis,
          nameSpace,
        );
      this.#local =
        stores?.local ??
        new PackageLocalStore(settings.continueExceeding === true, settings.exponentialBackoff === true);
    }

    // The plugin passes the route's window and maximum, although its types name only the first two.
    incr(key: string, callback: IncrCallback, timeWindow?: number, max?: number): void {
      this.#shared.incr(
        key,
        (error, result) => {
          if (error) {
            outage.fellBack("request_limit", error);
            this.#local.incr(key, callback, timeWindow, max);
            return;
          }
          outage.answered();
          callback(null, result);
        },
        timeWindow,
        max,
      );
    }

    // The route's settings merged over the plugin's (its types call them route options).
    child(routeOptions: object): FallbackRateLimitStore {
      return new FallbackRateLimitStore(routeOptions as PluginSettings, {
        shared: this.#shared.child(routeOptions),
        local: this.#local.child(routeOptions),
      });
    }
  }
  return FallbackRateLimitStore;
}
