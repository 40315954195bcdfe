// HTTP routes for a company's audit log: the filtered list, newest first, and the streamed CSV
// export, both behind audit.view. Read-only: no route changes or deletes an event.
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import { callerOf } from "../access/guard.js";
import type { Clock } from "../clock.js";
import type { Database } from "../db/connect.js";
import { Collection, PageQuery } from "../http/pagination.js";
import { CompanyParams, CsvFile, errorResponses, Uuid } from "../http/schemas.js";
import {
  AUDIT_ACTION_FILTER_PATTERN,
  AUDIT_ACTION_LABELS,
  AUDIT_ACTIONS,
  AUDIT_CATEGORY_LABELS,
  auditActionCategory,
} from "./actions.js";
import { exportAuditEvents, listAuditPage, listMemberAuditPage } from "./service.js";

const DateTime = Type.String({ format: "date-time", maxLength: 40 });
const NullableString = Type.Union([Type.String(), Type.Null()]);
const Outcome = Type.Union([Type.Literal("success"), Type.Literal("denied"), Type.Literal("failure")]);

const AuditFilters = {
  // `member.deactivated` for one action, `member` for every member.* action.
  action: Type.Optional(Type.String({ maxLength: 100, pattern: AUDIT_ACTION_FILTER_PATTERN })),
  // The acting account's id, or its email.
  actor: Type.Optional(
    Type.String({ minLength: 1, maxLength: 320, pattern: "^[^\\u0000-\\u001f\\u007f]*$" }),
  ),
  from: Type.Optional(DateTime),
  to: Type.Optional(DateTime),
  outcome: Type.Optional(Outcome),
};

const AuditEvent = Type.Object(
  {
    id: Uuid,
    occurredAt: DateTime,
    action: Type.String(),
    outcome: Outcome,
    actor: Type.Union([
      Type.Object({
        accountId: Uuid,
        email: NullableString,
        // The actor's current name while they are a member of the company.
        name: NullableString,
      }),
      Type.Null(),
    ]),
    target: Type.Union([
      Type.Object({
        type: Type.String(),
        id: Type.String(),
        // The company's member (name, email) or role (name) the event was done to, as named now.
        name: NullableString,
        email: NullableString,
      }),
      Type.Null(),
    ]),
    details: Type.Record(Type.String(), Type.Unknown()),
    ip: Type.Union([Type.String(), Type.Null()]),
    userAgent: Type.Union([Type.String(), Type.Null()]),
    requestId: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: "AuditEvent" },
);

export const auditRoutes: FastifyPluginAsyncTypebox<{ database: Database; clock: Clock }> = async (
  app,
  { database, clock },
) => {
  const { db } = database;
  app.addSchema(AuditEvent);
  // A scope that adds a schema gets Fastify's default (coercing) validator rebuilt for it; keep the
  // app's strict one, so a body's "1" is not taken for 1 (rule 13).

  app.get(
    "/api/companies/:cid/audit-events",
    {
      config: { access: { kind: "permission", permission: "audit.view" } },
      schema: {
        summary: "The company's audit log, newest first",
        tags: ["audit"],
        params: CompanyParams,
        querystring: Type.Object({ ...AuditFilters, ...PageQuery }, { additionalProperties: false }),
        response: { 200: Collection(Type.Ref("AuditEvent")), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => listAuditPage(db, request.params.cid, request.query),
  );

  const catalogue = {
    items: AUDIT_ACTIONS.map((action) => ({
      action,
      label: AUDIT_ACTION_LABELS[action],
      group: AUDIT_CATEGORY_LABELS[auditActionCategory(action)],
    })),
  };
  app.get(
    "/api/companies/:cid/audit-events/actions",
    {
      config: { access: { kind: "permission", permission: "audit.view" } },
      schema: {
        summary: "The actions the audit log records, with their words and groups",
        tags: ["audit"],
        params: CompanyParams,
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                action: Type.String({ description: "What the log's `action` filter takes" }),
                label: Type.String(),
                group: Type.String(),
              }),
            ),
          }),
          ...errorResponses(400, 401, 403, 404),
        },
      },
    },
    async () => catalogue,
  );

  app.get(
    "/api/companies/:cid/members/:memberId/audit-events",
    {
      config: { access: { kind: "permission", permission: "audit.view" } },
      schema: {
        summary: "The events done to one member (roles changed, deactivated, ...), newest first",
        tags: ["audit"],
        params: Type.Object({ cid: Uuid, memberId: Uuid }, { additionalProperties: false }),
        querystring: Type.Object(PageQuery, { additionalProperties: false }),
        response: { 200: Collection(Type.Ref("AuditEvent")), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => listMemberAuditPage(db, request.params.cid, request.params.memberId, request.query),
  );

  app.get(
    "/api/companies/:cid/audit-events/export",
    {
      config: { access: { kind: "permission", permission: "audit.view" } },
      schema: {
        summary: "Download the audit log as CSV (streamed, newest first)",
        tags: ["audit"],
        params: CompanyParams,
        querystring: Type.Object(AuditFilters, { additionalProperties: false }),
        response: { 200: CsvFile, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const now = clock.now();
      const stream = await exportAuditEvents(
        db,
        request.params.cid,
        request.query,
        { accountId: caller.accountId, email: caller.email },
        request.meta,
        now,
      );
      return reply
        .type("text/csv; charset=utf-8")
        .header(
          "content-disposition",
          `attachment; filename="audit-log-${now.toISOString().slice(0, 10)}.csv"`,
        )
        .send(stream);
    },
  );
};
