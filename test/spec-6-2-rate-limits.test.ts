// SPEC §6.2 with rule 10: every route of second factors is rate limited per client address
// (429 rate_limited with Retry-After), whoever calls; the second step shares the login's limit.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MFA_REQUESTS_PER_IP_PER_MINUTE } from "../server/mfa/routes.js";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness } from "./support/harness.js";

const LOGIN_LIMIT = 5;
const ROUTES: {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  url: string;
  payload?: object;
  limit: number;
}[] = [
  { method: "GET", url: "/api/me/mfa", limit: MFA_REQUESTS_PER_IP_PER_MINUTE },
  { method: "POST", url: "/api/me/mfa/totp", payload: {}, limit: MFA_REQUESTS_PER_IP_PER_MINUTE },
  {
    method: "POST",
    url: "/api/me/mfa/totp/confirm",
    payload: { code: "000000" },
    limit: MFA_REQUESTS_PER_IP_PER_MINUTE,
  },
  {
    method: "PATCH",
    url: "/api/me/mfa/00000000-0000-4000-8000-000000000001",
    payload: { name: "x" },
    limit: MFA_REQUESTS_PER_IP_PER_MINUTE,
  },
  {
    method: "DELETE",
    url: "/api/me/mfa/00000000-0000-4000-8000-000000000001",
    limit: MFA_REQUESTS_PER_IP_PER_MINUTE,
  },
  { method: "POST", url: "/api/me/mfa/recovery-codes", payload: {}, limit: MFA_REQUESTS_PER_IP_PER_MINUTE },
  { method: "POST", url: "/api/auth/mfa/totp", payload: { code: "000000" }, limit: LOGIN_LIMIT },
  { method: "POST", url: "/api/auth/mfa/recovery", payload: { code: "aaaaa-bbbbb" }, limit: LOGIN_LIMIT },
];

describe.each(testDatabaseKinds)("SPEC §6.2: rate limits on the second-factor routes (%s)", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind, { limits: { loginPerMinute: LOGIN_LIMIT } });
  });
  afterAll(() => h?.close());

  for (const [index, route] of ROUTES.entries()) {
    it(`${route.method} ${route.url}: ${route.limit} a minute per address, then 429`, async () => {
      const remoteAddress = `10.77.0.${index + 1}`;
      const send = () =>
        h.app.inject({
          method: route.method,
          url: route.url,
          remoteAddress,
          ...(route.payload ? { payload: route.payload } : {}),
        });
      for (let i = 0; i < route.limit; i += 1) expect((await send()).statusCode).toBe(401);
      const limited = await send();
      expect(limited.statusCode).toBe(429);
      expect(limited.json().error.code).toBe("rate_limited");
      expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
    });
  }
});
