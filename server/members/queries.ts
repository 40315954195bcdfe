// SQL for the member list and member changes. Every query is scoped by company_id first; lists
// walk an index of their order by keyset, totals come from the trigger-kept counters of migration 006.
import { type Kysely, type RawBuilder, sql, type Transaction } from "kysely";
import { ADMIN_ROLE_KEY } from "../access/permissions.js";
import { nameRoles } from "../access/role-catalog.js";
import { ROLE_ORDER } from "../access/role-queries.js";
import type { Scope } from "../access/scope.js";
import { type AuditEvent, auditInsertWhen } from "../audit/writer.js";
import { isoTime } from "../db/iso-time.js";
import { likePattern } from "../db/like-pattern.js";
import type { DB, MemberStatus } from "../db/schema.js";
import { statementBatch } from "../db/statement-batch.js";
import { statementTemplate } from "../db/statement-template.js";
import type { RoleExpiries } from "../expiry/role-expiries.js";
import { enqueueMailWhen, type OutgoingMail } from "../mail/outbox.js";
import { scopeOfMember } from "../merchant-accounts/queries.js";
import { PERMISSIONS_OF_ROLE, ROLE_REFS_JSON } from "../roles/queries.js";
import { type WebhookEvent, webhookEventWhen } from "../webhooks/events.js";
import type { MemberOrder, MemberPosition, MemberSortKey } from "./list-order.js";

type Executor = Kysely<DB> | Transaction<DB>;

/** A role as the member holds it; `expiresAt` (ISO 8601) only on an assignment that expires. */
export type RoleRefRow = { id: string; key: string | null; name: string; expiresAt?: string };

export type MemberRow = {
  id: string;
  account_id: string;
  email: string;
  name: string;
  status: MemberStatus;
  /** ISO 8601 text (isoTime), as the answers carry it. */
  joined_at: string;
  last_active_at: string | null;
  version: number;
  roles: RoleRefRow[];
  /** The merchant accounts the member reaches (migration 031). */
  scope: Scope;
};

export type MemberFilter = {
  companyId: string;
  /** A LIKE pattern over the canonical email, already escaped (see likePattern). */
  emailPattern?: string;
  /**
   * The term further into the email: `pattern` (the substring's) over the email past its first
   * character, and not `prefix` (the term's at the start). With the members whose email starts with
   * the term (emailPattern: `prefix`), they are a substring search's matches, each once.
   */
  emailInside?: {
    pattern: string;
    prefix: string;
    /**
     * The term sought in the part before the @ only (past its first character: migration 044),
     * the members whose domain has it being another part (emailDomain).
     */
    local?: boolean;
  };
  /**
   * The members whose domain is one of `domains` (each containing the term) and whose part before
   * the @ does not have the term (`pattern`, the substring's): read as a range of each domain in
   * email order (migration 044). With the other two parts (a local emailInside), the matches of a
   * term without an @, each once.
   */
  emailDomain?: { domains: readonly string[]; pattern: string };
  roleId?: string;
  status?: MemberStatus;
};

/**
 * How to fetch a page. `walk` reads the company's index of the order and stops after one page:
 * best when matches are dense. `collect` gathers every match first (through the trigram
 * or role index) and sorts them: best when they are few, which the caller knows from the totals.
 * `holders` collects a role's matches (no email search) from the role's side: its holders from the
 * role's index, each member by primary key; best when the role has fewer holders than the company
 * has members of the status asked for (with none asked, always).
 * `probe` walks at most `probeRows` members of the order past the position and keeps those matching
 * the email pattern: a full page from it is the page, as walked; fewer rows prove nothing (the
 * matches may lie further on: a first name clusters in the email order), and the caller collects.
 * The last-active order has no probe: it walks.
 */
export type ListPlan = "walk" | "collect" | "probe" | "holders";

/** Whether a search in this order can be probed: the last-active order has no probe, it walks. */
export function orderHasProbe(order: MemberOrder): boolean {
  return order.key !== "lastActiveAt";
}

/** The fewest and the most members of the order a probe reads (see probeRowsFor). */
export const PROBE_MIN_ROWS = 5_000;
export const PROBE_MAX_ROWS = 200_000;

/**
 * How far to probe for a search the planner expects to match `estimate` members. A probed row
 * costs about half of what a gathered match costs (an index entry read against a table row fetched
 * and rechecked), so probing up to twice the matches before gathering them costs at most about
 * twice the cheaper of the two ways, whichever it turns out to be.
 */
export function probeRowsFor(estimate: number): number {
  return Math.min(PROBE_MAX_ROWS, Math.max(PROBE_MIN_ROWS, Math.ceil(2 * estimate)));
}

export { likePattern };

/** What a gathered match of the trigram index costs in walked rows of the email order (countingUse). */
const GATHERED_MATCH_COST = 1.5;

/**
 * How to count to `cap` a part of a search that the planner expects to match `estimate` of the
 * company's `members` (for cappedCount's `use`): a walk of the email order reads about
 * cap × members / estimate rows before it has its count, the trigram index every match. The index
 * when it reads less, counting each match as GATHERED_MATCH_COST rows.
 */
export function countingUse(estimate: number, members: number, cap: number): "index" | "test" {
  return GATHERED_MATCH_COST * estimate * estimate < cap * members ? "index" : "test";
}

/**
 * A substring search for `term` as its parts: the members whose email starts with it, those who
 * have it further in (emailInside), and, with `domains`, those of the domains that have it
 * (emailDomain), each with `filter`'s other conditions.
 */
export function searchParts(
  filter: MemberFilter,
  term: string,
  /**
   * The company's domains that contain the term (of companyEmailDomains), for a term without an
   * @: then the part further in is the part before the @ only, and a third part, the members of
   * those domains (none when the list is empty).
   */
  domains?: readonly string[],
): SearchParts {
  const prefix = likePattern(term, "prefix");
  const pattern = likePattern(term, "substring");
  const local = domains !== undefined;
  return {
    starts: { ...filter, emailPattern: prefix },
    inside: {
      ...filter,
      emailPattern: undefined,
      emailInside: { pattern, prefix, local },
    },
    domain:
      domains && domains.length > 0
        ? { ...filter, emailPattern: undefined, emailDomain: { domains, pattern } }
        : undefined,
  };
}

