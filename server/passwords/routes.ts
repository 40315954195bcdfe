// HTTP routes for password change and reset: schemas and status codes only; the rules live in service.ts.
// The reset routes are public and rate limited per IP; a reset request always answers 202 alike.
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import { callerOf } from "../access/guard.js";
import { type DeviceCookie, deviceTokensOf } from "../auth/device-cookie.js";
import { type SessionCookie, setSessionCookie } from "../auth/routes.js";
import { languageOfRequest } from "../http/errors-plugin.js";
import { errorResponses } from "../http/schemas.js";
import { t } from "../i18n/translate.js";
import { changePassword, confirmPasswordReset, type PasswordDeps, requestPasswordReset } from "./service.js";

// Password fields carry no minLength: the policy answers "too short" with its reason instead.
const PasswordField = Type.String({ maxLength: 1024 });

const ResetRequestBody = Type.Object(
  { email: Type.String({ minLength: 1, maxLength: 320 }) },
  { additionalProperties: false },
);
const ResetConfirmBody = Type.Object(
  { token: Type.String({ minLength: 1, maxLength: 200 }), password: PasswordField },
  { additionalProperties: false },
);
const ChangePasswordBody = Type.Object(
  { currentPassword: Type.String({ minLength: 1, maxLength: 1024 }), newPassword: PasswordField },
  { additionalProperties: false },
);

export const passwordRoutes: FastifyPluginAsyncTypebox<{
  passwords: PasswordDeps;
  cookie: SessionCookie;
  deviceCookie: DeviceCookie;
  resetRateLimit: { max: number; timeWindow: number };
}> = async (app, { passwords, cookie, deviceCookie, resetRateLimit }) => {
  app.post(
    "/api/auth/password-reset",
    {
      config: { access: { kind: "public" }, rateLimit: resetRateLimit },
      schema: {
        summary: "Mail a password reset link to the account this email belongs to, if any",
        description: "Always 202 with the same body, whether or not an account exists.",
        tags: ["auth"],
        body: ResetRequestBody,
        response: { 202: Type.Object({ message: Type.String() }), ...errorResponses(400, 415, 429) },
      },
    },
    async (request, reply) => {
      await requestPasswordReset(passwords, { email: request.body.email, meta: request.meta });
      // The same answer whether or not an account exists; only the request's language changes it.
      return reply.status(202).send({ message: t(languageOfRequest(request), "message.reset_requested") });
    },
  );

  app.post(
    "/api/auth/password-reset/confirm",
    {
      config: { access: { kind: "public" }, rateLimit: resetRateLimit },
      schema: {
        summary: "Set a new password with a reset link's token; every session of the account ends",
        description: "No session is created: log in with the new password afterwards.",
        tags: ["auth"],
        body: ResetConfirmBody,
        response: { 204: Type.Null(), ...errorResponses(400, 415, 429) },
      },
    },
    async (request, reply) => {
      await confirmPasswordReset(passwords, {
        token: request.body.token,
        password: request.body.password,
        meta: request.meta,
      });
      return reply.status(204).send(null);
    },
  );

  app.post(
    "/api/me/password",
    {
      config: { access: { kind: "session" } },
      schema: {
        summary: "Change the caller's password; other sessions end, this one gets a new cookie",
        tags: ["me"],
        body: ChangePasswordBody,
        response: { 204: Type.Null(), ...errorResponses(400, 401, 409, 415, 429) },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const session = await changePassword(passwords, {
        caller: { accountId: caller.accountId, email: caller.email, sessionId: caller.sessionId },
        currentPassword: request.body.currentPassword,
        newPassword: request.body.newPassword,
        deviceTokens: deviceTokensOf(request, deviceCookie),
        meta: request.meta,
      });
      setSessionCookie(reply, cookie, session.token, session.expiresAt);
      return reply.status(204).send(null);
    },
  );
};
