// SQL of access reviews (PCI DSS 7.2.4, SPEC §6.4): the snapshot of every member taken when a review
// starts, the decisions, the one conditional UPDATE that lets a single caller complete a review.

import { type Kysely, sql, type Transaction } from "kysely";
import { ROLE_ORDER } from "../access/role-queries.js";
import type { Scope } from "../access/scope.js";
import type { DB } from "../db/schema.js";
import { scopeOfMember } from "../merchant-accounts/queries.js";

type Executor = Kysely<DB> | Transaction<DB>;

export type ReviewRow = {
  id: string;
  company_id: string;
  status: "open" | "completed";
  started_at: Date;
  started_by: string | null;
  starter_name: string | null;
  starter_email: string | null;
  completed_at: Date | null;
  completed_by: string | null;
  completer_name: string | null;
  completer_email: string | null;
};

export type ReviewItemRow = {
  member_id: string;
  email: string;
  name: string;
  status: "active" | "deactivated";
  roles: { id: string; key: string | null; name: string; expiresAt?: string }[];
  last_active_at: Date | null;
  has_second_factor: boolean;
  /** The member's merchant accounts when the review started. */
  scope: Scope;
  decision: "keep" | "change" | "deactivate" | null;
  decision_role_ids: string[] | null;
  decided_at: Date | null;
  decider_email: string | null;
  outcome: string | null;
};

const REVIEW_COLUMNS = sql`r.id, r.company_id, r.status, r.started_at, r.started_by,
  sa.name AS starter_name, sa.email AS starter_email, r.completed_at, r.completed_by,
  ca.name AS completer_name, ca.email AS completer_email`;
const REVIEW_SOURCE = sql`access_reviews r LEFT JOIN accounts sa ON sa.id = r.started_by
  LEFT JOIN accounts ca ON ca.id = r.completed_by`;

/**
 * Opens a review with a snapshot of every member of the company: roles (with their expiries),
 * status, last activity and whether the account has a second factor. The partial unique index
 * refuses a second open review (the caller maps the violation to 409 access_review_open).
 */
export async function insertReview(
  trx: Transaction<DB>,
  companyId: string,
  startedBy: string,
  now: Date,
): Promise<string> {
  const review = await trx
    .insertInto("access_reviews")
    .values({ company_id: companyId, started_by: startedBy, started_at: now })
    .returning("id")
    .executeTakeFirstOrThrow();
  await sql`
    INSERT INTO access_review_items
      (review_id, company_id, member_id, email, name, status, roles, last_active_at, has_second_factor, scope)
    SELECT ${review.id}, m.company_id, m.id, m.email, a.name, m.status,
           coalesce((SELECT jsonb_agg(CASE WHEN mr.expires_at IS NULL
                                           THEN jsonb_build_object('id', r.id, 'key', r.key, 'name', r.name)
                                           ELSE jsonb_build_object('id', r.id, 'key', r.key, 'name', r.name,
                                                                   'expiresAt', mr.expires_at) END
                                      ORDER BY ${ROLE_ORDER})
                       FROM member_roles mr JOIN roles r ON r.id = mr.role_id WHERE mr.member_id = m.id), '[]'::jsonb),
           (SELECT ma.last_active_at FROM member_activity ma WHERE ma.member_id = m.id),
           a.has_second_factor, (${scopeOfMember(sql`m`)})::jsonb
      FROM members m JOIN accounts a ON a.id = m.account_id
     WHERE m.company_id = ${companyId}`.execute(trx);
  return review.id;
}

export async function findReview(db: Executor, companyId: string, reviewId: string) {
  const result = await sql<ReviewRow>`
    SELECT ${REVIEW_COLUMNS} FROM ${REVIEW_SOURCE}
     WHERE r.company_id = ${companyId} AND r.id = ${reviewId}`.execute(db);
  return result.rows[0];
}

/** The company's reviews, newest first (at most `limit`: two a year is the pace PCI DSS asks for). */
export async function listReviews(db: Executor, companyId: string, limit: number) {
  const result = await sql<ReviewRow & { members: number; decided: number }>`
    SELECT ${REVIEW_COLUMNS},
           (SELECT count(*)::int FROM access_review_items i WHERE i.review_id = r.id) AS members,
           (SELECT count(*)::int FROM access_review_items i WHERE i.review_id = r.id AND i.decision IS NOT NULL) AS decided
      FROM ${REVIEW_SOURCE}
     WHERE r.company_id = ${companyId}
     ORDER BY r.started_at DESC, r.id DESC
     LIMIT ${limit}`.execute(db);
  return result.rows;
}

