// Route-level enforcement of access/policy.ts. Every route must declare `config.access`
// (rule 1): registering one without it throws, so the app does not even start.
import type { FastifyInstance, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { loadRequestContext, type RequestContext, type SessionPolicy } from "../auth/sessions.js";
import type { Clock } from "../clock.js";
import type { Database } from "../db/connect.js";
import { AppError } from "../errors.js";
import { type Access, decide } from "./policy.js";

declare module "fastify" {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    auth: RequestContext | null;
  }
  interface FastifyInstance {
    /** Every API route with the access it declared: the source of the permission matrix test. */
    accessTable: DeclaredRoute[];
  }
}

export type DeclaredRoute = { method: string; url: string; access: Access };

// Routes added by libraries, not by us, that are public by nature.
const LIBRARY_ROUTE_PREFIXES = ["/api/docs"];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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

export const guardPlugin = fp(async (app: FastifyInstance, options: GuardOptions) => {
  app.decorateRequest("auth", null);
  const accessTable: DeclaredRoute[] = [];
  app.decorate("accessTable", accessTable);

  app.addHook("onRoute", (route) => {
    const url = route.url ?? route.path;
    if (!url.startsWith("/api") || LIBRARY_ROUTE_PREFIXES.some((prefix) => url.startsWith(prefix))) return;
    const access = (route.config as { access?: Access } | undefined)?.access;
    if (!access) {
      throw new UndeclaredAccessError(
        `Route ${String(route.method)} ${url} declares no access (config.access): every API route must (rule 1)`,
      );
    }
    for (const method of [route.method].flat()) {
      if (method !== "HEAD") accessTable.push({ method: String(method), url, access });
    }
  });

  app.addHook("preValidation", async (request) => {
    const access = routeAccess(request);
    if (!access) return;
    const token = request.cookies[options.cookieName];
    const companyParam = (request.params as { cid?: unknown } | undefined)?.cid;
    const companyId =
      typeof companyParam === "string" && UUID.test(companyParam) ? companyParam.toLowerCase() : null;

    if (token && access.kind !== "public") {
      request.auth = await loadRequestContext(
        options.database.db,
        token,
        companyId,
        options.clock.now(),
        options.sessionPolicy,
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
  });
});
