// The scope of the caller of a company route, as the guard loaded it with the rest of their standing.
import type { FastifyRequest } from "fastify";
import { callerOf } from "../access/guard.js";
import type { Scope } from "../access/scope.js";
import { AppError } from "../errors.js";

/** The caller's scope in the company the request names; the guard has refused non-members already. */
export function callerScope(request: FastifyRequest): Scope {
  const membership = callerOf(request).membership;
  if (!membership) throw new AppError("not_found");
  return membership.scope;
}
