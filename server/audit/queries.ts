// SQL for the audit log: appending events (only writer.ts calls these), and reading a company's log
// newest first, by keyset over audit_events_company_time_idx (company_id, occurred_at DESC, id DESC).
// The log is append-only: nothing updates or deletes an event, but for the pseudonymisation of a
// deleted account's personal data (migration 032), which keeps every event and its meaning.
import { type Insertable, type Kysely, type RawBuilder, sql, type Transaction } from "kysely";
import type { DB } from "../db/schema.js";

export type AuditFilter = {
  companyId: string;
  /** An exact action (`member.deactivated`) or a category (`member`: every `member.*`). */
  action?: { exact: string } | { category: string };
  actor?: { accountId: string } | { email: string };
  from?: Date;
  to?: Date;
  outcome?: "success" | "denied" | "failure";
  /** Only the events done to this one thing, e.g. a member's page: `{ type: "member", id }`. */
  target?: { type: "member" | "account" | "role"; id: string };
};

export type AuditEventRow = {
  id: string;
  occurred_at: Date;
  action: string;
  outcome: "success" | "denied" | "failure";
  actor_account_id: string | null;
  actor_email: string | null;
  target_type: string | null;
  target_id: string | null;
  details: Record<string, unknown>;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
};

/**
 * A category's actions as a range of migration 049's index, bytewise (COLLATE "C"): an action is
 * `category.verb`, one dot, so they are those from `category.` up to, not including, `category/`.
 */
function categoryRange(category: string): { from: string; before: string } {
  return { from: `${category}.`, before: `${category}/` };
}

/** A condition on `action` as 049's index orders it: an exact action, or a category's range. */
function actionIn(action: NonNullable<AuditFilter["action"]>): RawBuilder<unknown> {
  if ("exact" in action) return sql`action COLLATE "C" = ${action.exact}`;
  const range = categoryRange(action.category);
  return sql`action COLLATE "C" >= ${range.from} AND action COLLATE "C" < ${range.before}`;
}

/**
 * The filter's conditions, each in words one of migration 049's plans can match whatever the values:
 * an outcome other than success says so, and a target's type is written into the statement.
 */
function matching(filter: AuditFilter): RawBuilder<unknown> {
  const { action, actor } = filter;
  return sql`company_id = ${filter.companyId}
    ${action ? sql`AND ${actionIn(action)}` : sql``}
    ${actor && "accountId" in actor ? sql`AND actor_account_id = ${actor.accountId}` : sql``}
    ${actor && "email" in actor ? sql`AND actor_email = ${actor.email}` : sql``}
    ${filter.from ? sql`AND occurred_at >= ${filter.from}` : sql``}
    ${filter.to ? sql`AND occurred_at < ${filter.to}` : sql``}
    ${filter.outcome ? sql`AND outcome = ${filter.outcome}` : sql``}
    ${filter.outcome && filter.outcome !== "success" ? sql`AND outcome <> 'success'` : sql``}
    ${filter.target ? sql`AND target_type = ${sql.lit(filter.target.type)} AND target_id = ${filter.target.id}` : sql``}`;
}

