// HTTP routes for a company's security policy (SPEC §6.2, §6.8): read it with the members who have
// no second factor, and change it (security.manage and a fresh step-up, rule 7).
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import { callerOf } from "../access/guard.js";
import type { Clock } from "../clock.js";
import type { Database } from "../db/connect.js";
import { CompanyParams, errorResponses, Uuid } from "../http/schemas.js";
import { changeSecurityPolicy, MAX_INVITE_DOMAINS, readSecurityPolicy } from "./service.js";

const PolicyFields = {
  requireMfa: Type.Boolean({ description: "Members without a second factor may only enrol one." }),
  sessionIdleMinutes: Type.Union([Type.Integer(), Type.Null()], {
    description: "The company's idle timeout in minutes (5 up to the portal's); null: the portal's.",
  }),
  inviteDomains: Type.Array(Type.String({ maxLength: 300 }), {
    // Bounded for the parser; the service refuses more than MAX_INVITE_DOMAINS with its own code.
    maxItems: MAX_INVITE_DOMAINS * 4,
    description: "The email domains invitations may go to; empty: any.",
  }),
};

// PCI DSS 8.2.6 asks for 90 days at most; the warning goes 7 days ahead, so at least 14.
const InactivityDays = Type.Integer({
  minimum: 14,
  maximum: 90,
  description: "Days without using the company's portal before a member is deactivated by the system.",
});

const SecurityPolicyBody = Type.Object(
  {
    ...PolicyFields,
    inactivityDays: InactivityDays,
    inviteDomains: Type.Array(Type.String()),
    membersWithoutSecondFactor: Type.Array(
      Type.Object({ memberId: Uuid, name: Type.String(), email: Type.String() }),
    ),
    /** The list shows the first members by name; true when there are more. */
    hasMoreMembersWithoutSecondFactor: Type.Boolean(),
    /** The portal's own idle timeout: the longest a company may set, and what null means. */
    maxSessionIdleMinutes: Type.Integer(),
  },
  { $id: "SecurityPolicy" },
);

export const securityPolicyRoutes: FastifyPluginAsyncTypebox<{
  database: Database;
  clock: Clock;
  globalIdleMinutes: number;
}> = async (app, { database, clock, globalIdleMinutes }) => {
  const { db } = database;
  app.addSchema(SecurityPolicyBody);

  app.get(
    "/api/companies/:cid/security-policy",
    {
      config: { access: { kind: "permission", permission: "security.manage" } },
      schema: {
        summary: "The company's security policy and its members without a second factor",
        tags: ["security"],
        params: CompanyParams,
        response: { 200: Type.Ref("SecurityPolicy"), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => ({
      ...(await readSecurityPolicy(db, request.params.cid)),
      maxSessionIdleMinutes: globalIdleMinutes,
    }),
  );

  app.put(
    "/api/companies/:cid/security-policy",
    {
      config: { access: { kind: "permission", permission: "security.manage" }, stepUp: true },
      schema: {
        summary: "Change the company's security policy",
        tags: ["security"],
        params: CompanyParams,
        body: Type.Object(
          { ...PolicyFields, inactivityDays: Type.Optional(InactivityDays) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Ref("SecurityPolicy"), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      await changeSecurityPolicy(
        {
          db,
          companyId: request.params.cid,
          actor: { accountId: caller.accountId, email: caller.email },
          meta: request.meta,
          now: clock.now(),
          globalIdleMinutes,
        },
        request.body,
      );
      return {
        ...(await readSecurityPolicy(db, request.params.cid)),
        maxSessionIdleMinutes: globalIdleMinutes,
      };
    },
  );
};
