// HTTP routes of passkeys: the caller's passkeys and their registration, and the passwordless
// login. Handlers only translate HTTP to service.ts.
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import { callerOf } from "../access/guard.js";
import { type DeviceCookie, deviceTokensOf, setDeviceCookie } from "../auth/device-cookie.js";
import { type SessionCookie, setSessionCookie } from "../auth/routes.js";
import { DateTime, errorResponses, NullableDateTime, Uuid } from "../http/schemas.js";
import { buildMeBody } from "../me/service.js";
import {
  AuthenticationResponse,
  RegistrationOptions,
  RegistrationResponse,
  RequestOptions,
} from "./schemas.js";
import {
  listOwnPasskeys,
  loginWithPasskey,
  type PasskeyDeps,
  registerPasskey,
  startPasskeyLogin,
  startPasskeyRegistration,
} from "./service.js";

/** Per client IP and route: each ceremony is a couple of requests, so this is generous for people. */
export const PASSKEY_REQUESTS_PER_IP_PER_MINUTE = 30;

const Passkey = Type.Object({
  id: Uuid,
  name: Type.String(),
  createdAt: DateTime,
  lastUsedAt: NullableDateTime,
});
const RegisterBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 60, description: 'Defaults to "Passkey"' })),
    response: RegistrationResponse,
  },
  { additionalProperties: false },
);
const LoginBody = Type.Object({ response: AuthenticationResponse }, { additionalProperties: false });

export const passkeyRoutes: FastifyPluginAsyncTypebox<{
  passkeys: PasskeyDeps;
  cookie: SessionCookie;
  deviceCookie: DeviceCookie;
}> = async (app, { passkeys, cookie, deviceCookie }) => {
  const rateLimit = { max: PASSKEY_REQUESTS_PER_IP_PER_MINUTE, timeWindow: 60_000 };

  app.get(
    "/api/me/passkeys",
    {
      config: { access: { kind: "session" }, rateLimit },
      schema: {
        summary: "The caller's passkeys",
        tags: ["me"],
        response: { 200: Type.Object({ items: Type.Array(Passkey) }), ...errorResponses(401, 429) },
      },
    },
    async (request) => ({ items: await listOwnPasskeys(passkeys.db, callerOf(request).accountId) }),
  );

  app.post(
    "/api/me/passkeys/options",
    {
      config: { access: { kind: "session" }, stepUp: true, rateLimit },
      schema: {
        summary: "Start registering a passkey: WebAuthn creation options with a single-use challenge",
        tags: ["me"],
        response: { 200: RegistrationOptions, ...errorResponses(401, 403, 415, 429) },
      },
    },
    async (request) => startPasskeyRegistration(passkeys, callerOf(request)),
  );

  app.post(
    "/api/me/passkeys",
    {
      config: { access: { kind: "session" }, stepUp: true, rateLimit },
      schema: {
        summary: "Finish registering a passkey: verifies the authenticator's answer and stores the passkey",
        tags: ["me"],
        body: RegisterBody,
        response: { 201: Passkey, ...errorResponses(400, 401, 403, 409, 415, 429) },
      },
    },
    async (request, reply) => {
      const passkey = await registerPasskey(passkeys, callerOf(request), {
        name: request.body.name,
        response: request.body.response,
        meta: request.meta,
      });
      return reply.status(201).send(passkey);
    },
  );

  app.post(
    "/api/auth/passkey/options",
    {
      config: { access: { kind: "public" }, rateLimit },
      schema: {
        summary: "Start a passwordless login: WebAuthn request options with a single-use challenge",
        tags: ["auth"],
        response: { 200: RequestOptions, ...errorResponses(415, 429) },
      },
    },
    async () => startPasskeyLogin(passkeys),
  );

  app.post(
    "/api/auth/passkey",
    {
      config: { access: { kind: "public" }, rateLimit },
      schema: {
        summary: "Log in with a passkey; sets the session and known-device cookies",
        tags: ["auth"],
        body: LoginBody,
        response: { 200: Type.Ref("Me"), ...errorResponses(400, 401, 403, 415, 429) },
      },
    },
    async (request, reply) => {
      const token = request.cookies[cookie.name];
      const session = await loginWithPasskey(passkeys, {
        response: request.body.response,
        previousSessionToken: typeof token === "string" && token !== "" ? token : null,
        deviceTokens: deviceTokensOf(request, deviceCookie),
        meta: request.meta,
      });
      setSessionCookie(reply, cookie, session.token, session.expiresAt);
      setDeviceCookie(reply, deviceCookie, session.deviceTokens);
      return buildMeBody(passkeys.db, session.accountId, passkeys.clock.now());
    },
  );
};
