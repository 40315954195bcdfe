// HTTP routes of invitations (SPEC §3, rule 8): the company's invitations behind members.invite (sending
// and resending also behind a fresh email verification), and the public link endpoints, rate limited per IP.
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import type { FastifyRequest } from "fastify";
import { callerOf } from "../access/guard.js";
import { type DeviceCookie, deviceTokensOf, setDeviceCookie } from "../auth/device-cookie.js";
import { type SessionCookie, setSessionCookie } from "../auth/routes.js";
import type { InvitationStatus } from "../db/schema.js";
import { AppError } from "../errors.js";
import { languageOfRequest } from "../http/errors-plugin.js";
import { Collection, PageQuery } from "../http/pagination.js";
import {
  AssignedRoleRef,
  CompanyParams,
  DateTime,
  errorResponses,
  NullableDateTime,
  RoleExpiries,
  RoleRef,
  Uuid,
} from "../http/schemas.js";
import { errorMessage } from "../i18n/translate.js";
import { LanguageSchema } from "../me/schemas.js";
import { buildMeBody } from "../me/service.js";
import { ScopeBody } from "../merchant-accounts/schemas.js";
import { acceptInvitation, viewInvitation } from "./acceptance.js";
import { type BatchRow, type BatchRowResult, inviteBatch, MAX_BATCH_EMAILS, previewBatch } from "./bulk.js";
import { MAX_IMPORT_ROWS, parseInvitationCsv } from "./csv-import.js";
import type { InvitationRow } from "./queries.js";
import {
  checkInvitableEmail,
  type InvitationDeps,
  type InvitingMember,
  inviteMember,
  listCompanyInvitations,
  resendInvitation,
  revokeInvitation,
} from "./service.js";

/** Per client IP and route: the link endpoints are public, so floods are refused cheaply. */
export const INVITATION_LINK_REQUESTS_PER_IP_PER_MINUTE = 30;

const Status = Type.Union([
  Type.Literal("pending"),
  Type.Literal("accepted"),
  Type.Literal("revoked"),
  Type.Literal("expired"),
]);

const Invitation = Type.Object(
  {
    id: Uuid,
    email: Type.String(),
    roles: Type.Array(AssignedRoleRef),
    status: Status,
    expiresAt: DateTime,
    invitedBy: Type.Union([
      Type.Object({ accountId: Uuid, name: Type.String(), email: Type.String() }),
      Type.Null(),
    ]),
    createdAt: DateTime,
    lastSentAt: DateTime,
    /** When it was accepted, revoked or expired; null while pending. */
    closedAt: NullableDateTime,
    /** The merchant accounts the member will reach (SPEC §6.4). */
    scope: ScopeBody,
  },
  { $id: "Invitation" },
);

const EmailCheckQuery = Type.Object(
  { email: Type.String({ minLength: 1, maxLength: 320 }) },
  { additionalProperties: false },
);

const EmailStanding = Type.Object({
  email: Type.String(),
  standing: Type.Union([
    Type.Literal("invitable"),
    Type.Literal("active_member"),
    Type.Literal("deactivated_member"),
    Type.Literal("invitation_pending"),
    Type.Literal("domain_not_allowed"),
  ]),
  memberId: Type.Optional(Uuid),
  invitationId: Type.Optional(Uuid),
  /** With `domain_not_allowed`: the domains the company's security policy lists. */
  allowedDomains: Type.Optional(Type.Array(Type.String())),
});

