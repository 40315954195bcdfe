// Issue 17 item 4 (SPEC §6.1): while Redis is unreachable, logins, password resets, invitation links
// and step-up answer as usual (never 500): the rate limits and login throttles count in the
// instance's memory, the outage is logged once and counted in portal_ratelimit_fallback_total, and
// /readyz stays 200 naming Redis degraded. When Redis answers again the limits go back to it.
// test/faults/redis-outage.test.ts rehearses the same on real server processes under load.
import { Writable } from "node:stream";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../server/app.js";
import { loadConfig } from "../server/config.js";
import { inviteMember } from "../server/invitations/service.js";
import { REDIS_CLIENT_OPTIONS } from "../server/ratelimit/redis-fallback.js";
import { memoryThrottleStore } from "../server/ratelimit/throttle-store.js";
import { waitFor } from "./faults/support/processes.js";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness, TEST_PASSWORD } from "./support/harness.js";
import { hasRedisServer, type OwnRedis, ownRedis } from "./support/redis-server.js";

const LOGIN_LIMIT = 4;
const RESET_LIMIT = 3;

/** Log lines as parsed JSON objects, kept in memory. */
function logCapture() {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n").filter(Boolean)) {
        raw.push(line);
        lines.push(JSON.parse(line));
      }
      done();
    },
  });
  return { stream, lines, raw };
}

function fallbackCounts(metrics: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const match of metrics.matchAll(/^portal_ratelimit_fallback_total\{limiter="(\w+)"\} (\d+)$/gm)) {
    counts[match[1]!] = Number(match[2]);
  }
  return counts;
}

