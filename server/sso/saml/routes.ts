// HTTP routes of SAML 2.0 login (SPEC §6.3): the SP metadata per company, the SP-initiated start
// (a redirect to the IdP, also offered to the login page's "Continue with SSO"), the ACS the IdP's
// page posts to (HTTP-POST binding), and the completion that the browser which asked reaches with
// its cookie, where the SSO core logs the person in. All public: the IdP authenticates.
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { SessionPolicy } from "../../access/session-queries.js";
import { type DeviceCookie, deviceTokensOf, setDeviceCookie } from "../../auth/device-cookie.js";
import { type SessionCookie, setSessionCookie } from "../../auth/routes.js";
import { AppError } from "../../errors.js";
import { errorResponses, Uuid } from "../../http/schemas.js";
import { completeSsoLogin, SSO_REFUSAL_REASONS, type SsoRefusalReason } from "../login.js";
import { LOGIN_PAGE_PATH, type SsoStarter } from "../routes.js";
import type { SamlIdentity } from "./assertion.js";
import {
  acceptSamlResponse,
  beginSamlLogin,
  claimSamlIdentity,
  personFacingReason,
  SAML_ANSWER_TTL_MS,
  SAML_REQUEST_TTL_MS,
  type SamlDeps,
  SamlLoginRefused,
} from "./service.js";
import {
  SAML_ACS_PATH,
  SAML_COMPLETE_PATH,
  SAML_LOGIN_PATH,
  SAML_METADATA_PATH,
  serviceProviderMetadata,
} from "./service-provider.js";

export type SamlRouteOptions = {
  saml: SamlDeps;
  isProduction: boolean;
  sessionPolicy: SessionPolicy;
  cookie: SessionCookie;
  deviceCookie: DeviceCookie;
  /** Per IP, as the password login: each start stores a request, each ACS post checks a signature. */
  rateLimit: { max: number; timeWindow: number };
};

