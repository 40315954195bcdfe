// A session marked as having passed step-up (rule 7) straight in the database, for tests of what
// step-up guards; the verification flow itself is tested in rule-07-step-up.test.ts.
import type { Kysely } from "kysely";
import { hashSecretToken } from "../../server/access/tokens.js";
import type { DB } from "../../server/db/schema.js";

/**
 * Elevates the session of `token` until `until` for account-level changes and in every company of
 * its account, or in `companyId` only: an elevation holds in one company (rule 7).
 */
export async function elevateSession(
  db: Kysely<DB>,
  token: string,
  until: Date,
  companyId?: string,
): Promise<void> {
  const session = await db
    .updateTable("sessions")
    .set({ step_up_until: until })
    .where("token_hash", "=", hashSecretToken(token))
    .returning(["id", "account_id"])
    .executeTakeFirstOrThrow();
  let companies = db.selectFrom("members").select("company_id").where("account_id", "=", session.account_id);
  if (companyId !== undefined) companies = companies.where("company_id", "=", companyId);
  for (const { company_id } of await companies.execute()) {
    await db
      .insertInto("session_elevations")
      .values({ session_id: session.id, company_id, verified_until: until })
      .onConflict((conflict) =>
        conflict.columns(["session_id", "company_id"]).doUpdateSet({ verified_until: until }),
      )
      .execute();
  }
}
