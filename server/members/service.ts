// The member list and the three member changes: roles, deactivation, reactivation (rules 2, 4, 5,
// 6, 9, 11). Each change reads its state, follows the plan of change-plan.ts (optimistic or under
// the company lock) and records its audit event; refusals are recorded on their own, outside the
// transaction that failed.
import type { Kysely, RawBuilder, Transaction } from "kysely";
import { ADMIN_ROLE_KEY, PERMISSION_KEYS } from "../access/permissions.js";
import { permissionsBeyondOwn } from "../access/policy.js";
import type { Scope } from "../access/scope.js";
import { deleteAccountSessions } from "../access/session-queries.js";
import type { AuditAction } from "../audit/actions.js";
import { type AuditEvent, type RequestMeta, recordAudit } from "../audit/writer.js";
import { SUBSTRING_MIN_LENGTH } from "../db/like-pattern.js";
import type { DB, MemberStatus } from "../db/schema.js";
import { AppError, type ErrorCode } from "../errors.js";
import { parseRoleExpiries, type RoleExpiries } from "../expiry/role-expiries.js";
import { csvRow, csvStream } from "../http/csv.js";
import { DEFAULT_LIMIT } from "../http/pagination.js";
import { isUuid } from "../ids.js";
import { enqueueMail, type OutgoingMail } from "../mail/outbox.js";
import { mailLocaleOf } from "../mail/templates.js";
import { writeMemberScope } from "../merchant-accounts/queries.js";
import { checkRequestedScope } from "../merchant-accounts/service.js";
import { lockCompany } from "../roles/queries.js";
import { emitWebhookEvent, memberWebhookEvent, type WebhookEvent } from "../webhooks/events.js";
import { type ChangeRequest, type ChangeStep, openChange, planChange } from "./change-plan.js";
import {
  DEFAULT_MEMBER_ORDER,
  decodeMemberCursor,
  encodeMemberCursor,
  type MemberOrder,
  type MemberPosition,
  type MemberSortKey,
} from "./list-order.js";
import { memberDeactivatedMail, memberReactivatedMail, rolesChangedMail } from "./mails.js";
import {
  type ChangeState,
  type CompanyRole,
  cappedCount,
  companyEmailDomains,
  countActiveMemberships,
  counterTotal,
  countingUse,
  deleteMember,
  estimateMatchingMembers,
  exportMembers,
  findInviter,
  findMember,
  findRoleByIdOrKey,
  likePattern,
  listMembers,
  listPlainPage,
  loadChange,
  lockAccountOfMember,
  lockMemberForRemoval,
  type MemberFilter,
  type MemberRow,
  orderHasProbe,
  probeRowsFor,
  rangesCount,
  roleHasFewerHolders,
  type Standing,
  scalar,
  searchCount,
  searchParts,
  updateMember,
  writeMemberRoles,
} from "./queries.js";
import { type MemberView, memberView } from "./view.js";

export type { MemberView };

/** A substring search counts at most this many matches (SPEC §3), then says totalExact:false. */
export const SEARCH_COUNT_CAP = 1_000;
/** A search the planner estimates to match at most this many members is gathered, not walked. */
export const SEARCH_COLLECT_MAX_ESTIMATE = 10_000;

export type MemberListQuery = {
  email?: string;
  role?: string;
  status?: MemberStatus;
  sort?: MemberSortKey;
  order?: "asc" | "desc";
  limit?: number;
  cursor?: string;
};

type ListedMember = MemberRow & { sort_key: string | null };

