// Access reviews (PCI DSS 7.2.4, SPEC §6.4): security.manage starts one (a snapshot of every member),
// decides keep / change / deactivate per member, completes it (each decision applied through the
// member services, so rules 4, 5, 6 and 9 and their audit hold), and downloads a CSV attestation.

import { Readable } from "node:stream";
import type { Kysely } from "kysely";
import { type RequestMeta, recordAudit } from "../audit/writer.js";
import { isUniqueViolation } from "../db/error-kinds.js";
import type { DB } from "../db/schema.js";
import { AppError } from "../errors.js";
import { csvRow } from "../http/csv.js";
import {
  changeMemberRoles,
  deactivateMember,
  type MemberActor,
  type MemberContext,
} from "../members/service.js";
import { listMerchantAccounts } from "../merchant-accounts/queries.js";
import {
  closeReview,
  countUndecided,
  findCompanyRoleIds,
  findReview,
  findRoleNames,
  hasCompletionEvent,
  insertReview,
  listReviewItems,
  listReviews,
  lockReview,
  type ReviewItemRow,
  type ReviewRow,
  writeDecision,
  writeOutcome,
} from "./queries.js";

export type ReviewContext = {
  db: Kysely<DB>;
  companyId: string;
  actor: MemberActor;
  meta: RequestMeta;
  now: Date;
};

export type Decision = { decision: "keep" | "change" | "deactivate"; roleIds?: string[] };

function person(id: string | null, name: string | null, email: string | null) {
  return id && email !== null ? { accountId: id, name: name ?? "", email } : null;
}

function reviewView(row: ReviewRow) {
  return {
    id: row.id,
    status: row.status,
    startedAt: row.started_at.toISOString(),
    startedBy: person(row.started_by, row.starter_name, row.starter_email),
    completedAt: row.completed_at?.toISOString() ?? null,
    completedBy: person(row.completed_by, row.completer_name, row.completer_email),
  };
}

function itemView(row: ReviewItemRow) {
  return {
    memberId: row.member_id,
    email: row.email,
    name: row.name,
    status: row.status,
    roles: row.roles.map((role) => ({
      id: role.id,
      key: role.key,
      name: role.name,
      ...(role.expiresAt ? { expiresAt: new Date(role.expiresAt).toISOString() } : {}),
    })),
    lastActiveAt: row.last_active_at?.toISOString() ?? null,
    hasSecondFactor: row.has_second_factor,
    scope: row.scope,
    decision: row.decision,
    roleIds: row.decision_role_ids,
    decidedAt: row.decided_at?.toISOString() ?? null,
    decidedBy: row.decider_email,
    outcome: row.outcome,
  };
}

async function audit(
  ctx: ReviewContext,
  db: Kysely<DB> | Parameters<typeof recordAudit>[0],
  action:
    | "security.access_review_started"
    | "security.access_review_decided"
    | "security.access_review_completed"
    | "security.access_review_report_exported",
  target: { type: string; id: string },
  details: Record<string, unknown>,
) {
  await recordAudit(db, {
    action,
    outcome: "success",
    companyId: ctx.companyId,
    actor: { accountId: ctx.actor.accountId, email: ctx.actor.email },
    target,
    details,
    meta: ctx.meta,
    at: ctx.now,
  });
}

export async function startReview(ctx: ReviewContext) {
  let reviewId: string;
  try {
    reviewId = await ctx.db.transaction().execute(async (trx) => {
      const id = await insertReview(trx, ctx.companyId, ctx.actor.accountId, ctx.now);
      const members = (await listReviewItems(trx, id)).length;
      await audit(ctx, trx, "security.access_review_started", { type: "access_review", id }, { members });
      return id;
    });
  } catch (error) {
    // The partial unique index: one open review per company, also when two start at once.
    if (isUniqueViolation(error)) throw new AppError("access_review_open");
    throw error;
  }
  return getReview(ctx.db, ctx.companyId, reviewId);
}

