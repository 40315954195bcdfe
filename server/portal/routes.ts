// The portal sections each role opens, one file per section: transactions and settlements (with
// their CSV downloads), the Developer Center and Insights.
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { Clock } from "../clock.js";
import type { Database } from "../db/connect.js";
import { developerCenterRoutes } from "./developer-center-routes.js";
import { insightsRoutes } from "./insights-routes.js";
import { settlementRoutes } from "./settlements-routes.js";
import { transactionRoutes } from "./transactions-routes.js";

export const portalRoutes: FastifyPluginAsyncTypebox<{ database: Database; clock: Clock }> = async (
  app,
  options,
) => {
  await app.register(transactionRoutes, options);
  await app.register(settlementRoutes, options);
  await app.register(developerCenterRoutes, options);
  await app.register(insightsRoutes, options);
};