export async function listMemberPage(db: Kysely<DB>, companyId: string, query: MemberListQuery) {
  const limit = query.limit ?? DEFAULT_LIMIT;
  const order: MemberOrder = {
    key: query.sort ?? DEFAULT_MEMBER_ORDER.key,
    descending: (query.order ?? "asc") === "desc",
  };
  const position = decodeMemberCursor(query.cursor, order);
  const term = query.email?.trim().toLowerCase() ?? "";
  const filter: MemberFilter = {
    companyId,
    status: query.status,
    roleId: query.role === undefined ? undefined : await resolveRoleFilter(db, companyId, query.role),
    emailPattern:
      term === ""
        ? undefined
        : likePattern(term, term.length < SUBSTRING_MIN_LENGTH ? "prefix" : "substring"),
  };

  let total: number;
  let totalExact = true;
  let rows: ListedMember[];
  if (
    filter.emailPattern === undefined &&
    filter.roleId === undefined &&
    (filter.status === undefined || order.key === "email")
  ) {
    // The plain list: one walk in its order, its total read from the counters. A status has an
    // index of its own in email order only.
    const totalQuery = counterTotal(companyId, undefined, filter.status);
    ({ rows, total } = await withTotal(
      db,
      await listPlainPage(db, companyId, filter.status, order, position, limit + 1),
      totalQuery,
    ));
  } else if (filter.emailPattern === undefined) {
    // A role or status: the total from the counters; few holders are cheaper gathered and sorted
    // than walked, and a role's from the role's side unless a status asked for has fewer members.
    total = await scalar(db, counterTotal(companyId, filter.roleId, filter.status));
    rows = await listMembers(
      db,
      filter,
      order,
      position,
      limit + 1,
      total > SEARCH_COUNT_CAP
        ? "walk"
        : filter.roleId && (await roleHasFewerHolders(db, companyId, filter.roleId, filter.status))
          ? "holders"
          : "collect",
    );
  } else if (order.key === "email" && term.length >= SUBSTRING_MIN_LENGTH) {
    return pageAnswer(await searchInEmailOrder(db, filter, term, order, position, limit + 1), order, limit);
  } else {
    const estimate = await estimateMatchingMembers(db, filter);
    if (estimate <= SEARCH_COLLECT_MAX_ESTIMATE) {
      // A search the planner expects to match a few thousand members at most: every match gathered
      // through the trigram index, sorted, and counted in the same query. Walking the email order
      // instead can read tens of thousands of rows before the first match (a first name clusters).
      return pageAnswer(await collectWithTotal(db, filter, order, position, limit + 1), order, limit);
    }
    // A search matching much of the company: the order's index finds a page at once when the
    // matches are spread through it, and the count stops at its cap. When they cluster (a first
    // name in the email order of a million members sat 700,000 rows in: 1.3 s of walking), the
    // probe comes back short and every match is gathered instead (80 ms for those 20,000).
    const countQuery = cappedCount(filter, SEARCH_COUNT_CAP);
    const walked = await withTotal(
      db,
      await listMembers(db, filter, order, position, limit + 1, "probe", countQuery, probeRowsFor(estimate)),
      countQuery,
    );
    // A full page is the page; a short one from a probe proves nothing (a walk's short page is the end).
    if (walked.rows.length === limit + 1 || !orderHasProbe(order)) {
      const counted = walked.total;
      rows = walked.rows;
      total = Math.min(counted, SEARCH_COUNT_CAP);
      totalExact = counted <= SEARCH_COUNT_CAP;
    } else {
      ({ rows, total, totalExact } = await collectWithTotal(db, filter, order, position, limit + 1));
    }
  }
  return pageAnswer({ rows, total, totalExact }, order, limit);
}

/** The answer from up to limit + 1 rows: the page, and a cursor when there is a row past it. */
function pageAnswer(
  { rows, total, totalExact }: { rows: ListedMember[]; total: number; totalExact: boolean },
  order: MemberOrder,
  limit: number,
) {
  const hasMore = rows.length > limit;
  const items = hasMore ? rows.slice(0, limit) : rows;
  const last = items[items.length - 1];
  const nextCursor = hasMore && last ? encodeMemberCursor(order, { key: last.sort_key, id: last.id }) : null;
  return { items: items.map(memberView), total, totalExact, nextCursor };
}

/**
 * A page's rows with the total its statement answered on every row (`totalQuery`, asked in the same
 * round trip); a page past the end has no row to carry it, so it is asked apart.
 */
