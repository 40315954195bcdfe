// HTTP routes for the member list and member changes (SPEC §3). Changes need their permission and a
// fresh email verification (rule 7); the rules themselves live in service.ts.
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import type { FastifyReply, FastifyRequest } from "fastify";
import { callerOf } from "../access/guard.js";
import { PREDEFINED_ROLES } from "../access/permissions.js";
import type { Clock } from "../clock.js";
import type { Database } from "../db/connect.js";
import { AppError } from "../errors.js";
import { etagOf, requestedVersion } from "../http/etag.js";
import { Collection, PageQuery } from "../http/pagination.js";
import {
  AssignedRoleRef,
  CompanyParams,
  CsvFile,
  DateTime,
  errorResponses,
  NullableDateTime,
  RoleExpiries,
  Uuid,
} from "../http/schemas.js";
import { ScopeBody } from "../merchant-accounts/schemas.js";
import { MEMBER_SORT_KEYS } from "./list-order.js";
import {
  changeMemberRoles,
  deactivateMember,
  exportMemberList,
  getMember,
  listMemberPage,
  type MemberContext,
  type MemberView,
  reactivateMember,
  removeMember,
} from "./service.js";

const MemberStatus = Type.Union([Type.Literal("active"), Type.Literal("deactivated")]);

const Member = Type.Object(
  {
    id: Uuid,
    accountId: Uuid,
    email: Type.String(),
    name: Type.String(),
    roles: Type.Array(AssignedRoleRef),
    status: MemberStatus,
    joinedAt: DateTime,
    lastActiveAt: NullableDateTime,
    /** Who invited the member (null: nobody, or an account since deleted). Only GET of one member carries it. */
    invitedBy: Type.Optional(
      Type.Union([Type.Object({ name: Type.String(), email: Type.String() }), Type.Null()]),
    ),
    /** Whether the member's account has a confirmed second factor. Only GET of one member carries it. */
    hasSecondFactor: Type.Optional(Type.Boolean()),
    /** Also the member's ETag. Sent back with a change (optional), a member changed since answers 409 conflict. */
    version: Type.Integer(),
    scope: ScopeBody,
  },
  { $id: "Member" },
);

const MemberQuery = Type.Object(
  {
    // Case-insensitive substring of the email; under three characters, its beginning.
    email: Type.Optional(Type.String({ maxLength: 254, pattern: "^[^\\u0000-\\u001f\\u007f]*$" })),
    // A role id of this company, or a predefined role's key.
    role: Type.Optional(Type.Union([Uuid, ...PREDEFINED_ROLES.map((role) => Type.Literal(role.key))])),
    status: Type.Optional(MemberStatus),
    sort: Type.Optional(
      Type.Union(
        MEMBER_SORT_KEYS.map((key) => Type.Literal(key)),
        { description: "The order of the list (default email); ties are broken by member id." },
      ),
    ),
    order: Type.Optional(
      Type.Union([Type.Literal("asc"), Type.Literal("desc")], {
        description: "Ascending (default) or descending; members who never signed in come last either way.",
      }),
    ),
    ...PageQuery,
    // A cursor carries its row's sort key, up to a 200-character name; one of another order is 400.
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 2_000 })),
  },
  { additionalProperties: false },
);

const MemberExportQuery = Type.Object(
  {
    email: MemberQuery.properties.email,
    role: MemberQuery.properties.role,
    status: MemberQuery.properties.status,
  },
  { additionalProperties: false },
);

// The member, with its version also as a strong ETag header for If-Match.
const MemberWithEtag = {
  ...Type.Ref("Member"),
  headers: { ETag: { type: "string", description: 'The member\'s version as a strong ETag, e.g. "7".' } },
};

const MemberParams = Type.Object({ cid: Uuid, memberId: Uuid }, { additionalProperties: false });
const Version = Type.Integer({
  minimum: 1,
  maximum: 2_147_483_647,
  description: "Optional: the member's version the change was made on; a stale one answers 409 conflict.",
});
// Optimistic concurrency through HTTP: the member's ETag (GET sends it), the same as `version`.
const IfMatch = Type.Object({
  "if-match": Type.Optional(
    Type.String({
      maxLength: 100,
      description: 'The member\'s ETag, e.g. "7"; a stale one answers 409 conflict.',
    }),
  ),
});

