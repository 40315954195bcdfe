// Failure counters with an expiry, shared through Redis when REDIS_URL is set, else in memory.
// Login throttling per IP keys on these so every instance sees the same count.
import type { Redis } from "ioredis";
import { setBounded } from "../bounded-map.js";

export type ThrottleState = { count: number; lastAt: number };

export interface ThrottleStore {
  get(key: string, now: number): Promise<ThrottleState | null>;
  /** Adds one failure at `now` and keeps the key for `ttlMs` after it. */
  hit(key: string, now: number, ttlMs: number): Promise<ThrottleState>;
  reset(key: string): Promise<void>;
}

export function memoryThrottleStore(): ThrottleStore {
  const entries = new Map<string, ThrottleState & { expiresAt: number }>();
  const live = (key: string, now: number) => {
    const entry = entries.get(key);
    if (entry && entry.expiresAt <= now) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };
  return {
    async get(key, now) {
      const entry = live(key, now);
      return entry ? { count: entry.count, lastAt: entry.lastAt } : null;
    },
    async hit(key, now, ttlMs) {
      const entry = live(key, now);
      const next = { count: (entry?.count ?? 0) + 1, lastAt: now, expiresAt: now + ttlMs };
      setBounded(entries, key, next, 100_000);
      return { count: next.count, lastAt: now };
    },
    async reset(key) {
      entries.delete(key);
    },
  };
}

export function redisThrottleStore(redis: Redis, prefix = "portal:throttle:"): ThrottleStore {
  return {
    async get(key) {
      const values = await redis.hmget(prefix + key, "count", "lastAt");
      if (values[0] === null || values[0] === undefined) return null;
      return { count: Number(values[0]), lastAt: Number(values[1] ?? 0) };
    },
    async hit(key, now, ttlMs) {
      const result = await redis
        .multi()
        .hincrby(prefix + key, "count", 1)
        .hset(prefix + key, "lastAt", String(now))
        .pexpire(prefix + key, ttlMs)
        .exec();
      const count = Number(result?.[0]?.[1] ?? 1);
      return { count, lastAt: now };
    },
    async reset(key) {
      await redis.del(prefix + key);
    },
  };
}
