// HTTP routes for the caller's own account: who am I, my sessions, my account's audit trail, and my
// language and time zone.
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import { callerOf } from "../access/guard.js";
import { listSessions, type RequestContext, type SessionPolicy } from "../access/session-queries.js";
import { listAccountAuditPage } from "../audit/service.js";
import type { Clock } from "../clock.js";
import type { Database } from "../db/connect.js";
import { Collection, PageQuery } from "../http/pagination.js";
import { DateTime, errorResponses, Uuid } from "../http/schemas.js";
import { LanguageSchema, preferencesOf } from "./schemas.js";
import { changeOwnPreferences, endOwnSession } from "./service.js";

const SessionItem = Type.Object({
  id: Uuid,
  current: Type.Boolean(),
  createdAt: DateTime,
  lastSeenAt: DateTime,
  expiresAt: DateTime,
  ip: Type.Union([Type.String(), Type.Null()]),
  device: Type.Union([Type.String(), Type.Null()]),
  secondStepPending: Type.Optional(
    Type.Literal(true, {
      description:
        "Present when the password was right and the second factor has not been given yet (SPEC §6.2): whoever holds this session knows the password",
    }),
  ),
});

const AccountAuditEvent = Type.Object({
  id: Uuid,
  occurredAt: DateTime,
  /** A name of the audit action catalogue (server/audit/actions.ts). */
  action: Type.String(),
  outcome: Type.Union([Type.Literal("success"), Type.Literal("denied"), Type.Literal("failure")]),
  ip: Type.Union([Type.String(), Type.Null()]),
  device: Type.Union([Type.String(), Type.Null()]),
});

/** The body of GET /api/me from a context the guard loaded with its memberships: no query of its own. */
function meBodyOf(auth: RequestContext) {
  if (!auth.memberships) throw new Error("GET /api/me needs config.withMemberships");
  return {
    account: {
      id: auth.accountId,
      email: auth.email,
      name: auth.name,
      alternateEmail: auth.alternateEmail,
      ...preferencesOf(auth.language, auth.timeZone),
    },
    memberships: auth.memberships,
  };
}

export const meRoutes: FastifyPluginAsyncTypebox<{
  database: Database;
  clock: Clock;
  sessionPolicy: SessionPolicy;
}> = async (app, { database, clock, sessionPolicy }) => {
  const { db } = database;

  app.get(
    "/api/me",
    {
      config: { access: { kind: "session" }, withMemberships: true },
      schema: {
        summary: "The logged-in account and its memberships",
        tags: ["me"],
        response: { 200: Type.Ref("Me"), ...errorResponses(401) },
      },
    },
    async (request) => meBodyOf(callerOf(request)),
  );

  app.get(
    "/api/me/sessions",
    {
      config: { access: { kind: "session" } },
      schema: {
        summary: "The caller's own sessions",
        tags: ["me"],
        response: { 200: Type.Object({ items: Type.Array(SessionItem) }), ...errorResponses(401) },
      },
    },
    async (request) => {
      const rows = await listSessions(db, callerOf(request).accountId, clock.now(), sessionPolicy);
      return {
        items: rows.map((row) => ({
          id: row.id,
          current: row.id === callerOf(request).sessionId,
          createdAt: row.created_at.toISOString(),
          lastSeenAt: row.last_seen_at.toISOString(),
          expiresAt: row.expires_at.toISOString(),
          ip: row.ip,
          device: row.user_agent,
          ...(row.stage === "second_step" ? { secondStepPending: true as const } : {}),
        })),
      };
    },
  );

  app.get(
    "/api/me/audit-events",
    {
      config: { access: { kind: "session" } },
      schema: {
        summary:
          "The caller's own account events (sign-ins, password, alternate email, sessions), newest first",
        tags: ["me"],
        querystring: Type.Object(PageQuery, { additionalProperties: false }),
        response: { 200: Collection(AccountAuditEvent), ...errorResponses(400, 401) },
      },
    },
    async (request) => listAccountAuditPage(db, callerOf(request).accountId, request.query),
  );

  app.put(
    "/api/me/preferences",
    {
      config: { access: { kind: "session" } },
      schema: {
        summary: "Set the caller's language and time zone",
        tags: ["me"],
        body: Type.Object(
          {
            language: Type.Optional(LanguageSchema),
            /** An IANA time zone name, e.g. "Asia/Shanghai". */
            timeZone: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            language: Type.Union([LanguageSchema, Type.Null()]),
            timeZone: Type.Union([Type.String(), Type.Null()]),
          }),
          ...errorResponses(400, 401),
        },
      },
    },
    async (request) => changeOwnPreferences(db, callerOf(request), request.body, request.meta, clock.now()),
  );

  app.delete(
    "/api/me/sessions/:sessionId",
    {
      config: { access: { kind: "session" } },
      schema: {
        summary: "End one of the caller's own sessions",
        tags: ["me"],
        params: Type.Object({ sessionId: Uuid }, { additionalProperties: false }),
        response: { 204: Type.Null(), ...errorResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      await endOwnSession(db, callerOf(request), request.params.sessionId, request.meta, clock.now());
      return reply.status(204).send(null);
    },
  );
};
