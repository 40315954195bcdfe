// Issue 17 item 4 on a real production process: a Redis of the test's own is killed under a load of
// logins and password resets, and started again on the same port. No request answers 500 meanwhile,
// /readyz stays 200 naming Redis degraded, the fallbacks are counted and logged once, and the limits
// go back to the restarted Redis without restarting the server.
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase, type TestDatabase, testDatabaseKinds } from "../support/databases.js";
import { hasRedisServer, type OwnRedis, ownRedis } from "../support/redis-server.js";
import { startSmtpSink } from "../support/smtp-sink.js";
import { type ServerProcess, startServerProcess, stopAll, waitFor } from "./support/processes.js";
import { seedCompany, uniqueEmail } from "./support/seed.js";

const canRun = testDatabaseKinds.includes("postgres") && hasRedisServer();
const WORKERS = 4;
const MAX_REQUESTS_PER_WORKER = 500;

/** Wrong-password logins and password resets from a few clients at once, until stopped. */
function startLoad(server: ServerProcess, adminEmail: string) {
  const statuses: number[] = [];
  let isStopped = false;
  const worker = async (index: number) => {
    for (let i = 0; i < MAX_REQUESTS_PER_WORKER && !isStopped; i += 1) {
      const isLogin = (i + index) % 2 === 0;
      const response = await fetch(`${server.url}/api/auth/${isLogin ? "login" : "password-reset"}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(
          isLogin
            ? { email: i % 3 === 0 ? adminEmail : uniqueEmail("redis.load"), password: "not the password" }
            : { email: adminEmail },
        ),
      });
      await response.arrayBuffer();
      statuses.push(response.status);
    }
  };
  const done = Promise.all(Array.from({ length: WORKERS }, (_, index) => worker(index)));
  return {
    statuses,
    /** Resolves once `count` more answers arrived than when it was called. */
    async answered(what: string, count: number) {
      const target = statuses.length + count;
      await waitFor(what, async () => statuses.length >= target, 60_000);
    },
    async stop() {
      isStopped = true;
      await done;
    },
  };
}

async function readiness(server: ServerProcess) {
  const response = await fetch(`${server.url}/readyz`);
  return { status: response.status, body: (await response.json()) as { checks: Record<string, string> } };
}

async function fallbackTotal(server: ServerProcess): Promise<number> {
  const metrics = await (await fetch(`${server.url}/metrics`)).text();
  let total = 0;
  for (const match of metrics.matchAll(/^portal_ratelimit_fallback_total\{[^}]*\} (\d+)$/gm)) {
    total += Number(match[1]);
  }
  return total;
}

describe.runIf(canRun)(
  "Issue 17 item 4: Redis down means every login and reset answers 500 while /readyz says ready",
  () => {
    let database: TestDatabase;
    let redisServer: OwnRedis;
    let sink: Awaited<ReturnType<typeof startSmtpSink>>;
    let server: ServerProcess;
    let adminEmail: string;

    beforeAll(async () => {
      database = await openTestDatabase("postgres");
      redisServer = await ownRedis();
      await redisServer.start();
      sink = await startSmtpSink();
      adminEmail = (await seedCompany(database, "Redis Fault Co")).admin.email;
      server = await startServerProcess({
        NODE_ENV: "production",
        DATABASE_URL: database.url!,
        REDIS_URL: redisServer.url,
        SMTP_URL: sink.url,
        MFA_SECRET_KEY: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        PUBLIC_URL: "https://portal.test",
        METRICS_ENABLED: "true",
      });
    });
    afterAll(async () => {
      await stopAll();
      await redisServer?.kill();
      await sink?.stop();
      await database?.dispose();
    });

    it("Redis killed under load: never 500, /readyz 200 naming redis degraded, counted; restarted: back on Redis", async () => {
      expect((await readiness(server)).body.checks.redis).toBe("ok");
      const load = startLoad(server, adminEmail);
      try {
        await load.answered("answers with Redis up", 20);

        await redisServer.kill();
        await load.answered("answers with Redis down", 60);
        const degraded = await readiness(server);
        expect(degraded.status).toBe(200);
        expect(degraded.body.checks).toMatchObject({ database: "ok", redis: "degraded" });
        expect(await fallbackTotal(server)).toBeGreaterThan(0);

        await redisServer.start();
        await waitFor(
          "/readyz to say redis ok",
          async () => (await readiness(server)).body.checks.redis === "ok",
          30_000,
        );
        const fallbacksAfterRecovery = await fallbackTotal(server);
        await load.answered("answers with Redis back", 20);
        // Counted in the restarted (empty) Redis again, not in memory.
        expect(await fallbackTotal(server)).toBe(fallbacksAfterRecovery);
      } finally {
        await load.stop();
      }

      const unexpected = load.statuses.filter((status) => ![401, 202, 429].includes(status));
      expect(unexpected).toEqual([]);
      expect(load.statuses).toContain(429);

      const inspector = new Redis(redisServer.url);
      try {
        expect(await inspector.keys("portal:rl:*127.0.0.1")).not.toHaveLength(0);
        expect(await inspector.keys("portal:throttle:login-ip:127.0.0.1")).toHaveLength(1);
      } finally {
        inspector.disconnect();
      }
      // One warning for the outage, not one per request; no password in the output.
      expect(server.output().match(/Redis is failing/g) ?? []).toHaveLength(1);
      expect(server.output()).not.toContain("not the password");
      expect(server.isRunning()).toBe(true);
    });
  },
);
