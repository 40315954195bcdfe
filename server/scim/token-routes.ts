// HTTP routes for a company's SCIM tokens (SPEC §6.8): create (the token shown once), list (never the
// token) and revoke; security.manage, and a fresh step-up to create or revoke (rule 7).
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import { callerOf } from "../access/guard.js";
import type { Clock } from "../clock.js";
import type { Database } from "../db/connect.js";
import { CompanyParams, DateTime, errorResponses, NullableDateTime, Uuid } from "../http/schemas.js";
import {
  createScimToken,
  listCompanyScimTokens,
  revokeCompanyScimToken,
  type ScimTokenContext,
} from "./token-service.js";

const ScimToken = Type.Object(
  {
    id: Uuid,
    name: Type.String(),
    status: Type.Union([Type.Literal("active"), Type.Literal("revoked")]),
    createdAt: DateTime,
    createdBy: Type.Union([Type.String(), Type.Null()], {
      description: "The email of the Admin who made it.",
    }),
    lastUsedAt: NullableDateTime,
    revokedAt: NullableDateTime,
  },
  { $id: "ScimToken" },
);

const CreatedScimToken = Type.Object({
  id: Uuid,
  name: Type.String(),
  token: Type.String({ description: "The bearer token for /scim/v2/: shown in this answer only." }),
  createdAt: DateTime,
});

export const scimTokenRoutes: FastifyPluginAsyncTypebox<{ database: Database; clock: Clock }> = async (
  app,
  { database, clock },
) => {
  const { db } = database;
  app.addSchema(ScimToken);
  const access = { kind: "permission", permission: "security.manage" } as const;
  const context = (request: {
    params: { cid: string };
    meta: ScimTokenContext["meta"];
  }): ScimTokenContext => {
    const caller = callerOf(request as never);
    return {
      db,
      companyId: request.params.cid,
      actor: { accountId: caller.accountId, email: caller.email },
      meta: request.meta,
      now: clock.now(),
    };
  };

  app.get(
    "/api/companies/:cid/scim-tokens",
    {
      config: { access },
      schema: {
        summary: "The company's SCIM tokens, without their secrets",
        tags: ["security"],
        params: CompanyParams,
        response: {
          200: Type.Object({ items: Type.Array(Type.Ref("ScimToken")) }),
          ...errorResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) => ({ items: await listCompanyScimTokens(db, request.params.cid) }),
  );

  app.post(
    "/api/companies/:cid/scim-tokens",
    {
      config: { access, stepUp: true },
      schema: {
        summary: "Create a SCIM token",
        tags: ["security"],
        params: CompanyParams,
        body: Type.Object(
          { name: Type.String({ minLength: 1, maxLength: 300 }) },
          { additionalProperties: false },
        ),
        response: { 201: CreatedScimToken, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => reply.status(201).send(await createScimToken(context(request), request.body)),
  );

  app.delete(
    "/api/companies/:cid/scim-tokens/:tokenId",
    {
      config: { access, stepUp: true },
      schema: {
        summary: "Revoke a SCIM token",
        tags: ["security"],
        params: Type.Object({ cid: Uuid, tokenId: Uuid }, { additionalProperties: false }),
        response: { 204: Type.Null(), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await revokeCompanyScimToken(context(request), request.params.tokenId);
      return reply.status(204).send(null);
    },
  );
};