async function withTotal<Row extends { extra: number | null }>(
  db: Kysely<DB>,
  rows: Row[],
  totalQuery: RawBuilder<number>,
): Promise<{ rows: Row[]; total: number }> {
  const first = rows[0];
  return { rows, total: first ? Number(first.extra ?? 0) : await scalar(db, totalQuery) };
}

/**
 * A substring search in email order, in two parts merged into each page: the members whose email
 * starts with the term, a range of the email index already in order, and those who have it further
 * in, found as any search is (gathered, or probed for when many), through the trigram index of the
 * email past its first character (migration 040). A first name starts the emails it is in, so its
 * matches sit together in email order, far into it in a large company: as one search, a page of
 * them gathered every match; as two, it is a range read. Where the company has few email domains,
 * a third part: the members of the domains containing the term, each domain a range (migration 044),
 * the part further in being then the part before the @ alone.
 */
async function searchInEmailOrder(
  db: Kysely<DB>,
  filter: MemberFilter,
  term: string,
  order: MemberOrder,
  position: MemberPosition | null,
  limit: number,
): Promise<{ rows: ListedMember[]; total: number; totalExact: boolean }> {
  // A term without an @ is in the part before it or in the domain: where the company has few
  // domains, those containing the term are read apart (migration 044).
  const domains = term.includes("@") ? null : await companyEmailDomains(db, filter.companyId);
  const parts = searchParts(
    filter,
    term,
    domains?.filter((domain) => domain.includes(term)),
  );
  const { starts, inside, domain } = parts;
  const capped = (counted: number) => ({
    total: Math.min(counted, SEARCH_COUNT_CAP),
    totalExact: counted <= SEARCH_COUNT_CAP,
  });
  // A page of all parts: the further-in matches found by `plan`, the ranges beside them.
  const page = (plan: "probe" | "collect", extra: RawBuilder<number>, probeRows?: number) =>
    listMembers(db, inside, order, position, limit, plan, extra, probeRows, starts, domain);
  const estimate = await estimateMatchingMembers(db, inside);
  if (estimate > SEARCH_COLLECT_MAX_ESTIMATE) {
    // Matches further in so many that a page of them is probed for, and their count, where it
    // would read less than the trigram index, walks the email order, testing the email itself.
    const members = await scalar(db, counterTotal(filter.companyId, undefined, undefined));
    const counted = searchCount(parts, SEARCH_COUNT_CAP, countingUse(estimate, members, SEARCH_COUNT_CAP));
    const rows = await page("probe", counted, probeRowsFor(estimate));
    // Conclusive when the probe found a page of its own part; else its matches may lie further on.
    const first = rows[0];
    if (first && first.inside_rows === limit) return { rows, ...capped(Number(first.extra)) };
  }
  // The start's and the domains' ranges counted to the cap + 1; a gathering counts its own part
  // exactly beside them.
  const rows = await page("collect", rangesCount(parts, SEARCH_COUNT_CAP));
  const first = rows[0];
  // The gathered part's count is on every row; a page past the end has no row to carry it.
  const counted = first
    ? Number(first.extra) + Number(first.matches)
    : await scalar(db, searchCount(parts, SEARCH_COUNT_CAP));
  return { rows, ...capped(counted) };
}

/** Every match gathered, sorted and counted in one query (the count capped at SEARCH_COUNT_CAP). */
async function collectWithTotal(
  db: Kysely<DB>,
  filter: MemberFilter,
  order: MemberOrder,
  position: MemberPosition | null,
  limit: number,
): Promise<{ rows: ListedMember[]; total: number; totalExact: boolean }> {
  const rows = await listMembers(db, filter, order, position, limit, "collect");
  // A page past the end has no row to carry the count, so it is asked apart.
  const matches = rows[0]?.matches ?? (await scalar(db, cappedCount(filter, SEARCH_COUNT_CAP)));
  return { rows, total: Math.min(matches, SEARCH_COUNT_CAP), totalExact: matches <= SEARCH_COUNT_CAP };
}

