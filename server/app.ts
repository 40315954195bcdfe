// buildApp(deps): assembles the plugins and feature routes into one Fastify instance.
// No I/O of its own beyond what the dependencies passed in do.
import fs from "node:fs";
import path from "node:path";
import cookie from "@fastify/cookie";
import rateLimit from "@fastify/rate-limit";
import fastifyStatic from "@fastify/static";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import Fastify, { type FastifyError, type FastifyReply, type FastifyRequest } from "fastify";
import type { Redis } from "ioredis";
import { guardPlugin } from "./access/guard.js";
import type { Access } from "./access/policy.js";
import type { SessionPolicy } from "./access/session-queries.js";
import { hashSecretToken } from "./access/tokens.js";
import { auditRoutes } from "./audit/routes.js";
import { auditGroupWriter } from "./audit/writer.js";
import { authRoutes } from "./auth/routes.js";
import type { AuthDeps } from "./auth/service.js";
import { type Clock, systemClock } from "./clock.js";
import { companyRoutes } from "./companies/routes.js";
import type { Config } from "./config.js";
import type { Database } from "./db/connect.js";
import { AppError, ERROR_CODES } from "./errors.js";
import { errorsPlugin } from "./http/errors-plugin.js";
import { healthRoutes } from "./http/health.js";
import { parseJsonBodiesWithoutDuplicateKeys } from "./http/json-body.js";
import { loggerOptions, redactUrl } from "./http/logging.js";
import { METRICS_PATH, metricsPlugin } from "./http/metrics.js";
import { documentOperation, TAGS } from "./http/openapi.js";
import { ErrorBody, PermissionKeySchema } from "./http/schemas.js";
import { securityPlugin } from "./http/security-plugin.js";
import { buildSharedSerializer } from "./http/serialization.js";
import { buildStrictValidator } from "./http/validation.js";
import { isRoleOfferedByPendingInvitation } from "./invitations/queries.js";
import { INVITATION_LINK_REQUESTS_PER_IP_PER_MINUTE, invitationRoutes } from "./invitations/routes.js";
import { devOutboxRoutes } from "./mail/routes.js";
import { meRoutes } from "./me/routes.js";
import { MeBody } from "./me/schemas.js";
import { memberRoutes } from "./members/routes.js";
import { passwordRoutes } from "./passwords/routes.js";
import { PROJECT_ROOT } from "./paths.js";
import { portalRoutes } from "./portal/routes.js";
import { fallbackRateLimitStore, fallbackThrottleStore, RedisOutage } from "./ratelimit/redis-fallback.js";
import { memoryThrottleStore, redisThrottleStore, type ThrottleStore } from "./ratelimit/throttle-store.js";
import { roleRoutes } from "./roles/routes.js";
import { verificationRoutes } from "./verification/routes.js";

declare module "fastify" {
  interface FastifyRequest {
    /** The audit record of a refusal made in a synchronous hook, settled before the answer leaves. */
    pendingRefusal?: Promise<void>;
  }
}

export type AppDeps = {
  database: Database;
  config: Config;
  clock?: Clock;
  redis?: Redis | null;
  throttle?: ThrottleStore;
  /** Where the built web app lives; served when it exists. */
  webDistDir?: string;
  /** Where log lines go (tests capture them); stdout by default. */
  logStream?: NodeJS.WritableStream;
  /** Overrides for tests that exercise limits without sending hundreds of requests. */
  limits?: { loginPerMinute?: number; passwordResetPerMinute?: number; invitationLinkPerMinute?: number };
};

export const DEFAULT_WEB_DIST = path.join(PROJECT_ROOT, "web", "dist");

export function sessionCookieName(config: Config): string {
  // __Host- binds the cookie to this exact origin over HTTPS (no Domain, Path=/, Secure).
  return config.isProduction ? "__Host-portal_session" : "portal_session";
}

export function deviceCookieName(config: Config): string {
  return config.isProduction ? "__Host-portal_device" : "portal_device";
}

