// Server-side sessions (rule 16) and the caller's context the guard loads: one query loads the
// session, the account and the caller's standing in the company the request names (member_standing,
// which the database keeps in step with the member's roles: migration 009), and the memberships,
// which a server holds per session while the versions of migration 041 say they stand.
import { type Kysely, sql, type Transaction } from "kysely";
import { setBounded } from "../bounded-map.js";
import type { DB } from "../db/schema.js";
import { statementBatch } from "../db/statement-batch.js";
import { statementTemplate } from "../db/statement-template.js";
import type { Language } from "../i18n/languages.js";
import type { Permission } from "./permissions.js";
import { nameRoles } from "./role-catalog.js";
import { type Scope, scopeFromColumns } from "./scope.js";
import { permissionsInForce, roleIdsInForce, roleKeysInForce } from "./standing-queries.js";
import { hashSecretToken, newSecretToken } from "./tokens.js";

export type SessionPolicy = { idleMs: number; absoluteMs: number };

/** The session limits the configuration sets (SESSION_IDLE_MINUTES, SESSION_ABSOLUTE_HOURS). */
export function sessionPolicyOf(config: {
  sessionIdleMinutes: number;
  sessionAbsoluteHours: number;
}): SessionPolicy {
  return { idleMs: config.sessionIdleMinutes * 60_000, absoluteMs: config.sessionAbsoluteHours * 3_600_000 };
}

export type RequestContext = {
  sessionId: string;
  accountId: string;
  email: string;
  name: string;
  alternateEmail: string | null;
  /** The account's chosen language and time zone (SPEC §6.6); null when not chosen. */
  language: Language | null;
  timeZone: string | null;
  createdAt: Date;
  /** 'second_step'': a password was right but the account's second factor is still due (SPEC §6.2). */
  stage: "full" | "second_step";
  /** The session's latest step-up in any company: enough for account-level changes (SPEC §6.2). */
  stepUpUntil: Date | null;
  /** The company the request names (its path's `cid`), whether or not the account is a member. */
  namedCompanyId: string | null;
  /** The session's step-up in that company (rule 7); null when the request names none. */
  companyStepUpUntil: Date | null;
  /** Every membership of the account, when the route asked for them (GET /api/me). */
  memberships?: readonly MembershipView[];
  /** Present when the request names a company and the account has a membership there. */
  membership: {
    memberId: string;
    companyId: string;
    status: "active" | "deactivated";
    roleKeys: string[];
    permissions: string[];
    /** The company requires a second factor and the account has none (SPEC §6.2). */
    mfaEnrolmentRequired: boolean;
    /** The merchant accounts the member reaches (SPEC §6.4): sections read only these. */
    scope: Scope;
  } | null;
};

export type MembershipView = {
  companyId: string;
  companyName: string;
  memberId: string;
  status: "active" | "deactivated";
  roles: { id: string; key: string | null; name: string }[];
  permissions: Permission[];
  /** Present (true) when the company requires a second factor and the account has none. */
  mfaEnrolmentRequired?: true;
};

export type MembershipRow = {
  company_id: string;
  company_name: string;
  member_id: string;
  status: "active" | "deactivated";
  /** The ids of the roles in force, comma-separated, named from the server's copy (access/role-catalog.ts). */
  role_ids: string | null;
  /** The company's roles_version as the row was read: the copy that names the roles must be of it. */
  roles_version: string | number;
  /** Keys of the permissions table, which a foreign key and a test hold to the catalogue. */
  permissions: Permission[] | null;
  mfa_enrolment_required: boolean | null;
};

// The company's policy (csp) requires a second factor and the member m's account has none.
const MFA_ENROLMENT_REQUIRED = sql`(m.status = 'active' AND coalesce(csp.require_mfa, false)
           AND NOT (SELECT has_second_factor FROM accounts WHERE id = m.account_id))`;