/** A substring search's parts (searchParts): their matches are the search's, each once. */
export type SearchParts = { starts: MemberFilter; inside: MemberFilter; domain?: MemberFilter };

function searchesEmail(filter: MemberFilter): boolean {
  return (
    filter.emailPattern !== undefined || filter.emailInside !== undefined || filter.emailDomain !== undefined
  );
}

/** The most domains a company may have for its searches to read the domains apart (migration 044). */
export const SEARCH_DOMAINS_MAX = 64;

/**
 * The company's email domains in order, or null when it has more than `max`: a skip over the domain
 * index (migration 044), one probe per domain. Without a LIKE, so its plan is kept (connect.ts); a
 * search keeps those containing its term.
 */
export async function companyEmailDomains(
  db: Executor,
  companyId: string,
  max: number = SEARCH_DOMAINS_MAX,
): Promise<string[] | null> {
  const domain = domainOf(sql`m.email`);
  const result = await sql<{ domain: string }>`
    WITH RECURSIVE d(domain, n) AS (
      (SELECT ${domain}, 1 FROM members m WHERE m.company_id = ${companyId} ORDER BY ${domain} LIMIT 1)
      UNION ALL
      SELECT (SELECT ${domain} FROM members m WHERE m.company_id = ${companyId} AND ${domain} > d.domain
               ORDER BY ${domain} LIMIT 1), d.n + 1
        FROM d WHERE d.domain IS NOT NULL AND d.n <= ${max})
    SELECT d.domain FROM d WHERE d.domain IS NOT NULL`.execute(db);
  return result.rows.length > max ? null : result.rows.map((row) => row.domain);
}

/** The part of `email` before the @, as migration 044's trigram index has it. */
const localPartOf = (email: RawBuilder<unknown>) => sql`split_part(${email}, '@', 1)`;

/** The domain of `email`, as migration 044's domain index has it. */
const domainOf = (email: RawBuilder<unknown>) => sql`split_part(${email}, '@', 2)`;

/**
 * The filter's email conditions on `email`, each starting with AND (none: empty). The term further
 * in is asked of the email past its first character where an index is to find the members
 * (migration 040), and of the whole email where rows walked are only tested: the same members
 * (somewhere, and not at the start), a third cheaper to test.
 */
function emailMatches(
  filter: MemberFilter,
  email: RawBuilder<unknown>,
  use: "index" | "test",
): RawBuilder<unknown> {
  const inside = filter.emailInside;
  const domain = filter.emailDomain;
  const searched = inside?.local ? localPartOf(email) : email;
  const further = use === "index" ? sql`substr(${searched}, 2)` : searched;
  return sql`${filter.emailPattern !== undefined ? sql`AND ${email} LIKE ${filter.emailPattern}` : sql``}
    ${inside ? sql`AND ${further} LIKE ${inside.pattern} AND ${email} NOT LIKE ${inside.prefix}` : sql``}
    ${
      domain
        ? sql`AND ${domainOf(email)} = ANY(${domain.domains}::text[])
              AND ${localPartOf(email)} NOT LIKE ${domain.pattern}`
        : sql``
    }`;
}

/**
 * The filter's conditions on a member `m`. `role`: how the role is asked. `join` lets the planner
 * join the role's holders to the members, for a statement that gathers its matches. `walk` asks it of
 * each member a walk in order passes (OFFSET 0 keeps the test from becoming a join): joined, a plan
 * made for any company (a prepared statement's generic plan, costed for a company of a hundred)
 * hashed the whole company and sorted it, 126 ms of the bench's 100,000 members for a page of 21.
 */
function matching(
  filter: MemberFilter,
  use: "index" | "test" = "index",
  role: "join" | "walk" = "join",
): RawBuilder<unknown> {
  return sql`m.company_id = ${filter.companyId} ${memberTests(filter, use, role)}`;
}

/** matching's conditions but the company's, each led by AND: for a member found by a row of its company. */
function memberTests(
  filter: MemberFilter,
  use: "index" | "test",
  role: "join" | "walk",
): RawBuilder<unknown> {
  return sql`${filter.status ? sql`AND m.status = ${filter.status}` : sql``}
    ${emailMatches(filter, sql`m.email`, use)}
    ${
      filter.roleId
        ? sql`AND EXISTS (SELECT 1 FROM member_roles mr WHERE mr.member_id = m.id AND mr.role_id = ${filter.roleId}
                          ${role === "walk" ? sql`OFFSET 0` : sql``})`
        : sql``
    }`;
}

// A member's roles in the order of the roles list: predefined first, then custom by name, each with
// its expiry when the assignment has one (migration 033).
const ROLES_OF_MEMBER = sql`coalesce((
  SELECT json_agg(CASE WHEN mr.expires_at IS NULL
                       THEN json_build_object('id', r.id, 'key', r.key, 'name', r.name)
                       ELSE json_build_object('id', r.id, 'key', r.key, 'name', r.name,
                                              'expiresAt', ${isoTime(sql`mr.expires_at`)}) END
                  ORDER BY ${ROLE_ORDER})
    FROM member_roles mr JOIN roles r ON r.id = mr.role_id WHERE mr.member_id = p.id), '[]'::json)`;

// The page's expiring assignments, role id → ISO time (NULL for most members: nothing expires).
const ROLE_EXPIRIES_OF_MEMBER = sql`(SELECT json_object_agg(mr.role_id, ${isoTime(sql`mr.expires_at`)})
  FROM member_roles mr WHERE mr.member_id = p.id AND mr.expires_at IS NOT NULL)`;

// When the member last used the portal, kept apart from the member row (migration 014).
const LAST_ACTIVE_AT = sql`(SELECT ma.last_active_at FROM member_activity ma WHERE ma.member_id = m.id)`;

const MEMBER_COLUMNS = sql`m.id, m.account_id, m.email, m.status, ${isoTime(sql`m.joined_at`)} AS joined_at,
  ${isoTime(LAST_ACTIVE_AT)} AS last_active_at, m.version, ${scopeOfMember(sql`m`)} AS scope`;