async function resolveRoleFilter(db: Kysely<DB>, companyId: string, role: string): Promise<string> {
  const id = await findRoleByIdOrKey(db, companyId, isUuid(role) ? { id: role } : { key: role });
  if (!id) {
    throw new AppError("validation_failed", "No such role in this company.", { field: "querystring.role" });
  }
  return id;
}

/**
 * One member as their page shows them: the list's fields, who invited them and whether they have a
 * second factor.
 */
export async function getMember(
  db: Kysely<DB>,
  companyId: string,
  memberId: string,
): Promise<MemberView & { invitedBy: { name: string; email: string } | null; hasSecondFactor: boolean }> {
  const [row, invitedBy] = await Promise.all([
    findMember(db, companyId, memberId),
    findInviter(db, companyId, memberId),
  ]);
  if (!row) throw new AppError("not_found");
  return { ...memberView(row), invitedBy, hasSecondFactor: row.has_second_factor };
}

// ---- changes ---------------------------------------------------------------------------------

export type MemberActor = { accountId: string; email: string; name: string; memberId: string };

/**
 * A change no member makes: a company's SCIM token, which acts with Admin power (SPEC §6.3). Rules 4
 * and 9 hold for it as for anyone; it is no member, so rule 5 never applies. `auditDetails` name it
 * in every event (the token's name: the audit log has no account to show).
 */
export type SystemActor = { kind: "system"; name: string; auditDetails: Record<string, unknown> };

// The system's standing: the Admin role's, so the grant ceiling (rule 6) lets it assign any role.
const SYSTEM_STANDING: Standing = {
  status: "active",
  roleKeys: [ADMIN_ROLE_KEY],
  permissions: [...PERMISSION_KEYS],
};
// No member has this id, so the state loaded for a system change has no actor row of its own.
const NO_MEMBER_ID = "00000000-0000-0000-0000-000000000000";

function isSystem(actor: MemberActor | SystemActor): actor is SystemActor {
  return "kind" in actor && actor.kind === "system";
}

function actorMemberIdOf(ctx: MemberContext): string {
  return isSystem(ctx.actor) ? NO_MEMBER_ID : ctx.actor.memberId;
}

export type MemberContext = {
  db: Kysely<DB>;
  companyId: string;
  actor: MemberActor | SystemActor;
  meta: RequestMeta;
  now: Date;
  /**
   * What must commit with a change this call writes, or not at all (an access review's outcome):
   * run in the change's transaction after its writes. A change with it is made under the company
   * lock, in a transaction, never by the one-statement path.
   */
  withChange?: (trx: Transaction<DB>) => Promise<void>;
};

// Refusals that reach the audit log as denied attempts (rule 11).
const RECORDED_REFUSALS = new Set<ErrorCode>([
  "self_modification",
  "last_admin",
  "grant_exceeds_own",
  "conflict",
  "forbidden",
  "not_found",
  "validation_failed",
]);

function auditEvent(
  ctx: MemberContext,
  action: AuditAction,
  outcome: "success" | "denied",
  memberId: string,
  details: Record<string, unknown>,
): AuditEvent {
  const actor = ctx.actor;
  return {
    action,
    outcome,
    companyId: ctx.companyId,
    actor: isSystem(actor) ? null : { accountId: actor.accountId, email: actor.email },
    target: { type: "member", id: memberId },
    details: isSystem(actor) ? { ...details, ...actor.auditDetails } : details,
    meta: ctx.meta,
    at: ctx.now,
  };
}

async function audit(
  ctx: MemberContext,
  db: Kysely<DB> | Transaction<DB>,
  action: AuditAction,
  outcome: "success" | "denied",
  memberId: string,
  details: Record<string, unknown>,
) {
  await recordAudit(db, auditEvent(ctx, action, outcome, memberId, details));
}

