// HTTP routes for a company's verified domains (SPEC §6.3, §6.8): list, add, verify through DNS and
// remove; security.manage, and a fresh step-up for every change (rule 7).
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import { callerOf } from "../access/guard.js";
import type { Clock } from "../clock.js";
import type { Database } from "../db/connect.js";
import { CompanyParams, DateTime, errorResponses, NullableDateTime, Uuid } from "../http/schemas.js";
import type { TxtLookup } from "./dns.js";
import { addDomain, type DomainContext, listCompanyDomains, removeDomain, verifyDomain } from "./service.js";

const Domain = Type.Object(
  {
    id: Uuid,
    domain: Type.String(),
    status: Type.Union([Type.Literal("pending"), Type.Literal("verified")]),
    txtRecord: Type.Object(
      { name: Type.String(), value: Type.String() },
      { description: "The TXT record to publish at the domain to prove it is the company's." },
    ),
    verifiedAt: NullableDateTime,
    createdAt: DateTime,
  },
  { $id: "Domain" },
);

const DomainParams = Type.Object({ cid: Uuid, domainId: Uuid }, { additionalProperties: false });

export const domainRoutes: FastifyPluginAsyncTypebox<{
  database: Database;
  clock: Clock;
  lookup: TxtLookup;
}> = async (app, { database, clock, lookup }) => {
  const { db } = database;
  app.addSchema(Domain);
  const access = { kind: "permission", permission: "security.manage" } as const;
  const context = (request: { params: { cid: string }; meta: DomainContext["meta"] }): DomainContext => {
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
    "/api/companies/:cid/domains",
    {
      config: { access },
      schema: {
        summary: "The company's domains, verified and pending",
        tags: ["security"],
        params: CompanyParams,
        response: {
          200: Type.Object({ items: Type.Array(Type.Ref("Domain")) }),
          ...errorResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) => ({ items: await listCompanyDomains(db, request.params.cid) }),
  );

  app.post(
    "/api/companies/:cid/domains",
    {
      config: { access, stepUp: true },
      schema: {
        summary: "Add a domain to verify",
        tags: ["security"],
        params: CompanyParams,
        body: Type.Object(
          { domain: Type.String({ minLength: 1, maxLength: 300 }) },
          { additionalProperties: false },
        ),
        response: { 201: Type.Ref("Domain"), ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const domain = await addDomain(context(request), request.body);
      return reply.status(201).send(domain);
    },
  );

  app.post(
    "/api/companies/:cid/domains/:domainId/verify",
    {
      config: { access, stepUp: true },
      schema: {
        summary: "Verify a domain by its DNS TXT record",
        tags: ["security"],
        params: DomainParams,
        response: { 200: Type.Ref("Domain"), ...errorResponses(400, 401, 403, 404, 409, 503) },
      },
    },
    async (request) => verifyDomain(context(request), lookup, request.params.domainId),
  );

  app.delete(
    "/api/companies/:cid/domains/:domainId",
    {
      config: { access, stepUp: true },
      schema: {
        summary: "Remove a domain",
        tags: ["security"],
        params: DomainParams,
        response: { 204: Type.Null(), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await removeDomain(context(request), request.params.domainId);
      return reply.status(204).send(null);
    },
  );
};
