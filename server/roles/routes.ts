// HTTP routes for the permission catalogue and a company's roles. Changes need roles.manage and a
// fresh email verification (rule 7); the rules themselves live in service.ts.
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import type { FastifyRequest } from "fastify";
import { callerOf } from "../access/guard.js";
import { PERMISSION_KEYS, PERMISSIONS } from "../access/permissions.js";
import type { Clock } from "../clock.js";
import type { Database } from "../db/connect.js";
import { AppError } from "../errors.js";
import {
  CompanyParams,
  DateTime,
  errorResponses,
  PermissionKey,
  PermissionKeyRef,
  Uuid,
} from "../http/schemas.js";
import type { RoleRow } from "./queries.js";
import { listRoles } from "./queries.js";
import { createRole, deleteRole, type RoleUsageCheck, updateRole } from "./service.js";

// Names: one line, trimmed by the client; control characters and angle brackets are refused.
const RoleName = Type.String({
  minLength: 1,
  maxLength: 60,
  pattern: "^[^\\u0000-\\u001f\\u007f<>]*\\S[^\\u0000-\\u001f\\u007f<>]*$",
});
const RoleDescription = Type.String({
  maxLength: 500,
  pattern: "^[^\\u0000-\\u0008\\u000b-\\u001f\\u007f]*$",
});
const PermissionList = Type.Array(PermissionKey, {
  minItems: 1,
  maxItems: PERMISSION_KEYS.length,
  uniqueItems: true,
});

const Role = Type.Object(
  {
    id: Uuid,
    key: Type.Union([Type.String(), Type.Null()]),
    name: Type.String(),
    description: Type.String(),
    isPredefined: Type.Boolean(),
    permissions: Type.Array(PermissionKeyRef),
    memberCount: Type.Integer(),
    updatedAt: DateTime,
  },
  { $id: "Role" },
);

const Permission = Type.Object({
  key: PermissionKeyRef,
  group: Type.String(),
  label: Type.String(),
  description: Type.String(),
});
const RoleParams = Type.Object({ cid: Uuid, roleId: Uuid }, { additionalProperties: false });

function roleView(row: RoleRow) {
  return {
    id: row.id,
    key: row.key,
    name: row.name,
    description: row.description,
    isPredefined: row.key !== null,
    permissions: row.permissions,
    memberCount: row.member_count,
    updatedAt: row.updated_at.toISOString(),
  };
}

export const roleRoutes: FastifyPluginAsyncTypebox<{
  database: Database;
  clock: Clock;
  usageChecks?: RoleUsageCheck[];
}> = async (app, { database, clock, usageChecks = [] }) => {
  const { db } = database;
  app.addSchema(Role);

  const context = (request: FastifyRequest, companyId: string) => {
    const caller = callerOf(request);
    const membership = caller.membership;
    if (!membership) throw new AppError("not_found");
    return {
      db,
      companyId,
      actor: {
        accountId: caller.accountId,
        email: caller.email,
        roleKeys: membership.roleKeys,
        permissions: membership.permissions,
      },
      meta: request.meta,
      now: clock.now(),
    };
  };

  app.get(
    "/api/permissions",
    {
      config: { access: { kind: "session" } },
      schema: {
        summary: "The permission catalogue, with groups, labels and descriptions",
        tags: ["roles"],
        response: { 200: Type.Object({ items: Type.Array(Permission) }), ...errorResponses(401) },
      },
    },
    async () => ({
      items: PERMISSIONS.map((p) => ({
        key: p.key,
        group: p.group,
        label: p.label,
        description: p.description,
      })),
    }),
  );

  app.get(
    "/api/companies/:cid/roles",
    {
      config: { access: { kind: "member" } },
      schema: {
        summary: "Predefined and custom roles with their permissions and member counts",
        tags: ["roles"],
        params: CompanyParams,
        response: {
          200: Type.Object({ items: Type.Array(Type.Ref("Role")) }),
          ...errorResponses(400, 401, 404),
        },
      },
    },
    async (request) => ({ items: (await listRoles(db, request.params.cid)).map(roleView) }),
  );

  app.post(
    "/api/companies/:cid/roles",
    {
      config: { access: { kind: "permission", permission: "roles.manage" }, stepUp: true },
      schema: {
        summary: "Create a custom role",
        tags: ["roles"],
        params: CompanyParams,
        body: Type.Object(
          { name: RoleName, description: Type.Optional(RoleDescription), permissions: PermissionList },
          { additionalProperties: false },
        ),
        response: { 201: Type.Ref("Role"), ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const role = await createRole(context(request, request.params.cid), {
        name: request.body.name,
        description: request.body.description?.trim() ?? "",
        permissions: request.body.permissions,
      });
      return reply.status(201).send(roleView(role));
    },
  );

  app.patch(
    "/api/companies/:cid/roles/:roleId",
    {
      config: { access: { kind: "permission", permission: "roles.manage" }, stepUp: true },
      schema: {
        summary: "Change a custom role (predefined roles: 409 predefined_role)",
        tags: ["roles"],
        params: RoleParams,
        body: Type.Object(
          {
            name: Type.Optional(RoleName),
            description: Type.Optional(RoleDescription),
            permissions: Type.Optional(PermissionList),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: Type.Ref("Role"), ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const role = await updateRole(context(request, request.params.cid), request.params.roleId, {
        name: request.body.name,
        description: request.body.description?.trim(),
        permissions: request.body.permissions,
      });
      return roleView(role);
    },
  );

  app.delete(
    "/api/companies/:cid/roles/:roleId",
    {
      config: { access: { kind: "permission", permission: "roles.manage" }, stepUp: true },
      schema: {
        summary: "Delete a custom role that nobody holds and no pending invitation offers",
        tags: ["roles"],
        params: RoleParams,
        response: { 204: Type.Null(), ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      await deleteRole(context(request, request.params.cid), request.params.roleId, usageChecks);
      return reply.status(204).send(null);
    },
  );
};