// A sort key as text, as a cursor carries it: times to the microsecond, so a cursor names exactly
// the time of its row (the columns keep microseconds).
const MICROSECONDS = sql.raw(`'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'`);

/** The sort key of member `m`: the expression its index orders by. */
function sortKey(key: MemberSortKey): RawBuilder<unknown> {
  switch (key) {
    case "email":
      return sql`m.email`;
    case "name":
      return sql`lower(m.name)`;
    case "joinedAt":
      return sql`m.joined_at`;
    case "lastActiveAt":
      return LAST_ACTIVE_AT;
  }
}

function sortKeyText(key: MemberSortKey): RawBuilder<string> {
  return key === "joinedAt" || key === "lastActiveAt"
    ? sql<string>`to_char(${sortKey(key)} AT TIME ZONE 'UTC', ${MICROSECONDS})`
    : sql<string>`${sortKey(key)}`;
}

/** A cursor's key as a value comparable with sortKey(key). */
function keyValue(key: MemberSortKey, value: string): RawBuilder<unknown> {
  return key === "joinedAt" || key === "lastActiveAt" ? sql`${value}::timestamptz` : sql`${value}`;
}

/**
 * The rows after `position` in `order`, for keys that are never NULL: (key, id) past the cursor's.
 * Emails are unique in a company, so the email order needs no id (and its index has none).
 */
function afterPosition(
  order: MemberOrder,
  position: MemberPosition,
  key: RawBuilder<unknown>,
  id: RawBuilder<unknown>,
): RawBuilder<unknown> {
  const past = order.descending ? sql`<` : sql`>`;
  const value = keyValue(order.key, position.key ?? "");
  return order.key === "email"
    ? sql`${key} ${past} ${value}`
    : sql`(${key}, ${id}) ${past} (${value}, ${position.id}::uuid)`;
}

/** A page's row as the statement answers it, before its roles are named. */
type PageRow = Omit<MemberRow, "roles"> & {
  extra: number | null;
  matches: number | null;
  inside_rows?: number | null;
  sort_key: string | null;
  /** Comma-separated: cheaper to split than a PostgreSQL array to parse. */
  role_ids: string | null;
  role_expiries: Record<string, string> | null;
  roles_version: string;
};

export type ListedRow = MemberRow & {
  extra: number | null;
  matches: number | null;
  inside_rows?: number | null;
  sort_key: string | null;
};

/**
 * One page of members in `order` (ties by id, so the order is total; members who never signed in
 * come last in last-active order, in id order).
 */
export async function listMembers(
  db: Executor,
  filter: MemberFilter,
  order: MemberOrder,
  position: MemberPosition | null,
  limit: number,
  plan: ListPlan,
  /** A scalar subquery answered in the same round trip, on every row (e.g. the total). */
  extra: RawBuilder<number> = sql`NULL::int`,
  probeRows = PROBE_MIN_ROWS,
  /**
   * The members whose email starts with the term, beside `filter`'s (its emailInside): walked in
   * email order and merged into one page with what `plan` finds (collect or probe, email order).
   */
  starts?: MemberFilter,
  /** The members of the domains containing the term (searchParts' `domain`), merged as `starts` is. */
  domain?: MemberFilter,
): Promise<ListedRow[]> {
  const statement = memberPageStatement(
    filter,
    order,
    position,
    limit,
    plan,
    extra,
    probeRows,
    starts,
    domain,
  );
  return withRoleNames(db, filter.companyId, (await statement.execute(db)).rows);
}

/**
 * The plain list's page (no search and no role, perhaps a status; a walk in `order` with the
 * counters' total on every row), compiled once per shape: the member list's every first visit and
 * next page.
 */
const plainPageStatement = statementTemplate(
  (shape: string, companyId: string, positionKey: string | null, positionId: string, limit: number) => {
    const [key, direction, at, status] = shape.split(":") as [MemberSortKey, string, string, string];
    const filter: MemberFilter = { companyId, status: status === "" ? undefined : (status as MemberStatus) };
    const position = at === "first" ? null : { key: at === "null" ? null : positionKey, id: positionId };
    return memberPageStatement(
      filter,
      { key, descending: direction === "desc" },
      position,
      limit,
      "walk",
      counterTotal(companyId, undefined, filter.status),
    );
  },
  4,
);

// The pages asked together (many admins, or one paging quickly) go as one statement.
const plainPageStatements = statementBatch(plainPageStatement, ["uuid", "text", "uuid", "int"]);

/**
 * listMembers(db, { companyId, status }, order, position, limit, "walk", counterTotal(...)), compiled
 * once per shape, and batched with the pages asked at the same time.
 */
export async function listPlainPage(
  db: Kysely<DB>,
  companyId: string,
  status: MemberStatus | undefined,
  order: MemberOrder,
  position: MemberPosition | null,
  limit: number,
): Promise<ListedRow[]> {
  const at = position === null ? "first" : position.key === null ? "null" : "key";
  const shape = `${order.key}:${order.descending ? "desc" : "asc"}:${at}:${status ?? ""}`;
  const result = await plainPageStatements.execute(
    db,
    shape,
    companyId,
    position?.key ?? null,
    position?.id ?? "",
    limit,
  );
  return withRoleNames(db, companyId, result.rows);
}

