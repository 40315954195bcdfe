// SQL for invitations: finding one by its token's hash or id, the counts behind the limits, the list,
// and the one statement that moves an invitation out of 'pending' (conditional, so only one caller wins).
import { type Kysely, sql, type Transaction } from "kysely";
import { PERMISSIONS_OF_ROLE, ROLE_ORDER } from "../access/role-queries.js";
import type { Scope } from "../access/scope.js";
import type { DB, InvitationRoleSnapshot, InvitationStatus } from "../db/schema.js";
import type { RoleExpiries } from "../expiry/role-expiries.js";
import { scopeOfInvitation } from "../merchant-accounts/queries.js";

type Executor = Kysely<DB> | Transaction<DB>;

export type OfferedRole = { id: string; key: string | null; name: string; permissions: string[] };

export type InvitationRow = {
  id: string;
  company_id: string;
  company_name: string;
  email: string;
  status: InvitationStatus;
  invited_by: string | null;
  inviter_name: string | null;
  inviter_email: string | null;
  created_at: Date;
  last_sent_at: Date;
  expires_at: Date;
  /** When it left 'pending' (accepted, revoked or expired); null while pending. */
  closed_at: Date | null;
  /** Pending: the roles offered now; closed: what it offered when it closed. */
  roles: InvitationRoleSnapshot[];
  /** The keyset of the list's order, at full precision. */
  cursor_created_at: string;
  /** The merchant accounts it offers (migration 031). */
  scope: Scope;
};

// A role an invitation offers (ir), with the expiry the assignment will carry when it has one.
const OFFERED_ROLE_JSON = sql`CASE WHEN ir.expires_at IS NULL
  THEN jsonb_build_object('id', r.id, 'key', r.key, 'name', r.name)
  ELSE jsonb_build_object('id', r.id, 'key', r.key, 'name', r.name, 'expiresAt', ir.expires_at) END`;

const INVITATION_COLUMNS = sql`
  i.id, i.company_id, c.name AS company_name, i.email, i.status, i.invited_by,
  a.name AS inviter_name, a.email AS inviter_email, i.created_at, i.last_sent_at, i.expires_at,
  i.closed_at,
  to_char(i.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_created_at,
  CASE WHEN i.status = 'pending' THEN
    (SELECT coalesce(jsonb_agg(${OFFERED_ROLE_JSON} ORDER BY ${ROLE_ORDER}), '[]'::jsonb)
       FROM invitation_roles ir JOIN roles r ON r.id = ir.role_id WHERE ir.invitation_id = i.id)
  ELSE i.closed_roles END AS roles,
  ${scopeOfInvitation(sql`i`)} AS scope`;

const INVITATION_SOURCE = sql`
  invitations i JOIN companies c ON c.id = i.company_id LEFT JOIN accounts a ON a.id = i.invited_by`;

export async function findInvitationByTokenHash(db: Executor, tokenHash: string) {
  const result = await sql<InvitationRow>`
    SELECT ${INVITATION_COLUMNS} FROM ${INVITATION_SOURCE} WHERE i.token_hash = ${tokenHash}`.execute(db);
  return result.rows[0];
}

/** One invitation of a company; with `lock`, its row is held until the transaction ends. */
export async function findInvitation(
  db: Executor,
  companyId: string,
  invitationId: string,
  lock = false,
): Promise<InvitationRow | undefined> {
  if (lock) {
    await sql`SELECT id FROM invitations WHERE id = ${invitationId} AND company_id = ${companyId} FOR UPDATE`.execute(
      db,
    );
  }
  const result = await sql<InvitationRow>`
    SELECT ${INVITATION_COLUMNS} FROM ${INVITATION_SOURCE}
     WHERE i.id = ${invitationId} AND i.company_id = ${companyId}`.execute(db);
  return result.rows[0];
}

