// HTTP routes for logging in and out. Handlers only translate HTTP to the service in service.ts.
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import type { FastifyReply } from "fastify";
import { callerOf } from "../access/guard.js";
import type { Database } from "../db/connect.js";
import { errorResponses } from "../http/schemas.js";
import { buildMeBody } from "../me/routes.js";
import { type AuthDeps, login, logout } from "./service.js";

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

export const authRoutes: FastifyPluginAsyncTypebox<{
  database: Database;
  auth: AuthDeps;
  cookie: SessionCookie;
  loginRateLimit: { max: number; timeWindow: number };
}> = async (app, { database, auth, cookie, loginRateLimit }) => {
  app.post(
    "/api/auth/login",
    {
      config: { access: { kind: "public" }, rateLimit: loginRateLimit },
      schema: {
        summary: "Log in with email and password; sets the session cookie",
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
        meta: request.meta,
      });
      setSessionCookie(reply, cookie, session.token, session.expiresAt);
      return buildMeBody(database.db, session.accountId);
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