export async function getReview(db: Kysely<DB>, companyId: string, reviewId: string) {
  const review = await findReview(db, companyId, reviewId);
  if (!review) throw new AppError("not_found");
  const items = await listReviewItems(db, reviewId);
  return { ...reviewView(review), items: items.map(itemView) };
}

export async function listCompanyReviews(db: Kysely<DB>, companyId: string) {
  const rows = await listReviews(db, companyId, 50);
  return { items: rows.map((row) => ({ ...reviewView(row), members: row.members, decided: row.decided })) };
}

export async function decide(ctx: ReviewContext, reviewId: string, memberId: string, input: Decision) {
  const review = await findReview(ctx.db, ctx.companyId, reviewId);
  if (!review) throw new AppError("not_found");
  if (review.status !== "open") throw new AppError("access_review_completed");
  let roleIds: string[] | null = null;
  if (input.decision === "change") {
    const wanted = [...new Set((input.roleIds ?? []).map((id) => id.toLowerCase()))];
    const known = await findCompanyRoleIds(ctx.db, ctx.companyId, wanted);
    if (wanted.length === 0 || known.length !== wanted.length) {
      throw new AppError("validation_failed", "A change names one or more roles of this company.", {
        field: "body.roleIds",
      });
    }
    roleIds = wanted;
  } else if (input.roleIds !== undefined) {
    throw new AppError("validation_failed", "Only a change names roles.", { field: "body.roleIds" });
  }
  await ctx.db.transaction().execute(async (trx) => {
    const written = await writeDecision(trx, {
      reviewId,
      memberId,
      decision: input.decision,
      roleIds,
      decidedBy: ctx.actor.accountId,
      now: ctx.now,
    });
    if (!written) {
      const again = await findReview(trx, ctx.companyId, reviewId);
      throw new AppError(again?.status === "completed" ? "access_review_completed" : "not_found");
    }
    await audit(
      ctx,
      trx,
      "security.access_review_decided",
      { type: "member", id: memberId },
      { reviewId, decision: input.decision, roleIds },
    );
  });
  const [item] = await listReviewItems(ctx.db, reviewId, memberId);
  return itemView(item as ReviewItemRow);
}

/** How far another instance's clock may run behind the one that closed a review. */
const CLOCK_SKEW_MS = 60 * 60_000;

/**
 * Completes a review: every member must have a decision. The review is closed first (one caller
 * wins), then each decision goes through the member services as if the reviewer had made it by
 * hand; a refusal there (last_admin, self_modification, grant_exceeds_own…) is the item's outcome.
 * A change's outcome is written in the change's transaction, any other once its decision is settled,
 * and the completion's audit event last: a completion stopped part-way (a database failure, a
 * restart) is finished by completing again, from the first item without an outcome (applying a
 * decision twice changes nothing the second time).
 */
export async function completeReview(ctx: ReviewContext, reviewId: string) {
  const review = await findReview(ctx.db, ctx.companyId, reviewId);
  if (!review) throw new AppError("not_found");
  // Where in the audit log the completion's event would be: at or after the review was closed.
  let eventsSince: Date;
  let items: ReviewItemRow[];
  if (review.status === "open") {
    const undecided = await countUndecided(ctx.db, reviewId);
    if (undecided > 0) throw new AppError("access_review_undecided", undefined, { undecided });
    if (!(await closeReview(ctx.db, reviewId, ctx.actor.accountId, ctx.now))) {
      throw new AppError("access_review_completed");
    }
    eventsSince = ctx.now;
    items = await listReviewItems(ctx.db, reviewId);
  } else {
    eventsSince = new Date((review.completed_at ?? ctx.now).getTime() - CLOCK_SKEW_MS);
    items = await listReviewItems(ctx.db, reviewId);
    const finished =
      items.every((item) => item.outcome !== null) &&
      (await hasCompletionEvent(ctx.db, ctx.companyId, reviewId, eventsSince));
    if (finished) throw new AppError("access_review_completed");
  }
  for (const item of items) {
    if (item.outcome !== null) continue;
    // A change's outcome commits with the change: a completion stopped between the two, or another
    // completing beside this one, cannot record as unchanged a change this review made.
    const memberContext: MemberContext = {
      ...ctx,
      withChange: (trx) => writeOutcome(trx, reviewId, item.member_id, "applied"),
    };
    await writeOutcome(ctx.db, reviewId, item.member_id, await apply(memberContext, item));
  }
  await ctx.db.transaction().execute(async (trx) => {
    await lockReview(trx, reviewId);
    if (await hasCompletionEvent(trx, ctx.companyId, reviewId, eventsSince)) return;
    const outcomes: Record<string, number> = {};
    for (const item of await listReviewItems(trx, reviewId)) {
      const outcome = item.outcome ?? "unchanged";
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    }
    await audit(
      ctx,
      trx,
      "security.access_review_completed",
      { type: "access_review", id: reviewId },
      { outcomes },
    );
  });
  return getReview(ctx.db, ctx.companyId, reviewId);
}

