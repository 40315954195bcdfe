// HTTP routes of single sign-on: its settings (security.manage, step-up to change), the login page's
// "Continue with SSO" (routed by the email's domain alone) and the OpenID Connect callback.
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import type { FastifyReply, FastifyRequest } from "fastify";
import { callerOf } from "../access/guard.js";
import type { SessionPolicy } from "../access/session-queries.js";
import { recordAudit } from "../audit/writer.js";
import { type DeviceCookie, deviceTokensOf, setDeviceCookie } from "../auth/device-cookie.js";
import { type SessionCookie, setSessionCookie } from "../auth/routes.js";
import type { Clock } from "../clock.js";
import type { Database } from "../db/connect.js";
import { AppError } from "../errors.js";
import { CompanyParams, errorResponses, StringEnum, Uuid } from "../http/schemas.js";
import { canonicalizeEmail } from "../identity/email.js";
import { ScopeBody } from "../merchant-accounts/schemas.js";
import { completeSsoLogin, SSO_REFUSAL_REASONS, type SsoRefusalReason } from "./login.js";
import {
  finishOidcLogin,
  OIDC_FLOW_LIFETIME_MS,
  OidcCallbackRefused,
  type OidcDeps,
  startOidcLogin,
} from "./oidc.js";
import { type ConnectionRow, findEnabledConnectionByDomain } from "./queries.js";
import {
  changeSsoSettings,
  MAX_BREAK_GLASS_MEMBERS,
  MAX_GROUP_MAPPINGS,
  OIDC_CALLBACK_PATH,
  readSsoSettings,
} from "./settings.js";

/**
 * How a protocol starts a login for the login page: the URL to send the browser to. It may set its
 * own cookie on the reply (bound to the browser). SAML registers its own (server/sso/saml/).
 */
export type SsoStarter = (input: {
  connection: ConnectionRow;
  email: string;
  request: FastifyRequest;
  reply: FastifyReply;
}) => Promise<string>;

export const LOGIN_PAGE_PATH = "/login";

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);

const SettingsFields = {
  protocol: StringEnum(["oidc", "saml"]),
  enabled: Type.Boolean({ description: "Saving a connection does not enable it." }),
  oidcIssuer: Nullable(Type.String({ maxLength: 500, description: "The IdP's issuer URL (discovery)" })),
  oidcClientId: Nullable(Type.String({ maxLength: 300 })),
  samlIdpEntityId: Nullable(Type.String({ maxLength: 500 })),
  samlSsoUrl: Nullable(Type.String({ maxLength: 1000 })),
  samlCertificate: Nullable(
    Type.String({ maxLength: 20000, description: "PEM of the IdP's signing certificate" }),
  ),
  samlAllowIdpInitiated: Type.Boolean(),
  groupsAttribute: Type.String({
    minLength: 1,
    maxLength: 200,
    description: "The claim or attribute holding groups",
  }),
  defaultRoleId: Type.Union([Uuid, Type.Null()], {
    description: "Given to a new member none of whose groups is mapped; null: such a person is refused",
  }),
  mappings: Type.Array(
    Type.Object(
      {
        group: Type.String({ minLength: 1, maxLength: 300 }),
        roleId: Uuid,
        scope: Type.Optional(ScopeBody),
      },
      { additionalProperties: false },
    ),
    { maxItems: MAX_GROUP_MAPPINGS },
  ),
  requireSso: Type.Boolean({
    description: "Password login is refused for emails of the verified domains, break-glass Admins aside",
  }),
  breakGlassMemberIds: Type.Array(Uuid, { maxItems: MAX_BREAK_GLASS_MEMBERS, description: "Active Admins" }),
};

const SsoSettingsBody = Type.Object(
  {
    ...SettingsFields,
    protocol: Type.Union([StringEnum(["oidc", "saml"]), Type.Null()]),
    configured: Type.Boolean(),
    hasClientSecret: Type.Boolean({
      description: "The client secret is write-only; this says one is stored",
    }),
    version: Type.Integer({ description: "Send it back when saving; 0: nothing saved yet" }),
    verifiedDomains: Type.Array(Type.String()),
    serviceProvider: Type.Object({
      oidcRedirectUri: Type.String(),
      samlAcsUrl: Type.String(),
      samlEntityId: Type.String(),
      samlMetadataUrl: Type.String(),
    }),
  },
  { $id: "SsoSettings" },
);

