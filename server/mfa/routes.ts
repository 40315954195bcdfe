// HTTP routes of the caller's own second factors (SPEC §6.2, §6.8): TOTP enrolment, the factor list,
// naming, removal and recovery codes. Every change needs a fresh verification (config.stepUp).
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import { callerOf } from "../access/guard.js";
import { DateTime, errorResponses, NullableDateTime, StringEnum, Uuid } from "../http/schemas.js";
import {
  confirmTotpEnrolment,
  listFactors,
  type MfaDeps,
  regenerateRecoveryCodes,
  removeOwnFactor,
  renameOwnFactor,
  startTotpEnrolment,
} from "./service.js";

// Per client IP and route: enough for a person, a cheap refusal of a flood of guesses.
export const MFA_REQUESTS_PER_IP_PER_MINUTE = 30;

const FactorName = Type.String({ minLength: 1, maxLength: 60 });
const FactorParams = Type.Object({ factorId: Uuid }, { additionalProperties: false });
const RecoveryCodes = Type.Object({
  recoveryCodes: Type.Array(Type.String(), {
    description: "Shown this once: each works once at the login's second step",
  }),
});
const FactorList = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Uuid,
      type: StringEnum(["totp", "passkey"]),
      name: Type.String(),
      createdAt: DateTime,
      lastUsedAt: NullableDateTime,
    }),
  ),
});

export const mfaRoutes: FastifyPluginAsyncTypebox<{ mfa: MfaDeps }> = async (app, { mfa }) => {
  const rateLimit = { max: MFA_REQUESTS_PER_IP_PER_MINUTE, timeWindow: 60_000 };

  app.get(
    "/api/me/mfa",
    {
      config: { access: { kind: "session" }, rateLimit },
      schema: {
        summary: "The caller's confirmed second factors (authenticator apps and passkeys)",
        tags: ["me"],
        response: { 200: FactorList, ...errorResponses(401, 429) },
      },
    },
    async (request) => listFactors(mfa.db, callerOf(request).accountId),
  );

  app.post(
    "/api/me/mfa/totp",
    {
      config: { access: { kind: "session" }, stepUp: true, rateLimit },
      schema: {
        summary: "Start setting up an authenticator app: its secret, shown once",
        tags: ["me"],
        body: Type.Object({ name: Type.Optional(FactorName) }, { additionalProperties: false }),
        response: {
          201: Type.Object({
            secret: Type.String({ description: "Base32, for typing into the app" }),
            otpauthUrl: Type.String({ description: "The otpauth:// URL the QR code holds" }),
          }),
          ...errorResponses(400, 401, 403, 415, 429),
        },
      },
    },
    async (request, reply) => {
      const enrolment = await startTotpEnrolment(mfa, callerOf(request), {
        name: request.body?.name,
        meta: request.meta,
      });
      return reply.status(201).send(enrolment);
    },
  );

  app.post(
    "/api/me/mfa/totp/confirm",
    {
      config: { access: { kind: "session" }, rateLimit },
      schema: {
        summary: "Confirm the authenticator app with a code from it: the factor is active",
        tags: ["me"],
        body: Type.Object(
          { code: Type.String({ pattern: "^[0-9]{6}$", description: "The 6-digit code from the app" }) },
          { additionalProperties: false },
        ),
        response: { 200: RecoveryCodes, ...errorResponses(400, 401, 404, 415, 429) },
      },
    },
    async (request) =>
      confirmTotpEnrolment(mfa, callerOf(request), { code: request.body.code, meta: request.meta }),
  );

  app.patch(
    "/api/me/mfa/:factorId",
    {
      config: { access: { kind: "session" }, stepUp: true, rateLimit },
      schema: {
        summary: "Rename one of the caller's second factors",
        tags: ["me"],
        params: FactorParams,
        body: Type.Object({ name: FactorName }, { additionalProperties: false }),
        response: { 200: FactorList, ...errorResponses(400, 401, 403, 404, 415, 429) },
      },
    },
    async (request) =>
      renameOwnFactor(mfa, callerOf(request), {
        factorId: request.params.factorId,
        name: request.body.name,
        meta: request.meta,
      }),
  );

  app.delete(
    "/api/me/mfa/:factorId",
    {
      config: { access: { kind: "session" }, stepUp: true, rateLimit },
      schema: {
        summary: "Remove one of the caller's second factors",
        description:
          "The last factor of an account that is an active member of a company requiring two-factor " +
          "authentication is kept: `409 mfa_required_by_policy`.",
        tags: ["me"],
        params: FactorParams,
        response: { 204: Type.Null(), ...errorResponses(400, 401, 403, 404, 409, 429) },
      },
    },
    async (request, reply) => {
      await removeOwnFactor(mfa, callerOf(request), {
        factorId: request.params.factorId,
        meta: request.meta,
      });
      return reply.status(204).send(null);
    },
  );

  app.post(
    "/api/me/mfa/recovery-codes",
    {
      config: { access: { kind: "session" }, stepUp: true, rateLimit },
      schema: {
        summary: "Generate 10 new recovery codes; the previous ones stop working",
        tags: ["me"],
        response: { 200: RecoveryCodes, ...errorResponses(401, 403, 409, 415, 429) },
      },
    },
    async (request) => regenerateRecoveryCodes(mfa, callerOf(request), { meta: request.meta }),
  );
};