/** What a refusal's audit event keeps: the reason and small facts, never the member's whole state. */
function refusalDetails(error: AppError, extra: Record<string, unknown>): Record<string, unknown> {
  const details: Record<string, unknown> = { reason: error.code, ...extra };
  if (error.code === "grant_exceeds_own") details.permissionsBeyondOwn = error.details?.permissions;
  if (error.code === "conflict") {
    details.currentVersion = (error.details?.current as MemberView | undefined)?.version ?? null;
  }
  return details;
}

/** How a refused change is recorded: its audit action and the facts the event keeps. */
type RefusalRecord = { action: AuditAction; facts: Record<string, unknown> };

/**
 * Runs one member change along its plan (change-plan.ts). A roles change is first tried without the
 * company lock; whatever that cannot settle is decided under the lock, where the actor is read again
 * (the guard's view is from the start of the request; a demotion committed since counts) and the
 * target is locked. Refusals are recorded outside the transaction that failed.
 */
async function runChange(
  ctx: MemberContext,
  request: ChangeRequest,
  refusal: RefusalRecord,
): Promise<MemberView> {
  try {
    const opening = openChange(request);
    if ("refuse" in opening) throw opening.refuse;
    // The optimistic write re-checks the acting member's row; the system has none, so it takes the lock.
    if (opening.path === "optimistic" && !isSystem(ctx.actor) && !ctx.withChange) {
      const changed = await changeOptimistically(ctx, request);
      if (changed) return changed;
    }
    return await ctx.db.transaction().execute(async (trx) => {
      await lockCompany(trx, ctx.companyId);
      // Company, account, member: a deactivation counts the account's memberships under its lock (rule 9).
      if (request.change.kind === "deactivate") {
        await lockAccountOfMember(trx, ctx.companyId, request.targetMemberId);
      }
      // A statement of its own after the locks: it sees every change committed before they were ours.
      const loaded = await loadChange(
        trx,
        ctx.companyId,
        actorMemberIdOf(ctx),
        request.targetMemberId,
        requestedRoleIds(request),
      );
      const state = isSystem(ctx.actor) ? { ...loaded, actor: SYSTEM_STANDING } : loaded;
      const step = planChange(request, state, "locked");
      switch (step.step) {
        case "refuse":
          throw step.error;
        case "lock":
          throw new Error("A change planned under the company lock asked for the lock again.");
        case "unchanged":
          return memberView(step.target);
        case "write_roles":
          return memberView(await withChange(ctx, trx, writeRolesLocked(ctx, trx, request, step, state)));
        case "deactivate":
          return memberView(await withChange(ctx, trx, deactivate(ctx, trx, step.target, state)));
        case "reactivate":
          return memberView(await withChange(ctx, trx, reactivate(ctx, trx, step.target, state)));
      }
    });
  } catch (error) {
    if (error instanceof AppError && RECORDED_REFUSALS.has(error.code)) {
      await audit(
        ctx,
        ctx.db,
        refusal.action,
        "denied",
        request.targetMemberId,
        refusalDetails(error, refusal.facts),
      );
    }
    throw error;
  }
}

/** The change's writes, then what the caller commits with them (MemberContext.withChange). */
async function withChange<T>(ctx: MemberContext, trx: Transaction<DB>, written: Promise<T>): Promise<T> {
  const result = await written;
  await ctx.withChange?.(trx);
  return result;
}

function expiriesOf(request: ChangeRequest) {
  return request.change.kind === "roles" ? request.change.expiries : undefined;
}

function requestedRoleIds(request: ChangeRequest): readonly string[] {
  return request.change.kind === "roles" ? request.change.roleIds : [];
}

/**
 * The optimistic path: the state read without the company lock, and a change the plan allows as it
 * stands written in one statement that takes the same locks only for itself and writes nothing if
 * what it was decided on has moved (see writeMemberRoles). Null hands the change to the locked path,
 * which decides, refuses and records as always.
 */