/** The statement of listMembers: its text depends on the arguments' shape, never on their values. */
function memberPageStatement(
  filter: MemberFilter,
  order: MemberOrder,
  position: MemberPosition | null,
  limit: number,
  plan: ListPlan,
  extra: RawBuilder<number>,
  probeRows = PROBE_MIN_ROWS,
  starts?: MemberFilter,
  domain?: MemberFilter,
): RawBuilder<PageRow> {
  const direction = order.descending ? sql`DESC` : sql`ASC`;
  // Which members make the page (`top`: their ids in order), then their columns for the page alone.
  // - walk: the company's index of the order, one page long, testing the filters on each member it
  //   passes (with an email pattern, possibly thousands: the email indexes carry the id, migration
  //   011, so the email order reads the index alone).
  // - walk in last-active order: the activity index of the company (migration 022), then, once it
  //   runs out, the members without activity in id order.
  // - collect: every match gathered with its sort key (a broad search gathers thousands), sorted,
  //   and counted (`matches`). MATERIALIZED keeps the planner from turning the small, sorted set
  //   back into an ordered walk.
  // The walk reads `rows` members of the order past the position that pass `walked` (by default the
  // filter itself and one page; a probe walks without the email pattern and tests it after).
  const walk = (columns: RawBuilder<unknown>, walked: MemberFilter = filter, rows: number = limit) => {
    const after =
      position === null ? sql`` : sql`AND ${afterPosition(order, position, sortKey(order.key), sql`m.id`)}`;
    const ties = order.key === "email" ? sql`` : sql`, m.id ${direction}`;
    return sql`SELECT ${columns}, NULL::int AS matches
                 FROM members m WHERE ${matching(walked, "index", "walk")} ${after}
                ORDER BY ${sortKey(order.key)} ${direction}${ties} LIMIT ${rows}`;
  };
  let page: RawBuilder<unknown>;
  if (plan === "walk" && !searchesEmail(filter) && order.key === "email") {
    page = walk(sql`${MEMBER_COLUMNS}, m.name, ${sortKeyText(order.key)} AS sort_key`);
  } else {
    let top: RawBuilder<unknown>;
    // collect and probe find the page's matches as (id, k) in order (`rows`), with `hits` before
    // them and their count when they have it (`matches`).
    let found: { hits: RawBuilder<unknown>; matches: RawBuilder<unknown>; rows: RawBuilder<unknown> } | null =
      null;
    if (plan === "collect" || plan === "holders") {
      const past = order.descending ? sql`<` : sql`>`;
      const after =
        position === null
          ? sql``
          : position.key === null
            ? sql`AND h.k IS NULL AND h.id ${past} ${position.id}::uuid`
            : sql`AND (h.k IS NULL OR ${afterPosition(order, position, sql`h.k`, sql`h.id`)})`;
      // holders: the role's holders from the role's index, each member by its primary key; the
      // company is the assignment's, which member_roles' key into members holds to the member's.
      // Joined, the planner hashed the whole company to find them: 34 ms (107 ms planned for any
      // company) of the bench's 100,000 members for a role of 1,000. The subquery is kept apart
      // (OFFSET 0) and names no company, so that no index of the company's members can serve it
      // by a scan.
      const gathered =
        plan === "holders" && filter.roleId && !searchesEmail(filter)
          ? sql`SELECT h.id, h.k FROM member_roles mr CROSS JOIN LATERAL (
                  SELECT m.id, ${sortKey(order.key)} AS k FROM members m
                   WHERE m.id = mr.member_id ${memberTests({ ...filter, roleId: undefined }, "index", "join")}
                  OFFSET 0) h
                 WHERE mr.company_id = ${filter.companyId} AND mr.role_id = ${filter.roleId}`
          : sql`SELECT m.id, ${sortKey(order.key)} AS k FROM members m WHERE ${matching(filter)}`;
      found = {
        hits: sql`WITH hits AS MATERIALIZED (${gathered})`,
        matches: sql`(SELECT count(*) FROM hits)::int`,
        rows: sql`SELECT h.id, h.k FROM hits h WHERE true ${after}
                   ORDER BY h.k ${direction} NULLS LAST, h.id ${direction} LIMIT ${limit}`,
      };
    } else if (plan === "probe" && searchesEmail(filter) && orderHasProbe(order)) {
      const probed = walk(
        sql`m.id, m.email, ${sortKey(order.key)} AS k`,
        { ...filter, emailPattern: undefined, emailInside: undefined },
        probeRows,
      );
      const ties = order.key === "email" ? sql`` : sql`, w.id ${direction}`;
      found = {
        hits: sql``,
        matches: sql`NULL::int`,
        rows: sql`SELECT w.id, w.k FROM (${probed}) w WHERE true ${emailMatches(filter, sql`w.email`, "test")}
                   ORDER BY w.k ${direction}${ties} LIMIT ${limit}`,
      };
    }
    if ((starts || domain) && !(found && order.key === "email" && starts)) {
      throw new Error("listMembers: `starts` is merged only into a collect or a probe in email order");
    }
    if (found && starts) {
      // The page is the first of all parts in email order; `inside_rows` says how many of
      // `filter`'s matches came (a probe's short page proves nothing).
      const ahead = walk(sql`m.id, m.email AS k`, starts);
      // Each domain's range of the domain index (migration 044), one page long, in email order.
      const ranges = (part: MemberFilter, domains: readonly string[]) => {
        const after =
          position === null ? sql`` : sql`AND ${afterPosition(order, position, sql`m.email`, sql`m.id`)}`;
        const partDomain = domainOf(sql`m.email`);
        return sql`SELECT r.id, r.k FROM unnest(${domains}::text[]) dd(domain) CROSS JOIN LATERAL (
                     SELECT m.id, m.email AS k FROM members m
                      WHERE ${matching(part)} AND ${partDomain} = dd.domain ${after}
                      ORDER BY ${partDomain} ${direction}, m.email ${direction} LIMIT ${limit}) r`;
      };
      const domains = domain?.emailDomain
        ? sql`UNION ALL (SELECT d.id, d.k, false FROM (${ranges(domain, domain.emailDomain.domains)}) d)`
        : sql``;
      top = sql`${found.hits}
                SELECT u.id, ${found.matches} AS matches, (count(*) FILTER (WHERE u.inside) OVER ())::int AS inside_rows
                  FROM ((SELECT f.id, f.k, true AS inside FROM (${found.rows}) f)
                        UNION ALL (SELECT a.id, a.k, false FROM (${ahead}) a) ${domains}) u
                 ORDER BY u.k ${direction} LIMIT ${limit}`;
    } else if (found) {
      top = sql`${found.hits} SELECT f.id, ${found.matches} AS matches FROM (${found.rows}) f`;
    } else if (order.key === "lastActiveAt") {
      const past = order.descending ? sql`<` : sql`>`;
      const active =
        position === null
          ? sql``
          : position.key === null
            ? sql`AND false`
            : sql`AND ${afterPosition(order, position, sql`ma.last_active_at`, sql`ma.member_id`)}`;
      const never = position?.key === null ? sql`AND m.id ${past} ${position.id}::uuid` : sql``;
      // The second part is read only when the first ends within the page (Append runs in order).
      // The first tests each member the activity index passes, by primary key (member_activity's key
      // into members holds the company): joined, a plan made for any company hashed the company's
      // members and activity and sorted them, 396 ms of the bench's 100,000 for a role's page.
      top = sql`SELECT u.id, NULL::int AS matches FROM (
                  (SELECT ma.member_id AS id FROM member_activity ma
                    WHERE ma.company_id = ${filter.companyId} ${active}
                      AND EXISTS (SELECT 1 FROM members m
                                   WHERE m.id = ma.member_id ${memberTests(filter, "index", "walk")} OFFSET 0)
                    ORDER BY ma.last_active_at ${direction}, ma.member_id ${direction} LIMIT ${limit})
                  UNION ALL
                  (SELECT m.id FROM members m
                    WHERE ${matching(filter, "index", "walk")} ${never}
                      AND NOT EXISTS (SELECT 1 FROM member_activity ma WHERE ma.member_id = m.id)
                    ORDER BY m.id ${direction} LIMIT ${limit})) u LIMIT ${limit}`;
    } else {
      top = walk(sql`m.id`);
    }
    page = sql`WITH top AS (${top})
               SELECT ${MEMBER_COLUMNS}, m.name, ${sortKeyText(order.key)} AS sort_key, top.matches
                      ${starts ? sql`, top.inside_rows` : sql``}
                 FROM top JOIN members m ON m.id = top.id`;
  }
  // Each member's role ids (member_standing), named from the server's copy of the company's roles
  // as they stood at the page's roles_version: cheaper than building the names row by row.
  // The page is put in order again by its keys as text: code-point order, as the indexes order them.
  return sql<PageRow>`
    WITH page AS (${page})
    SELECT p.*, array_to_string(ms.role_ids, ',') AS role_ids, (${extra}) AS extra,
           CASE WHEN ms.earliest_expiry IS NOT NULL THEN ${ROLE_EXPIRIES_OF_MEMBER} END AS role_expiries,
           (SELECT c.roles_version FROM companies c WHERE c.id = ${filter.companyId}) AS roles_version
      FROM page p LEFT JOIN member_standing ms ON ms.member_id = p.id
     ORDER BY p.sort_key COLLATE "C" ${direction} NULLS LAST, p.id ${direction}`;
}

