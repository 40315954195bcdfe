// Route-level enforcement of access/policy.ts. Every route must declare `config.access`
// (rule 1): registering one without it throws, so the app does not even start.
import type { FastifyInstance, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import type { Clock } from "../clock.js";
import type { Database } from "../db/connect.js";
import { AppError } from "../errors.js";
import { isUuid } from "../ids.js";
import { type Access, decide } from "./policy.js";
import { loadScimCaller, type ScimCaller } from "./scim-token-queries.js";
import { loadRequestContext, type RequestContext, type SessionPolicy } from "./session-queries.js";

declare module "fastify" {
  interface FastifyContextConfig {
    access?: Access;
    /** The route needs a session verified by email in the last 10 minutes (rule 7). */
    stepUp?: boolean;
    /** The guard's query also loads every membership of the caller (GET /api/me: one round trip). */
    withMemberships?: boolean;
    /** A session still in the login's second step may call this route too (logging out, in again). */
    acceptsSecondStep?: boolean;
  }
  interface FastifyRequest {
    auth: RequestContext | null;
    /** The SCIM token's company on `scim_token` routes (SPEC §6.3); null everywhere else. */
    scim: ScimCaller | null;
  }
  interface FastifyInstance {
    /** Every API route with the access it declared: the source of the permission matrix test. */
    accessTable: DeclaredRoute[];
  }
}

export type DeclaredRoute = { method: string; url: string; access: Access; stepUp: boolean };

/** The paths whose routes must declare their access: the JSON API and the SCIM server. */
const GUARDED_PREFIXES = ["/api", "/scim/"];

// Routes added by libraries, not by us, that are public by nature.
const LIBRARY_ROUTE_PREFIXES = ["/api/docs"];

export class UndeclaredAccessError extends Error {}

export type GuardOptions = {
  database: Database;
  clock: Clock;
  sessionPolicy: SessionPolicy;
  cookieName: string;
  /** Called for each refused request, so the refusal reaches the audit log. */
  onDenied?: (request: FastifyRequest, code: string, access: Access) => Promise<void>;
};

/** The caller of a route that required a session; the guard has already refused anyone else. */
export function callerOf(request: FastifyRequest): RequestContext {
  if (!request.auth) throw new AppError("unauthenticated");
  return request.auth;
}

export function routeAccess(request: FastifyRequest): Access | undefined {
  return request.routeOptions.config?.access;
}

/**
 * Rule 7: has the caller's session passed an email verification that is still fresh? The elevation
 * lives on the session, so another session of the same account is not elevated; in a request that
 * names a company it must have been asked in that company, so one step-up elevates no other company.
 * A request naming none is an account-level change, which a step-up in any company allows (§6.2).
 */
export function isSteppedUp(auth: RequestContext | null, now: Date): boolean {
  const until = auth?.namedCompanyId ? auth.companyStepUpUntil : auth?.stepUpUntil;
  return until != null && until.getTime() > now.getTime();
}

/** The step-up guard for code outside a route's `config.stepUp` (which the hook below enforces). */
export function requireStepUp(auth: RequestContext | null, now: Date): void {
  if (!isSteppedUp(auth, now)) throw new AppError("step_up_required");
}

export const guardPlugin = fp(async (app: FastifyInstance, options: GuardOptions) => {
  app.decorateRequest("auth", null);
  app.decorateRequest("scim", null);
  const accessTable: DeclaredRoute[] = [];
  app.decorate("accessTable", accessTable);

  app.addHook("onRoute", (route) => {
    const url = route.url ?? route.path;
    if (!GUARDED_PREFIXES.some((prefix) => url.startsWith(prefix))) return;
    if (LIBRARY_ROUTE_PREFIXES.some((prefix) => url.startsWith(prefix))) return;
    const config = route.config as { access?: Access; stepUp?: boolean } | undefined;
    const access = config?.access;
    if (!access) {
      throw new UndeclaredAccessError(
        `Route ${String(route.method)} ${url} declares no access (config.access): every API route must (rule 1)`,
      );
    }
    const stepUp = config?.stepUp === true;
    if (stepUp && (access.kind === "public" || access.kind === "scim_token")) {
      throw new UndeclaredAccessError(
        `Route ${String(route.method)} ${url} cannot require step-up without a session`,
      );
    }
    if ((access.kind === "scim_token") !== url.startsWith("/scim/")) {
      throw new UndeclaredAccessError(
        `Route ${String(route.method)} ${url}: SCIM tokens open /scim/ routes only, and only they do`,
      );
    }
    for (const method of [route.method].flat()) {
      if (method !== "HEAD") accessTable.push({ method: String(method), url, access, stepUp });
    }
  });

  app.addHook("preValidation", async (request) => {
    const access = routeAccess(request);
    if (!access) return;
    // A SCIM route answers to its bearer token alone: a session cookie sent along is not read.
    if (access.kind === "scim_token") {
      request.scim = await loadScimCaller(
        options.database.db,
        request.headers.authorization,
        options.clock.now(),
      );
      if (!request.scim) throw new AppError("unauthenticated", "A valid SCIM bearer token is required.");
      return;
    }
    // Ids in the path in one spelling: PostgreSQL reads a UUID in any case, and a check that compares
    // them as text (rule 5: "is this member the caller?") must not be passed by upper-casing one.
    const params = (request.params ?? {}) as Record<string, unknown>;
    for (const [name, value] of Object.entries(params)) {
      if (isUuid(value)) params[name] = value.toLowerCase();
    }
    const token = request.cookies[options.cookieName];
    const companyParam = params.cid;
    const companyId = isUuid(companyParam) ? companyParam : null;

    if (token && access.kind !== "public") {
      request.auth = await loadRequestContext(
        options.database.db,
        token,
        companyId,
        options.clock.now(),
        options.sessionPolicy,
        { withMemberships: request.routeOptions.config?.withMemberships === true },
      );
    } else if (token) {
      // Public routes may still want to know who is calling (e.g. login rotating an old session).
      request.auth = await loadRequestContext(
        options.database.db,
        token,
        null,
        options.clock.now(),
        options.sessionPolicy,
      );
    }

    // A session in the login's second step counts only on the routes that finish or drop that step;
    // everywhere else it is no session at all (401), and a full session is none for those routes.
    if (request.auth) {
      const isAccepted =
        access.kind === "second_step"
          ? request.auth.stage === "second_step"
          : request.auth.stage === "full" || request.routeOptions.config?.acceptsSecondStep === true;
      if (!isAccepted) request.auth = null;
    }

    const needsCompany = access.kind === "member" || access.kind === "permission";
    if (needsCompany && companyParam !== undefined && companyId === null && request.auth) {
      throw new AppError("not_found");
    }
    const decision = decide(access, request.auth !== null, request.auth?.membership ?? null);
    if (!decision.allowed) {
      await options.onDenied?.(request, decision.code, access);
      if (decision.code === "forbidden" && access.kind === "permission") {
        throw new AppError("forbidden", `You need the ${access.permission} permission for this.`, {
          permission: access.permission,
        });
      }
      throw new AppError(decision.code);
    }
    // Routes opt in with `config: { access, stepUp: true }`; checked once access is granted.
    if (request.routeOptions.config?.stepUp && !isSteppedUp(request.auth, options.clock.now())) {
      await options.onDenied?.(request, "step_up_required", access);
      throw new AppError("step_up_required");
    }
  });
});
