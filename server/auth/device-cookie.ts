// The known-device cookie (rule 14): the opaque tokens of the devices this browser logged in as, one per
// account, newest first. HTTP only; what a token is worth is decided in lockout.ts.
import type { FastifyReply, FastifyRequest } from "fastify";
import { looksLikeSecretToken } from "../access/tokens.js";
import { KNOWN_DEVICE_LIFETIME_MS } from "./lockout.js";

export type DeviceCookie = { name: string; secure: boolean };

/** A browser shared by a few people stays known to each of them; older accounts fall off the end. */
export const DEVICE_TOKENS_PER_COOKIE = 5;
const SEPARATOR = ".";

/** The device tokens a request carries; anything malformed is ignored, as if absent. */
export function deviceTokensOf(request: FastifyRequest, cookie: DeviceCookie): string[] {
  const value = request.cookies[cookie.name];
  if (typeof value !== "string" || value.length > 60 * DEVICE_TOKENS_PER_COOKIE) return [];
  const tokens = value.split(SEPARATOR).filter(looksLikeSecretToken);
  return [...new Set(tokens)].slice(0, DEVICE_TOKENS_PER_COOKIE);
}

export function setDeviceCookie(reply: FastifyReply, cookie: DeviceCookie, tokens: readonly string[]): void {
  reply.setCookie(cookie.name, tokens.slice(0, DEVICE_TOKENS_PER_COOKIE).join(SEPARATOR), {
    path: "/",
    httpOnly: true,
    sameSite: "lax",
    secure: cookie.secure,
    maxAge: KNOWN_DEVICE_LIFETIME_MS / 1000,
  });
}
