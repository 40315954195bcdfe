// Liveness and readiness: /healthz answers while the process runs; /readyz only while the
// database answers and carries every migration this build ships. Redis only degrades the instance
// (its limits count locally meanwhile), so it is named in the checks but never makes it unready.
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import type { Redis } from "ioredis";
import type { Database } from "../db/connect.js";
import { isFullyMigrated } from "../db/migrate.js";

/** A ping slower than this counts as Redis failing, so a probe never waits on a hung Redis. */
const REDIS_PING_TIMEOUT_MS = 1_000;

async function redisCheck(redis: Redis): Promise<"ok" | "degraded"> {
  // A client that is not connected would queue the ping (or refuse it): not connected is degraded.
  if (redis.status !== "ready") return "degraded";
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error("Redis ping timed out")), REDIS_PING_TIMEOUT_MS);
  });
  try {
    await Promise.race([redis.ping(), timeout]);
    return "ok";
  } catch {
    return "degraded";
  } finally {
    clearTimeout(timer);
  }
}

const Status = Type.Object({
  status: Type.String(),
  checks: Type.Optional(Type.Record(Type.String(), Type.String())),
});

export const healthRoutes: FastifyPluginAsyncTypebox<{
  database: Database;
  redis: Redis | null;
  isShuttingDown: () => boolean;
}> = async (app, { database, redis, isShuttingDown }) => {
  app.get(
    "/healthz",
    { config: { access: { kind: "public" } }, schema: { hide: true, response: { 200: Status } } },
    async () => ({ status: "ok" }),
  );

  app.get(
    "/readyz",
    {
      config: { access: { kind: "public" } },
      schema: { hide: true, response: { 200: Status, 503: Status } },
    },
    async (_request, reply) => {
      const checks: Record<string, string> = {};
      try {
        await database.ping();
        checks.database = "ok";
        checks.migrations = (await isFullyMigrated(database)) ? "ok" : "pending";
      } catch {
        checks.database = "unreachable";
      }
      if (redis) checks.redis = await redisCheck(redis);
      if (isShuttingDown()) checks.shutdown = "draining";
      const ready = checks.database === "ok" && checks.migrations === "ok" && !isShuttingDown();
      reply.header("cache-control", "no-store");
      return reply.status(ready ? 200 : 503).send({ status: ready ? "ready" : "not_ready", checks });
    },
  );
};
