// Liveness and readiness: /healthz answers while the process runs; /readyz only while the
// database answers and carries every migration this build ships.
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import type { Database } from "../db/connect.js";
import { isFullyMigrated } from "../db/migrate.js";

const Status = Type.Object({
  status: Type.String(),
  checks: Type.Optional(Type.Record(Type.String(), Type.String())),
});

export const healthRoutes: FastifyPluginAsyncTypebox<{
  database: Database;
  isShuttingDown: () => boolean;
}> = async (app, { database, isShuttingDown }) => {
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
      if (isShuttingDown()) checks.shutdown = "draining";
      const ready = checks.database === "ok" && checks.migrations === "ok" && !isShuttingDown();
      reply.header("cache-control", "no-store");
      return reply.status(ready ? 200 : 503).send({ status: ready ? "ready" : "not_ready", checks });
    },
  );
};
