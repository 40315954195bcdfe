// The SCIM caller (SPEC §6.3): a bearer token names one company. Like a session, the token is kept
// only as its SHA-256; a revoked token stops at its next request, since every request reads it here.
import { type Kysely, sql } from "kysely";
import type { DB } from "../db/schema.js";
import { hashSecretToken, looksLikeSecretToken } from "./tokens.js";

export type ScimCaller = { tokenId: string; tokenName: string; companyId: string };

/** Last use is written at most once a minute per token: a sync of thousands of users is not thousands of writes. */
const LAST_USED_RESOLUTION_MS = 60_000;

/** The token's caller, or null for a missing, malformed, unknown or revoked token. */
export async function loadScimCaller(
  db: Kysely<DB>,
  authorization: string | undefined,
  now: Date,
): Promise<ScimCaller | null> {
  const match = /^Bearer +(\S+) *$/i.exec(authorization ?? "");
  const token = match?.[1];
  if (!looksLikeSecretToken(token)) return null;
  const result = await sql<{ id: string; name: string; company_id: string }>`
    WITH found AS (
      SELECT id, name, company_id FROM scim_tokens
       WHERE token_hash = ${hashSecretToken(token)} AND revoked_at IS NULL),
    used AS (
      UPDATE scim_tokens SET last_used_at = ${now}
       WHERE id IN (SELECT id FROM found)
         AND (last_used_at IS NULL OR last_used_at < ${new Date(now.getTime() - LAST_USED_RESOLUTION_MS)}))
    SELECT id, name, company_id FROM found`.execute(db);
  const row = result.rows[0];
  return row ? { tokenId: row.id, tokenName: row.name, companyId: row.company_id } : null;
}
