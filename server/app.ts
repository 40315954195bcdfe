// buildApp(deps): assembles the plugins and feature routes into one Fastify instance, in the order
// they must run; each capability lives in its own plugin. No I/O of its own.
import path from "node:path";
import cookie from "@fastify/cookie";
import rateLimit from "@fastify/rate-limit";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import Fastify, { type FastifyReply } from "fastify";
import type { Redis } from "ioredis";
import { guardPlugin } from "./access/guard.js";
import { sessionPolicyOf } from "./access/session-queries.js";
import { accessReviewRoutes } from "./access-reviews/routes.js";
import { accountRoutes } from "./accounts/routes.js";
import { refusalAuditing } from "./audit/refusals.js";
import { auditRoutes } from "./audit/routes.js";
import { authRoutes } from "./auth/routes.js";
import type { AuthDeps } from "./auth/service.js";
import { type Clock, systemClock } from "./clock.js";
import { companyRoutes } from "./companies/routes.js";
import type { Config } from "./config.js";
import type { Database } from "./db/connect.js";
import { txtLookup } from "./domains/dns.js";
import { domainRoutes } from "./domains/routes.js";
import { AppError } from "./errors.js";
import { homeRoutes } from "./home/routes.js";
import { docsPlugin, openApiDocumentRoute } from "./http/docs-plugin.js";
import { errorsPlugin } from "./http/errors-plugin.js";
import { answerFrameworkError } from "./http/framework-errors.js";
import { healthRoutes } from "./http/health.js";
import { parseJsonBodiesWithoutDuplicateKeys } from "./http/json-body.js";
import { loggerOptions } from "./http/logging.js";
import { metricsPlugin } from "./http/metrics.js";
import { ErrorBody, PermissionKeySchema } from "./http/schemas.js";
import { securityPlugin } from "./http/security-plugin.js";
import { buildSharedSerializer } from "./http/serialization.js";
import { buildStrictValidator } from "./http/validation.js";
import { webPlugin } from "./http/web-plugin.js";
import { isRoleOfferedByPendingInvitation } from "./invitations/queries.js";
import { INVITATION_LINK_REQUESTS_PER_IP_PER_MINUTE, invitationRoutes } from "./invitations/routes.js";
import { devOutboxRoutes } from "./mail/routes.js";
import { meRoutes } from "./me/routes.js";
import { MeBody } from "./me/schemas.js";
import { memberRoutes } from "./members/routes.js";
import { merchantAccountRoutes } from "./merchant-accounts/routes.js";
import { mfaRoutes } from "./mfa/routes.js";
import { relyingPartyOf } from "./passkeys/ceremony.js";
import { passkeyRoutes } from "./passkeys/routes.js";
import { passwordRoutes } from "./passwords/routes.js";
import { PROJECT_ROOT } from "./paths.js";
import { portalRoutes } from "./portal/routes.js";
import { fallbackRateLimitStore, fallbackThrottleStore, RedisOutage } from "./ratelimit/redis-fallback.js";
import { memoryThrottleStore, redisThrottleStore, type ThrottleStore } from "./ratelimit/throttle-store.js";
import { roleRoutes } from "./roles/routes.js";
import { scimRoutes } from "./scim/routes.js";
import { scimTokenRoutes } from "./scim/token-routes.js";
import { securityPolicyRoutes } from "./security-policy/routes.js";
import { ssoRoutes } from "./sso/routes.js";
import { samlRoutes, samlStarter } from "./sso/saml/routes.js";
import { verificationRoutes } from "./verification/routes.js";
import { hostResolver } from "./webhooks/address-guard.js";
import { WebhookMetrics } from "./webhooks/metrics.js";
import { webhookRoutes } from "./webhooks/routes.js";

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
  /** The webhook worker's counters, served by /metrics when the worker runs in this process. */
  webhookMetrics?: WebhookMetrics;
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
  const sessionPolicy = sessionPolicyOf(config);
  const cookieSettings = { name: sessionCookieName(config), secure: config.isProduction };
  const deviceCookie = { name: deviceCookieName(config), secure: config.isProduction };
  let shuttingDown = false;

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
    frameworkErrors: (error, request, reply) =>
      answerFrameworkError(error, request, reply as unknown as FastifyReply),
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
  app.addHook("onSend", async (_request, reply) => {
    if (shuttingDown) reply.header("connection", "close");
  });

  await app.register(errorsPlugin);
  // Before every route, so its latency hook sees them all; absent (404) unless configured.
  if (config.metricsEnabled) {
    await app.register(metricsPlugin, {
      database,
      clock,
      token: config.metricsToken,
      redisOutage,
      extraMetrics: (deps.webhookMetrics ?? new WebhookMetrics()).all(database.db, clock),
    });
  }
  await app.register(docsPlugin, { publicUrl: config.publicUrl, sessionCookieName: cookieSettings.name });
  await app.register(cookie);
  await app.register(securityPlugin, {
    publicOrigin: config.publicOrigin,
    isProduction: config.isProduction,
  });
  await app.register(refusalAuditing, { db: database.db, clock, sessionCookieName: cookieSettings.name });
  await app.register(rateLimit, {
    global: false,
    // Counted in Redis, shared by every instance; while Redis fails, in this instance's memory.
    ...(deps.redis ? { store: fallbackRateLimitStore(deps.redis, "portal:rl:", redisOutage) } : {}),
    errorResponseBuilder: () => new AppError("rate_limited"),
    onExceeded: app.refusals.rateLimited,
  });
  await app.register(guardPlugin, {
    database,
    clock,
    sessionPolicy,
    cookieName: cookieSettings.name,
    onDenied: app.refusals.accessDenied,
  });

  const auth: AuthDeps = { db: database.db, clock, throttle, sessionPolicy };

  await app.register(healthRoutes, {
    database,
    redis: deps.redis ?? null,
    isShuttingDown: () => shuttingDown,
  });
  await app.register(openApiDocumentRoute);
  await app.register(authRoutes, {
    database,
    auth: { ...auth, publicUrl: config.publicUrl, mfaSecretKey: config.mfaSecretKey },
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
  await app.register(accountRoutes, {
    accounts: { auth, publicUrl: config.publicUrl },
    cookie: cookieSettings,
    deviceCookie,
  });
  await app.register(companyRoutes, { database, clock });
  await app.register(portalRoutes, { database, clock });
  await app.register(merchantAccountRoutes, { database });
  await app.register(memberRoutes, { database, clock });
  await app.register(auditRoutes, { database, clock });
  await app.register(homeRoutes, { database, clock });
  await app.register(roleRoutes, { database, clock, usageChecks: [isRoleOfferedByPendingInvitation] });
  await app.register(accessReviewRoutes, { database, clock });
  await app.register(securityPolicyRoutes, {
    database,
    clock,
    globalIdleMinutes: config.sessionIdleMinutes,
  });
  await app.register(domainRoutes, { database, clock, lookup: txtLookup(config.dnsServers) });
  await app.register(scimTokenRoutes, { database, clock });
  await app.register(scimRoutes, { prefix: "/scim/v2", database, clock, publicUrl: config.publicUrl });
  await app.register(webhookRoutes, {
    clock,
    webhooks: {
      db: database.db,
      secretKey: config.mfaSecretKey,
      isProduction: config.isProduction,
      resolve: hostResolver(config.dnsServers ?? []),
    },
  });
  await app.register(invitationRoutes, {
    invitations: { auth, publicUrl: config.publicUrl, ttlHours: config.invitationTtlHours },
    cookie: cookieSettings,
    deviceCookie,
    linkRateLimit: {
      max: deps.limits?.invitationLinkPerMinute ?? INVITATION_LINK_REQUESTS_PER_IP_PER_MINUTE,
      timeWindow: 60_000,
    },
  });
  await app.register(verificationRoutes, {
    database,
    clock,
    cookie: cookieSettings,
    party: relyingPartyOf(config.publicUrl),
    mfaSecretKey: config.mfaSecretKey,
  });
  await app.register(mfaRoutes, { mfa: { db: database.db, clock, secretKey: config.mfaSecretKey } });
  const saml = { db: database.db, clock, publicUrl: config.publicUrl };
  await app.register(ssoRoutes, {
    database,
    clock,
    sessionPolicy,
    publicUrl: config.publicUrl,
    secretKey: config.mfaSecretKey,
    isProduction: config.isProduction,
    cookie: cookieSettings,
    deviceCookie,
    loginRateLimit: { max: deps.limits?.loginPerMinute ?? 30, timeWindow: 60_000 },
    starters: { saml: samlStarter(saml, config.isProduction) },
  });
  await app.register(samlRoutes, {
    saml,
    isProduction: config.isProduction,
    sessionPolicy,
    cookie: cookieSettings,
    deviceCookie,
    rateLimit: { max: deps.limits?.loginPerMinute ?? 30, timeWindow: 60_000 },
  });
  await app.register(passkeyRoutes, {
    passkeys: {
      ...auth,
      publicUrl: config.publicUrl,
      party: relyingPartyOf(config.publicUrl),
    },
    cookie: cookieSettings,
    deviceCookie,
  });
  // The development mailbox exists only when mail stays in the building: not in production, and
  // not when an SMTP server is configured (a forgotten NODE_ENV must not expose real mail).
  if (!config.isProduction && !config.smtpUrl) await app.register(devOutboxRoutes, { database });

  await app.register(webPlugin, { webDist: deps.webDistDir ?? DEFAULT_WEB_DIST });

  return app;
}

export type App = Awaited<ReturnType<typeof buildApp>>;