/** A page's rows with their roles named (from the server's copy of the company's roles). */
async function withRoleNames(db: Executor, companyId: string, rows: PageRow[]): Promise<ListedRow[]> {
  const first = rows[0];
  if (!first) return [];
  const roles = await nameRoles(
    db,
    companyId,
    Number(first.roles_version),
    rows.map((row) => row.role_ids),
  );
  // Named on the rows as they came (a copy of each row cost more than naming it).
  return rows.map((row, i) => {
    const expiries = row.role_expiries;
    const named = roles[i] ?? [];
    return Object.assign(row, {
      roles: expiries
        ? named.map((role) => (expiries[role.id] ? { ...role, expiresAt: expiries[role.id] } : role))
        : named,
    });
  });
}

/**
 * The number of matches up to cap + 1 (a broad search never scans the whole company), as a scalar
 * subquery. `test`: the term further in is asked of the whole email (see emailMatches), for matches
 * so many that the count walks the company's email order rather than an index of trigrams.
 */
export function cappedCount(
  filter: MemberFilter,
  cap: number,
  use: "index" | "test" = "index",
): RawBuilder<number> {
  return sql<number>`SELECT count(*)::int FROM (SELECT 1 FROM members m WHERE ${matching(filter, use)} LIMIT ${cap + 1}) capped`;
}

/**
 * A search's matches in its parts (the email's start, further in, and the domains' when apart), each
 * counted to cap + 1 so that their sum passes the cap whenever the matches do; `use` as for
 * cappedCount, of the part further in.
 */
export function searchCount(
  parts: SearchParts,
  cap: number,
  use: "index" | "test" = "index",
): RawBuilder<number> {
  return sql<number>`(${rangesCount(parts, cap)}) + (${cappedCount(parts.inside, cap, use)})`;
}

/** The parts a page reads as ranges (the email's start, the domains'), counted as searchCount does. */
export function rangesCount(parts: SearchParts, cap: number): RawBuilder<number> {
  const domains = parts.domain ? sql` + (${cappedCount(parts.domain, cap)})` : sql``;
  return sql<number>`(${cappedCount(parts.starts, cap)})${domains}`;
}

/**
 * PostgreSQL's estimate of how many members match (the planner's row estimate, no execution): used
 * only to choose how to fetch a page when there are more matches than the count goes to.
 */
export async function estimateMatchingMembers(db: Executor, filter: MemberFilter): Promise<number> {
  const result = await sql<{ "QUERY PLAN": [{ Plan: { "Plan Rows": number } }] }>`
    EXPLAIN (FORMAT JSON) SELECT 1 FROM members m WHERE ${matching(filter)}`.execute(db);
  const plan = result.rows[0]?.["QUERY PLAN"];
  const parsed = typeof plan === "string" ? JSON.parse(plan) : plan;
  return Number(parsed?.[0]?.Plan?.["Plan Rows"] ?? Number.POSITIVE_INFINITY);
}

/** The exact number of members (of a role, of a status) from the counters, as a scalar subquery. */
export function counterTotal(
  companyId: string,
  roleId: string | undefined,
  status: MemberStatus | undefined,
): RawBuilder<number> {
  const columns =
    status === "active"
      ? sql`active`
      : status === "deactivated"
        ? sql`deactivated`
        : sql`active + deactivated`;
  return roleId
    ? sql<number>`SELECT ${columns} FROM member_role_counts WHERE company_id = ${companyId} AND role_id = ${roleId}`
    : sql<number>`SELECT ${columns} FROM member_counts WHERE company_id = ${companyId}`;
}

/**
 * Whether the role has no more holders than the company has members of the status (true without a
 * status): whether a page of the role's is gathered from the role's side (ListPlan `holders`).
 */