export async function buildApp(deps: AppDeps) {
  const { database, config } = deps;
  const clock = deps.clock ?? systemClock;
  const sessionPolicy: SessionPolicy = {
    idleMs: config.sessionIdleMinutes * 60_000,
    absoluteMs: config.sessionAbsoluteHours * 3_600_000,
  };
  const cookieSettings = { name: sessionCookieName(config), secure: config.isProduction };
  const deviceCookie = { name: deviceCookieName(config), secure: config.isProduction };
  let shuttingDown = false;
  // Refusals are recorded outside any transaction, many at once under attack: as group commits.
  const recordRefusal = auditGroupWriter(database.db);

  const app = Fastify({
    logger: loggerOptions(config, deps.logStream),
    bodyLimit: 1_048_576,
    trustProxy: config.trustProxy,
    genReqId: () => crypto.randomUUID(),
    forceCloseConnections: "idle",
    routerOptions: { ignoreTrailingSlash: false, maxParamLength: 200 },
    // Our validators everywhere, also in plugins that register named schemas (Fastify would
    // otherwise rebuild its default, type-coercing validator there).
    schemaController: {
      compilersFactory: { buildValidator: buildStrictValidator, buildSerializer: buildSharedSerializer },
    },
    // Errors the router raises before any hook runs (a bad percent-encoding, an overlong
    // parameter) still leave in the error model, with the API's headers and without the path.
    frameworkErrors: (error, request, rawReply) => {
      const tooLong = error.code === "FST_ERR_MAX_PARAM_LENGTH";
      const reply = rawReply as unknown as FastifyReply;
      reply
        .headers({
          "cache-control": "no-store",
          "x-request-id": String(request.id),
          "x-content-type-options": "nosniff",
          "referrer-policy": "same-origin",
          "content-security-policy": "default-src 'self'; frame-ancestors 'none'",
        })
        .status(tooLong ? 404 : 400)
        .send({
          error: tooLong
            ? { code: "not_found", message: ERROR_CODES.not_found.message }
            : { code: "bad_request", message: ERROR_CODES.bad_request.message },
        });
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  const redisOutage = new RedisOutage(app.log);
  const throttle =
    deps.throttle ??
    (deps.redis
      ? fallbackThrottleStore(redisThrottleStore(deps.redis), memoryThrottleStore(), redisOutage)
      : memoryThrottleStore());

  // JSON is the only body we accept; dropping the text/plain parser makes anything else a 415.
  app.removeContentTypeParser(["text/plain"]);
  parseJsonBodiesWithoutDuplicateKeys(app);
  app.addSchema(ErrorBody);
  app.addSchema(PermissionKeySchema);
  app.addSchema(MeBody);
  app.addHook("preClose", async () => {
    shuttingDown = true;
  });
  // While draining, answers close their connection, so keep-alive clients cannot hold the stop.
  // A refusal recorded from a synchronous hook (the rate limiter's) is waited for here: no answer
  // leaves before its audit record exists.
  app.addHook("onSend", (request, reply, payload, done) => {
    if (shuttingDown) reply.header("connection", "close");
    const pending = request.pendingRefusal;
    if (pending) void pending.then(() => done(null, payload));
    else done(null, payload);
  });

  await app.register(errorsPlugin);
  // Before every route, so its latency hook sees them all; absent (404) unless configured.
  if (config.metricsEnabled) {
    await app.register(metricsPlugin, { database, clock, token: config.metricsToken, redisOutage });
  }
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Multi-operator portal API",
        version: "0.1.0",
        description:
          'Member and role management of a payment merchant portal: members, roles, invitations, step-up verification, the audit log and the portal\'s sections. JSON under `/api`; errors are `{"error":{"code","message"}}`.',
        contact: { name: "Portal operators", url: config.publicUrl },
        license: { name: "Proprietary", identifier: "LicenseRef-Proprietary" },
      },
      servers: [{ url: config.publicUrl }],
      tags: TAGS,
      components: {
        securitySchemes: {
          session: {
            type: "apiKey",
            in: "cookie",
            name: cookieSettings.name,
            description: "The opaque session token set by logIn (HttpOnly, SameSite=Lax).",
          },
        },
      },
    },
    transform: documentOperation,
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: "/api/docs" });
  await app.register(cookie);
  await app.register(securityPlugin, {
    publicOrigin: config.publicOrigin,
    isProduction: config.isProduction,
  });
  await app.register(rateLimit, {
    global: false,
    // Counted in Redis, shared by every instance; while Redis fails, in this instance's memory.
    ...(deps.redis ? { store: fallbackRateLimitStore(deps.redis, "portal:rl:", redisOutage) } : {}),
    errorResponseBuilder: () => new AppError("rate_limited"),
    onExceeded: (request: FastifyRequest) => {
      // A flood's 429s are answered even when the database cannot take their records.
      request.pendingRefusal = recordRefusal({
        action: "security.rate_limited",
        outcome: "denied",
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
  await app.register(guardPlugin, {
    database,
    clock,
    sessionPolicy,
    cookieName: cookieSettings.name,
    onDenied: async (request: FastifyRequest, code: string, access: Access) => {
      if (!request.auth) return; // anonymous probes are answered, not logged one by one
      const cid = (request.params as { cid?: string }).cid;
      await recordRefusal({
        action: "access.denied",
        outcome: "denied",
        companyId: request.auth.membership?.companyId ?? null,
        actor: { accountId: request.auth.accountId, email: request.auth.email },
        details: {
          route: `${request.method} ${request.routeOptions.url}`,
          reason: code,
          requiredPermission: access.kind === "permission" ? access.permission : null,
          companyParam: typeof cid === "string" ? cid.slice(0, 40) : null,
        },
        meta: request.meta,
        at: clock.now(),
      });
    },
  });

  // Refusals made before any service sees the request reach the audit log too (rule 11, SECURITY 54):
  // a cross-site state change carrying someone's session (CSRF), and a logged-in caller's state change
  // whose body the schema refused (mass assignment of status/roles/companyId, type confusion).
  // Anonymous probes are answered, not logged one by one, as in the guard.
  app.addHook("onError", async (request, _reply, error) => {
    // checkCsrf refuses a cross-site Origin, and a form or text body (what a cross-site form can send).
    const isCsrf =
      error instanceof AppError &&
      (error.code === "csrf_rejected" || error.code === "unsupported_media_type");
    const { validation, validationContext } = error as FastifyError;
    const isRefusedBody = validation !== undefined && validationContext === "body";
    if (!isCsrf && !isRefusedBody) return;
    try {
      const actor = request.auth ?? (isCsrf ? await sessionHolder(request) : null);
      if (!actor) return;
      const first = validation?.[0];
      const unknownField =
        first?.params && "additionalProperty" in first.params ? first.params.additionalProperty : undefined;
      const cid = (request.params as { cid?: unknown } | undefined)?.cid;
      await recordRefusal({
        action: isCsrf ? "security.csrf_rejected" : "security.input_rejected",
        outcome: "denied",
        companyId: request.auth?.membership?.companyId ?? null,
        actor: { accountId: actor.accountId, email: actor.email },
        details: {
          route: `${request.method} ${request.routeOptions.url ?? redactUrl(request.url)}`,
          ...(isCsrf
            ? {
                reason: (error as AppError).code,
                origin: request.headers.origin ?? null,
                fetchSite: request.headers["sec-fetch-site"] ?? null,
                companyParam: typeof cid === "string" ? cid.slice(0, 40) : null,
              }
            : { field: `body${first?.instancePath.replaceAll("/", ".") ?? ""}`, unknownField }),
        },
        meta: request.meta,
        at: clock.now(),
      });
    } catch (auditError) {
      request.log.warn({ err: { message: (auditError as Error)?.message } }, "could not record a refusal");
    }
  });
  /** Who holds the session cookie a refused request carried (the guard had not run yet). */
  async function sessionHolder(request: FastifyRequest) {
    const token = request.cookies[cookieSettings.name];
    if (!token) return null;
    return database.db
      .selectFrom("sessions")
      .innerJoin("accounts", "accounts.id", "sessions.account_id")
      .select(["accounts.id as accountId", "accounts.email as email"])
      .where("sessions.token_hash", "=", hashSecretToken(token))
      .where("sessions.expires_at", ">", clock.now())
      .executeTakeFirst()
      .then((row) => row ?? null);
  }

  const auth: AuthDeps = { db: database.db, clock, throttle, sessionPolicy };

  await app.register(healthRoutes, {
    database,
    redis: deps.redis ?? null,
    isShuttingDown: () => shuttingDown,
  });
  await app.register(authRoutes, {
    database,
    auth: { ...auth, publicUrl: config.publicUrl },
    cookie: cookieSettings,
    deviceCookie,
    loginRateLimit: { max: deps.limits?.loginPerMinute ?? 30, timeWindow: 60_000 },
  });
  await app.register(meRoutes, { database, clock, sessionPolicy });
  await app.register(passwordRoutes, {
    passwords: { auth, publicUrl: config.publicUrl },
    cookie: cookieSettings,
    deviceCookie,
    resetRateLimit: { max: deps.limits?.passwordResetPerMinute ?? 10, timeWindow: 60_000 },
  });
  await app.register(companyRoutes, { database });
  await app.register(portalRoutes, { database, clock });
  await app.register(memberRoutes, { database, clock });
  await app.register(auditRoutes, { database, clock });
  await app.register(roleRoutes, { database, clock, usageChecks: [isRoleOfferedByPendingInvitation] });
  await app.register(invitationRoutes, {
    invitations: { auth, publicUrl: config.publicUrl, ttlHours: config.invitationTtlHours },
    cookie: cookieSettings,
    deviceCookie,
    linkRateLimit: {
      max: deps.limits?.invitationLinkPerMinute ?? INVITATION_LINK_REQUESTS_PER_IP_PER_MINUTE,
      timeWindow: 60_000,
    },
  });
  await app.register(verificationRoutes, { database, clock, cookie: cookieSettings });
  // The development mailbox exists only when mail stays in the building: not in production, and
  // not when an SMTP server is configured (a forgotten NODE_ENV must not expose real mail).
  if (!config.isProduction && !config.smtpUrl) await app.register(devOutboxRoutes, { database });

  app.get("/api/openapi.json", { config: { access: { kind: "public" } }, schema: { hide: true } }, async () =>
    app.swagger(),
  );

  const webDist = deps.webDistDir ?? DEFAULT_WEB_DIST;
  const hasWeb = fs.existsSync(path.join(webDist, "index.html"));
  if (hasWeb) {
    await app.register(fastifyStatic, { root: webDist, wildcard: false, index: false, maxAge: "1h" });
  }
  app.setNotFoundHandler(async (request, reply) => {
    const wantsPage =
      request.method === "GET" &&
      !request.url.startsWith("/api") &&
      !request.url.startsWith(METRICS_PATH) &&
      hasWeb;
    if (wantsPage) {
      // The single-page app owns every other path; it is never cached so a deploy shows at once.
      return reply.header("cache-control", "no-store").sendFile("index.html");
    }
    throw new AppError("not_found");
  });

  return app;
}

export type App = Awaited<ReturnType<typeof buildApp>>;