/** The roles a pending invitation offers, with their permissions as they are now. */
export async function findOfferedRoles(db: Executor, invitationId: string): Promise<OfferedRole[]> {
  const result = await sql<OfferedRole>`
    SELECT r.id, r.key, r.name,
           ${PERMISSIONS_OF_ROLE}::text[] AS permissions
      FROM invitation_roles ir JOIN roles r ON r.id = ir.role_id
     WHERE ir.invitation_id = ${invitationId}
     ORDER BY ${ROLE_ORDER}`.execute(db);
  return result.rows;
}

/**
 * The language and time zone to write an invitation's mail in (SPEC §6.6): the invitee's account's
 * choice when the email has an account, else the language the inviter gave for the invitation.
 */
export async function findInviteeLocale(
  db: Executor,
  email: string,
  invitationLanguage: "en" | "zh-CN" | null,
): Promise<{ language: "en" | "zh-CN" | null; time_zone: string | null }> {
  const account = await db
    .selectFrom("accounts")
    .select(["language", "time_zone"])
    .where("email", "=", email)
    .executeTakeFirst();
  return { language: account?.language ?? invitationLanguage, time_zone: account?.time_zone ?? null };
}

/** The language an invitation was asked to be written in, if any. */
export async function findInvitationLanguage(db: Executor, invitationId: string) {
  const row = await db
    .selectFrom("invitations")
    .select("language")
    .where("id", "=", invitationId)
    .executeTakeFirst();
  return row?.language ?? null;
}

export async function findAccountByEmail(db: Executor, email: string) {
  return db
    .selectFrom("accounts")
    .select(["id", "email", "name", "password_hash"])
    .where("email", "=", email)
    .executeTakeFirst();
}

export type MemberStanding = {
  memberId: string;
  status: "active" | "deactivated";
  roleKeys: string[];
  permissions: string[];
};

/** An account's membership in a company with its roles' keys and permissions, read now. */
export async function findMemberStanding(
  db: Executor,
  companyId: string,
  accountId: string,
): Promise<MemberStanding | undefined> {
  const result = await sql<MemberStanding>`
    SELECT m.id AS "memberId", m.status,
           coalesce((SELECT array_agg(r.key) FROM member_roles mr JOIN roles r ON r.id = mr.role_id
                      WHERE mr.member_id = m.id AND r.key IS NOT NULL), '{}')::text[] AS "roleKeys",
           coalesce((SELECT array_agg(DISTINCT rp.permission) FROM member_roles mr
                       JOIN role_permissions rp ON rp.role_id = mr.role_id WHERE mr.member_id = m.id),
                    '{}')::text[] AS permissions
      FROM members m
     WHERE m.company_id = ${companyId} AND m.account_id = ${accountId}`.execute(db);
  return result.rows[0];
}

