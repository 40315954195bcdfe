// Many members of one company at once, for tests of the member list at scale: one set-based insert
// per table in one transaction (not one API call per member). The accounts cannot log in (their
// password hash is none); the email and name copies, counters and standing come from the triggers.
import { type Kysely, sql } from "kysely";
import type { DB } from "../../server/db/schema.js";

export type BulkMember = {
  email: string;
  name: string;
  joinedAt: Date;
  /** null: never signed in (no activity row). */
  lastActiveAt: Date | null;
  roleId: string;
};

/** Inserts the members in one transaction; answers their member ids, in the order given. */
export async function insertMembers(
  db: Kysely<DB>,
  companyId: string,
  people: readonly BulkMember[],
): Promise<string[]> {
  // One parameter, read by json_to_recordset: the same on PostgreSQL and PGlite.
  const input = JSON.stringify(
    people.map((p, i) => ({
      n: i + 1,
      email: p.email,
      name: p.name,
      joined_at: p.joinedAt.toISOString(),
      last_active_at: p.lastActiveAt?.toISOString() ?? null,
      role_id: p.roleId,
    })),
  );
  const rows = sql`json_to_recordset(${input}::json)
    AS t(n int, email text, name text, joined_at timestamptz, last_active_at timestamptz, role_id uuid)`;
  return db.transaction().execute(async (trx) => {
    await sql`INSERT INTO accounts (email, name, password_hash) SELECT email, name, 'no password' FROM ${rows}`.execute(
      trx,
    );
    await sql`
      INSERT INTO members (company_id, account_id, joined_at)
      SELECT ${companyId}, a.id, t.joined_at FROM ${rows} JOIN accounts a ON a.email = t.email ORDER BY t.n`.execute(
      trx,
    );
    const members = await sql<{ id: string }>`
      SELECT m.id FROM ${rows} JOIN members m ON m.company_id = ${companyId} AND m.email = t.email ORDER BY t.n`.execute(
      trx,
    );
    const ids = members.rows.map((row) => row.id);
    await sql`
      INSERT INTO member_roles (company_id, member_id, role_id)
      SELECT ${companyId}, m.id, t.role_id FROM ${rows} JOIN members m ON m.company_id = ${companyId} AND m.email = t.email`.execute(
      trx,
    );
    await sql`
      INSERT INTO member_activity (member_id, last_active_at)
      SELECT m.id, t.last_active_at FROM ${rows} JOIN members m ON m.company_id = ${companyId} AND m.email = t.email
       WHERE t.last_active_at IS NOT NULL`.execute(trx);
    return ids;
  });
}
