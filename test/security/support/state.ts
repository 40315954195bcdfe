// What "nothing changed" means for the attack suite and the fuzzing: a checksum per table of the
// business state, read in one round trip. Bookkeeping that a refusal is meant to write is left out.
import { type Kysely, sql } from "kysely";
import type { DB } from "../../../server/db/schema.js";

/**
 * The columns that make up each table's state. Left out on purpose, because refusing a request
 * writes them: audit_events (refusals are recorded, append-only), login_throttle and
 * verification_throttle and a challenge's attempts/locked_at (counting failures is the protection),
 * the "last seen" touches (sessions.last_seen_at, member_activity), and the lock notice mail
 * (login_locked) that the tenth wrong password sends to an existing owner.
 */
const TABLES: Record<string, string> = {
  companies: "SELECT * FROM companies",
  accounts: "SELECT id, email, name, password_hash, alternate_email, password_changed_at FROM accounts",
  members:
    "SELECT id, company_id, account_id, status, joined_at, invited_by, deactivated_at, version FROM members",
  member_roles: "SELECT * FROM member_roles",
  member_counts: "SELECT * FROM member_counts",
  member_role_counts: "SELECT * FROM member_role_counts",
  roles: "SELECT * FROM roles",
  role_permissions: "SELECT * FROM role_permissions",
  invitations: "SELECT * FROM invitations",
  invitation_roles: "SELECT * FROM invitation_roles",
  sessions: "SELECT id, token_hash, account_id, created_at, expires_at, step_up_until FROM sessions",
  password_reset_tokens: "SELECT * FROM password_reset_tokens",
  verification_challenges:
    "SELECT id, account_id, session_id, purpose, target_email, code_hash, created_at, expires_at, " +
    "consumed_at, voided_at FROM verification_challenges",
  mail_outbox:
    "SELECT id, kind, to_address, subject, created_at FROM mail_outbox WHERE kind <> 'login_locked'",
};

export type StateSnapshot = Record<string, string>;

// A plpgsql function of the test database, so its plan is made once: planning fourteen subqueries on
// every call would cost PGlite more than the fuzzing's requests themselves.
const FUNCTION_SQL = `CREATE OR REPLACE FUNCTION test_state_snapshot() RETURNS jsonb LANGUAGE plpgsql AS $body$
BEGIN
  RETURN jsonb_build_object(${Object.entries(TABLES)
    .map(
      // An order-free sum of 64-bit row hashes with the row count: no sort and no long string.
      ([table, query]) =>
        `'${table}', (SELECT count(*) || ':' || coalesce(sum(hashtextextended(t::text, 0)), 0) FROM (${query}) t)`,
    )
    .join(",\n    ")});
END
$body$`;

const installed = new WeakMap<Kysely<DB>, Promise<unknown>>();

/** Row count and checksum of every business table, e.g. { members: "3:-81…", … }. */
export async function snapshotState(db: Kysely<DB>): Promise<StateSnapshot> {
  let install = installed.get(db);
  if (!install) {
    install = sql`${sql.raw(FUNCTION_SQL)}`.execute(db);
    installed.set(db, install);
  }
  await install;
  const result = await sql<{ snapshot: StateSnapshot }>`SELECT test_state_snapshot() AS snapshot`.execute(db);
  return result.rows[0]!.snapshot;
}

/** The tables whose state differs between two snapshots (empty when nothing changed). */
export function changedTables(before: StateSnapshot, after: StateSnapshot): string[] {
  return Object.keys(TABLES).filter((table) => before[table] !== after[table]);
}
