// SCIM test helpers: a company's token made straight in the database (its creation through the API
// is tested in spec-6-3-scim-tokens), a verified domain, and requests sent as an identity provider.
import type { Kysely } from "kysely";
import { hashSecretToken, newSecretToken } from "../../server/access/tokens.js";
import type { DB } from "../../server/db/schema.js";
import type { Harness } from "./harness.js";

export const SCIM_JSON = "application/scim+json";

export async function scimToken(db: Kysely<DB>, companyId: string, name: string, now: Date): Promise<string> {
  const token = newSecretToken();
  await db
    .insertInto("scim_tokens")
    .values({ company_id: companyId, name, token_hash: hashSecretToken(token), created_at: now })
    .execute();
  return token;
}

export async function verifiedDomain(
  db: Kysely<DB>,
  companyId: string,
  domain: string,
  now: Date,
): Promise<void> {
  await db
    .insertInto("company_domains")
    .values({
      company_id: companyId,
      domain,
      verification_token: `test-${domain}-0123456789`.slice(0, 100),
      verified_at: now,
      created_at: now,
    })
    .execute();
}

/** A request as an identity provider sends it: the bearer token, and the body as application/scim+json. */
export function scim(
  h: Harness,
  token: string | null,
  request: { method?: string; url: string; body?: unknown; headers?: Record<string, string> },
) {
  return h.app.inject({
    method: (request.method ?? "GET") as "GET",
    url: request.url,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      accept: SCIM_JSON,
      ...(request.body !== undefined ? { "content-type": SCIM_JSON } : {}),
      ...request.headers,
    },
    ...(request.body !== undefined
      ? { payload: typeof request.body === "string" ? request.body : JSON.stringify(request.body) }
      : {}),
  });
}
