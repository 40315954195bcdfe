// Refusal auditing (rule 11, SECURITY 54): the one way a refused request becomes an audit record,
// whether the guard, the rate limiter, the CSRF check, the schema or a service refused it.
import type { FastifyError, FastifyInstance, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import type { Kysely, Transaction } from "kysely";
import type { Access } from "../access/policy.js";
import { findSessionHolder } from "../access/session-queries.js";
import type { Clock } from "../clock.js";
import type { DB } from "../db/schema.js";
import { AppError } from "../errors.js";
import { redactUrl } from "../http/logging.js";
import { type AuditEvent, auditGroupWriter, recordAudit } from "./writer.js";

declare module "fastify" {
  interface FastifyRequest {
    /** The audit record of a refusal made in a synchronous hook, settled before the answer leaves. */
    pendingRefusal?: Promise<void>;
  }
  interface FastifyInstance {
    refusals: {
      /** The guard's onDenied: a logged-in caller refused by a route's declared access. */
      accessDenied: (request: FastifyRequest, code: string, access: Access) => Promise<void>;
      /** The rate limiter's onExceeded, which is synchronous: the answer waits in onSend. */
      rateLimited: (request: FastifyRequest) => void;
    };
  }
}

export type Refusal = Omit<AuditEvent, "outcome">;

/** A refusal a service decides, recorded with its other writes (in `trx` when there is one). */
export async function recordRefusal(db: Kysely<DB> | Transaction<DB>, refusal: Refusal): Promise<void> {
  await recordAudit(db, { ...refusal, outcome: "denied" });
}

const companyParamOf = (request: FastifyRequest) => {
  const cid = (request.params as { cid?: unknown } | undefined)?.cid;
  return typeof cid === "string" ? cid.slice(0, 40) : null;
};

export type RefusalAuditingOptions = { db: Kysely<DB>; clock: Clock; sessionCookieName: string };

/**
 * Refusals made before any service sees the request. They are recorded outside any transaction,
 * many at once under attack, so as group commits. Anonymous probes are answered, not logged one by
 * one.
 */
export const refusalAuditing = fp(
  async (app: FastifyInstance, { db, clock, sessionCookieName }: RefusalAuditingOptions) => {
    const record = auditGroupWriter(db);
    const refused = (event: Refusal) => record({ ...event, outcome: "denied" });

    app.decorate("refusals", {
      accessDenied: async (request, code, access) => {
        if (!request.auth) return;
        await refused({
          action: "access.denied",
          companyId: request.auth.membership?.companyId ?? null,
          actor: { accountId: request.auth.accountId, email: request.auth.email },
          details: {
            route: `${request.method} ${request.routeOptions.url}`,
            reason: code,
            requiredPermission: access.kind === "permission" ? access.permission : null,
            companyParam: companyParamOf(request),
          },
          meta: request.meta,
          at: clock.now(),
        });
      },
      rateLimited: (request) => {
        // A flood's 429s are answered even when the database cannot take their records.
        request.pendingRefusal = refused({
          action: "security.rate_limited",
          details: { route: request.routeOptions.url ?? request.url.split("?")[0] },
          meta: request.meta,
          at: clock.now(),
        }).catch((error) => {
          request.log.warn(
            { err: { message: (error as Error)?.message } },
            "could not record a rate-limit refusal",
          );
        });
      },
    });

    // No answer leaves before the record of its refusal exists.
    app.addHook("onSend", (request, _reply, payload, done) => {
      const pending = request.pendingRefusal;
      if (pending) void pending.then(() => done(null, payload));
      else done(null, payload);
    });

    // A cross-site state change carrying someone's session (CSRF), and a logged-in caller's state
    // change whose body the schema refused (mass assignment of status/roles/companyId, type confusion).
    app.addHook("onError", async (request, _reply, error) => {
      // checkCsrf refuses a cross-site Origin, and a form or text body (what a cross-site form can send).
      const isCsrf =
        error instanceof AppError &&
        (error.code === "csrf_rejected" || error.code === "unsupported_media_type");
      const { validation, validationContext } = error as FastifyError;
      const isRefusedBody = validation !== undefined && validationContext === "body";
      if (!isCsrf && !isRefusedBody) return;
      try {
        const token = request.cookies[sessionCookieName];
        const first = validation?.[0];
        const unknownField =
          first?.params && "additionalProperty" in first.params ? first.params.additionalProperty : undefined;
        const duplicateKey =
          first?.params && "duplicateKey" in first.params ? first.params.duplicateKey : undefined;
        // The guard has not run for a CSRF refusal, nor for a body the parser refused (a repeated
        // key): whoever holds the cookie is the one attacked, or the one sending it.
        const beforeGuard = isCsrf || duplicateKey !== undefined;
        const actor =
          request.auth ?? (beforeGuard && token ? await findSessionHolder(db, token, clock.now()) : null);
        if (!actor) return;
        await refused({
          action: isCsrf ? "security.csrf_rejected" : "security.input_rejected",
          companyId: request.auth?.membership?.companyId ?? null,
          actor: { accountId: actor.accountId, email: actor.email },
          details: {
            route: `${request.method} ${request.routeOptions.url ?? redactUrl(request.url)}`,
            ...(isCsrf
              ? {
                  reason: (error as AppError).code,
                  origin: request.headers.origin ?? null,
                  fetchSite: request.headers["sec-fetch-site"] ?? null,
                  companyParam: companyParamOf(request),
                }
              : {
                  field: `body${first?.instancePath.replaceAll("/", ".") ?? ""}`,
                  unknownField,
                  duplicateKey,
                  ...(request.auth ? {} : { companyParam: companyParamOf(request) }),
                }),
          },
          meta: request.meta,
          at: clock.now(),
        });
      } catch (auditError) {
        request.log.warn({ err: { message: (auditError as Error)?.message } }, "could not record a refusal");
      }
    });
  },
  { name: "refusal-auditing" },
);