async function changeOptimistically(ctx: MemberContext, request: ChangeRequest): Promise<MemberView | null> {
  const roleIds = requestedRoleIds(request);
  const state = await loadChange(
    ctx.db,
    ctx.companyId,
    actorMemberIdOf(ctx),
    request.targetMemberId,
    roleIds,
    false,
  );
  const step = planChange(request, state, "optimistic");
  if (step.step !== "write_roles") return null;
  const row = await writeMemberRoles(
    ctx.db,
    ctx.companyId,
    request.targetMemberId,
    roleIds,
    rolesChangedEvent(ctx, step.target, step.roles, undefined, expiriesOf(request)),
    step.decidedOn,
    rolesChangedNotice(ctx, step.target, step.roles, state),
    rolesChangedWebhook(ctx, step.target, step.roles),
    expiriesOf(request),
  );
  return row ? memberView(row) : null;
}

async function writeRolesLocked(
  ctx: MemberContext,
  trx: Transaction<DB>,
  request: ChangeRequest,
  step: Extract<ChangeStep, { step: "write_roles" }>,
  state: ChangeState,
): Promise<MemberRow> {
  const written = await writeMemberRoles(
    trx,
    ctx.companyId,
    request.targetMemberId,
    requestedRoleIds(request),
    rolesChangedEvent(ctx, step.target, step.roles, step.scope, expiriesOf(request)),
    undefined,
    rolesChangedNotice(ctx, step.target, step.roles, state),
    rolesChangedWebhook(ctx, step.target, step.roles),
    expiriesOf(request),
  );
  // Unconditional under the lock, on a target loadChange locked: a missing row is a fault, never "unchanged".
  if (!written) throw new Error("The member's roles were not written under the company lock.");
  if (!step.scope) return written;
  await writeMemberScope(trx, ctx.companyId, step.target.id, step.scope);
  return (await findMember(trx, ctx.companyId, step.target.id)) as MemberRow;
}

function rolesChangedEvent(
  ctx: MemberContext,
  target: MemberRow,
  roles: CompanyRole[],
  scope: Scope | undefined,
  expiries?: RoleExpiries,
): AuditEvent {
  // The scope appears when it changes: a change of roles alone reads as it always has.
  return auditEvent(ctx, "member.roles_changed", "success", target.id, {
    accountId: target.account_id,
    email: target.email,
    before: { roles: target.roles, ...(scope ? { scope: target.scope } : {}) },
    after: {
      roles: roles.map((role) => {
        const expiresAt = expiries?.get(role.id);
        return { id: role.id, key: role.key, name: role.name, ...(expiresAt ? { expiresAt } : {}) };
      }),
      ...(scope ? { scope } : {}),
    },
  });
}

function rolesChangedWebhook(ctx: MemberContext, target: MemberRow, roles: CompanyRole[]): WebhookEvent {
  return memberWebhookEvent(ctx.companyId, "member.roles_changed", target, ctx.now, {
    roles: roles.map((role) => ({ id: role.id, key: role.key, name: role.name })),
    previousRoles: target.roles,
  });
}

/** The member's own notice of new roles, queued with the change (rule 12). */
function rolesChangedNotice(
  ctx: MemberContext,
  target: MemberRow,
  roles: CompanyRole[],
  state: ChangeState,
): { mail: OutgoingMail; now: Date } {
  return {
    mail: {
      kind: "member_roles_changed",
      to: target.email,
      mail: rolesChangedMail({
        // The member's language, never the Admin's who made the change (SPEC §6.6).
        locale: mailLocaleOf(state.targetPreferences),
        name: target.name,
        companyName: state.companyName,
        roles,
        changedBy: isSystem(ctx.actor)
          ? { name: ctx.actor.name, email: "" }
          : { name: ctx.actor.name, email: ctx.actor.email },
        at: ctx.now,
      }),
      isSensitive: false,
    },
    now: ctx.now,
  };
}

