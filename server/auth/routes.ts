// HTTP routes for logging in and out, and for an emailed unlock link. Handlers only translate HTTP to
// the services in service.ts and lockout.ts.
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import type { FastifyReply } from "fastify";
import { callerOf } from "../access/guard.js";
import type { Database } from "../db/connect.js";
import { AppError } from "../errors.js";
import { DateTime, errorResponses, StringEnum } from "../http/schemas.js";
import { buildMeBody } from "../me/service.js";
import { type DeviceCookie, deviceTokensOf, setDeviceCookie } from "./device-cookie.js";
import { unlockLoginOnDevice } from "./lockout.js";
import { completeSecondStep } from "./second-step.js";
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

const MfaRequired = Type.Object(
  {
    mfaRequired: Type.Literal(true),
    methods: Type.Array(StringEnum(["totp", "passkey", "recovery_code"]), {
      description: "How this account can finish the second step, strongest first",
    }),
  },
  { description: "The password was right; the session cookie is good only for the second step" },
);

const TotpCodeBody = Type.Object(
  {
    code: Type.String({ pattern: "^[0-9]{6}$", description: "The 6-digit code from the authenticator app" }),
  },
  { additionalProperties: false },
);
const RecoveryCodeBody = Type.Object(
  { code: Type.String({ minLength: 1, maxLength: 64, description: "One of the account's recovery codes" }) },
  { additionalProperties: false },
);

// Any text up to 200 characters: a malformed token is answered like an unknown one.
const UnlockBody = Type.Object(
  { token: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);

export const authRoutes: FastifyPluginAsyncTypebox<{
  database: Database;
  auth: LoginDeps & { mfaSecretKey: Buffer };
  cookie: SessionCookie;
  deviceCookie: DeviceCookie;
  loginRateLimit: { max: number; timeWindow: number };
}> = async (app, { database, auth, cookie, deviceCookie, loginRateLimit }) => {
  app.post(
    "/api/auth/login",
    {
      // A second-step session logging in again is replaced like any other.
      config: { access: { kind: "public" }, rateLimit: loginRateLimit, acceptsSecondStep: true },
      schema: {
        summary: "Log in with email and password; sets the session and known-device cookies",
        description:
          "Ten consecutive wrong passwords lock only the device they came from (a known device of the " +
          "account), or only the email's unknown devices, for 30 minutes: 429 rate_limited with Retry-After. " +
          "For an account with a second factor the answer is `{mfaRequired:true,methods}` and the session " +
          "is good only for the second step.",
        tags: ["auth"],
        body: LoginBody,
        response: {
          200: Type.Union([Type.Ref("Me"), MfaRequired]),
          ...errorResponses(400, 401, 403, 415, 429),
        },
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
      if (session.secondStep) return { mfaRequired: true as const, methods: session.secondStep.methods };
      setDeviceCookie(reply, deviceCookie, session.deviceTokens);
      return buildMeBody(database.db, session.accountId, auth.clock.now());
    },
  );

  for (const [path, method, body, summary] of [
    ["/api/auth/mfa/totp", "totp", TotpCodeBody, "Finish logging in with a code from the authenticator app"],
    ["/api/auth/mfa/recovery", "recovery_code", RecoveryCodeBody, "Finish logging in with a recovery code"],
  ] as const) {
    app.post(
      path,
      {
        config: { access: { kind: "second_step" }, rateLimit: loginRateLimit },
        schema: {
          summary,
          description:
            "Only the session of a correct password for an account with a second factor may call it. The " +
            "right code replaces it by a full session (new cookie) and answers as `GET /api/me`; a wrong one " +
            "is `400 invalid_code {attemptsLeft}`, and the fifth ends the session (`401`, log in again). " +
            "Wrong codes also count on the device's login failures (rule 14).",
          tags: ["auth"],
          body,
          response: { 200: Type.Ref("Me"), ...errorResponses(400, 401, 415, 429) },
        },
      },
      async (request, reply) => {
        const caller = callerOf(request);
        try {
          const session = await completeSecondStep(auth, {
            caller,
            method,
            code: request.body.code,
            deviceTokens: deviceTokensOf(request, deviceCookie),
            meta: request.meta,
          });
          setSessionCookie(reply, cookie, session.token, session.expiresAt);
          setDeviceCookie(reply, deviceCookie, session.deviceTokens);
          return buildMeBody(database.db, caller.accountId, auth.clock.now());
        } catch (error) {
          if (error instanceof AppError && error.code === "unauthenticated")
            clearSessionCookie(reply, cookie);
          throw error;
        }
      },
    );
  }

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
          200: Type.Object({ email: Type.String(), validUntil: DateTime }),
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
      config: { access: { kind: "session" }, acceptsSecondStep: true },
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
