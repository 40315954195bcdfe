// SQL for a company's SCIM tokens (migration 028): listing without the secret, creating with its
// hash, counting the active ones, and revoking.
import type { Kysely, Transaction } from "kysely";
import type { DB } from "../db/schema.js";

type Executor = Kysely<DB> | Transaction<DB>;

export type ScimTokenRow = {
  id: string;
  name: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
  created_by_email: string | null;
};

export async function listScimTokens(db: Executor, companyId: string): Promise<ScimTokenRow[]> {
  return db
    .selectFrom("scim_tokens as t")
    .leftJoin("accounts as a", "a.id", "t.created_by")
    .select([
      "t.id",
      "t.name",
      "t.created_at",
      "t.last_used_at",
      "t.revoked_at",
      "a.email as created_by_email",
    ])
    .where("t.company_id", "=", companyId)
    .orderBy("t.created_at", "desc")
    .orderBy("t.id")
    .execute();
}

export async function countActiveScimTokens(db: Executor, companyId: string): Promise<number> {
  const row = await db
    .selectFrom("scim_tokens")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("company_id", "=", companyId)
    .where("revoked_at", "is", null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function insertScimToken(
  db: Executor,
  input: { companyId: string; name: string; tokenHash: string; accountId: string; now: Date },
): Promise<{ id: string; name: string; created_at: Date }> {
  return db
    .insertInto("scim_tokens")
    .values({
      company_id: input.companyId,
      name: input.name,
      token_hash: input.tokenHash,
      created_at: input.now,
      created_by: input.accountId,
    })
    .returning(["id", "name", "created_at"])
    .executeTakeFirstOrThrow();
}

/** Revokes an active token of the company; undefined when there is none by that id. */
export async function revokeScimToken(
  db: Executor,
  companyId: string,
  tokenId: string,
  by: { accountId: string; now: Date },
): Promise<{ id: string; name: string } | undefined> {
  return db
    .updateTable("scim_tokens")
    .set({ revoked_at: by.now, revoked_by: by.accountId })
    .where("company_id", "=", companyId)
    .where("id", "=", tokenId)
    .where("revoked_at", "is", null)
    .returning(["id", "name"])
    .executeTakeFirst();
}