// One row per membership of the account whose id is `accountId`, role ids and permissions folded
// in, as they stand at `now` (an expired role assignment counts for nothing: migration 033). The
// roles are named from the server's copy of the company's roles at the row's roles_version, read
// in the same statement: building their names in the statement cost GET /api/me about a sixth of
// its database time.
export const membershipColumns = (now: Date) => sql`m.company_id, c.name AS company_name, m.id AS member_id,
           m.status, array_to_string(${roleIdsInForce(now)}, ',') AS role_ids, c.roles_version,
           ${permissionsInForce(now)} AS permissions, ${MFA_ENROLMENT_REQUIRED} AS mfa_enrolment_required`;
export const MEMBERSHIP_SOURCE = sql`members m JOIN companies c ON c.id = m.company_id
      LEFT JOIN member_standing ms ON ms.member_id = m.id
      LEFT JOIN company_security_policies csp ON csp.company_id = m.company_id`;

/** The memberships as answers carry them, each one's roles named in the roles list's order. */
export async function membershipViews(
  db: Kysely<DB>,
  rows: readonly MembershipRow[],
): Promise<MembershipView[]> {
  return Promise.all(
    rows.map(async (row) => {
      const [roles = []] = row.role_ids
        ? await nameRoles(db, row.company_id, Number(row.roles_version), [row.role_ids])
        : [[]];
      return {
        companyId: row.company_id,
        companyName: row.company_name,
        memberId: row.member_id,
        status: row.status,
        roles,
        permissions: row.status === "active" ? (row.permissions ?? []) : [],
        ...(row.mfa_enrolment_required ? { mfaEnrolmentRequired: true as const } : {}),
      };
    }),
  );
}

/** A JSON array of every membership of the account `a` in scope, for a column of a larger query. */
export const membershipsOfAccount = (
  now: Date,
) => sql`(SELECT json_agg(x ORDER BY x.company_name, x.company_id)
              FROM (SELECT ${membershipColumns(now)}
                      FROM ${MEMBERSHIP_SOURCE}
                     WHERE m.account_id = a.id) x)`;

// Writes that only refresh "last seen" happen at most this often per session or member.
const TOUCH_INTERVAL_MS = 60_000;

