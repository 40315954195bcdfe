// A confirmed second factor straight in the database (a passkey row), for tests of what depends on
// having one; enrolment itself belongs to the factor suites.
import type { Kysely } from "kysely";
import type { DB } from "../../server/db/schema.js";

export async function givePasskey(db: Kysely<DB>, accountId: string, now: Date): Promise<string> {
  const row = await db
    .insertInto("mfa_factors")
    .values({
      account_id: accountId,
      type: "passkey",
      name: "Test passkey",
      created_at: now,
      confirmed_at: now,
      credential_id: `credential-${crypto.randomUUID()}`,
      public_key: Buffer.from([1, 2, 3, 4]),
      sign_count: 0,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}