/** The review's members in email order. */
export async function listReviewItems(db: Executor, reviewId: string, memberId?: string) {
  const result = await sql<ReviewItemRow>`
    SELECT i.member_id, i.email, i.name, i.status, i.roles, i.last_active_at, i.has_second_factor, i.scope,
           i.decision,
           i.decision_role_ids::text[] AS decision_role_ids, i.decided_at, d.email AS decider_email, i.outcome
      FROM access_review_items i LEFT JOIN accounts d ON d.id = i.decided_by
     WHERE i.review_id = ${reviewId} ${memberId ? sql`AND i.member_id = ${memberId}` : sql``}
     ORDER BY i.email, i.member_id`.execute(db);
  return result.rows;
}

/** Records a decision while the review is open; false when the review is closed or lacks the member. */
export async function writeDecision(
  trx: Transaction<DB>,
  input: {
    reviewId: string;
    memberId: string;
    decision: "keep" | "change" | "deactivate";
    roleIds: string[] | null;
    decidedBy: string;
    now: Date;
  },
): Promise<boolean> {
  const result = await sql`
    UPDATE access_review_items i
       SET decision = ${input.decision}, decision_role_ids = ${input.roleIds}::uuid[],
           decided_by = ${input.decidedBy}, decided_at = ${input.now}
     WHERE i.review_id = ${input.reviewId} AND i.member_id = ${input.memberId}
       AND EXISTS (SELECT 1 FROM access_reviews r WHERE r.id = i.review_id AND r.status = 'open' FOR SHARE)`.execute(
    trx,
  );
  return Number(result.numAffectedRows ?? 0) > 0;
}

/** The company's roles among `roleIds` (ids of other companies do not come back). */
export async function findCompanyRoleIds(
  db: Executor,
  companyId: string,
  roleIds: string[],
): Promise<string[]> {
  if (roleIds.length === 0) return [];
  const rows = await db
    .selectFrom("roles")
    .select("id")
    .where("company_id", "=", companyId)
    .where("id", "in", roleIds)
    .execute();
  return rows.map((row) => row.id);
}

export async function findRoleNames(db: Executor, companyId: string, roleIds: string[]) {
  return db
    .selectFrom("roles")
    .select(["id", "name"])
    .where("company_id", "=", companyId)
    .where("id", "in", roleIds)
    .execute();
}

export async function countUndecided(db: Executor, reviewId: string): Promise<number> {
  const row = await db
    .selectFrom("access_review_items")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("review_id", "=", reviewId)
    .where("decision", "is", null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Closes an open review; of concurrent callers exactly one gets true. */
export async function closeReview(
  db: Executor,
  reviewId: string,
  completedBy: string,
  now: Date,
): Promise<boolean> {
  const result = await db
    .updateTable("access_reviews")
    .set({ status: "completed", completed_at: now, completed_by: completedBy })
    .where("id", "=", reviewId)
    .where("status", "=", "open")
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** An item's outcome, written once: a completion resumed beside another leaves the first one's. */
export async function writeOutcome(db: Executor, reviewId: string, memberId: string, outcome: string) {
  await db
    .updateTable("access_review_items")
    .set({ outcome })
    .where("review_id", "=", reviewId)
    .where("member_id", "=", memberId)
    .where("outcome", "is", null)
    .execute();
}

/** The review's row, locked: completions that finish together write its audit event in turn. */
export async function lockReview(trx: Transaction<DB>, reviewId: string): Promise<void> {
  await trx.selectFrom("access_reviews").select("id").where("id", "=", reviewId).forUpdate().execute();
}

/** Whether the review's completion event is in the audit log (written at or after `since`, its closing). */
export async function hasCompletionEvent(
  db: Executor,
  companyId: string,
  reviewId: string,
  since: Date,
): Promise<boolean> {
  const row = await db
    .selectFrom("audit_events")
    .select("id")
    .where("company_id", "=", companyId)
    .where("occurred_at", ">=", since)
    .where("action", "=", "security.access_review_completed")
    .where("target_type", "=", "access_review")
    .where("target_id", "=", reviewId)
    .executeTakeFirst();
  return row !== undefined;
}
