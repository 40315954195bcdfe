// HTTP routes of step-up verification and the alternate email (rule 7, SPEC §3). Handlers only
// translate HTTP to service.ts; the schemas are strict, so a code is a string of 6 digits or a 400.
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import { callerOf } from "../access/guard.js";
import { type SessionCookie, setSessionCookie } from "../auth/routes.js";
import type { Clock } from "../clock.js";
import type { Database } from "../db/connect.js";
import { AppError } from "../errors.js";
import { DateTime, errorResponses, StringEnum, Uuid } from "../http/schemas.js";
import type { RelyingParty } from "../passkeys/ceremony.js";
import { AuthenticationResponse, RequestOptions } from "../passkeys/schemas.js";
import { type PasskeyChallenge, verifyPasskeyStepUp } from "./passkey-step-up.js";
import { findOwnChallengeMethod } from "./queries.js";
import {
  type IssuedChallenge,
  requestAlternateEmailCode,
  requestStepUpCode,
  type StepUpDeps,
  verifyAlternateEmailCode,
  verifyStepUpCode,
} from "./service.js";

// Per client IP and route, on top of the per-account limits in codes.ts: cheap refusal of floods.
export const VERIFICATION_REQUESTS_PER_IP_PER_MINUTE = 60;

const Code = Type.String({
  pattern: "^[0-9]{6}$",
  description: "The 6-digit code from the mail, or from the authenticator app for a `totp` challenge",
});

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
// A mailed code answers with `code`; a passkey challenge with `assertion` (400 when the one it needs is missing).
const StepUpVerifyBody = Type.Object(
  {
    code: Type.Optional(Code),
    assertion: Type.Optional({
      ...AuthenticationResponse,
      description: "The passkey's answer to the challenge's `options` (method passkey)",
    }),
  },
  { additionalProperties: false },
);
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
  method: StringEnum(["email", "totp", "passkey"], {
    description:
      "How to answer: `email`, the code mailed to `sentTo`; `totp`, a code from the authenticator app " +
      "(nothing is mailed); `passkey`, the account's passkey, with `options` for the browser",
  }),
  sentTo: Type.Optional(
    Type.String({ description: "Where the code went, masked; absent when nothing was mailed" }),
  ),
  sentAt: Type.Optional({
    ...DateTime,
    description: "When the code was mailed (when the challenge began, for an authenticator app)",
  }),
  expiresAt: DateTime,
  resendAvailableAt: Type.Optional(DateTime),
  options: Type.Optional(RequestOptions),
});

function challengeBody(challenge: IssuedChallenge | PasskeyChallenge) {
  if ("options" in challenge) {
    return {
      challengeId: challenge.challengeId,
      method: challenge.method,
      expiresAt: challenge.expiresAt.toISOString(),
      options: challenge.options,
    };
  }
  return {
    challengeId: challenge.challengeId,
    method: challenge.method,
    ...(challenge.sentTo === null ? {} : { sentTo: challenge.sentTo }),
    sentAt: challenge.sentAt.toISOString(),
    expiresAt: challenge.expiresAt.toISOString(),
    resendAvailableAt: challenge.resendAvailableAt.toISOString(),
  };
}

export const verificationRoutes: FastifyPluginAsyncTypebox<{
  database: Database;
  clock: Clock;
  cookie: SessionCookie;
  mfaSecretKey: Buffer;
  /** Step-up with a passkey, for accounts that have one. */
  party: RelyingParty;
}> = async (app, { database, clock, cookie, mfaSecretKey, party }) => {
  const deps: StepUpDeps = { db: database.db, clock, mfaSecretKey };
  const rateLimit = { max: VERIFICATION_REQUESTS_PER_IP_PER_MINUTE, timeWindow: 60_000 };

  app.post(
    "/api/verification/step-up",
    {
      config: { access: { kind: "session" }, rateLimit },
      schema: {
        summary:
          "Start a step-up: by the account's strongest factor, else a code mailed to its alternate email (else its primary email)",
        description:
          "The verification elevates the session in the named company only. `method` says how to answer: " +
          "an account with an authenticator app gets `totp` and no mail. While this session's last challenge " +
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
        passkeyParty: party,
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
        body: StepUpVerifyBody,
        response: {
          200: Type.Object({ verifiedUntil: DateTime }),
          ...errorResponses(400, 401, 404, 410, 415, 429),
        },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const challengeId = request.params.challengeId.toLowerCase();
      const { code, assertion } = request.body;
      // The challenge's method says which answer it needs; one not the caller's is a 404 below.
      const method = await findOwnChallengeMethod(database.db, challengeId, caller);
      if (method === "passkey" && assertion === undefined) {
        throw new AppError("validation_failed", "This verification is answered with a passkey.", {
          field: "assertion",
        });
      }
      if (method !== "passkey" && code === undefined) {
        if (method === null)
          throw new AppError("not_found", "No such verification challenge for this session.");
        throw new AppError("validation_failed", "Enter the code.", { field: "code" });
      }
      const verified =
        method === "passkey" && assertion !== undefined
          ? await verifyPasskeyStepUp(deps, party, caller, { challengeId, assertion, meta: request.meta })
          : await verifyStepUpCode(deps, caller, { challengeId, code: code ?? "", meta: request.meta });
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
