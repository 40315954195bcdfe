// Developer Center section: the client id, masked API keys and webhooks of a company.
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import { readableAccounts } from "../access/scope.js";
import type { Database } from "../db/connect.js";
import { CompanyParams, errorResponses, Uuid } from "../http/schemas.js";
import { callerScope } from "../merchant-accounts/caller-scope.js";
import { developerCenter } from "./queries.js";
import { DateTime } from "./schemas.js";

const DeveloperCenter = Type.Object({
  clientId: Type.Union([Type.String(), Type.Null()]),
  environment: Type.Union([Type.String(), Type.Null()]),
  apiKeys: Type.Array(
    Type.Object({
      id: Uuid,
      label: Type.String(),
      maskedKey: Type.String(),
      createdAt: DateTime,
      status: Type.String(),
      merchantAccountId: Uuid,
    }),
  ),
  webhooks: Type.Array(
    Type.Object({
      id: Uuid,
      url: Type.String(),
      events: Type.Array(Type.String()),
      status: Type.String(),
      createdAt: DateTime,
      merchantAccountId: Uuid,
    }),
  ),
});

export const developerCenterRoutes: FastifyPluginAsyncTypebox<{ database: Database }> = async (
  app,
  { database },
) => {
  app.get(
    "/api/companies/:cid/developer-center",
    {
      config: { access: { kind: "permission", permission: "developer_center.view" } },
      schema: {
        summary: "Developer Center: client id, masked API keys, webhooks",
        tags: ["portal"],
        params: CompanyParams,
        response: { 200: DeveloperCenter, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const center = await developerCenter(
        database.db,
        request.params.cid,
        readableAccounts(callerScope(request)),
      );
      return {
        clientId: center.credentials?.client_id ?? null,
        environment: center.credentials?.environment ?? null,
        apiKeys: center.apiKeys.map((key) => ({
          id: key.id,
          label: key.label,
          maskedKey: `${key.prefix}_••••••••${key.last_four}`,
          createdAt: key.created_at.toISOString(),
          status: key.status,
          merchantAccountId: key.merchant_account_id,
        })),
        webhooks: center.webhooks.map((hook) => ({
          id: hook.id,
          url: hook.url,
          events: hook.events,
          status: hook.status,
          createdAt: hook.created_at.toISOString(),
          merchantAccountId: hook.merchant_account_id,
        })),
      };
    },
  );
};