/** Pending invitations of a company that still work (overdue ones are about to be marked expired). */
export async function countLivePendingInvitations(
  trx: Transaction<DB>,
  companyId: string,
  now: Date,
): Promise<number> {
  const row = await trx
    .selectFrom("invitations")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("company_id", "=", companyId)
    .where("status", "=", "pending")
    .where("expires_at", ">", now)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Invitations a company created since `since`, and the oldest of them (when the window frees up). */
export async function countInvitationsCreatedSince(trx: Transaction<DB>, companyId: string, since: Date) {
  const row = await trx
    .selectFrom("invitations")
    .select((eb) => [eb.fn.countAll<number>().as("n"), eb.fn.min("created_at").as("oldest")])
    .where("company_id", "=", companyId)
    .where("created_at", ">", since)
    .executeTakeFirstOrThrow();
  return { count: Number(row.n), oldest: row.oldest ? new Date(row.oldest as Date) : null };
}

export async function insertInvitation(
  trx: Transaction<DB>,
  input: {
    companyId: string;
    email: string;
    tokenHash: string;
    invitedBy: string | null;
    roleIds: readonly string[];
    roleExpiries?: RoleExpiries;
    now: Date;
    expiresAt: Date;
    /** The language the inviter chose for an invitee without an account (SPEC §6.6). */
    language?: "en" | "zh-CN" | null;
  },
): Promise<string> {
  const row = await trx
    .insertInto("invitations")
    .values({
      company_id: input.companyId,
      email: input.email,
      token_hash: input.tokenHash,
      invited_by: input.invitedBy,
      created_at: input.now,
      last_sent_at: input.now,
      expires_at: input.expiresAt,
      language: input.language ?? null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await trx
    .insertInto("invitation_roles")
    .values(
      input.roleIds.map((roleId) => ({
        company_id: input.companyId,
        invitation_id: row.id,
        role_id: roleId,
        expires_at: input.roleExpiries?.get(roleId) ?? null,
      })),
    )
    .execute();
  return row.id;
}

/** A resend: a new token (the old link dies), a new lifetime, and the resender as the inviter. */
export async function reissueInvitation(
  trx: Transaction<DB>,
  input: { invitationId: string; tokenHash: string; invitedBy: string; now: Date; expiresAt: Date },
): Promise<void> {
  await trx
    .updateTable("invitations")
    .set({
      token_hash: input.tokenHash,
      invited_by: input.invitedBy,
      last_sent_at: input.now,
      expires_at: input.expiresAt,
    })
    .where("id", "=", input.invitationId)
    .where("status", "=", "pending")
    .execute();
}

export type ClosedInvitation = {
  id: string;
  company_id: string;
  email: string;
  invited_by: string | null;
  /** The roles it offered: what an acceptance grants. */
  role_ids: string[];
  /** Role id → the expiry its assignment carries (migration 033); null when none expires. */
  role_expiries: Record<string, string> | null;
};

/**
 * Moves pending invitations to a final status in one statement: a conditional UPDATE … WHERE
 * status = 'pending', so of concurrent callers exactly one gets a given invitation back. Their
 * roles move into closed_roles and their invitation_roles rows are released.
 * `expiry`: "overdue" closes only those past expires_at (the expiry sweep), "valid" only those not.
 */
export async function closePendingInvitations(
  trx: Transaction<DB>,
  input: {
    status: Exclude<InvitationStatus, "pending">;
    now: Date;
    expiry: "overdue" | "valid" | "any";
    invitationId?: string;
    companyId?: string;
    email?: string;
  },
): Promise<ClosedInvitation[]> {
  const conditions = [sql`i.status = 'pending'`];
  if (input.expiry === "overdue") conditions.push(sql`i.expires_at <= ${input.now}`);
  if (input.expiry === "valid") conditions.push(sql`i.expires_at > ${input.now}`);
  if (input.invitationId) conditions.push(sql`i.id = ${input.invitationId}`);
  if (input.companyId) conditions.push(sql`i.company_id = ${input.companyId}`);
  if (input.email) conditions.push(sql`i.email = ${input.email}`);
  const result = await sql<ClosedInvitation>`
    WITH closed AS (
      UPDATE invitations i
         SET status = ${input.status}, closed_at = ${input.now},
             closed_roles = (SELECT coalesce(jsonb_agg(${OFFERED_ROLE_JSON} ORDER BY ${ROLE_ORDER}), '[]'::jsonb)
                               FROM invitation_roles ir JOIN roles r ON r.id = ir.role_id
                              WHERE ir.invitation_id = i.id)
       WHERE ${sql.join(conditions, sql` AND `)}
      RETURNING i.id, i.company_id, i.email, i.invited_by
    ), released AS (
      DELETE FROM invitation_roles ir USING closed WHERE ir.invitation_id = closed.id
      RETURNING ir.invitation_id, ir.role_id, ir.expires_at
    )
    SELECT closed.id, closed.company_id, closed.email, closed.invited_by,
           coalesce((SELECT array_agg(released.role_id) FROM released WHERE released.invitation_id = closed.id),
                    '{}')::text[] AS role_ids,
           (SELECT json_object_agg(released.role_id, released.expires_at) FROM released
             WHERE released.invitation_id = closed.id AND released.expires_at IS NOT NULL) AS role_expiries
      FROM closed`.execute(trx);
  return result.rows;
}

export type InvitationFilter = {
  companyId: string;
  /** Any of these statuses; undefined or empty: every status. */
  statuses?: readonly InvitationStatus[];
  /** A LIKE pattern over the canonical email, already escaped (db/like-pattern.ts). */
  emailPattern?: string;
};

function matchingInvitations(filter: InvitationFilter) {
  const statuses = filter.statuses ?? [];
  return sql`i.company_id = ${filter.companyId}
    ${statuses.length === 1 ? sql`AND i.status = ${statuses[0]}` : sql``}
    ${statuses.length > 1 ? sql`AND i.status IN (${sql.join(statuses)})` : sql``}
    ${filter.emailPattern !== undefined ? sql`AND i.email LIKE ${filter.emailPattern}` : sql``}`;
}

/** A page of a company's invitations, newest first, after the keyset `after` when given. */
export async function listInvitations(
  db: Executor,
  input: InvitationFilter & {
    limit: number;
    after: { createdAt: string; id: string } | null;
  },
): Promise<InvitationRow[]> {
  const result = await sql<InvitationRow>`
    SELECT ${INVITATION_COLUMNS} FROM ${INVITATION_SOURCE}
     WHERE ${matchingInvitations(input)}
       ${input.after ? sql`AND (i.created_at, i.id) < (${input.after.createdAt}::timestamptz, ${input.after.id}::uuid)` : sql``}
     ORDER BY i.created_at DESC, i.id DESC
     LIMIT ${input.limit}`.execute(db);
  return result.rows;
}

/** Counts a company's invitations up to `cap` + 1, so a total never costs a scan of a large history. */
export async function countInvitations(db: Executor, filter: InvitationFilter, cap: number): Promise<number> {
  const result = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM (
      SELECT 1 FROM invitations i WHERE ${matchingInvitations(filter)}
      LIMIT ${cap + 1}) capped`.execute(db);
  return Number(result.rows[0]?.n ?? 0);
}

/** The role usage check for roles/service.ts: a pending invitation offers this role (rows exist only then). */
export async function isRoleOfferedByPendingInvitation(
  trx: Transaction<DB>,
  roleId: string,
): Promise<boolean> {
  const row = await trx
    .selectFrom("invitation_roles")
    .select("role_id")
    .where("role_id", "=", roleId)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * A person who deleted their account (SPEC §6.4) is named by their pseudonym address in the
 * invitations to them that are over (accepted, revoked, expired), in the deleting transaction.
 * Pending ones stay as they are: a company's standing offer to an address, which may make a new
 * account. Returns how many were rewritten.
 */
export async function forgetClosedInvitationsTo(
  trx: Transaction<DB>,
  addresses: readonly string[],
  pseudonymAddress: string,
): Promise<number> {
  if (addresses.length === 0) return 0;
  const result = await sql`
    UPDATE invitations SET email = ${pseudonymAddress}
     WHERE email IN (${sql.join(addresses)}) AND status <> 'pending'
    RETURNING id`.execute(trx);
  return result.rows.length;
}

export function findCompanyName(trx: Transaction<DB>, companyId: string) {
  return trx.selectFrom("companies").select("name").where("id", "=", companyId).executeTakeFirst();
}

/** The pending invitation of this email in the company, if any (at most one: a partial unique index). */
export function findPendingInvitationOf(trx: Transaction<DB>, companyId: string, email: string) {
  return trx
    .selectFrom("invitations")
    .select("id")
    .where("company_id", "=", companyId)
    .where("email", "=", email)
    .where("status", "=", "pending")
    .executeTakeFirst();
}

/** The pending invitation of this email in the company whose link still works, if any. */
export function findLivePendingInvitationOf(db: Executor, companyId: string, email: string, now: Date) {
  return db
    .selectFrom("invitations")
    .select("id")
    .where("company_id", "=", companyId)
    .where("email", "=", email)
    .where("status", "=", "pending")
    .where("expires_at", ">", now)
    .executeTakeFirst();
}
