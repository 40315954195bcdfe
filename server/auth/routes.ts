// HTTP routes for logging in and out, and for an emailed unlock link. Handlers only translate HTTP to
// the services in service.ts and lockout.ts.
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import type { FastifyReply } from "fastify";
import { callerOf } from "../access/guard.js";
import type { Database } from "../db/connect.js";
import { errorResponses } from "../http/schemas.js";
import { buildMeBody } from "../me/service.js";
import { type DeviceCookie, deviceTokensOf, setDeviceCookie } from "./device-cookie.js";
import { unlockLoginOnDevice } from "./lockout.js";
import { type LoginDeps, login, logout } from "./service.js";

export type SessionCookie = { name: string; secure: boolean };

export function setSessionCookie(reply: FastifyReply, cookie: SessionCookie, token: string, expiresAt: Date) {
  reply.setCookie(cookie.name, token, {
    path: "/",
    httpOnly: true,
    sameSite: "lax",
    secure: cookie.secure,
    expires: expiresAt,
  });
}

export function clearSessionCookie(reply: FastifyReply, cookie: SessionCookie) {
  reply.clearCookie(cookie.name, { path: "/", httpOnly: true, sameSite: "lax", secure: cookie.secure });
}

const LoginBody = Type.Object(
  {
    email: Type.String({ minLength: 1, maxLength: 320 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { additionalProperties: false },
);

// Any text up to 200 characters: a malformed token is answered like an unknown one.
const UnlockBody = Type.Object(
  { token: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);

export const authRoutes: FastifyPluginAsyncTypebox<{
  database: Database;
  auth: LoginDeps;
  cookie: SessionCookie;
  deviceCookie: DeviceCookie;
  loginRateLimit: { max: number; timeWindow: number };
}> = async (app, { database, auth, cookie, deviceCookie, loginRateLimit }) => {
  app.post(
    "/api/auth/login",
    {
      config: { access: { kind: "public" }, rateLimit: loginRateLimit },
      schema: {
        summary: "Log in with email and password; sets the session and known-device cookies",
        description:
          "Ten consecutive wrong passwords lock only the device they came from (a known device of the " +
          "account), or only the email's unknown devices, for 30 minutes: 429 rate_limited with Retry-After.",
        tags: ["auth"],
        body: LoginBody,
        response: { 200: Type.Ref("Me"), ...errorResponses(400, 401, 403, 415, 429) },
      },
    },
    async (request, reply) => {
      const session = await login(auth, {
        email: request.body.email,
        password: request.body.password,
        previousSessionId: request.auth?.sessionId ?? null,
        deviceTokens: deviceTokensOf(request, deviceCookie),
        meta: request.meta,
      });
      setSessionCookie(reply, cookie, session.token, session.expiresAt);
      setDeviceCookie(reply, deviceCookie, session.deviceTokens);
      return buildMeBody(database.db, session.accountId);
    },
  );

  app.post(
    "/api/auth/login-unlock",
    {
      config: { access: { kind: "public" }, rateLimit: loginRateLimit },
      schema: {
        summary: "Redeem an emailed unlock link: this browser may log in once past a login lock",
        description:
          "The link works once, for 30 minutes; the browser that redeems it gets a known-device cookie for " +
          "the account, good for 30 minutes, that a successful login turns into an ordinary one. " +
          "400 unlock_link_invalid for an unknown, used or expired link.",
        tags: ["auth"],
        body: UnlockBody,
        response: {
          200: Type.Object({ email: Type.String(), validUntil: Type.String({ format: "date-time" }) }),
          ...errorResponses(400, 415, 429),
        },
      },
    },
    async (request, reply) => {
      const unlocked = await unlockLoginOnDevice(auth, {
        token: request.body.token,
        deviceTokens: deviceTokensOf(request, deviceCookie),
        meta: request.meta,
      });
      setDeviceCookie(reply, deviceCookie, unlocked.deviceTokens);
      return { email: unlocked.email, validUntil: unlocked.validUntil.toISOString() };
    },
  );

  app.post(
    "/api/auth/logout",
    {
      config: { access: { kind: "session" } },
      schema: {
        summary: "End the current session",
        tags: ["auth"],
        response: { 204: Type.Null(), ...errorResponses(401) },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      await logout(
        auth,
        caller.sessionId,
        { accountId: caller.accountId, email: caller.email },
        request.meta,
      );
      clearSessionCookie(reply, cookie);
      return reply.status(204).send(null);
    },
  );
};