export async function roleHasFewerHolders(
  db: Executor,
  companyId: string,
  roleId: string,
  status: MemberStatus | undefined,
): Promise<boolean> {
  if (status === undefined) return true;
  const holders = counterTotal(companyId, roleId, undefined);
  const ofStatus = counterTotal(companyId, undefined, status);
  return (
    (await scalar(db, sql<number>`SELECT CASE WHEN (${holders}) <= (${ofStatus}) THEN 1 ELSE 0 END`)) === 1
  );
}

/** The value of a scalar subquery (a total: counterTotal, cappedCount), asked on its own. */
export async function scalar(db: Executor, query: RawBuilder<number>): Promise<number> {
  const result = await sql<{ n: number | null }>`SELECT (${query}) AS n`.execute(db);
  return Number(result.rows[0]?.n ?? 0);
}

/**
 * One member of a company, with roles and whether the account has a second factor (a change locks
 * it through loadChange).
 */
export async function findMember(
  db: Executor,
  companyId: string,
  memberId: string,
): Promise<(MemberRow & { has_second_factor: boolean }) | undefined> {
  const result = await sql<MemberRow & { has_second_factor: boolean }>`
    WITH page AS (
      SELECT ${MEMBER_COLUMNS} FROM members m WHERE m.company_id = ${companyId} AND m.id = ${memberId})
    SELECT p.*, a.name, a.has_second_factor, ${ROLES_OF_MEMBER} AS roles
      FROM page p JOIN accounts a ON a.id = p.account_id`.execute(db);
  return result.rows[0];
}

/**
 * Who invited the member (the account that sent the invitation they accepted); null for a company's
 * founder, a member added by the system, or an inviter whose account is gone.
 */
export async function findInviter(
  db: Executor,
  companyId: string,
  memberId: string,
): Promise<{ name: string; email: string } | null> {
  const row = await db
    .selectFrom("members as m")
    .innerJoin("accounts as a", "a.id", "m.invited_by")
    .select(["a.name", "a.email"])
    .where("m.company_id", "=", companyId)
    .where("m.id", "=", memberId)
    .executeTakeFirst();
  return row ?? null;
}

export type CompanyRole = { id: string; key: string | null; name: string; permissions: string[] };

export type Standing = { status: MemberStatus; roleKeys: string[]; permissions: string[] };

// A member's standing as JSON: the member's status and what member_standing (migration 009) keeps.
function standingOf(member: RawBuilder<unknown>): RawBuilder<Standing> {
  return sql<Standing>`(SELECT json_build_object('status', ${member}.status,
                                 'roleKeys', coalesce(ms.role_keys, '{}'),
                                 'permissions', coalesce(ms.permissions, '{}'))
                          FROM (SELECT 1) one LEFT JOIN member_standing ms ON ms.member_id = ${member}.id)`;
}

/** What a member change decides on; read in one statement (see loadChange). */
export type ChangeState = {
  actor: Standing | null;
  /** The actor's merchant accounts: rule 6 extends to scope (SPEC §6.4). */
  actorScope: Scope;
  target: (MemberRow & { standing: Standing }) | null;
  /** The requested roles that belong to the company (ids of other companies do not come back). */
  roles: CompanyRole[];
  /** Other active Admins, counted only when the target is an active Admin itself (rule 4). */
  otherActiveAdmins: number | null;
  /** What a write made without the company lock checks is unchanged (see writeMemberRoles). */
  actorVersion: number | null;
  rolesVersion: number;
  /** For the notice the member is mailed: the company, and the target's language and time zone. */
  companyName: string;
  targetPreferences: { language: "en" | "zh-CN" | null; time_zone: string | null };
};

/**
 * Everything a member change decides on, in one round trip: the actor's standing, the target
 * (locked for the rest of the transaction) with its standing, the requested roles of the company
 * and, when the target is an active Admin, how many other active Admins there are. Run under the
 * company lock, in a statement that starts after the lock is held, so it sees every change committed before.
 * Read without the lock (`lock` false), it is only a proposal: writeMemberRoles with `decidedOn`
 * checks the versions it carries again under the locks.
 */
export async function loadChange(
  db: Executor,
  companyId: string,
  actorMemberId: string,
  targetMemberId: string,
  roleIds: readonly string[],
  /** Lock the target for the rest of the transaction (under the company lock). */
  lock = true,
): Promise<ChangeState> {
  const result = await sql<
    {
      actor: Standing | null;
      actor_scope: Scope | null;
      id: string | null;
      standing: Standing | null;
      requested_roles: CompanyRole[];
      other_active_admins: number | null;
      actor_version: number | null;
      roles_version: string | number;
      company_name: string | null;
      target_language: "en" | "zh-CN" | null;
      target_time_zone: string | null;
    } & Omit<MemberRow, "id">
  >`
    WITH page AS (
      SELECT ${MEMBER_COLUMNS} FROM members m WHERE m.company_id = ${companyId} AND m.id = ${targetMemberId}
      ${lock ? sql`FOR UPDATE` : sql``})
    SELECT p.*, a.name, ${ROLES_OF_MEMBER} AS roles,
           a.language AS target_language, a.time_zone AS target_time_zone,
           CASE WHEN p.id IS NOT NULL THEN ${standingOf(sql`p`)} END AS standing,
           (SELECT ${standingOf(sql`am`)} FROM members am
             WHERE am.company_id = ${companyId} AND am.id = ${actorMemberId}) AS actor,
           (SELECT am.version FROM members am
             WHERE am.company_id = ${companyId} AND am.id = ${actorMemberId}) AS actor_version,
           (SELECT ${scopeOfMember(sql`am`)} FROM members am
             WHERE am.company_id = ${companyId} AND am.id = ${actorMemberId}) AS actor_scope,
           (SELECT c.roles_version FROM companies c WHERE c.id = ${companyId}) AS roles_version,
           (SELECT c.name FROM companies c WHERE c.id = ${companyId}) AS company_name,
           ${
             roleIds.length === 0
               ? sql`'[]'::json`
               : sql`coalesce((SELECT json_agg(json_build_object('id', r.id, 'key', r.key, 'name', r.name,
                                                                  'permissions', ${PERMISSIONS_OF_ROLE}))
                        FROM roles r WHERE r.company_id = ${companyId} AND r.id IN (${sql.join(roleIds)})), '[]'::json)`
           } AS requested_roles,
           CASE WHEN p.status = 'active' AND EXISTS (
                  SELECT 1 FROM member_roles mr JOIN roles r ON r.id = mr.role_id AND r.key = ${sql.lit(ADMIN_ROLE_KEY)}
                   WHERE mr.member_id = p.id)
                THEN (SELECT count(*)::int FROM member_roles mr
                        JOIN roles r ON r.id = mr.role_id AND r.key = ${sql.lit(ADMIN_ROLE_KEY)}
                        JOIN members m ON m.id = mr.member_id
                       WHERE mr.company_id = ${companyId} AND m.status = 'active' AND m.id <> p.id)
           END AS other_active_admins
      FROM (SELECT 1) one
      LEFT JOIN page p ON true
      LEFT JOIN accounts a ON a.id = p.account_id`.execute(db);
  const row = result.rows[0];
  const {
    actor,
    actor_scope,
    standing,
    requested_roles,
    other_active_admins,
    actor_version,
    roles_version,
    company_name,
    target_language,
    target_time_zone,
    ...member
  } = row ?? ({} as never);
  return {
    actor: actor ?? null,
    actorScope: actor_scope ?? { kind: "restricted", merchantAccountIds: [] },
    target: member.id && standing ? { ...(member as MemberRow), standing } : null,
    roles: requested_roles ?? [],
    otherActiveAdmins: other_active_admins ?? null,
    actorVersion: actor_version ?? null,
    rolesVersion: Number(roles_version ?? -1),
    companyName: company_name ?? "",
    targetPreferences: { language: target_language ?? null, time_zone: target_time_zone ?? null },
  };
}

