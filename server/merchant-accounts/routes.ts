// HTTP route of merchant accounts (SPEC §6.8): any member lists the company's accounts in their scope.
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import type { Database } from "../db/connect.js";
import { CompanyParams, DateTime, errorResponses, Uuid } from "../http/schemas.js";
import { callerScope } from "./caller-scope.js";
import { listAccountsInScope } from "./service.js";

const MerchantAccount = Type.Object({
  id: Uuid,
  name: Type.String(),
  reference: Type.String(),
  region: Type.String(),
  createdAt: DateTime,
});

export const merchantAccountRoutes: FastifyPluginAsyncTypebox<{ database: Database }> = async (
  app,
  { database },
) => {
  app.get(
    "/api/companies/:cid/merchant-accounts",
    {
      config: { access: { kind: "member" } },
      schema: {
        summary: "The company's merchant accounts in the caller's scope, the default (oldest) first",
        tags: ["companies"],
        params: CompanyParams,
        response: {
          200: Type.Object({ items: Type.Array(MerchantAccount) }),
          ...errorResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) => listAccountsInScope(database.db, request.params.cid, callerScope(request)),
  );
};