async function apply(ctx: MemberContext, item: ReviewItemRow): Promise<string> {
  try {
    switch (item.decision) {
      case "change":
        await changeMemberRoles(ctx, item.member_id, { roleIds: item.decision_role_ids ?? [] });
        return "applied";
      case "deactivate":
        await deactivateMember(ctx, item.member_id, {});
        return "applied";
      default:
        return "kept";
    }
  } catch (error) {
    // A member already deactivated, or removed since the review started, needs nothing more.
    if (error instanceof AppError) return error.code === "conflict" ? "unchanged" : error.code;
    throw error;
  }
}

const REPORT_HEADER = [
  "review_id",
  "review_status",
  "started_at",
  "started_by",
  "completed_at",
  "completed_by",
  "member_email",
  "member_name",
  "member_status",
  "roles",
  "merchant_accounts",
  "last_active_at",
  "second_factor",
  "decision",
  "new_roles",
  "decided_by",
  "decided_at",
  "outcome",
];

/** The attestation: one CSV row per member reviewed, formulas escaped (rule 17), audited. */
export async function reviewReport(ctx: ReviewContext, reviewId: string): Promise<Readable> {
  const review = await findReview(ctx.db, ctx.companyId, reviewId);
  if (!review) throw new AppError("not_found");
  const items = await listReviewItems(ctx.db, reviewId);
  const roleNames = new Map<string, string>();
  for (const item of items) for (const role of item.roles) roleNames.set(role.id, role.name);
  const changeIds = items.flatMap((item) => item.decision_role_ids ?? []).filter((id) => !roleNames.has(id));
  if (changeIds.length > 0) {
    for (const role of await findRoleNames(ctx.db, ctx.companyId, changeIds))
      roleNames.set(role.id, role.name);
  }
  const accountNames = new Map(
    (await listMerchantAccounts(ctx.db, ctx.companyId, null)).map((account) => [account.id, account.name]),
  );
  const view = reviewView(review);
  const lines = [csvRow(REPORT_HEADER)];
  for (const item of items) {
    lines.push(
      csvRow([
        view.id,
        view.status,
        view.startedAt,
        view.startedBy?.email ?? "",
        view.completedAt ?? "",
        view.completedBy?.email ?? "",
        item.email,
        item.name,
        item.status,
        item.roles
          .map((role) =>
            role.expiresAt ? `${role.name} (until ${new Date(role.expiresAt).toISOString()})` : role.name,
          )
          .join("; "),
        item.scope.kind === "all"
          ? "all"
          : item.scope.merchantAccountIds.map((id) => accountNames.get(id) ?? id).join("; "),
        item.last_active_at?.toISOString() ?? "",
        item.has_second_factor ? "yes" : "no",
        item.decision ?? "",
        (item.decision_role_ids ?? []).map((id) => roleNames.get(id) ?? id).join("; "),
        item.decider_email ?? "",
        item.decided_at?.toISOString() ?? "",
        item.outcome ?? "",
      ]),
    );
  }
  await audit(
    ctx,
    ctx.db,
    "security.access_review_report_exported",
    { type: "access_review", id: reviewId },
    {
      members: items.length,
    },
  );
  return Readable.from(lines);
}
