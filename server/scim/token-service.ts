// A company's SCIM tokens (SPEC §6.3): named, shown once at creation, stored only as their hash,
// revocable at once; each change audited. The guard (access/scim-token-queries.ts) reads them.
import type { Kysely } from "kysely";
import { hashSecretToken, newSecretToken } from "../access/tokens.js";
import { type RequestMeta, recordAudit } from "../audit/writer.js";
import type { DB } from "../db/schema.js";
import { AppError } from "../errors.js";
import { requireName } from "../identity/names.js";
import { countActiveScimTokens, insertScimToken, listScimTokens, revokeScimToken } from "./token-queries.js";

/** An identity provider needs one token, two during a rotation; ten is room for several tenants' tools. */
export const MAX_ACTIVE_SCIM_TOKENS = 10;

export type ScimTokenContext = {
  db: Kysely<DB>;
  companyId: string;
  actor: { accountId: string; email: string };
  meta: RequestMeta;
  now: Date;
};

export type ScimTokenView = {
  id: string;
  name: string;
  status: "active" | "revoked";
  createdAt: string;
  createdBy: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
};

const iso = (value: Date | null) => (value ? new Date(value).toISOString() : null);

export async function listCompanyScimTokens(db: Kysely<DB>, companyId: string): Promise<ScimTokenView[]> {
  return (await listScimTokens(db, companyId)).map((row) => ({
    id: row.id,
    name: row.name,
    status: row.revoked_at ? "revoked" : "active",
    createdAt: new Date(row.created_at).toISOString(),
    createdBy: row.created_by_email,
    lastUsedAt: iso(row.last_used_at),
    revokedAt: iso(row.revoked_at),
  }));
}

/** Creates a token; its secret is in this answer only (the database keeps its SHA-256). */
export async function createScimToken(
  ctx: ScimTokenContext,
  input: { name: string },
): Promise<{ id: string; name: string; token: string; createdAt: string }> {
  const name = requireName(input.name, { field: "body.name", label: "Token name", maxLength: 100 });
  const token = newSecretToken();
  return ctx.db.transaction().execute(async (trx) => {
    if ((await countActiveScimTokens(trx, ctx.companyId)) >= MAX_ACTIVE_SCIM_TOKENS) {
      throw new AppError("scim_token_limit_reached");
    }
    const row = await insertScimToken(trx, {
      companyId: ctx.companyId,
      name,
      tokenHash: hashSecretToken(token),
      accountId: ctx.actor.accountId,
      now: ctx.now,
    });
    await recordAudit(trx, {
      action: "scim.token_created",
      outcome: "success",
      companyId: ctx.companyId,
      actor: ctx.actor,
      target: { type: "scim_token", id: row.id },
      details: { name },
      meta: ctx.meta,
      at: ctx.now,
    });
    return { id: row.id, name: row.name, token, createdAt: new Date(row.created_at).toISOString() };
  });
}

/** Revokes a token: its next request gets 401. A revoked or unknown id is 404. */
export async function revokeCompanyScimToken(ctx: ScimTokenContext, tokenId: string): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const revoked = await revokeScimToken(trx, ctx.companyId, tokenId, {
      accountId: ctx.actor.accountId,
      now: ctx.now,
    });
    if (!revoked) throw new AppError("not_found");
    await recordAudit(trx, {
      action: "scim.token_revoked",
      outcome: "success",
      companyId: ctx.companyId,
      actor: ctx.actor,
      target: { type: "scim_token", id: revoked.id },
      details: { name: revoked.name },
      meta: ctx.meta,
      at: ctx.now,
    });
  });
}