const SsoSettingsUpdate = Type.Object(
  {
    ...SettingsFields,
    oidcClientSecret: Type.Optional(
      Nullable(
        Type.String({ maxLength: 1000, description: "Omit to keep the stored secret; null removes it" }),
      ),
    ),
    version: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);

export const ssoRoutes: FastifyPluginAsyncTypebox<{
  database: Database;
  clock: Clock;
  sessionPolicy: SessionPolicy;
  publicUrl: string;
  secretKey: Buffer;
  isProduction: boolean;
  cookie: SessionCookie;
  deviceCookie: DeviceCookie;
  loginRateLimit: { max: number; timeWindow: number };
  /** Protocol starters besides OIDC's own (SAML's). */
  starters?: Partial<Record<"saml", SsoStarter>>;
}> = async (app, options) => {
  const { database, clock, publicUrl, secretKey, cookie, deviceCookie } = options;
  const { db } = database;
  const flowCookie = {
    name: options.isProduction ? "__Host-portal_sso_oidc" : "portal_sso_oidc",
    secure: options.isProduction,
  };
  const oidcDeps: OidcDeps = {
    db,
    publicUrl,
    secretKey,
    allowHttp: !options.isProduction,
    now: () => clock.now(),
  };
  const starters: Record<"oidc" | "saml", SsoStarter | undefined> = {
    oidc: async ({ connection, email, reply }) => {
      const started = await startOidcLogin(oidcDeps, connection, email);
      reply.setCookie(flowCookie.name, started.sealedFlow, {
        path: "/",
        httpOnly: true,
        // Lax: the IdP's redirect back is a top-level GET, which carries it.
        sameSite: "lax",
        secure: flowCookie.secure,
        maxAge: OIDC_FLOW_LIFETIME_MS / 1000,
      });
      return started.redirectUrl;
    },
    saml: options.starters?.saml,
  };
  app.addSchema(SsoSettingsBody);

  app.get(
    "/api/companies/:cid/sso",
    {
      config: { access: { kind: "permission", permission: "security.manage" } },
      schema: {
        summary: "The company's single sign-on settings and what to tell the identity provider",
        tags: ["security"],
        params: CompanyParams,
        response: { 200: Type.Ref("SsoSettings"), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => readSsoSettings(db, request.params.cid, publicUrl),
  );

  app.put(
    "/api/companies/:cid/sso",
    {
      config: { access: { kind: "permission", permission: "security.manage" }, stepUp: true },
      schema: {
        summary: "Change the company's single sign-on settings",
        tags: ["security"],
        params: CompanyParams,
        body: SsoSettingsUpdate,
        response: { 200: Type.Ref("SsoSettings"), ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      return changeSsoSettings(
        {
          db,
          companyId: request.params.cid,
          actor: { accountId: caller.accountId, email: caller.email },
          meta: request.meta,
          now: clock.now(),
          publicUrl,
          secretKey,
          allowHttpIssuer: !options.isProduction,
        },
        request.body,
      );
    },
  );

  app.post(
    "/api/auth/sso/start",
    {
      config: { access: { kind: "public" }, rateLimit: options.loginRateLimit, acceptsSecondStep: true },
      schema: {
        summary: "Where to send the browser to sign in through the email domain's identity provider",
        tags: ["auth"],
        body: Type.Object(
          { email: Type.String({ minLength: 1, maxLength: 320 }) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ redirectUrl: Type.String() }),
          ...errorResponses(400, 404, 415, 429),
        },
      },
    },
    async (request, reply) => {
      // Decided by the domain alone, never by whether an account exists (no enumeration).
      const canonical = canonicalizeEmail(request.body.email);
      if (!canonical.ok) throw new AppError("validation_failed", canonical.reason, { field: "email" });
      const domain = canonical.email.slice(canonical.email.lastIndexOf("@") + 1);
      const connection = await findEnabledConnectionByDomain(db, domain);
      const starter = connection ? starters[connection.protocol] : undefined;
      if (!connection || !starter) throw new AppError("sso_not_available");
      try {
        return { redirectUrl: await starter({ connection, email: canonical.email, request, reply }) };
      } catch (error) {
        if (error instanceof AppError) throw error;
        // The IdP cannot be reached or its discovery is not valid: the person cannot sign in now.
        request.log.warn({ err: error, companyId: connection.company_id }, "SSO start failed");
        throw new AppError(
          "service_unavailable",
          "Your identity provider cannot be reached; try again later.",
        );
      }
    },
  );

  app.get(
    OIDC_CALLBACK_PATH,
    {
      config: { access: { kind: "public" }, rateLimit: options.loginRateLimit, acceptsSecondStep: true },
      // A browser's redirect target, not an API operation: out of the OpenAPI document, like /healthz.
      schema: {
        hide: true,
        summary: "Where the OpenID provider sends the browser back; logs the person in",
        tags: ["auth"],
        // What an OpenID provider may add besides (session_state...) is ignored, not refused.
        querystring: Type.Object(
          {
            code: Type.Optional(Type.String({ maxLength: 4096 })),
            state: Type.Optional(Type.String({ maxLength: 512 })),
            iss: Type.Optional(Type.String({ maxLength: 500 })),
            error: Type.Optional(Type.String({ maxLength: 200 })),
            error_description: Type.Optional(Type.String({ maxLength: 1000 })),
          },
          { additionalProperties: true },
        ),
        response: {
          303: Type.Null({
            description: "To the portal when logged in, else to the login page with a reason",
          }),
          ...errorResponses(400, 429),
        },
      },
    },
    async (request, reply) => {
      const sealedFlow = request.cookies[flowCookie.name];
      // One use: whatever happens next, this browser's flow is over.
      reply.clearCookie(flowCookie.name, {
        path: "/",
        httpOnly: true,
        sameSite: "lax",
        secure: flowCookie.secure,
      });
      try {
        const identity = await finishOidcLogin(oidcDeps, {
          sealedFlow,
          query: callbackParams(request.query),
        });
        const session = await completeSsoLogin(
          { db, clock, sessionPolicy: options.sessionPolicy },
          identity,
          {
            previousSessionToken: request.cookies[cookie.name] ?? null,
            deviceTokens: deviceTokensOf(request, deviceCookie),
            meta: request.meta,
          },
        );
        setSessionCookie(reply, cookie, session.token, session.expiresAt);
        setDeviceCookie(reply, deviceCookie, session.deviceTokens);
        return reply.redirect(`${publicUrl}/`, 303);
      } catch (error) {
        const reason = await refusalReason(error, request);
        return reply.redirect(`${publicUrl}${LOGIN_PAGE_PATH}?sso_error=${reason}`, 303);
      }
    },
  );

  /** The reason the login page explains; a refused callback is audited in its company. */
  async function refusalReason(error: unknown, request: FastifyRequest): Promise<SsoRefusalReason> {
    if (error instanceof AppError && error.code === "sso_refused") {
      const reason = error.details?.reason as SsoRefusalReason;
      return reason in SSO_REFUSAL_REASONS ? reason : "invalid_response";
    }
    if (error instanceof OidcCallbackRefused) {
      await recordAudit(db, {
        action: "sso.login_refused",
        outcome: "denied",
        companyId: error.companyId,
        details: { reason: error.reason, protocol: "oidc", check: error.check },
        meta: request.meta,
        at: clock.now(),
      });
      return error.reason;
    }
    request.log.error({ err: error }, "SSO callback failed");
    return "idp_error";
  }
};

/** The authorization response's own parameters, as the IdP sent them; anything else stays out. */
function callbackParams(query: Record<string, unknown>): Record<string, string> {
  const params: Record<string, string> = {};
  for (const name of ["code", "state", "iss", "error", "error_description"]) {
    const value = query[name];
    if (typeof value === "string") params[name] = value;
  }
  return params;
}