const InviteBody = Type.Object(
  {
    email: Type.String({ minLength: 1, maxLength: 320 }),
    roleIds: Type.Array(Uuid, { minItems: 1, maxItems: 20, uniqueItems: true }),
    roleExpiries: Type.Optional(RoleExpiries),
    // Optional in the schema so that a missing box answers terms_not_accepted, like an unticked one.
    acceptTerms: Type.Optional(Type.Boolean()),
    /** Absent: all merchant accounts. */
    scope: Type.Optional(ScopeBody),
    /** The mail's language when the email has no account that chose one (SPEC §6.6); else English. */
    language: Type.Optional(LanguageSchema),
  },
  { additionalProperties: false },
);
const BatchBody = Type.Object(
  {
    // Any text per entry: an email that is not valid is that row's "invalid", not the batch's 400.
    emails: Type.Array(Type.String({ minLength: 1, maxLength: 320 }), {
      minItems: 1,
      maxItems: MAX_BATCH_EMAILS,
    }),
    roleIds: Type.Array(Uuid, { minItems: 1, maxItems: 20, uniqueItems: true }),
    /** Every row's role expiries (SPEC §6.4). */
    roleExpiries: Type.Optional(RoleExpiries),
    acceptTerms: Type.Optional(Type.Boolean()),
    /** Every row's merchant accounts; absent: all (SPEC §6.4). */
    scope: Type.Optional(ScopeBody),
    /** The mail's language when the email has no account that chose one (SPEC §6.6); else English. */
    language: Type.Optional(LanguageSchema),
  },
  { additionalProperties: false },
);
const ImportFields = {
  csv: Type.String({
    minLength: 1,
    maxLength: 262_144,
    description:
      "The file's text: a column `email` and optionally `roles` (role names separated by `;`), one person per row, at most 500 rows. Without a header row the first column is the email and the second the roles.",
  }),
  roleIds: Type.Optional(
    Type.Array(Uuid, {
      maxItems: 20,
      uniqueItems: true,
      description: "The roles of the rows whose roles cell is empty.",
    }),
  ),
};
const ImportBody = Type.Object(
  {
    ...ImportFields,
    acceptTerms: Type.Optional(Type.Boolean()),
    scope: Type.Optional(ScopeBody),
    language: Type.Optional(LanguageSchema),
  },
  { additionalProperties: false },
);
const ImportPreviewBody = Type.Object(ImportFields, { additionalProperties: false });
const BatchResults = Type.Object(
  {
    results: Type.Array(
      Type.Object({
        email: Type.String(),
        status: Type.Union([
          Type.Literal("invited"),
          Type.Literal("ready"),
          Type.Literal("already_member"),
          Type.Literal("pending"),
          Type.Literal("invalid"),
          Type.Literal("refused"),
        ]),
        code: Type.Optional(Type.String()),
        message: Type.Optional(Type.String()),
        line: Type.Optional(Type.Integer()),
      }),
    ),
  },
  { $id: "InvitationBatchResults" },
);

/** A batch's results with each row's reason in the request's language (SPEC §6.6), as an error body's. */
function inRequestLanguage(request: FastifyRequest, results: readonly BatchRowResult[]) {
  const language = languageOfRequest(request);
  return {
    results: results.map((row) =>
      row.code && row.message ? { ...row, message: errorMessage(language, row.code, row.message) } : row,
    ),
  };
}

/** The rows of an imported CSV, refused whole past the row limit (nothing is sent then). */
function importRows(csv: string, roleIds: readonly string[] | undefined): BatchRow[] {
  const rows = parseInvitationCsv(csv);
  if (rows.length === 0) throw new AppError("validation_failed", "The file has no rows.", { field: "csv" });
  if (rows.length > MAX_IMPORT_ROWS) {
    throw new AppError("validation_failed", `A file may hold at most ${MAX_IMPORT_ROWS} rows.`, {
      field: "csv",
      rows: rows.length,
      limit: MAX_IMPORT_ROWS,
    });
  }
  return rows.map((row) => ({
    email: row.email,
    line: row.line,
    roleNames: row.roleNames,
    defaultRoleIds: roleIds ?? [],
  }));
}

const STATUS_NAMES = "(pending|accepted|revoked|expired)";
/**
 * One status, or several joined by commas ("pending,expired"). A repeated parameter stays a 400:
 * a polluted query never widens the list (SECURITY, parameter pollution).
 */
const StatusList = Type.String({
  pattern: `^${STATUS_NAMES}(,${STATUS_NAMES}){0,3}$`,
  description: "One status, or several separated by commas: `pending,expired`.",
  examples: ["pending", "pending,expired"],
});
const ListQuery = Type.Object(
  {
    status: Type.Optional(StatusList),
    search: Type.Optional(
      Type.String({
        maxLength: 254,
        pattern: "^[^\\u0000-\\u001f\\u007f]*$",
        description:
          "Text the email contains, case-insensitive, as the member list's `email` search reads it (under three characters: the email's beginning).",
      }),
    ),
    ...PageQuery,
  },
  { additionalProperties: false },
);

/** The statuses a validated `status` parameter names, each once. */
function statusesOf(parameter: string | undefined): InvitationStatus[] | undefined {
  if (parameter === undefined) return undefined;
  return [...new Set(parameter.split(",") as InvitationStatus[])];
}
const InvitationParams = Type.Object({ cid: Uuid, invitationId: Uuid }, { additionalProperties: false });
// Any text up to the router's limit: a malformed token is answered like an unknown one (410), not a 400.
const TokenParams = Type.Object(
  { token: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);
const AcceptBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    // No minLength: the password policy answers "too short" with its reason.
    password: Type.Optional(Type.String({ maxLength: 1024 })),
  },
  { additionalProperties: false },
);

const PublicInvitation = Type.Object({
  companyName: Type.String(),
  email: Type.String(),
  roles: Type.Array(RoleRef),
  invitedBy: Type.Union([Type.Object({ name: Type.String(), email: Type.String() }), Type.Null()]),
  expiresAt: DateTime,
  accountExists: Type.Boolean(),
});