const CompanyQuery = Type.Object({ companyId: Uuid }, { additionalProperties: false });
const MAX_SAML_RESPONSE = 200_000;
const AcsBody = Type.Object(
  {
    SAMLResponse: Type.String({
      minLength: 1,
      maxLength: MAX_SAML_RESPONSE,
      pattern: "^[A-Za-z0-9+/=\\s]+$",
    }),
    RelayState: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
const Redirect = (description: string) => ({
  description,
  headers: { location: { type: "string" } },
  type: "null",
});

function bindingCookie(isProduction: boolean) {
  return {
    // __Secure- (not __Host-): the cookie is scoped to the SAML paths, never sent to the rest of the API.
    name: isProduction ? "__Secure-portal_saml" : "portal_saml",
    options: { path: "/api/auth/sso/saml", httpOnly: true, sameSite: "lax" as const, secure: isProduction },
  };
}

/** SAML's start for the login page's "Continue with SSO" (the core's POST /api/auth/sso/start). */
export function samlStarter(saml: SamlDeps, isProduction: boolean): SsoStarter {
  const cookie = bindingCookie(isProduction);
  return async ({ connection, reply }) => {
    const started = await beginSamlLogin(saml, connection.company_id);
    reply.setCookie(cookie.name, started.browserSecret, {
      ...cookie.options,
      maxAge: SAML_REQUEST_TTL_MS / 1000,
    });
    return started.redirectUrl;
  };
}

/** Form bodies, as the HTTP-POST binding sends them; a field given twice is refused (rule 13). */
function parseForm(
  _request: FastifyRequest,
  body: string,
  done: (error: Error | null, value?: unknown) => void,
) {
  const form: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(body)) {
    if (Object.hasOwn(form, name)) return done(new AppError("bad_request", "A form field is given twice."));
    form[name] = value;
  }
  done(null, form);
}

export const samlRoutes: FastifyPluginAsyncTypebox<SamlRouteOptions> = async (app, options) => {
  const { saml, rateLimit } = options;
  const { name: cookieName, options: cookieOptions } = bindingCookie(options.isProduction);
  const refusalUrl = (reason: SsoRefusalReason) => `${saml.publicUrl}${LOGIN_PAGE_PATH}?sso_error=${reason}`;

  /** The SSO core takes the proved identity: membership, roles from groups, the session. */
  async function logIn(request: FastifyRequest, reply: FastifyReply, identity: SamlIdentity) {
    try {
      const session = await completeSsoLogin(
        { db: saml.db, clock: saml.clock, sessionPolicy: options.sessionPolicy },
        identity,
        {
          previousSessionToken: request.cookies[options.cookie.name] ?? null,
          deviceTokens: deviceTokensOf(request, options.deviceCookie),
          meta: request.meta,
        },
      );
      setSessionCookie(reply, options.cookie, session.token, session.expiresAt);
      setDeviceCookie(reply, options.deviceCookie, session.deviceTokens);
      return reply.redirect(`${saml.publicUrl}/`, 303);
    } catch (error) {
      // The core has audited its refusal; the login page explains the reason.
      if (error instanceof AppError && error.code === "sso_refused") {
        const reason = error.details?.reason as SsoRefusalReason;
        return reply.redirect(refusalUrl(reason in SSO_REFUSAL_REASONS ? reason : "invalid_response"), 303);
      }
      throw error;
    }
  }
  // Only this plugin's routes read forms: the rest of the API stays JSON-only.
  app.addContentTypeParser(
    "application/x-www-form-urlencoded",
    { parseAs: "string", bodyLimit: 300_000 },
    parseForm,
  );

  app.get(
    SAML_METADATA_PATH,
    {
      config: { access: { kind: "public" } },
      schema: {
        summary: "The SAML service provider metadata for a company's IdP",
        tags: ["auth"],
        querystring: CompanyQuery,
        response: {
          200: {
            description: "SAML 2.0 metadata (EntityDescriptor with the SP's entity id and ACS)",
            content: { "application/samlmetadata+xml": { schema: { type: "string" } } },
          },
          ...errorResponses(400),
        },
      },
    },
    // Built from the id alone, for any id: it tells nothing about which companies exist.
    async (request, reply) =>
      reply
        .type("application/samlmetadata+xml")
        .send(serviceProviderMetadata(saml.publicUrl, request.query.companyId)),
  );

  app.get(
    SAML_LOGIN_PATH,
    {
      config: { access: { kind: "public" }, rateLimit },
      schema: {
        summary: "Start a SAML login at the company's IdP",
        tags: ["auth"],
        querystring: CompanyQuery,
        response: {
          302: Redirect("To the IdP's SSO URL with the AuthnRequest"),
          ...errorResponses(400, 404, 429),
        },
      },
    },
    async (request, reply) => {
      const started = await beginSamlLogin(saml, request.query.companyId);
      reply.setCookie(cookieName, started.browserSecret, {
        ...cookieOptions,
        maxAge: SAML_REQUEST_TTL_MS / 1000,
      });
      return reply.redirect(started.redirectUrl, 302);
    },
  );

  app.post(
    SAML_ACS_PATH,
    {
      // The IdP's page posts this form from its own site; the signed assertion is the proof, not
      // the browser, and nothing here logs in (the completion below needs the browser's cookie).
      config: { access: { kind: "public" }, acceptsCrossSiteForm: true, rateLimit },
      schema: {
        summary: "The assertion consumer service: receive the IdP's SAML response",
        tags: ["auth"],
        querystring: CompanyQuery,
        consumes: ["application/x-www-form-urlencoded"],
        body: AcsBody,
        response: {
          303: Redirect("To the login's completion, or to the login page with the reason it was refused"),
          ...errorResponses(400, 415, 429),
        },
      },
    },
    async (request, reply) => {
      try {
        const accepted = await acceptSamlResponse(saml, {
          companyId: request.query.companyId,
          samlResponse: request.body.SAMLResponse.replace(/\s+/g, ""),
          meta: request.meta,
        });
        if (accepted.browserSecret) {
          reply.setCookie(cookieName, accepted.browserSecret, {
            ...cookieOptions,
            maxAge: SAML_ANSWER_TTL_MS / 1000,
          });
        }
        return reply.redirect(SAML_COMPLETE_PATH, 303);
      } catch (error) {
        if (error instanceof SamlLoginRefused)
          return reply.redirect(refusalUrl(personFacingReason(error.reason)), 303);
        throw error;
      }
    },
  );

  app.get(
    SAML_COMPLETE_PATH,
    {
      config: { access: { kind: "public" }, rateLimit },
      schema: {
        summary: "Finish a SAML login in the browser that started it",
        tags: ["auth"],
        response: {
          303: Redirect("Logged in: to the portal; refused: to the login page with the reason"),
          ...errorResponses(400, 429),
        },
      },
    },
    async (request, reply) => {
      const secret = request.cookies[cookieName];
      reply.clearCookie(cookieName, cookieOptions);
      let identity: SamlIdentity;
      try {
        identity = await claimSamlIdentity(saml, secret);
      } catch (error) {
        if (error instanceof SamlLoginRefused)
          return reply.redirect(refusalUrl(personFacingReason(error.reason)), 303);
        throw error;
      }
      return logIn(request, reply, identity);
    },
  );
};