/** Whether the member belongs to the company: another company's member is not found (rule 3). */
export async function isMemberOfCompany(
  db: Kysely<DB>,
  companyId: string,
  memberId: string,
): Promise<boolean> {
  const row = await db
    .selectFrom("members")
    .select("id")
    .where("company_id", "=", companyId)
    .where("id", "=", memberId)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * The rows after the cursor (occurred_at, id) in newest-first order. The row comparison alone does
 * not let PostgreSQL skip the monthly partitions newer than the cursor; the bound on occurred_at,
 * which it implies, does.
 */
function keysetAfter(after: [Date, string]): RawBuilder<unknown> {
  return sql`AND occurred_at <= ${after[0]} AND (occurred_at, id) < (${after[0]}, ${after[1]}::uuid)`;
}

/** Whether the filter is the company's whole log, whose pages audit_company_page reads (migration 047). */
function isWholeLog(filter: AuditFilter): boolean {
  return !filter.action && !filter.actor && !filter.from && !filter.to && !filter.outcome && !filter.target;
}

/**
 * The page's events (every column, newest first): the whole log's through audit_company_page, from
 * a plan kept per connection; a filtered log's planned for its filter.
 */
function pageOfEvents(filter: AuditFilter, after: [Date, string] | null, limit: number): RawBuilder<unknown> {
  if (isWholeLog(filter)) {
    return sql`SELECT * FROM audit_company_page(${filter.companyId}::uuid, ${after?.[0] ?? null}::timestamptz,
                                               ${after?.[1] ?? null}::uuid, ${limit}::int)`;
  }
  const { action } = filter;
  if (action && "category" in action) {
    // The category's actions in the company, one probe each (a skip over 049's index), each a range
    // of the index in the log's order, one page long; the page is the first of their merge. One plan
    // serves every category: walking the log found a common one sooner and a rare one never.
    const range = categoryRange(action.category);
    const within = sql`company_id = ${filter.companyId} AND action COLLATE "C" < ${range.before}`;
    const rest = matching({ ...filter, action: undefined });
    return sql`WITH RECURSIVE actions (action) AS (
                 (SELECT action FROM audit_events WHERE ${within} AND action COLLATE "C" >= ${range.from}
                   ORDER BY action COLLATE "C" LIMIT 1)
                 UNION ALL
                 SELECT (SELECT e.action FROM audit_events e
                          WHERE ${within} AND e.action COLLATE "C" > a.action COLLATE "C"
                          ORDER BY e.action COLLATE "C" LIMIT 1)
                   FROM actions a WHERE a.action IS NOT NULL)
               SELECT found.* FROM actions a CROSS JOIN LATERAL (
                 SELECT * FROM audit_events
                  WHERE ${rest} AND action COLLATE "C" = a.action COLLATE "C" ${after ? keysetAfter(after) : sql``}
                  ORDER BY occurred_at DESC, id DESC LIMIT ${limit}) found
                ORDER BY found.occurred_at DESC, found.id DESC
                LIMIT ${limit}`;
  }
  return sql`SELECT * FROM audit_events
              WHERE ${matching(filter)} ${after ? keysetAfter(after) : sql``}
              ORDER BY occurred_at DESC, id DESC
              LIMIT ${limit}`;
}

/** Events after the cursor (occurred_at, id), newest first. */
export async function listAuditEvents(
  db: Kysely<DB>,
  filter: AuditFilter,
  after: [Date, string] | null,
  limit: number,
): Promise<AuditEventRow[]> {
  const result = await sql<AuditEventRow>`
    SELECT id, occurred_at, action, outcome, actor_account_id, actor_email, target_type, target_id,
           details, ip, user_agent, request_id
      FROM (${pageOfEvents(filter, after, limit)}) page
     ORDER BY occurred_at DESC, id DESC`.execute(db);
  return result.rows;
}

/** An event with the names a reader knows its actor and target by, as the log shows it. */
export type NamedAuditEventRow = AuditEventRow & {
  actor_name: string | null;
  target_name: string | null;
  target_email: string | null;
};

/**
 * Events after the cursor (occurred_at, id), newest first, each with its actor's and target's
 * current names. Only the company's own members and roles are named: a person outside the company
 * stays the email the event recorded (rule 3). The names are looked up for the page's rows only.
 */
export async function listNamedAuditEvents(
  db: Kysely<DB>,
  filter: AuditFilter,
  after: [Date, string] | null,
  limit: number,
): Promise<NamedAuditEventRow[]> {
  const memberName = (condition: RawBuilder<unknown>, column: "name" | "email") => sql`(
    SELECT ${column === "name" ? sql`a.name` : sql`m.email`} FROM members m JOIN accounts a ON a.id = m.account_id
     WHERE m.company_id = page.company_id AND ${condition})`;
  const targetUuid = sql`page.target_id::uuid`;
  const result = await sql<NamedAuditEventRow>`
    SELECT page.*,
           ${memberName(sql`m.account_id = page.actor_account_id`, "name")} AS actor_name,
           CASE page.target_type
             WHEN 'member' THEN ${memberName(sql`m.id = ${targetUuid}`, "name")}
             WHEN 'account' THEN ${memberName(sql`m.account_id = ${targetUuid}`, "name")}
             WHEN 'role' THEN (SELECT r.name FROM roles r WHERE r.company_id = page.company_id AND r.id = ${targetUuid})
           END AS target_name,
           CASE page.target_type
             WHEN 'member' THEN ${memberName(sql`m.id = ${targetUuid}`, "email")}
             WHEN 'account' THEN ${memberName(sql`m.account_id = ${targetUuid}`, "email")}
           END AS target_email
      FROM (${pageOfEvents(filter, after, limit)}) page
     ORDER BY page.occurred_at DESC, page.id DESC`.execute(db);
  return result.rows;
}

/** Counts matching events up to cap + 1; beyond the cap the total is not exact. */
export async function countAuditEvents(db: Kysely<DB>, filter: AuditFilter, cap: number): Promise<number> {
  const statement = isWholeLog(filter)
    ? sql<{ n: number }>`SELECT audit_company_count(${filter.companyId}::uuid, ${cap + 1}::int) AS n`
    : sql<{ n: number }>`
        SELECT count(*)::int AS n FROM (SELECT 1 FROM audit_events WHERE ${matching(filter)} LIMIT ${cap + 1}) capped`;
  const result = await statement.execute(db);
  return result.rows[0]?.n ?? 0;
}

/** The account-level events whose actor or target is one account (see listAccountAuditEvents). */
export type AccountAuditFilter = { accountId: string; categories: readonly string[] };

function accountLevel(filter: AccountAuditFilter): RawBuilder<unknown> {
  return sql`split_part(action, '.', 1) IN (${sql.join(filter.categories)})`;
}

/**
 * One account's own events, newest first: those it made and those made on it (a failed login, a
 * reset asked for it), each read through its index (actor_time, and account_target of migration
 * 018) and merged; an event the account made on itself comes once.
 */
export async function listAccountAuditEvents(
  db: Kysely<DB>,
  filter: AccountAuditFilter,
  after: [Date, string] | null,
  limit: number,
): Promise<Omit<AuditEventRow, "details">[]> {
  const keyset = after ? keysetAfter(after) : sql``;
  const columns = sql`id, occurred_at, action, outcome, actor_account_id, actor_email, target_type, target_id,
                      ip, user_agent, request_id`;
  const result = await sql<Omit<AuditEventRow, "details">>`
    SELECT * FROM (
      (SELECT ${columns} FROM audit_events
        WHERE actor_account_id = ${filter.accountId} AND ${accountLevel(filter)} ${keyset}
        ORDER BY occurred_at DESC, id DESC LIMIT ${limit})
      UNION
      (SELECT ${columns} FROM audit_events
        WHERE target_type = 'account' AND target_id = ${filter.accountId} AND ${accountLevel(filter)} ${keyset}
        ORDER BY occurred_at DESC, id DESC LIMIT ${limit})
    ) own
    ORDER BY occurred_at DESC, id DESC
    LIMIT ${limit}`.execute(db);
  return result.rows;
}

/** Counts one account's own events up to cap + 1. */
export async function countAccountAuditEvents(
  db: Kysely<DB>,
  filter: AccountAuditFilter,
  cap: number,
): Promise<number> {
  const result = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM (
      SELECT 1 FROM audit_events
       WHERE (actor_account_id = ${filter.accountId}
              OR (target_type = 'account' AND target_id = ${filter.accountId}))
         AND ${accountLevel(filter)}
       LIMIT ${cap + 1}) capped`.execute(db);
  return result.rows[0]?.n ?? 0;
}

export type AuditRow = Insertable<DB["audit_events"]>;

/** An audit row as the writer makes it: every column given, the details as JSON text. */
export type FullAuditRow = Required<Omit<AuditRow, "id" | "details">> & { details: string };

/**
 * Inserts the rows; a group of them (the refusals' group commit) as columns of one `unnest`, whose
 * text is the same for any number of rows: a list of VALUES was a statement of its own for each
 * group size, parsed and planned again whenever it was too long to prepare.
 */
export async function insertAuditRows(db: Kysely<DB> | Transaction<DB>, rows: FullAuditRow[]): Promise<void> {
  if (rows.length <= 1) {
    await db.executeQuery(db.insertInto("audit_events").values(rows).compile());
    return;
  }
  const column = <K extends keyof FullAuditRow>(key: K) => rows.map((row) => row[key]);
  const statement = sql`INSERT INTO audit_events (occurred_at, company_id, actor_account_id, actor_email, action, outcome,
                                      target_type, target_id, details, ip, user_agent, request_id)
            SELECT occurred_at, company_id, actor_account_id, actor_email, action, outcome,
                   target_type, target_id, details::jsonb, ip, user_agent, request_id
              FROM unnest(${column("occurred_at")}::timestamptz[], ${column("company_id")}::uuid[],
                          ${column("actor_account_id")}::uuid[], ${column("actor_email")}::text[],
                          ${column("action")}::text[], ${column("outcome")}::text[], ${column("target_type")}::text[],
                          ${column("target_id")}::text[], ${column("details")}::text[], ${column("ip")}::text[],
                          ${column("user_agent")}::text[], ${column("request_id")}::text[])
                AS r(occurred_at, company_id, actor_account_id, actor_email, action, outcome,
                     target_type, target_id, details, ip, user_agent, request_id)`;
  await db.executeQuery(statement.compile(db));
}

/** The INSERT of one event made only when `condition` holds, for the statement of a change. */
export function insertAuditRowWhen(row: AuditRow, condition: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`INSERT INTO audit_events (${sql.join(Object.keys(row).map((column) => sql.ref(column)))})
             SELECT ${sql.join(Object.values(row))} WHERE ${condition}`;
}

/** An audit row as pseudonymisation reads and rewrites it: its key and the columns with personal data. */
export type PersonalAuditRow = {
  id: string;
  occurred_at: string;
  actor_email: string | null;
  details: unknown;
};

/**
 * Every audit row that may name a person: made by their account, done to the account or to one of
 * its memberships, or whose actor email or details carry one of their emails (a LIKE pattern each,
 * already escaped). The details are searched as text: a rare, deliberate scan of the log.
 */
export async function findPersonalAuditRows(
  trx: Transaction<DB>,
  person: {
    accountId: string;
    targetIds: readonly string[];
    emails: readonly string[];
    emailPatterns: readonly string[];
  },
): Promise<PersonalAuditRow[]> {
  const result = await sql<PersonalAuditRow>`
    SELECT id, to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS occurred_at,
           actor_email, details
      FROM audit_events
     WHERE actor_account_id = ${person.accountId}
        OR target_id IN (${sql.join(person.targetIds)})
        OR actor_email IN (${sql.join(person.emails)})
        OR lower(details::text) LIKE ANY (SELECT jsonb_array_elements_text(${JSON.stringify(person.emailPatterns)}::jsonb))`.execute(
    trx,
  );
  return result.rows;
}

/**
 * Writes pseudonymised rows back. Migration 032's trigger lets this one change through, only while
 * the transaction asks for it and only on actor_email and details; the permission is dropped again
 * before this returns, so nothing later in the transaction can change an event.
 */
export async function rewritePersonalAuditRows(trx: Transaction<DB>, rows: readonly PersonalAuditRow[]) {
  if (rows.length === 0) return;
  await sql`SELECT set_config('portal.audit_pseudonymize', 'on', true)`.execute(trx);
  for (let start = 0; start < rows.length; start += 500) {
    const chunk = rows.slice(start, start + 500);
    await sql`
      UPDATE audit_events a
         SET actor_email = x.actor_email, details = x.details
        FROM jsonb_to_recordset(${JSON.stringify(chunk)}::jsonb)
             AS x(id uuid, occurred_at timestamptz, actor_email text, details jsonb)
       WHERE a.id = x.id AND a.occurred_at = x.occurred_at`.execute(trx);
  }
  await sql`SELECT set_config('portal.audit_pseudonymize', 'off', true)`.execute(trx);
}
