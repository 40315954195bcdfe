// HTTP route of deleting one's own account (SPEC §6.4): a session, a fresh verification (rule 7) and
// the password; the session cookie is cleared with the account.
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import { callerOf } from "../access/guard.js";
import { type DeviceCookie, deviceTokensOf } from "../auth/device-cookie.js";
import { clearSessionCookie, type SessionCookie } from "../auth/routes.js";
import { errorResponses } from "../http/schemas.js";
import { type AccountDeletionDeps, deleteOwnAccount } from "./service.js";

const DeleteAccountBody = Type.Object(
  { password: Type.String({ minLength: 1, maxLength: 1024 }) },
  { additionalProperties: false },
);

export const accountRoutes: FastifyPluginAsyncTypebox<{
  accounts: AccountDeletionDeps;
  cookie: SessionCookie;
  deviceCookie: DeviceCookie;
}> = async (app, { accounts, cookie, deviceCookie }) => {
  app.delete(
    "/api/me",
    {
      config: { access: { kind: "session" }, stepUp: true },
      schema: {
        summary: "Delete the caller's own account (password and a fresh verification)",
        tags: ["me"],
        body: DeleteAccountBody,
        response: { 204: Type.Null(), ...errorResponses(400, 401, 403, 409, 415, 429) },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      await deleteOwnAccount(accounts, {
        caller: { accountId: caller.accountId, email: caller.email },
        password: request.body.password,
        deviceTokens: deviceTokensOf(request, deviceCookie),
        meta: request.meta,
      });
      clearSessionCookie(reply, cookie);
      return reply.status(204).send(null);
    },
  );
};