/** A status change's audit event and the member's own notice, in the change's transaction (rules 11, 12). */
async function recordStatusChange(
  ctx: MemberContext,
  trx: Transaction<DB>,
  target: MemberRow,
  status: MemberStatus,
  notice: Pick<OutgoingMail, "kind" | "mail">,
): Promise<void> {
  await audit(
    ctx,
    trx,
    status === "deactivated" ? "member.deactivated" : "member.reactivated",
    "success",
    target.id,
    {
      accountId: target.account_id,
      email: target.email,
      before: { status: status === "deactivated" ? "active" : "deactivated" },
      after: { status },
      roles: target.roles,
    },
  );
  await enqueueMail(trx, { ...notice, to: target.email, isSensitive: false }, ctx.now);
  await emitWebhookEvent(
    trx,
    memberWebhookEvent(
      ctx.companyId,
      `member.${status === "deactivated" ? "deactivated" : "reactivated"}`,
      target,
      ctx.now,
    ),
  );
}

async function deactivate(
  ctx: MemberContext,
  trx: Transaction<DB>,
  target: MemberRow,
  state: ChangeState,
): Promise<MemberRow> {
  await updateMember(trx, target.id, { status: "deactivated", deactivatedAt: ctx.now });
  // Rule 9: the company is gone from the member's sessions at once (the guard reads the status
  // per request); with no active membership left anywhere, the sessions go too. Under the
  // account's lock (runChange took it before the member's row): two companies deactivating the
  // same account at once would otherwise each count the other's membership as active, and neither
  // would end the sessions.
  if ((await countActiveMemberships(trx, target.account_id)) === 0) {
    await deleteAccountSessions(trx, target.account_id, null);
  }
  // The company's event says nothing of the sessions ended: whether there were any would tell
  // this company whether the person is an active member of another one (rule 3).
  await recordStatusChange(ctx, trx, target, "deactivated", {
    kind: "member_deactivated",
    mail: memberDeactivatedMail({
      locale: mailLocaleOf(state.targetPreferences),
      name: target.name,
      companyName: state.companyName,
      at: ctx.now,
    }),
  });
  return (await findMember(trx, ctx.companyId, target.id)) as MemberRow;
}

async function reactivate(
  ctx: MemberContext,
  trx: Transaction<DB>,
  target: MemberRow,
  state: ChangeState,
): Promise<MemberRow> {
  await updateMember(trx, target.id, { status: "active", deactivatedAt: null });
  await recordStatusChange(ctx, trx, target, "active", {
    kind: "member_reactivated",
    mail: memberReactivatedMail({
      locale: mailLocaleOf(state.targetPreferences),
      name: target.name,
      companyName: state.companyName,
      roles: target.roles,
      at: ctx.now,
    }),
  });
  return (await findMember(trx, ctx.companyId, target.id)) as MemberRow;
}

export async function changeMemberRoles(
  ctx: MemberContext,
  memberId: string,
  input: {
    roleIds: string[];
    roleExpiries?: { roleId: string; expiresAt: string }[];
    version?: number;
    scope?: Scope;
  },
): Promise<MemberView> {
  // Ids compared as text (the same roles? the caller?): in PostgreSQL's spelling.
  const roleIds = [...new Set(input.roleIds.map((id) => id.toLowerCase()))];
  const scope = await checkRequestedScope(ctx.db, ctx.companyId, input.scope);
  const expiries = parseRoleExpiries(input.roleExpiries, roleIds, ctx.now, "body.roleExpiries");
  return runChange(
    ctx,
    {
      actorMemberId: actorMemberIdOf(ctx),
      targetMemberId: memberId,
      version: input.version,
      change: { kind: "roles", roleIds, expiries, ...(scope ? { scope } : {}) },
    },
    {
      action: "member.roles_change_refused",
      facts: {
        requestedRoleIds: roleIds,
        sentVersion: input.version ?? null,
        ...(scope ? { requestedScope: scope } : {}),
      },
    },
  );
}

export async function deactivateMember(
  ctx: MemberContext,
  memberId: string,
  input: { version?: number },
): Promise<MemberView> {
  return runChange(
    ctx,
    {
      actorMemberId: actorMemberIdOf(ctx),
      targetMemberId: memberId,
      version: input.version,
      change: { kind: "deactivate" },
    },
    { action: "member.deactivate_refused", facts: { sentVersion: input.version ?? null } },
  );
}