describe.each(testDatabaseKinds)(
  "Issue 17 item 4: Redis down means every login and reset answers 500 while /readyz says ready (%s)",
  (kind) => {
    let h: Harness;
    let redisServer: OwnRedis;
    let redis: Redis;
    let app: Awaited<ReturnType<typeof buildApp>>;
    const log = logCapture();

    beforeAll(async () => {
      h = await createHarness(kind);
      // Nothing listens on this port until the test starts a redis-server there.
      redisServer = await ownRedis();
      redis = new Redis(redisServer.url, REDIS_CLIENT_OPTIONS);
      redis.on("error", () => {});
      app = await buildApp({
        database: h.database,
        config: loadConfig({
          NODE_ENV: "test",
          PUBLIC_URL: "http://portal.test",
          METRICS_ENABLED: "true",
          LOG_LEVEL: "info",
        }),
        clock: h.clock,
        redis,
        webDistDir: "/nonexistent",
        logStream: log.stream,
        limits: { loginPerMinute: LOGIN_LIMIT, passwordResetPerMinute: RESET_LIMIT },
      });
      await app.ready();
    });
    afterAll(async () => {
      await app?.close();
      redis?.disconnect();
      await redisServer?.kill();
      await h?.close();
    });

    const post = (url: string, payload: object, remoteAddress: string, cookie?: string) =>
      app.inject({
        method: "POST",
        url,
        payload,
        remoteAddress,
        ...(cookie ? { headers: { cookie: `${h.cookieName}=${cookie}` } } : {}),
      });

    it("with Redis unreachable: limits count in memory, no 500, /readyz 200 naming redis degraded, counted, logged once", async () => {
      const company = await h.company("Redis Outage Co");

      const logins = [];
      for (let i = 0; i < LOGIN_LIMIT + 2; i += 1) {
        logins.push(
          (
            await post(
              "/api/auth/login",
              { email: company.admin.email, password: "wrong password" },
              "198.51.100.7",
            )
          ).statusCode,
        );
      }
      expect(logins).toEqual([...Array(LOGIN_LIMIT).fill(401), 429, 429]);

      const login = await post(
        "/api/auth/login",
        { email: company.admin.email, password: TEST_PASSWORD },
        "198.51.100.8",
      );
      expect(login.statusCode, login.body).toBe(200);
      const cookie = h.sessionCookie(login)!;

      const resets = [];
      for (let i = 0; i < RESET_LIMIT + 1; i += 1) {
        resets.push(
          (await post("/api/auth/password-reset", { email: company.admin.email }, "198.51.100.9")).statusCode,
        );
      }
      expect(resets).toEqual([...Array(RESET_LIMIT).fill(202), 429]);

      const stepUp = await post("/api/verification/step-up", {}, "198.51.100.8", cookie);
      expect(stepUp.statusCode, stepUp.body).toBe(201);

      const { acceptUrl } = await inviteMember(
        {
          auth: {
            db: h.db,
            clock: h.clock,
            throttle: memoryThrottleStore(),
            sessionPolicy: { idleMs: 3_600_000, absoluteMs: 43_200_000 },
          },
          publicUrl: "http://portal.test",
          ttlHours: 168,
        },
        {
          companyId: company.id,
          actor: null,
          email: `redis.outage.${Date.now().toString(36)}@example.com`,
          roleIds: [company.roleIds.finance],
          acceptTerms: true,
          meta: { ip: null, userAgent: null, requestId: null },
        },
      );
      const token = new URL(acceptUrl).hash.replace("#token=", "");
      const viewed = await app.inject({ url: `/api/invitations/${token}`, remoteAddress: "198.51.100.10" });
      expect(viewed.statusCode, viewed.body).toBe(200);
      const accepted = await post(
        `/api/invitations/${token}/accept`,
        { name: "Invited Person", password: TEST_PASSWORD },
        "198.51.100.10",
      );
      expect(accepted.statusCode, accepted.body).toBe(200);

      const ready = await app.inject({ url: "/readyz" });
      expect(ready.statusCode).toBe(200);
      expect(ready.json().checks.redis).toBe("degraded");

      const counts = fallbackCounts((await app.inject({ url: "/metrics" })).body);
      expect(counts.request_limit).toBeGreaterThanOrEqual(LOGIN_LIMIT + 2 + RESET_LIMIT + 1);
      expect(counts.login_throttle).toBeGreaterThanOrEqual(LOGIN_LIMIT);

      const outageLines = log.lines.filter((line) => String(line.msg).startsWith("Redis is failing"));
      expect(outageLines).toHaveLength(1);
      expect(outageLines[0]!.level).toBe(40);
      const everything = log.raw.join("\n");
      expect(everything).not.toContain(TEST_PASSWORD);
      expect(everything).not.toContain(token);
    });

    it.runIf(hasRedisServer())(
      "when Redis answers again the limits go back to it by themselves, and /readyz says ok",
      async () => {
        await redisServer.start();
        await waitFor(
          "/readyz to say redis ok",
          async () => {
            const ready = await app.inject({ url: "/readyz" });
            return ready.statusCode === 200 && ready.json().checks.redis === "ok";
          },
          15_000,
        );
        const before = fallbackCounts((await app.inject({ url: "/metrics" })).body);

        const address = "198.51.100.20";
        const login = await post(
          "/api/auth/login",
          { email: "nobody@example.com", password: "wrong password" },
          address,
        );
        expect(login.statusCode).toBe(401);
        const reset = await post("/api/auth/password-reset", { email: "nobody@example.com" }, address);
        expect(reset.statusCode).toBe(202);

        // Counted in Redis again: the plugin's counters and the per-IP throttle both hold the address.
        const inspector = new Redis(redisServer.url);
        try {
          expect(await inspector.keys(`portal:rl:*${address}`)).toHaveLength(2);
          expect(await inspector.keys(`portal:throttle:*${address}*`)).toHaveLength(1);
        } finally {
          inspector.disconnect();
        }
        expect(fallbackCounts((await app.inject({ url: "/metrics" })).body)).toEqual(before);
        expect(log.lines.filter((line) => String(line.msg).startsWith("Redis answers again"))).toHaveLength(
          1,
        );
      },
    );
  },
);
