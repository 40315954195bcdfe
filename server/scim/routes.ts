// The SCIM 2.0 server at /scim/v2/ (SPEC §6.3, RFC 7644): every route answers to a company's bearer
// token alone (access kind scim_token), takes application/scim+json or JSON, and answers SCIM bodies,
// errors included, in application/scim+json.
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { type TSchema, Type } from "@sinclair/typebox";
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import type { Clock } from "../clock.js";
import type { Database } from "../db/connect.js";
import { AppError } from "../errors.js";
import { refusingDuplicateKeys } from "../http/json-body.js";
import { resourceTypes, schemas, serviceProviderConfig } from "./discovery.js";
import { SCIM_CONTENT_TYPE, ScimError, type ScimType, scimErrorBody } from "./protocol.js";
import {
  createUser,
  deleteUser,
  getGroup,
  getUser,
  listGroups,
  listUsers,
  patchGroup,
  patchUser,
  replaceUser,
  type ScimContext,
} from "./service.js";

const ACCESS = { kind: "scim_token" } as const;

const idOf = (request: FastifyRequest) => (request.params as { id: string }).id;

// SCIM bodies are open (providers add attributes and extensions): the service reads them, refusing
// what no published schema defines. The schemas here document and serialise, keeping every member.
const Resource = (description: string): TSchema =>
  Type.Object({}, { additionalProperties: true, description });
const ErrorSchema = Type.Object(
  {
    schemas: Type.Array(Type.String()),
    status: Type.String(),
    scimType: Type.Optional(Type.String()),
    detail: Type.String(),
  },
  { description: "A SCIM error (RFC 7644 §3.12)." },
);
const errors = (...statuses: number[]) => Object.fromEntries(statuses.map((status) => [status, ErrorSchema]));
const ListQuery = Type.Object(
  {
    filter: Type.Optional(Type.String({ maxLength: 1000 })),
    startIndex: Type.Optional(Type.String({ maxLength: 20 })),
    count: Type.Optional(Type.String({ maxLength: 20 })),
    attributes: Type.Optional(Type.String({ maxLength: 1000 })),
    excludedAttributes: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: true },
);
const ExcludedQuery = Type.Object(
  {
    attributes: Type.Optional(Type.String({ maxLength: 1000 })),
    excludedAttributes: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: true },
);
const IdParams = Type.Object({ id: Type.String({ maxLength: 200 }) }, { additionalProperties: false });
const Body = Type.Unknown({ description: "A SCIM resource or PatchOp (application/scim+json)." });

// Our error codes as SCIM words: the status stays, a scimType where RFC 7644 has one.
const SCIM_TYPES: Partial<Record<string, ScimType>> = {
  validation_failed: "invalidValue",
  conflict: "mutability",
};

function sendScimError(reply: FastifyReply, status: number, detail: string, scimType?: ScimType) {
  if (status === 401) reply.header("www-authenticate", 'Bearer realm="SCIM"');
  return reply
    .status(status)
    .type(`${SCIM_CONTENT_TYPE}; charset=utf-8`)
    .send(scimErrorBody(status, detail, scimType));
}