export async function createSession(
  db: Kysely<DB> | Transaction<DB>,
  input: {
    accountId: string;
    ip: string | null;
    userAgent: string | null;
    now: Date;
    policy: SessionPolicy;
    stage?: "full" | "second_step";
  },
): Promise<{ token: string; sessionId: string; expiresAt: Date }> {
  const token = newSecretToken();
  const expiresAt = new Date(input.now.getTime() + input.policy.absoluteMs);
  const row = await db
    .insertInto("sessions")
    .values({
      token_hash: hashSecretToken(token),
      account_id: input.accountId,
      created_at: input.now,
      last_seen_at: input.now,
      expires_at: expiresAt,
      ip: input.ip,
      user_agent: input.userAgent?.slice(0, 300) ?? null,
      stage: input.stage ?? "full",
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return { token, sessionId: row.id, expiresAt };
}

/**
 * A session's idle timeout is the strictest of the companies its account is an active member of
 * (SPEC §6.2), on every request: an account-level request (GET /api/me, which the portal makes
 * first) would otherwise keep an idle session alive past a company's limit. The session then ends.
 */
const STRICTEST_COMPANY_IDLE_MINUTES = sql`(SELECT min(p.session_idle_minutes)
             FROM members own JOIN company_security_policies p ON p.company_id = own.company_id
            WHERE own.account_id = s.account_id AND own.status = 'active')`;

// The accounts of a restricted member m's scope (migration 031), in the same query as the rest.
const SCOPE_ACCOUNT_IDS = sql`(CASE WHEN m.scope_kind = 'restricted' THEN coalesce((
             SELECT array_agg(mma.merchant_account_id::text) FROM member_merchant_accounts mma
              WHERE mma.member_id = m.id), '{}') END)`;

type ContextRow = {
  session_id: string;
  account_id: string;
  email: string;
  name: string;
  alternate_email: string | null;
  language: Language | null;
  time_zone: string | null;
  created_at: Date;
  last_seen_at: Date;
  expires_at: Date;
  stage: "full" | "second_step";
  step_up_until: Date | null;
  company_step_up_until: Date | null;
  member_id: string | null;
  member_status: "active" | "deactivated" | null;
  member_last_active_at: Date | null;
  role_keys: string[] | null;
  permissions: string[] | null;
  mfa_enrolment_required: boolean | null;
  idle_minutes_limit: number | null;
  scope_kind: string | null;
  scope_account_ids: string[] | null;
  memberships?: MembershipRow[] | null;
  /** The account's context version and the shared epoch (migration 041), as this row was read. */
  context_version?: string | number;
  context_epoch?: string | number;
  /** The earliest role expiry among the account's memberships (the "with memberships" shape). */
  earliest_expiry?: Date | null;
};

// The company's part of the guard's statement: the session's step-up there and the caller's
// standing as a member. A request naming no company (GET /api/me among them) reads no part of it:
// its relations and indexes would be opened for every such request, to find nothing.
const COMPANY_COLUMNS = (now: Date) => sql`se.verified_until AS company_step_up_until,
           m.id AS member_id, m.status AS member_status, ma.last_active_at AS member_last_active_at,
           ${roleKeysInForce(now)} AS role_keys, ${permissionsInForce(now)} AS permissions, ${MFA_ENROLMENT_REQUIRED} AS mfa_enrolment_required,
           m.scope_kind, ${SCOPE_ACCOUNT_IDS} AS scope_account_ids`;
const NO_COMPANY_COLUMNS = sql`NULL::timestamptz AS company_step_up_until,
           NULL::uuid AS member_id, NULL::text AS member_status, NULL::timestamptz AS member_last_active_at,
           NULL::text[] AS role_keys, NULL::text[] AS permissions, NULL::boolean AS mfa_enrolment_required,
           NULL::text AS scope_kind, NULL::text[] AS scope_account_ids`;
const COMPANY_JOINS = (companyId: string | null) => sql`
      LEFT JOIN session_elevations se ON se.session_id = s.id AND se.company_id = ${companyId}::uuid
      LEFT JOIN members m ON m.account_id = s.account_id AND m.company_id = ${companyId}::uuid
      LEFT JOIN member_standing ms ON ms.member_id = m.id
      LEFT JOIN member_activity ma ON ma.member_id = m.id
      LEFT JOIN company_security_policies csp ON csp.company_id = m.company_id`;

/**
 * The guard statement's shape: with every membership or not, and with a company's part or not; or,
 * for a context this server holds, the session, its account and the versions only ("versions"),
 * with the session's step-up and the member's last activity in the company the request names.
 */
type ContextShape = `${"with memberships" | "alone" | "versions"}${"" | " in a company"}`;

// Migration 041: the account's context version and the epoch shared by every account.
const VERSION_COLUMNS = sql`coalesce((SELECT v.version FROM account_context_versions v WHERE v.account_id = s.account_id), 0) AS context_version,
           (SELECT e.epoch FROM context_epoch e) AS context_epoch`;

// When the first of the account's role assignments ends: what was read stands until then.
const EARLIEST_EXPIRY = sql`(SELECT min(ms.earliest_expiry) FROM members own
              JOIN member_standing ms ON ms.member_id = own.id WHERE own.account_id = s.account_id)`;

// A held context's company part read again: the session's step-up there and the member's activity.
const HELD_COMPANY_COLUMNS = sql`se.verified_until AS company_step_up_until,
           NULL::uuid AS member_id, NULL::text AS member_status, ma.last_active_at AS member_last_active_at,
           NULL::text[] AS role_keys, NULL::text[] AS permissions, NULL::boolean AS mfa_enrolment_required,
           NULL::text AS scope_kind, NULL::text[] AS scope_account_ids`;
const HELD_COMPANY_JOINS = (companyId: string | null, memberId: string | null) => sql`
      LEFT JOIN session_elevations se ON se.session_id = s.id AND se.company_id = ${companyId}::uuid
      LEFT JOIN member_activity ma ON ma.member_id = ${memberId}::uuid`;

// The guard's statement, compiled once for each of its six shapes.
const requestContextStatement = statementTemplate(
  (shape: string, now: Date, companyId: string | null, tokenHash: string, memberId: string | null) => {
    const inCompany = shape.endsWith(" in a company");
    const withMemberships = shape.startsWith("with memberships");
    const versionsOnly = shape.startsWith("versions");
    const columns = inCompany
      ? versionsOnly
        ? HELD_COMPANY_COLUMNS
        : COMPANY_COLUMNS(now)
      : NO_COMPANY_COLUMNS;
    const joins = inCompany
      ? versionsOnly
        ? HELD_COMPANY_JOINS(companyId, memberId)
        : COMPANY_JOINS(companyId)
      : sql``;
    return sql<ContextRow>`
    SELECT s.id AS session_id, s.account_id, a.email, a.name, a.alternate_email, a.language, a.time_zone, s.created_at, s.last_seen_at,
           s.expires_at, s.stage, s.step_up_until,
           ${withMemberships || inCompany || versionsOnly ? sql`${VERSION_COLUMNS},` : sql``}
           ${(withMemberships || inCompany) && !versionsOnly ? sql`${EARLIEST_EXPIRY} AS earliest_expiry,` : sql``}
           ${withMemberships ? sql`${membershipsOfAccount(now)} AS memberships,` : sql``}
           ${columns},
           ${versionsOnly ? sql`NULL::int` : STRICTEST_COMPANY_IDLE_MINUTES} AS idle_minutes_limit
      FROM sessions s
      JOIN accounts a ON a.id = s.account_id ${joins}
     WHERE s.token_hash = ${tokenHash}`;
  },
  4,
);

// Under load, the guard's statements of the requests that arrived together go as one.
const requestContextStatements = statementBatch(requestContextStatement, [
  "timestamptz",
  "uuid",
  "text",
  "uuid",
]);

type Membership = NonNullable<RequestContext["membership"]>;

/**
 * What this server read of a session's context beyond the session and its account: GET /api/me's
 * memberships, or the member's standing in one company (null: not a member there), with the idle
 * limit. Used while the account's context version and the epoch (migration 041) are the ones read
 * with it, and until the first of the account's role assignments ends.
 */
type HeldContext = {
  accountId: string;
  version: string;
  epoch: string;
  readAt: number;
  validUntil: number;
  idleMinutesLimit: number | null;
  memberships?: readonly MembershipView[];
  membership?: Membership | null;
};

const MAX_HELD_CONTEXTS = 20_000;
const heldByDatabase = new WeakMap<Kysely<DB>, Map<string, HeldContext>>();

function heldContexts(db: Kysely<DB>): Map<string, HeldContext> {
  let held = heldByDatabase.get(db);
  if (!held) {
    held = new Map();
    heldByDatabase.set(db, held);
  }
  return held;
}

/**
 * Under which key a context is held: GET /api/me's per session, a company's per session and
 * company; none for a request naming no company that wants no memberships (nothing to hold).
 */
function holdKey(tokenHash: string, companyId: string | null, withMemberships: boolean): string | null {
  if (companyId === null) return withMemberships ? tokenHash : null;
  return withMemberships ? null : `${tokenHash} ${companyId}`;
}

/** Whether the entry was read with the versions `row` carries, for the same account. */
function isReadWith(entry: HeldContext, row: ContextRow): boolean {
  return (
    entry.accountId === row.account_id &&
    entry.version === String(row.context_version) &&
    entry.epoch === String(row.context_epoch)
  );
}

/** The views frozen: every request of the session shares them. */
function frozenViews(views: MembershipView[]): readonly MembershipView[] {
  for (const view of views) {
    Object.freeze(view.roles);
    Object.freeze(view.permissions);
    Object.freeze(view);
  }
  return Object.freeze(views);
}

/** The member in the named company as a full read found it, frozen (held contexts share it). */
function membershipOf(row: ContextRow, companyId: string): Membership | null {
  if (!row.member_id || !row.member_status) return null;
  const scope = scopeFromColumns(row.scope_kind, row.scope_account_ids);
  if (scope.kind === "restricted") Object.freeze(scope.merchantAccountIds);
  return Object.freeze({
    memberId: row.member_id,
    companyId,
    status: row.member_status,
    roleKeys: Object.freeze(row.role_keys ?? []) as string[],
    permissions: Object.freeze(
      row.member_status === "active" ? (row.permissions ?? []).sort() : [],
    ) as string[],
    mfaEnrolmentRequired: row.mfa_enrolment_required === true,
    scope: Object.freeze(scope),
  });
}

/**
 * Resolves a session token to its context in one round trip, with every membership of the account
 * when `withMemberships` (so GET /api/me answers from this query alone). Expired or idle sessions
 * are deleted and resolve to null, so a stale cookie is as good as none. A context this server holds
 * is used while the versions read with the session say it stands; when not, a second statement
 * reads it all (see HeldContext).
 */
export async function loadRequestContext(
  db: Kysely<DB>,
  token: string,
  companyId: string | null,
  now: Date,
  policy: SessionPolicy,
  options: { withMemberships?: boolean } = {},
): Promise<RequestContext | null> {
  const tokenHash = hashSecretToken(token);
  const withMemberships = options.withMemberships === true;
  const inCompany = companyId ? " in a company" : "";
  const key = holdKey(tokenHash, companyId, withMemberships);
  const heldHere = key === null ? null : heldContexts(db);
  const candidate = key === null ? undefined : heldHere?.get(key);
  let held: HeldContext | undefined;
  let row: ContextRow | undefined;
  if (candidate && candidate.readAt <= now.getTime() && now.getTime() < candidate.validUntil) {
    const memberId = candidate.membership?.memberId ?? null;
    row = (
      await requestContextStatements.execute(db, `versions${inCompany}`, now, companyId, tokenHash, memberId)
    ).rows[0];
    if (row && isReadWith(candidate, row)) held = candidate;
    else if (key !== null) heldHere?.delete(key);
    if (!row) return null;
  }
  if (!held) {
    const shape: ContextShape = `${withMemberships ? "with memberships" : "alone"}${inCompany}`;
    row = (await requestContextStatements.execute(db, shape, now, companyId, tokenHash, null)).rows[0];
  }
  if (!row) return null;

  const idleMinutesLimit = held ? held.idleMinutesLimit : row.idle_minutes_limit;
  const idleMs = Math.min(policy.idleMs, (idleMinutesLimit ?? Number.POSITIVE_INFINITY) * 60_000);
  const idleDeadline = row.last_seen_at.getTime() + idleMs;
  if (row.expires_at.getTime() <= now.getTime() || idleDeadline <= now.getTime()) {
    if (key !== null) heldHere?.delete(key);
    await db.deleteFrom("sessions").where("id", "=", row.session_id).execute();
    return null;
  }
  const membership = companyId ? (held ? (held.membership ?? null) : membershipOf(row, companyId)) : null;
  // The touches are conditional: when many requests of one session arrive together, the first
  // writes and the others, re-checking the row once its lock is free, write nothing.
  const touchBefore = new Date(now.getTime() - TOUCH_INTERVAL_MS);
  if (row.last_seen_at.getTime() < touchBefore.getTime()) {
    await db
      .updateTable("sessions")
      .set({ last_seen_at: now })
      .where("id", "=", row.session_id)
      .where("last_seen_at", "<", touchBefore)
      .execute();
  }
  if (
    membership?.status === "active" &&
    (!row.member_last_active_at || now.getTime() - row.member_last_active_at.getTime() > TOUCH_INTERVAL_MS)
  ) {
    // Its own table (migration 014): the member row, which the list and search read, stays as it is.
    await db
      .insertInto("member_activity")
      .values({ member_id: membership.memberId, last_active_at: now })
      .onConflict((oc) =>
        oc
          .column("member_id")
          .doUpdateSet({ last_active_at: now })
          .where("member_activity.last_active_at", "<", touchBefore),
      )
      .execute();
  }
  const memberships = withMemberships
    ? (held?.memberships ?? frozenViews(await membershipViews(db, row.memberships ?? [])))
    : undefined;

  const expiry = row.earliest_expiry?.getTime() ?? Number.POSITIVE_INFINITY;
  if (!held && key !== null && heldHere && row.context_version != null && expiry > now.getTime()) {
    setBounded(
      heldHere,
      key,
      {
        accountId: row.account_id,
        version: String(row.context_version),
        epoch: String(row.context_epoch),
        readAt: now.getTime(),
        validUntil: expiry,
        idleMinutesLimit: row.idle_minutes_limit,
        ...(memberships ? { memberships } : {}),
        ...(companyId ? { membership } : {}),
      },
      MAX_HELD_CONTEXTS,
    );
  }

  return {
    sessionId: row.session_id,
    accountId: row.account_id,
    email: row.email,
    name: row.name,
    alternateEmail: row.alternate_email,
    language: row.language,
    timeZone: row.time_zone,
    createdAt: row.created_at,
    stage: row.stage,
    stepUpUntil: row.step_up_until,
    namedCompanyId: companyId,
    companyStepUpUntil: companyId ? row.company_step_up_until : null,
    ...(memberships ? { memberships } : {}),
    membership,
  };
}

export async function deleteSession(db: Kysely<DB> | Transaction<DB>, sessionId: string): Promise<void> {
  await db.deleteFrom("sessions").where("id", "=", sessionId).execute();
}

export async function deleteSessionByToken(db: Kysely<DB>, token: string): Promise<void> {
  await db.deleteFrom("sessions").where("token_hash", "=", hashSecretToken(token)).execute();
}

/** Gives a session a fresh token (fixation defence after a privilege change); null if it is gone. */
export async function rotateSessionToken(
  db: Kysely<DB> | Transaction<DB>,
  sessionId: string,
): Promise<{ token: string; expiresAt: Date } | null> {
  const token = newSecretToken();
  const row = await db
    .updateTable("sessions")
    .set({ token_hash: hashSecretToken(token) })
    .where("id", "=", sessionId)
    .returning("expires_at")
    .executeTakeFirst();
  return row ? { token, expiresAt: row.expires_at } : null;
}

/** Ends every session of an account except `keepSessionId` (all of them when it is null); returns how many. */
export async function deleteAccountSessions(
  db: Kysely<DB> | Transaction<DB>,
  accountId: string,
  keepSessionId: string | null,
): Promise<number> {
  let query = db.deleteFrom("sessions").where("account_id", "=", accountId);
  if (keepSessionId) query = query.where("id", "<>", keepSessionId);
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function listSessions(db: Kysely<DB>, accountId: string, now: Date, policy: SessionPolicy) {
  return db
    .selectFrom("sessions")
    .select(["id", "created_at", "last_seen_at", "expires_at", "ip", "user_agent", "stage"])
    .where("account_id", "=", accountId)
    .where("expires_at", ">", now)
    .where("last_seen_at", ">", new Date(now.getTime() - policy.idleMs))
    .orderBy("last_seen_at", "desc")
    .execute();
}

/** Deletes one session of the account; false when the account has no session of that id. */
export async function deleteOwnSession(
  trx: Transaction<DB>,
  accountId: string,
  sessionId: string,
): Promise<boolean> {
  const result = await trx
    .deleteFrom("sessions")
    .where("id", "=", sessionId)
    .where("account_id", "=", accountId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** A second-step session's wrong codes so far, its row locked so concurrent tries count in turn. */
export async function lockSecondStepSession(
  trx: Transaction<DB>,
  sessionId: string,
): Promise<{ failures: number } | null> {
  const row = await trx
    .selectFrom("sessions")
    .select("second_step_failures")
    .where("id", "=", sessionId)
    .where("stage", "=", "second_step")
    .forUpdate()
    .executeTakeFirst();
  return row ? { failures: row.second_step_failures } : null;
}

export async function saveSecondStepFailures(trx: Transaction<DB>, sessionId: string, failures: number) {
  await trx
    .updateTable("sessions")
    .set({ second_step_failures: failures })
    .where("id", "=", sessionId)
    .execute();
}

/** Who holds an unexpired session of this token, without touching it (for auditing a refusal). */
export async function findSessionHolder(
  db: Kysely<DB>,
  token: string,
  now: Date,
): Promise<{ accountId: string; email: string } | null> {
  const row = await db
    .selectFrom("sessions")
    .innerJoin("accounts", "accounts.id", "sessions.account_id")
    .select(["accounts.id as accountId", "accounts.email as email"])
    .where("sessions.token_hash", "=", hashSecretToken(token))
    .where("sessions.expires_at", ">", now)
    .executeTakeFirst();
  return row ?? null;
}