export async function reactivateMember(
  ctx: MemberContext,
  memberId: string,
  input: { version?: number },
): Promise<MemberView> {
  return runChange(
    ctx,
    {
      actorMemberId: actorMemberIdOf(ctx),
      targetMemberId: memberId,
      version: input.version,
      change: { kind: "reactivate" },
    },
    { action: "member.reactivate_refused", facts: { sentVersion: input.version ?? null } },
  );
}

// ---- export and removal (SPEC §6.4) -------------------------------------------------------------

/** Rows read per round trip while streaming the export. */
const EXPORT_BATCH = 1_000;
const EXPORT_HEADER = ["email", "name", "status", "roles", "joined_at", "last_active_at"];

/**
 * The member list as a streamed CSV, with the list's filters (email search, role, status), in email
 * order. The export is audited (with its filters) before a row leaves; cells are formula-escaped.
 */
export async function exportMemberList(
  ctx: Omit<MemberContext, "actor"> & { actor: { accountId: string; email: string } },
  query: Pick<MemberListQuery, "email" | "role" | "status">,
) {
  const term = query.email?.trim().toLowerCase() ?? "";
  const filter: MemberFilter = {
    companyId: ctx.companyId,
    status: query.status,
    roleId: query.role === undefined ? undefined : await resolveRoleFilter(ctx.db, ctx.companyId, query.role),
    emailPattern:
      term === ""
        ? undefined
        : likePattern(term, term.length < SUBSTRING_MIN_LENGTH ? "prefix" : "substring"),
  };
  await recordAudit(ctx.db, {
    action: "member.list_exported",
    outcome: "success",
    companyId: ctx.companyId,
    actor: ctx.actor,
    details: {
      filters: { email: query.email ?? null, role: query.role ?? null, status: query.status ?? null },
    },
    meta: ctx.meta,
    at: ctx.now,
  });
  return csvStream(
    EXPORT_HEADER,
    EXPORT_BATCH,
    (after) => exportMembers(ctx.db, filter, after?.[0] ?? null, EXPORT_BATCH),
    (row) => [row.email, row.id],
    (row) => csvRow([row.email, row.name, row.status, row.roles, row.joined_at, row.last_active_at]),
  );
}

/**
 * Removes a deactivated member from the company for good (SPEC §6.4): the membership, its roles and
 * activity go; the account stays, and a later invitation makes a new member. An active member must
 * be deactivated first (409 member_active), which is where rule 4 (last Admin) is decided.
 */
export async function removeMember(
  ctx: MemberContext,
  memberId: string,
  grantor: { roleKeys: readonly string[]; permissions: readonly string[] },
): Promise<void> {
  try {
    if ("memberId" in ctx.actor && memberId.toLowerCase() === ctx.actor.memberId.toLowerCase()) {
      throw new AppError("self_modification");
    }
    await ctx.db.transaction().execute(async (trx) => {
      await lockCompany(trx, ctx.companyId);
      const target = await lockMemberForRemoval(trx, ctx.companyId, memberId);
      if (!target) throw new AppError("not_found");
      if (target.status === "active") throw new AppError("member_active");
      // Rule 6: someone holding members.deactivate only through custom roles acts only on members
      // whose permissions are all among their own.
      const beyond = permissionsBeyondOwn(grantor, target.permissions);
      if (beyond.length > 0) throw new AppError("grant_exceeds_own", undefined, { permissions: beyond });
      await deleteMember(trx, ctx.companyId, target.id);
      await audit(ctx, trx, "member.removed", "success", target.id, {
        accountId: target.account_id,
        email: target.email,
        name: target.name,
        roles: target.roles,
      });
    });
  } catch (error) {
    if (error instanceof AppError && (RECORDED_REFUSALS.has(error.code) || error.code === "member_active")) {
      await audit(ctx, ctx.db, "member.remove_refused", "denied", memberId, refusalDetails(error, {}));
    }
    throw error;
  }
}