export const scimRoutes: FastifyPluginAsyncTypebox<{
  database: Database;
  clock: Clock;
  publicUrl: string;
}> = async (app, { database, clock, publicUrl }) => {
  const baseUrl = `${publicUrl}/scim/v2`;
  const parseJson = refusingDuplicateKeys(app.getDefaultJsonParser("error", "error"));
  // A DELETE or GET may come with the content type and no body (Entra ID's DELETE does): no body.
  const parseScimBody: typeof parseJson = (request, body, done) =>
    String(body).trim() === "" ? done(null, undefined) : parseJson(request, body, done);
  app.addContentTypeParser(SCIM_CONTENT_TYPE, { parseAs: "string" }, parseScimBody);
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, parseScimBody);
  app.addHook("onRequest", async (_request, reply) => {
    reply.header("cache-control", "no-store");
  });
  app.addHook("onSend", async (_request, reply, payload) => {
    const type = String(reply.getHeader("content-type") ?? "");
    if (type.startsWith("application/json")) reply.type(`${SCIM_CONTENT_TYPE}; charset=utf-8`);
    return payload;
  });

  app.setErrorHandler((error: FastifyError | AppError | ScimError, request, reply) => {
    if (error instanceof ScimError) return sendScimError(reply, error.status, error.detail, error.scimType);
    if (error instanceof AppError) {
      return sendScimError(reply, error.status, error.message, SCIM_TYPES[error.code]);
    }
    if (error.validation)
      return sendScimError(reply, 400, `The request is not valid: ${error.message}`, "invalidSyntax");
    if (error.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE") {
      return sendScimError(reply, 415, "Send application/scim+json or application/json.");
    }
    if (error.code === "FST_ERR_CTP_BODY_TOO_LARGE")
      return sendScimError(reply, 413, "The request body is too large.");
    if (error.statusCode === 400 || error instanceof SyntaxError) {
      return sendScimError(reply, 400, "The body is not valid JSON.", "invalidSyntax");
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return sendScimError(reply, error.statusCode, "The request could not be understood.");
    }
    request.log.error({ err: error }, "SCIM request failed");
    return sendScimError(reply, 500, "Something went wrong on our side.");
  });
  app.setNotFoundHandler((_request, reply) => sendScimError(reply, 404, "No such SCIM endpoint."));

  const context = (request: FastifyRequest): ScimContext => {
    if (!request.scim) throw new AppError("unauthenticated");
    return { db: database.db, caller: request.scim, meta: request.meta, now: clock.now(), baseUrl };
  };
  const schema = (summary: string, operation: Record<string, unknown>) => ({
    summary,
    tags: ["scim"],
    ...operation,
  });

  app.get(
    "/ServiceProviderConfig",
    {
      config: { access: ACCESS },
      schema: schema("What this SCIM server supports", {
        response: { 200: Resource("The ServiceProviderConfig (RFC 7643 §5)."), ...errors(401) },
      }),
    },
    async () => serviceProviderConfig(baseUrl),
  );
  app.get(
    "/ResourceTypes",
    {
      config: { access: ACCESS },
      schema: schema("The SCIM resource types: User and Group", {
        response: { 200: Resource("A ListResponse of ResourceTypes (RFC 7643 §6)."), ...errors(401) },
      }),
    },
    async () => resourceTypes(baseUrl),
  );
  app.get(
    "/Schemas",
    {
      config: { access: ACCESS },
      schema: schema("The SCIM schemas of User and Group", {
        response: { 200: Resource("A ListResponse of Schemas (RFC 7643 §7)."), ...errors(401) },
      }),
    },
    async () => schemas(baseUrl),
  );

  app.get(
    "/Users",
    {
      config: { access: ACCESS },
      schema: schema("List or find users (members)", {
        querystring: ListQuery,
        response: { 200: Resource("A ListResponse of Users."), ...errors(400, 401) },
      }),
    },
    async (request) => listUsers(context(request), request.query as Record<string, string>),
  );
  app.post(
    "/Users",
    {
      config: { access: ACCESS },
      schema: schema("Provision a user as a member", {
        body: Body,
        response: { 201: Resource("The User made."), ...errors(400, 401, 409) },
      }),
    },
    async (request, reply) => reply.status(201).send(await createUser(context(request), request.body)),
  );
  app.get(
    "/Users/:id",
    {
      config: { access: ACCESS },
      schema: schema("One user (member)", {
        params: IdParams,
        response: { 200: Resource("A User."), ...errors(401, 404) },
      }),
    },
    async (request) => getUser(context(request), idOf(request)),
  );
  app.put(
    "/Users/:id",
    {
      config: { access: ACCESS },
      schema: schema("Replace a user's provisioned state", {
        params: IdParams,
        body: Body,
        response: { 200: Resource("The User."), ...errors(400, 401, 404, 409) },
      }),
    },
    async (request) => replaceUser(context(request), idOf(request), request.body),
  );
  app.patch(
    "/Users/:id",
    {
      config: { access: ACCESS },
      schema: schema("Change a user: activate, deactivate, externalId", {
        params: IdParams,
        body: Body,
        response: { 200: Resource("The User."), ...errors(400, 401, 404, 409) },
      }),
    },
    async (request) => patchUser(context(request), idOf(request), request.body),
  );
  app.delete(
    "/Users/:id",
    {
      config: { access: ACCESS },
      schema: schema("Deprovision a user: deactivates the member at once", {
        params: IdParams,
        response: { 204: Type.Null(), ...errors(401, 404, 409) },
      }),
    },
    async (request, reply) => {
      await deleteUser(context(request), idOf(request));
      return reply.status(204).send(null);
    },
  );

  app.get(
    "/Groups",
    {
      config: { access: ACCESS },
      schema: schema("List or find groups (roles)", {
        querystring: ListQuery,
        response: { 200: Resource("A ListResponse of Groups."), ...errors(400, 401) },
      }),
    },
    async (request) => listGroups(context(request), request.query as Record<string, string>),
  );
  app.get(
    "/Groups/:id",
    {
      config: { access: ACCESS },
      schema: schema("One group (role) with its members", {
        params: IdParams,
        querystring: ExcludedQuery,
        response: { 200: Resource("A Group."), ...errors(401, 404) },
      }),
    },
    async (request) => getGroup(context(request), idOf(request), request.query as Record<string, string>),
  );
  app.patch(
    "/Groups/:id",
    {
      config: { access: ACCESS },
      schema: schema("Add or remove a group's members: assigns or unassigns the role", {
        params: IdParams,
        body: Body,
        response: { 204: Type.Null(), ...errors(400, 401, 404, 409) },
      }),
    },
    async (request, reply) => {
      await patchGroup(context(request), idOf(request), request.body);
      return reply.status(204).send(null);
    },
  );
};