/** A role of the company by id or by predefined key. */
export async function findRoleByIdOrKey(
  db: Executor,
  companyId: string,
  role: { id: string } | { key: string },
): Promise<string | undefined> {
  let query = db.selectFrom("roles").select("id").where("company_id", "=", companyId);
  query = "id" in role ? query.where("id", "=", role.id) : query.where("key", "=", role.key);
  return (await query.executeTakeFirst())?.id;
}

/** What a change was decided on, for a write that is made only if none of it has changed. */
export type DecidedOn = {
  actorMemberId: string;
  actorVersion: number;
  targetVersion: number;
  rolesVersion: number;
};

/**
 * Gives a member exactly these roles, moves its version on, writes the audit event and queues the
 * member's notice (rule 12): one statement, so all or nothing. Answers the member with the roles as
 * written (the statement cannot see its own member_roles changes), or undefined when nothing was.
 * With `decidedOn` (outside the company lock) it writes only if the company's roles_version, the
 * actor's version and status and the target's version are still those, re-checked under row locks
 * taken in the order every change takes them.
 */
export async function writeMemberRoles(
  db: Executor,
  companyId: string,
  memberId: string,
  roleIds: readonly string[],
  event: AuditEvent,
  decidedOn?: DecidedOn,
  notice?: { mail: OutgoingMail; now: Date },
  webhook?: WebhookEvent,
  /** The roles' expiries; undefined: new roles have none, kept roles keep theirs. */
  expiries?: RoleExpiries,
): Promise<MemberRow | undefined> {
  // No role at all: only the system (SCIM) leaves a member so, when their last group is removed.
  const hasRoles = roleIds.length > 0;
  const expiryOf = (id: string) => expiries?.get(id) ?? null;
  const unchanged = decidedOn
    ? sql`AND m.version = ${decidedOn.targetVersion} AND EXISTS (
            SELECT 1 FROM members am
             WHERE am.company_id = ${companyId} AND am.id = ${decidedOn.actorMemberId}
               AND am.version = ${decidedOn.actorVersion} AND am.status = 'active'
               AND EXISTS (SELECT 1 FROM companies c WHERE c.id = ${companyId}
                              AND c.roles_version = ${decidedOn.rolesVersion} FOR UPDATE)
               FOR SHARE)`
    : sql``;
  const result = await sql<MemberRow>`
    WITH changed AS (
      UPDATE members m SET version = m.version + 1
       WHERE m.company_id = ${companyId} AND m.id = ${memberId} ${unchanged}
      RETURNING m.id, m.account_id, m.email, m.status, ${isoTime(sql`m.joined_at`)} AS joined_at,
                ${isoTime(LAST_ACTIVE_AT)} AS last_active_at, m.version, ${scopeOfMember(sql`m`)} AS scope, m.name),
    removed AS (
      DELETE FROM member_roles
       WHERE member_id IN (SELECT id FROM changed)
         ${hasRoles ? sql`AND role_id NOT IN (${sql.join(roleIds)})` : sql``}),
    added AS (${
      hasRoles
        ? sql`INSERT INTO member_roles (company_id, member_id, role_id, expires_at)
              SELECT ${companyId}, changed.id, wanted.role_id, wanted.expires_at
                FROM changed, (VALUES ${sql.join(roleIds.map((id) => sql`(${id}::uuid, ${expiryOf(id)}::timestamptz)`))})
                     AS wanted (role_id, expires_at)
              ${
                expiries
                  ? sql`ON CONFLICT (member_id, role_id) DO UPDATE SET expires_at = EXCLUDED.expires_at
                         WHERE member_roles.expires_at IS DISTINCT FROM EXCLUDED.expires_at`
                  : sql`ON CONFLICT DO NOTHING`
              }
              RETURNING role_id, expires_at`
        : sql`SELECT NULL::uuid AS role_id, NULL::timestamptz AS expires_at WHERE false`
    }),
    recorded AS (${auditInsertWhen(event, sql`EXISTS (SELECT 1 FROM changed)`)}),
    mailed AS (${notice ? enqueueMailWhen(notice.mail, notice.now, sql`EXISTS (SELECT 1 FROM changed)`) : sql`SELECT 1`}),
    hooked AS (${webhook ? webhookEventWhen(webhook, sql`EXISTS (SELECT 1 FROM changed)`) : sql`SELECT 1`})
    SELECT changed.*,
           ${
             hasRoles
               ? sql`(SELECT ${ROLE_REFS_JSON} FROM roles r
                       WHERE r.company_id = ${companyId} AND r.id IN (${sql.join(roleIds)}))`
               : sql`'[]'::json`
           } AS roles,
           ${
             hasRoles
               ? sql`(SELECT json_object_agg(kept.role_id, ${isoTime(sql`kept.expires_at`)}) FROM (
              SELECT mr.role_id, mr.expires_at FROM member_roles mr
               WHERE mr.member_id IN (SELECT id FROM changed) AND mr.expires_at IS NOT NULL
                 AND mr.role_id NOT IN (SELECT role_id FROM added)
              UNION ALL SELECT role_id, expires_at FROM added WHERE expires_at IS NOT NULL) kept
             WHERE kept.role_id IN (${sql.join(roleIds)}))`
               : sql`NULL::json`
           } AS role_expiries
      FROM changed`.execute(db);
  const row = result.rows[0] as (MemberRow & { role_expiries: Record<string, string> | null }) | undefined;
  if (!row) return undefined;
  const { role_expiries: roleExpiries, ...member } = row;
  return {
    ...member,
    roles: member.roles.map((role) =>
      roleExpiries?.[role.id] ? { ...role, expiresAt: roleExpiries[role.id] } : role,
    ),
  };
}

