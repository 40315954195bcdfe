// Rule 10: login failures say 401 invalid_credentials whether or not the email exists, and take
// about the same time; login is rate limited with 429 rate_limited and Retry-After, shared
// across instances through Redis when REDIS_URL is set.
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../server/app.js";
import { loadConfig } from "../server/config.js";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness } from "./support/harness.js";

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await fn();
  return [result, performance.now() - start];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

describe.each(testDatabaseKinds)("rule 10: login failures look alike on %s", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind);
  });
  afterAll(() => h.close());

  it("answers an unknown email and a wrong password with the same status and body", async () => {
    const company = await h.company("Enum Co");
    const wrongPassword = await h.inject(null, {
      method: "POST",
      url: "/api/auth/login",
      payload: { email: company.admin.email, password: "not the right password" },
    });
    const unknownEmail = await h.inject(null, {
      method: "POST",
      url: "/api/auth/login",
      payload: { email: "nobody-here@example.com", password: "not the right password" },
    });
    const invalidEmail = await h.inject(null, {
      method: "POST",
      url: "/api/auth/login",
      payload: { email: "not an email", password: "not the right password" },
    });
    for (const response of [wrongPassword, unknownEmail, invalidEmail]) {
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({
        error: { code: "invalid_credentials", message: "Invalid email or password." },
      });
      expect(response.headers["set-cookie"]).toBeUndefined();
    }
  });

  it("takes about as long for an unknown email as for a wrong password (a hash is verified either way)", async () => {
    const company = await h.company("Timing Co");
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 7; i += 1) {
      // A fresh client address each time, so the per-IP throttle never answers early.
      const post = (email: string) =>
        timed(() =>
          h.app.inject({
            method: "POST",
            url: "/api/auth/login",
            remoteAddress: `10.99.${i}.${email.length}`,
            payload: { email, password: `wrong password ${i}` },
          }),
        );
      const [knownResponse, knownMs] = await post(company.admin.email);
      const [unknownResponse, unknownMs] = await post(`ghost${i}@example.com`);
      // Both must be the 401 of a real verification, not an early 429.
      expect([knownResponse.statusCode, unknownResponse.statusCode]).toEqual([401, 401]);
      known.push(knownMs);
      unknown.push(unknownMs);
    }
    const ratio = median(unknown) / median(known);
    // Without the dummy hash an unknown email answers about 10× faster; allow generous noise.
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });
});

describe.each(testDatabaseKinds)("rule 10: login is rate limited on %s", (kind) => {
  it("answers 429 rate_limited with Retry-After past the per-IP request limit", async () => {
    const h = await createHarness(kind, { limits: { loginPerMinute: 3 } });
    try {
      const statuses: number[] = [];
      let last: Awaited<ReturnType<Harness["inject"]>> | undefined;
      for (let i = 0; i < 5; i += 1) {
        last = await h.inject(null, {
          method: "POST",
          url: "/api/auth/login",
          payload: { email: `flood${i}@example.com`, password: "whatever password" },
        });
        statuses.push(last.statusCode);
      }
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
      expect(last!.json().error.code).toBe("rate_limited");
      expect(Number(last!.headers["retry-after"])).toBeGreaterThan(0);
      const hits = await h.db
        .selectFrom("audit_events")
        .select("id")
        .where("action", "=", "security.rate_limited")
        .execute();
      expect(hits.length).toBeGreaterThanOrEqual(1);
    } finally {
      await h.close();
    }
  });
});

const redisUrl = process.env.REDIS_URL;
describe.runIf(redisUrl !== undefined)(
  "rule 10: rate limits are shared across instances through Redis",
  () => {
    it("counts requests to two instances against one limit", async () => {
      const h = await createHarness(testDatabaseKinds.includes("postgres") ? "postgres" : "pglite");
      const redis = new Redis(redisUrl!);
      // A client address of this run only, so counters left by earlier runs cannot interfere.
      const ip = `198.18.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
      const keys = [
        ...(await redis.keys(`portal:rl:*${ip}*`)),
        ...(await redis.keys(`portal:throttle:*${ip}*`)),
      ];
      if (keys.length > 0) await redis.del(...keys);
      const config = loadConfig({ NODE_ENV: "test", PUBLIC_URL: "http://portal.test" });
      const make = () =>
        buildApp({
          database: h.database,
          config,
          redis,
          webDistDir: "/nonexistent",
          limits: { loginPerMinute: 4 },
        });
      const one = await make();
      const two = await make();
      try {
        const post = (app: typeof one, i: number) =>
          app.inject({
            method: "POST",
            url: "/api/auth/login",
            remoteAddress: ip,
            payload: { email: `shared${i}@example.com`, password: "whatever password" },
          });
        const statuses = [];
        for (let i = 0; i < 6; i += 1) statuses.push((await post(i % 2 === 0 ? one : two, i)).statusCode);
        expect(statuses.slice(0, 4)).toEqual([401, 401, 401, 401]);
        expect(statuses.slice(4)).toEqual([429, 429]);
      } finally {
        await one.close();
        await two.close();
        redis.disconnect();
        await h.close();
      }
    });
  },
);