/** The API's view of an invitation: never its token or the token's hash (SECURITY 28, 29). */
export function invitationBody(row: InvitationRow) {
  return {
    id: row.id,
    email: row.email,
    roles: row.roles.map((role) => ({
      id: role.id,
      key: role.key,
      name: role.name,
      ...(role.expiresAt ? { expiresAt: new Date(role.expiresAt).toISOString() } : {}),
    })),
    status: row.status,
    expiresAt: row.expires_at.toISOString(),
    invitedBy:
      row.invited_by && row.inviter_name !== null && row.inviter_email !== null
        ? { accountId: row.invited_by, name: row.inviter_name, email: row.inviter_email }
        : null,
    createdAt: row.created_at.toISOString(),
    lastSentAt: row.last_sent_at.toISOString(),
    closedAt: row.closed_at === null ? null : row.closed_at.toISOString(),
    scope: row.scope,
  };
}

function invitingMember(request: FastifyRequest): InvitingMember {
  const caller = callerOf(request);
  if (!caller.membership) throw new AppError("not_found");
  return {
    accountId: caller.accountId,
    email: caller.email,
    name: caller.name,
    roleKeys: caller.membership.roleKeys,
    permissions: caller.membership.permissions,
    scope: caller.membership.scope,
  };
}

export const invitationRoutes: FastifyPluginAsyncTypebox<{
  invitations: InvitationDeps;
  cookie: SessionCookie;
  deviceCookie: DeviceCookie;
  linkRateLimit: { max: number; timeWindow: number };
}> = async (app, { invitations, cookie, deviceCookie, linkRateLimit }) => {
  app.addSchema(Invitation);
  const { db } = invitations.auth;

  app.post(
    "/api/companies/:cid/invitations",
    {
      config: { access: { kind: "permission", permission: "members.invite" }, stepUp: true },
      schema: {
        summary: "Invite a person by email with one or more roles; mails a single-use link",
        tags: ["invitations"],
        params: CompanyParams,
        body: InviteBody,
        response: { 201: Type.Ref("Invitation"), ...errorResponses(400, 401, 403, 404, 409, 415, 429) },
      },
    },
    async (request, reply) => {
      const { invitation } = await inviteMember(invitations, {
        companyId: request.params.cid,
        actor: invitingMember(request),
        email: request.body.email,
        roleIds: request.body.roleIds,
        roleExpiries: request.body.roleExpiries,
        acceptTerms: request.body.acceptTerms,
        scope: request.body.scope,
        language: request.body.language,
        meta: request.meta,
      });
      return reply.status(201).send(invitationBody(invitation));
    },
  );

  app.addSchema(BatchResults);

  app.post(
    "/api/companies/:cid/invitations/batch",
    {
      config: { access: { kind: "permission", permission: "members.invite" }, stepUp: true },
      schema: {
        summary: "Invite up to 10 emails with the same roles; one result per email",
        tags: ["invitations"],
        params: CompanyParams,
        body: BatchBody,
        response: {
          200: Type.Ref("InvitationBatchResults"),
          ...errorResponses(400, 401, 403, 404, 415, 429),
        },
      },
    },
    async (request) =>
      inRequestLanguage(
        request,
        await inviteBatch(invitations, {
          companyId: request.params.cid,
          actor: invitingMember(request),
          rows: request.body.emails.map((email) => ({ email, roleIds: request.body.roleIds })),
          acceptTerms: request.body.acceptTerms,
          scope: request.body.scope,
          roleExpiries: request.body.roleExpiries,
          language: request.body.language,
          meta: request.meta,
        }),
      ),
  );

  app.post(
    "/api/companies/:cid/invitations/import/preview",
    {
      config: { access: { kind: "permission", permission: "members.invite" } },
      schema: {
        summary: "What importing this CSV of invitations would do, row by row, without sending anything",
        tags: ["invitations"],
        params: CompanyParams,
        body: ImportPreviewBody,
        response: { 200: Type.Ref("InvitationBatchResults"), ...errorResponses(400, 401, 403, 404, 415) },
      },
    },
    async (request) =>
      inRequestLanguage(
        request,
        await previewBatch(invitations, {
          companyId: request.params.cid,
          actor: invitingMember(request),
          rows: importRows(request.body.csv, request.body.roleIds),
        }),
      ),
  );

  app.post(
    "/api/companies/:cid/invitations/import",
    {
      config: { access: { kind: "permission", permission: "members.invite" }, stepUp: true },
      schema: {
        summary: "Invite the people of a CSV (up to 500 rows); one result per row",
        tags: ["invitations"],
        params: CompanyParams,
        body: ImportBody,
        response: {
          200: Type.Ref("InvitationBatchResults"),
          ...errorResponses(400, 401, 403, 404, 415, 429),
        },
      },
    },
    async (request) =>
      inRequestLanguage(
        request,
        await inviteBatch(invitations, {
          companyId: request.params.cid,
          actor: invitingMember(request),
          rows: importRows(request.body.csv, request.body.roleIds),
          acceptTerms: request.body.acceptTerms,
          scope: request.body.scope,
          language: request.body.language,
          meta: request.meta,
        }),
      ),
  );

  app.get(
    "/api/companies/:cid/invitations/email-check",
    {
      config: { access: { kind: "permission", permission: "members.invite" } },
      schema: {
        summary:
          "What an invitation of this email would meet: a member, a deactivated member, a pending invitation",
        tags: ["invitations"],
        params: CompanyParams,
        querystring: EmailCheckQuery,
        response: { 200: EmailStanding, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) =>
      checkInvitableEmail(invitations, { companyId: request.params.cid, email: request.query.email }),
  );

  app.get(
    "/api/companies/:cid/invitations",
    {
      config: { access: { kind: "permission", permission: "members.invite" } },
      schema: {
        summary: "The company's invitations, newest first, optionally by status and email search",
        tags: ["invitations"],
        params: CompanyParams,
        querystring: ListQuery,
        response: { 200: Collection(Type.Ref("Invitation")), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const page = await listCompanyInvitations(invitations, {
        companyId: request.params.cid,
        statuses: statusesOf(request.query.status),
        search: request.query.search,
        limit: request.query.limit,
        cursor: request.query.cursor,
        meta: request.meta,
      });
      return { ...page, items: page.items.map(invitationBody) };
    },
  );

  app.post(
    "/api/companies/:cid/invitations/:invitationId/resend",
    {
      config: { access: { kind: "permission", permission: "members.invite" }, stepUp: true },
      schema: {
        summary: "Mail a new link for a pending invitation; the previous link stops working",
        tags: ["invitations"],
        params: InvitationParams,
        response: { 200: Type.Ref("Invitation"), ...errorResponses(400, 401, 403, 404, 409, 415, 429) },
      },
    },
    async (request) =>
      invitationBody(
        await resendInvitation(invitations, {
          companyId: request.params.cid,
          invitationId: request.params.invitationId,
          actor: invitingMember(request),
          meta: request.meta,
        }),
      ),
  );

  app.delete(
    "/api/companies/:cid/invitations/:invitationId",
    {
      config: { access: { kind: "permission", permission: "members.invite" } },
      schema: {
        summary: "Revoke a pending invitation; its link stops working",
        tags: ["invitations"],
        params: InvitationParams,
        response: { 204: Type.Null(), ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      await revokeInvitation(invitations, {
        companyId: request.params.cid,
        invitationId: request.params.invitationId,
        actor: invitingMember(request),
        meta: request.meta,
      });
      return reply.status(204).send(null);
    },
  );

  app.get(
    "/api/invitations/:token",
    {
      config: { access: { kind: "public" }, rateLimit: linkRateLimit },
      schema: {
        summary: "What an invitation link offers, for the accept page",
        description:
          "410 invitation_expired, invitation_used or invitation_revoked; an unknown token is invitation_revoked.",
        tags: ["invitations"],
        params: TokenParams,
        response: { 200: PublicInvitation, ...errorResponses(400, 410, 429) },
      },
    },
    async (request) => {
      const view = await viewInvitation(invitations, { token: request.params.token, meta: request.meta });
      return { ...view, expiresAt: view.expiresAt.toISOString() };
    },
  );

  app.post(
    "/api/invitations/:token/accept",
    {
      config: { access: { kind: "public" }, rateLimit: linkRateLimit },
      schema: {
        summary: "Accept an invitation and log in",
        description:
          "As the logged-in invited account (body {}), as its existing account with {password}, or as a new " +
          "person with {name, password}. Another logged-in account gets 409 email_mismatch.",
        tags: ["invitations"],
        params: TokenParams,
        body: AcceptBody,
        response: {
          200: Type.Object({ companyId: Uuid, me: Type.Ref("Me") }),
          ...errorResponses(400, 401, 409, 410, 415, 429),
        },
      },
    },
    async (request, reply) => {
      const auth = request.auth;
      const accepted = await acceptInvitation(invitations, {
        token: request.params.token,
        name: request.body.name,
        password: request.body.password,
        caller: auth ? { accountId: auth.accountId, email: auth.email, sessionId: auth.sessionId } : null,
        deviceTokens: deviceTokensOf(request, deviceCookie),
        meta: request.meta,
      });
      setSessionCookie(reply, cookie, accepted.session.token, accepted.session.expiresAt);
      setDeviceCookie(reply, deviceCookie, accepted.deviceTokens);
      return {
        companyId: accepted.companyId,
        me: await buildMeBody(db, accepted.accountId, invitations.auth.clock.now()),
      };
    },
  );
};
