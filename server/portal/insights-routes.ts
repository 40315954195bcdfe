// Insights section: payment success rate, per-method performance, error report, daily volume.
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import type { Clock } from "../clock.js";
import type { Database } from "../db/connect.js";
import { CompanyParams, errorResponses, Uuid } from "../http/schemas.js";
import { callerScope } from "../merchant-accounts/caller-scope.js";
import { DateTime } from "./schemas.js";
import { insightsReport } from "./service.js";

const InsightsQuery = Type.Object(
  { from: Type.Optional(DateTime), to: Type.Optional(DateTime), merchantAccountId: Type.Optional(Uuid) },
  { additionalProperties: false },
);
const Rate = Type.Union([Type.Number(), Type.Null()]);
const Insights = Type.Object({
  period: Type.Object({ from: DateTime, to: DateTime }),
  currency: Type.String(),
  transactionCount: Type.Integer(),
  successRate: Rate,
  byPaymentMethod: Type.Array(
    Type.Object({
      paymentMethod: Type.String(),
      count: Type.Integer(),
      succeeded: Type.Integer(),
      failed: Type.Integer(),
      successRate: Rate,
      volume: Type.String(),
    }),
  ),
  errors: Type.Array(Type.Object({ errorCode: Type.String(), count: Type.Integer(), share: Type.Number() })),
  daily: Type.Array(
    Type.Object({
      day: DateTime,
      count: Type.Integer(),
      succeeded: Type.Integer(),
      failed: Type.Integer(),
      volume: Type.String(),
    }),
  ),
});

export const insightsRoutes: FastifyPluginAsyncTypebox<{ database: Database; clock: Clock }> = async (
  app,
  { database, clock },
) => {
  app.get(
    "/api/companies/:cid/insights",
    {
      config: { access: { kind: "permission", permission: "insights.view" } },
      schema: {
        summary: "Insights: payment success rate, per-method performance, error report, daily volume",
        tags: ["portal"],
        params: CompanyParams,
        querystring: InsightsQuery,
        response: { 200: Insights, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) =>
      insightsReport(database.db, request.params.cid, request.query, callerScope(request), clock.now()),
  );
};
