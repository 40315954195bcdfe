// HTTP route for a company's Home page: the counts its Admin cards show, behind members.view.
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import { callerOf } from "../access/guard.js";
import type { Clock } from "../clock.js";
import type { Database } from "../db/connect.js";
import { CompanyParams, DateTime, errorResponses, Uuid } from "../http/schemas.js";
import { loadHomeSummary } from "./service.js";

const CappedCount = {
  total: Type.Integer({ minimum: 0 }),
  totalExact: Type.Boolean({ description: "False when there are more than `total`" }),
};

const HomeSummary = Type.Object({
  membersWithoutSecondFactor: Type.Object({
    ...CappedCount,
    sample: Type.Array(Type.Object({ memberId: Uuid, name: Type.String(), email: Type.String() }), {
      description: "A few of them, by email",
    }),
  }),
  pendingInvitations: Type.Union([Type.Object(CappedCount), Type.Null()], {
    description: "Open invitations; null without `members.invite`",
  }),
  expiringAccess: Type.Array(
    Type.Object({
      memberId: Uuid,
      name: Type.String(),
      email: Type.String(),
      roleName: Type.String(),
      expiresAt: DateTime,
    }),
    { description: "Role assignments of active members expiring within 14 days, soonest first (at most 20)" },
  ),
});

export const homeRoutes: FastifyPluginAsyncTypebox<{ database: Database; clock: Clock }> = async (
  app,
  { database, clock },
) => {
  app.get(
    "/api/companies/:cid/home",
    {
      config: { access: { kind: "permission", permission: "members.view" } },
      schema: {
        summary: "What a company's Home page shows an Admin",
        tags: ["members"],
        params: CompanyParams,
        response: { 200: HomeSummary, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) =>
      loadHomeSummary(
        database.db,
        request.params.cid,
        callerOf(request).membership?.permissions ?? [],
        clock.now(),
      ),
  );
};