/** Bumps the member's version (optimistic concurrency) along with any other change. */
export async function updateMember(
  trx: Transaction<DB>,
  memberId: string,
  change: { status?: MemberStatus; deactivatedAt?: Date | null } = {},
): Promise<void> {
  await trx
    .updateTable("members")
    .set((eb) => ({
      version: eb("version", "+", 1),
      ...(change.status !== undefined ? { status: change.status } : {}),
      ...(change.deactivatedAt !== undefined ? { deactivated_at: change.deactivatedAt } : {}),
    }))
    .where("id", "=", memberId)
    .execute();
}

/**
 * The account of a company's member, locked for a deactivation before the member's row is.
 * It serialises the deactivations of one account's memberships, whichever companies they are in:
 * the second waits here for the first to commit, and its count (a later statement) then sees the
 * first's deactivation. NO KEY UPDATE leaves the key-share locks of logins (sessions' foreign key)
 * free. Before the member's row: a change to the account (its name, email or second factor) locks
 * the account, then every membership it is copied onto (022, 048), and a deactivation holding the
 * member's row while it waited for the account would deadlock with it.
 */
export async function lockAccountOfMember(
  trx: Transaction<DB>,
  companyId: string,
  memberId: string,
): Promise<void> {
  await sql`
    SELECT 1 FROM accounts
     WHERE id = (SELECT account_id FROM members WHERE company_id = ${companyId} AND id = ${memberId})
       FOR NO KEY UPDATE`.execute(trx);
}

/**
 * A share lock of the account, which conflicts with lockAccountOfMember's: a login counting the account's
 * active memberships (rule 9) and a deactivation ending its sessions take turns.
 */
export async function shareLockAccount(trx: Transaction<DB>, accountId: string): Promise<void> {
  await sql`SELECT 1 FROM accounts WHERE id = ${accountId} FOR SHARE`.execute(trx);
}

export async function countActiveMemberships(trx: Transaction<DB>, accountId: string): Promise<number> {
  const row = await trx
    .selectFrom("members")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("account_id", "=", accountId)
    .where("status", "=", "active")
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A member as the CSV export writes them: the list's fields, role names joined. */
export type ExportedMemberRow = {
  id: string;
  email: string;
  name: string;
  status: MemberStatus;
  roles: string;
  joined_at: string;
  last_active_at: string | null;
};

/**
 * The next `limit` members of the filter in email order, after `afterEmail`: the export walks the
 * company's email index by keyset (emails are unique in a company), one batch at a time.
 */
export async function exportMembers(
  db: Executor,
  filter: MemberFilter,
  afterEmail: string | null,
  limit: number,
): Promise<ExportedMemberRow[]> {
  const result = await sql<ExportedMemberRow>`
    SELECT m.id, m.email, m.name, m.status, ${isoTime(sql`m.joined_at`)} AS joined_at,
           ${isoTime(LAST_ACTIVE_AT)} AS last_active_at,
           coalesce((SELECT string_agg(r.name, '; ' ORDER BY ${ROLE_ORDER})
                       FROM member_roles mr JOIN roles r ON r.id = mr.role_id WHERE mr.member_id = m.id), '') AS roles
      FROM members m
     WHERE ${matching(filter, "index", "walk")} ${afterEmail === null ? sql`` : sql`AND m.email > ${afterEmail}`}
     ORDER BY m.email
     LIMIT ${limit}`.execute(db);
  return result.rows;
}

/** A membership to remove: its account, status and roles, locked until the transaction ends. */
export async function lockMemberForRemoval(
  trx: Transaction<DB>,
  companyId: string,
  memberId: string,
): Promise<
  | {
      id: string;
      account_id: string;
      email: string;
      name: string;
      status: MemberStatus;
      permissions: string[];
      roles: RoleRefRow[];
    }
  | undefined
> {
  const result = await sql<{
    id: string;
    account_id: string;
    email: string;
    name: string;
    status: MemberStatus;
    permissions: string[];
    roles: RoleRefRow[];
  }>`
    SELECT m.id, m.account_id, m.email, m.name, m.status,
           coalesce((SELECT array_agg(DISTINCT rp.permission) FROM member_roles mr
                       JOIN role_permissions rp ON rp.role_id = mr.role_id WHERE mr.member_id = m.id),
                    '{}')::text[] AS permissions,
           coalesce((SELECT json_agg(json_build_object('id', r.id, 'key', r.key, 'name', r.name) ORDER BY ${ROLE_ORDER})
                       FROM member_roles mr JOIN roles r ON r.id = mr.role_id WHERE mr.member_id = m.id), '[]'::json) AS roles
      FROM members m
     WHERE m.company_id = ${companyId} AND m.id = ${memberId}
       FOR UPDATE OF m`.execute(trx);
  return result.rows[0];
}

/** Ends a membership for good: its roles, standing and activity go with it (foreign keys cascade). */
export async function deleteMember(trx: Transaction<DB>, companyId: string, memberId: string): Promise<void> {
  await trx.deleteFrom("members").where("company_id", "=", companyId).where("id", "=", memberId).execute();
}
