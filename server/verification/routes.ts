// HTTP routes of step-up verification and the alternate email (rule 7, SPEC §3). Handlers only
// translate HTTP to service.ts; the schemas are strict, so a code is a string of 6 digits or a 400.
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import { callerOf } from "../access/guard.js";
import { type SessionCookie, setSessionCookie } from "../auth/routes.js";
import type { Clock } from "../clock.js";
import type { Database } from "../db/connect.js";
import { errorResponses, Uuid } from "../http/schemas.js";
import {
  type IssuedChallenge,
  requestAlternateEmailCode,
  requestStepUpCode,
  type VerificationDeps,
  verifyAlternateEmailCode,
  verifyStepUpCode,
} from "./service.js";

// Per client IP and route, on top of the per-account limits in codes.ts: cheap refusal of floods.
export const VERIFICATION_REQUESTS_PER_IP_PER_MINUTE = 60;

const Code = Type.String({ pattern: "^[0-9]{6}$", description: "The 6-digit code from the mail" });
const DateTime = Type.String({ format: "date-time" });

const StepUpBody = Type.Object(
  {
    companyId: Type.Optional({
      ...Uuid,
      description: "The company whose actions the step-up is for; without it, account-level changes only",
    }),
    resend: Type.Optional(
      Type.Boolean({
        description:
          "true: mail a new code and void the pending one (the 60 s cooldown applies); otherwise a " +
          "pending code of this session is returned again and no mail is sent",
      }),
    ),
  },
  { additionalProperties: false },
);
const CodeBody = Type.Object({ code: Code }, { additionalProperties: false });
const ChallengeParams = Type.Object({ challengeId: Uuid }, { additionalProperties: false });
const AlternateEmailBody = Type.Object(
  { email: Type.String({ minLength: 1, maxLength: 320 }) },
  { additionalProperties: false },
);
const AlternateEmailVerifyBody = Type.Object(
  { challengeId: Uuid, code: Code },
  { additionalProperties: false },
);

const ChallengeSent = Type.Object({
  challengeId: Uuid,
  sentTo: Type.String({ description: "Where the code went, masked" }),
  sentAt: { ...DateTime, description: "When the code was mailed" },
  expiresAt: DateTime,
  resendAvailableAt: DateTime,
});

function challengeBody(challenge: IssuedChallenge) {
  return {
    challengeId: challenge.challengeId,
    sentTo: challenge.sentTo,
    sentAt: challenge.sentAt.toISOString(),
    expiresAt: challenge.expiresAt.toISOString(),
    resendAvailableAt: challenge.resendAvailableAt.toISOString(),
  };
}

export const verificationRoutes: FastifyPluginAsyncTypebox<{
  database: Database;
  clock: Clock;
  cookie: SessionCookie;
}> = async (app, { database, clock, cookie }) => {
  const deps: VerificationDeps = { db: database.db, clock };
  const rateLimit = { max: VERIFICATION_REQUESTS_PER_IP_PER_MINUTE, timeWindow: 60_000 };

  app.post(
    "/api/verification/step-up",
    {
      config: { access: { kind: "session" }, rateLimit },
      schema: {
        summary: "Mail a step-up code to the account's alternate email (else its primary email)",
        description:
          "The code elevates the session in the named company only. While this session's last code " +
          "is still valid it is returned again (no new mail) unless `resend` is true.",
        tags: ["verification"],
        body: StepUpBody,
        response: { 201: ChallengeSent, ...errorResponses(400, 401, 404, 415, 429) },
      },
    },
    async (request, reply) => {
      const challenge = await requestStepUpCode(deps, callerOf(request), {
        companyId: request.body.companyId?.toLowerCase() ?? null,
        resend: request.body.resend === true,
        meta: request.meta,
      });
      return reply.status(201).send(challengeBody(challenge));
    },
  );

  app.post(
    "/api/verification/step-up/:challengeId/verify",
    {
      config: { access: { kind: "session" }, rateLimit },
      schema: {
        summary: "Verify a step-up code: the session is verified for 10 minutes and gets a new token",
        tags: ["verification"],
        params: ChallengeParams,
        body: CodeBody,
        response: {
          200: Type.Object({ verifiedUntil: DateTime }),
          ...errorResponses(400, 401, 404, 410, 415, 429),
        },
      },
    },
    async (request, reply) => {
      const verified = await verifyStepUpCode(deps, callerOf(request), {
        challengeId: request.params.challengeId.toLowerCase(),
        code: request.body.code,
        meta: request.meta,
      });
      setSessionCookie(reply, cookie, verified.session.token, verified.session.expiresAt);
      return { verifiedUntil: verified.verifiedUntil.toISOString() };
    },
  );

  app.post(
    "/api/me/alternate-email",
    {
      // Changing where codes go is itself sensitive (SECURITY 38): it needs a fresh step-up.
      config: { access: { kind: "session" }, stepUp: true, rateLimit },
      schema: {
        summary: "Mail a code to a new alternate email; it is set once the code is confirmed",
        tags: ["me"],
        body: AlternateEmailBody,
        response: { 201: ChallengeSent, ...errorResponses(400, 401, 403, 415, 429) },
      },
    },
    async (request, reply) => {
      const challenge = await requestAlternateEmailCode(deps, callerOf(request), {
        email: request.body.email,
        meta: request.meta,
      });
      return reply.status(201).send(challengeBody(challenge));
    },
  );

  app.post(
    "/api/me/alternate-email/verify",
    {
      config: { access: { kind: "session" }, rateLimit },
      schema: {
        summary: "Confirm the code sent to the new alternate email",
        tags: ["me"],
        body: AlternateEmailVerifyBody,
        response: {
          200: Type.Object({ alternateEmail: Type.String() }),
          ...errorResponses(400, 401, 404, 410, 415, 429),
        },
      },
    },
    async (request) =>
      verifyAlternateEmailCode(deps, callerOf(request), {
        challengeId: request.body.challengeId.toLowerCase(),
        code: request.body.code,
        meta: request.meta,
      }),
  );
};