export const memberRoutes: FastifyPluginAsyncTypebox<{ database: Database; clock: Clock }> = async (
  app,
  { database, clock },
) => {
  const { db } = database;
  app.addSchema(Member);

  const withEtag = (reply: FastifyReply, member: MemberView) => {
    reply.header("etag", etagOf(member.version));
    return member;
  };

  const context = (request: FastifyRequest, companyId: string): MemberContext => {
    const caller = callerOf(request);
    if (!caller.membership) throw new AppError("not_found");
    return {
      db,
      companyId,
      actor: {
        accountId: caller.accountId,
        email: caller.email,
        name: caller.name,
        memberId: caller.membership.memberId,
      },
      meta: request.meta,
      now: clock.now(),
    };
  };

  app.get(
    "/api/companies/:cid/members",
    {
      config: { access: { kind: "permission", permission: "members.view" } },
      schema: {
        summary:
          "The member list: search by email, filter by role and status, sorted by email, name, joined or last active",
        tags: ["members"],
        params: CompanyParams,
        querystring: MemberQuery,
        response: { 200: Collection(Type.Ref("Member")), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => listMemberPage(db, request.params.cid, request.query),
  );

  app.get(
    "/api/companies/:cid/members/export",
    {
      config: { access: { kind: "permission", permission: "members.view" } },
      schema: {
        summary: "The member list as CSV (streamed), with the list's email, role and status filters",
        tags: ["members"],
        params: CompanyParams,
        querystring: MemberExportQuery,
        response: { 200: CsvFile, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const now = clock.now();
      const stream = await exportMemberList(
        {
          db,
          companyId: request.params.cid,
          actor: { accountId: caller.accountId, email: caller.email },
          meta: request.meta,
          now,
        },
        request.query,
      );
      return reply
        .type("text/csv; charset=utf-8")
        .header("content-disposition", `attachment; filename="members-${now.toISOString().slice(0, 10)}.csv"`)
        .send(stream);
    },
  );

  app.get(
    "/api/companies/:cid/members/:memberId",
    {
      config: { access: { kind: "permission", permission: "members.view" } },
      schema: {
        summary: "One member",
        tags: ["members"],
        params: MemberParams,
        response: { 200: MemberWithEtag, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const member = await getMember(db, request.params.cid, request.params.memberId);
      reply.header("etag", etagOf(member.version));
      return member;
    },
  );

  app.put(
    "/api/companies/:cid/members/:memberId/roles",
    {
      config: { access: { kind: "permission", permission: "members.edit_roles" }, stepUp: true },
      schema: {
        summary: "Replace a member's roles (rules 4-6; 409 conflict on a stale version or If-Match)",
        tags: ["members"],
        params: MemberParams,
        headers: IfMatch,
        body: Type.Object(
          {
            roleIds: Type.Array(Uuid, { minItems: 1, maxItems: 10, uniqueItems: true }),
            roleExpiries: Type.Optional(RoleExpiries),
            version: Type.Optional(Version),
            /** Absent: the member keeps the merchant accounts they reach. */
            scope: Type.Optional(ScopeBody),
          },
          { additionalProperties: false },
        ),
        response: { 200: MemberWithEtag, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) =>
      withEtag(
        reply,
        await changeMemberRoles(context(request, request.params.cid), request.params.memberId, {
          roleIds: request.body.roleIds,
          scope: request.body.scope,
          roleExpiries: request.body.roleExpiries,
          version: requestedVersion(request.body.version, request.headers["if-match"]),
        }),
      ),
  );

  const StatusChange = Type.Object({ version: Type.Optional(Version) }, { additionalProperties: false });

  app.post(
    "/api/companies/:cid/members/:memberId/deactivate",
    {
      config: { access: { kind: "permission", permission: "members.deactivate" }, stepUp: true },
      schema: {
        summary: "Deactivate a member: their access to the company ends on their next request",
        tags: ["members"],
        params: MemberParams,
        headers: IfMatch,
        body: StatusChange,
        response: { 200: MemberWithEtag, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) =>
      withEtag(
        reply,
        await deactivateMember(context(request, request.params.cid), request.params.memberId, {
          version: requestedVersion(request.body?.version, request.headers["if-match"]),
        }),
      ),
  );

  app.post(
    "/api/companies/:cid/members/:memberId/reactivate",
    {
      config: { access: { kind: "permission", permission: "members.deactivate" }, stepUp: true },
      schema: {
        summary: "Reactivate a member with the roles they held",
        tags: ["members"],
        params: MemberParams,
        headers: IfMatch,
        body: StatusChange,
        response: { 200: MemberWithEtag, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) =>
      withEtag(
        reply,
        await reactivateMember(context(request, request.params.cid), request.params.memberId, {
          version: requestedVersion(request.body?.version, request.headers["if-match"]),
        }),
      ),
  );

  app.delete(
    "/api/companies/:cid/members/:memberId",
    {
      config: { access: { kind: "permission", permission: "members.deactivate" }, stepUp: true },
      schema: {
        summary: "Remove a deactivated member from the company for good (an active one: 409 member_active)",
        tags: ["members"],
        params: MemberParams,
        response: { 204: Type.Null(), ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const membership = callerOf(request).membership;
      if (!membership) throw new AppError("not_found");
      await removeMember(context(request, request.params.cid), request.params.memberId, membership);
      return reply.status(204).send(null);
    },
  );
};
