// Request-level protections that apply to every route: security headers, no caching of API
// answers, CSRF refusal of cross-site or non-JSON state changes (rule 13), and the request's meta.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { FastifyInstance, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import helmet, { type HelmetOptions } from "helmet";
import { AppError } from "../errors.js";
import { sendsNoReferrer } from "./referrer-policy.js";
import type { RequestMeta } from "./request-meta.js";

declare module "fastify" {
  interface FastifyRequest {
    meta: RequestMeta;
  }
  interface FastifyContextConfig {
    /**
     * The route receives a form another site's page posts (SAML's HTTP-POST binding to the ACS): the
     * message proves itself (a signature), and the route changes nothing on the browser's authority.
     */
    acceptsCrossSiteForm?: boolean;
  }
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function requestMeta(request: FastifyRequest): RequestMeta {
  const userAgent = request.headers["user-agent"];
  return {
    ip: request.ip ?? null,
    userAgent: typeof userAgent === "string" ? userAgent.slice(0, 300) : null,
    requestId: String(request.id),
  };
}

/** Rejects state changes that a browser sent on behalf of another site. */
export function checkCsrf(request: FastifyRequest, publicOrigin: string): void {
  if (SAFE_METHODS.has(request.method)) return;
  const fetchSite = request.headers["sec-fetch-site"];
  if (fetchSite === "cross-site") throw new AppError("csrf_rejected");
  // Only PUBLIC_URL's origin: the Host header is the client's to choose, so an origin derived from
  // it would let any page whose host name reaches this server pass as our own.
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== publicOrigin) throw new AppError("csrf_rejected");
  const contentType = request.headers["content-type"];
  const hasBody =
    request.headers["transfer-encoding"] !== undefined || Number(request.headers["content-length"] ?? 0) > 0;
  if ((contentType !== undefined || hasBody) && !/^application\/json\s*(;|$)/i.test(contentType ?? "")) {
    throw new AppError("unsupported_media_type");
  }
}

/**
 * Helmet's headers for our options, computed once: they do not depend on the request, and helmet
 * would otherwise rebuild them (CSP directives included) on every request.
 */
export function staticHelmetHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader(name: string, value: string | number) {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  let failure: unknown;
  helmet(options)({} as IncomingMessage, response as unknown as ServerResponse, (error?: unknown) => {
    failure = error;
  });
  if (failure) throw failure;
  return headers;
}

export const securityPlugin = fp(
  async (app: FastifyInstance, options: { publicOrigin: string; isProduction: boolean }) => {
    const securityHeaders = staticHelmetHeaders({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          // Ant Design injects its CSS-in-JS styles at run time.
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", "data:"],
          scriptSrc: ["'self'"],
          connectSrc: ["'self'"],
          frameAncestors: ["'none'"],
          formAction: ["'self'"],
          upgradeInsecureRequests: options.isProduction ? [] : null,
        },
      },
      strictTransportSecurity: options.isProduction,
      referrerPolicy: { policy: "same-origin" },
    });

    app.addHook("onRequest", async (request, reply) => {
      reply.headers(securityHeaders);
      if (sendsNoReferrer(request.url)) reply.header("referrer-policy", "no-referrer");
      request.meta = requestMeta(request);
      reply.header("x-request-id", String(request.id));
      if (request.url.startsWith("/api/")) {
        reply.header("cache-control", "no-store");
        if (request.routeOptions.config?.acceptsCrossSiteForm !== true)
          checkCsrf(request, options.publicOrigin);
      }
    });
  },
);
