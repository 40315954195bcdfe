// Reading a company's audit log (rule 11, SECURITY 57): filters, keyset pages newest first, and
// the streamed CSV export, itself recorded. writer.ts stays the only code that writes events.
import type { Readable } from "node:stream";
import type { Kysely } from "kysely";
import type { DB } from "../db/schema.js";
import { AppError } from "../errors.js";
import { csvRow, csvStream } from "../http/csv.js";
import { DEFAULT_LIMIT, decodeTimeIdCursor, pageOf } from "../http/pagination.js";
import { canonicalizeEmail } from "../identity/email.js";
import { isUuid } from "../ids.js";
import { ACCOUNT_AUDIT_CATEGORIES } from "./actions.js";
import {
  type AuditEventRow,
  type AuditFilter,
  countAccountAuditEvents,
  countAuditEvents,
  isMemberOfCompany,
  listAccountAuditEvents,
  listAuditEvents,
  listNamedAuditEvents,
  type NamedAuditEventRow,
} from "./queries.js";
import { type RequestMeta, recordAudit } from "./writer.js";

/** Totals are counted up to this many events, then reported as not exact. */
export const AUDIT_COUNT_CAP = 1_000;
const EXPORT_BATCH = 1_000;

export type AuditQuery = {
  action?: string;
  actor?: string;
  from?: string;
  to?: string;
  outcome?: "success" | "denied" | "failure";
};

export type AuditEventView = {
  id: string;
  occurredAt: string;
  action: string;
  outcome: "success" | "denied" | "failure";
  /** `name`: the actor's current name while they are a member of the company, else null. */
  actor: { accountId: string; email: string | null; name: string | null } | null;
  /** `name`, `email`: the company's member or role the event was done to, as it is named now. */
  target: { type: string; id: string; name: string | null; email: string | null } | null;
  details: Record<string, unknown>;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
};

export function auditEventView(row: NamedAuditEventRow): AuditEventView {
  return {
    id: row.id,
    occurredAt: new Date(row.occurred_at).toISOString(),
    action: row.action,
    outcome: row.outcome,
    actor: row.actor_account_id
      ? { accountId: row.actor_account_id, email: row.actor_email, name: row.actor_name }
      : null,
    target:
      row.target_type && row.target_id
        ? { type: row.target_type, id: row.target_id, name: row.target_name, email: row.target_email }
        : null,
    details: row.details,
    ip: row.ip,
    userAgent: row.user_agent,
    requestId: row.request_id,
  };
}

function invalid(field: string, message: string): AppError {
  return new AppError("validation_failed", message, { field: `querystring.${field}` });
}

/** Turns the query string into a filter: `actor` is an account id or an email, `action` exact or a category. */
export function auditFilter(companyId: string, query: AuditQuery): AuditFilter {
  const filter: AuditFilter = { companyId, outcome: query.outcome };
  if (query.action !== undefined) {
    filter.action = query.action.includes(".") ? { exact: query.action } : { category: query.action };
  }
  if (query.actor !== undefined) {
    if (isUuid(query.actor)) {
      filter.actor = { accountId: query.actor.toLowerCase() };
    } else {
      const email = canonicalizeEmail(query.actor);
      if (!email.ok) throw invalid("actor", "`actor` must be an account id or an email address.");
      filter.actor = { email: email.email };
    }
  }
  if (query.from !== undefined) filter.from = new Date(query.from);
  if (query.to !== undefined) filter.to = new Date(query.to);
  if (filter.from && filter.to && filter.from >= filter.to)
    throw invalid("from", "`from` must be before `to`.");
  return filter;
}

const keyOf = (row: AuditEventRow): [string, string] => [new Date(row.occurred_at).toISOString(), row.id];

export async function listAuditPage(
  db: Kysely<DB>,
  companyId: string,
  query: AuditQuery & { limit?: number; cursor?: string },
) {
  const limit = query.limit ?? DEFAULT_LIMIT;
  const filter = auditFilter(companyId, query);
  const after = decodeTimeIdCursor(query.cursor);
  const [rows, counted] = await Promise.all([
    listNamedAuditEvents(db, filter, after, limit + 1),
    countAuditEvents(db, filter, AUDIT_COUNT_CAP),
  ]);
  const page = pageOf(rows, limit, keyOf);
  return {
    items: page.items.map(auditEventView),
    total: Math.min(counted, AUDIT_COUNT_CAP),
    totalExact: counted <= AUDIT_COUNT_CAP,
    nextCursor: page.nextCursor,
  };
}

/** The events done to one member of the company (their roles, status), newest first. */
export async function listMemberAuditPage(
  db: Kysely<DB>,
  companyId: string,
  memberId: string,
  query: { limit?: number; cursor?: string },
) {
  if (!(await isMemberOfCompany(db, companyId, memberId))) throw new AppError("not_found");
  const limit = query.limit ?? DEFAULT_LIMIT;
  const filter: AuditFilter = { companyId, target: { type: "member", id: memberId } };
  const after = decodeTimeIdCursor(query.cursor);
  const [rows, counted] = await Promise.all([
    listNamedAuditEvents(db, filter, after, limit + 1),
    countAuditEvents(db, filter, AUDIT_COUNT_CAP),
  ]);
  const page = pageOf(rows, limit, keyOf);
  return {
    items: page.items.map(auditEventView),
    total: Math.min(counted, AUDIT_COUNT_CAP),
    totalExact: counted <= AUDIT_COUNT_CAP,
    nextCursor: page.nextCursor,
  };
}

/** One of a person's own account events, as their profile shows it: no details, no other person. */
export type AccountAuditEventView = {
  id: string;
  occurredAt: string;
  action: string;
  outcome: "success" | "denied" | "failure";
  ip: string | null;
  device: string | null;
};

/**
 * The caller's own account-level events (ACCOUNT_AUDIT_CATEGORIES) that they made or that were
 * made on their account, newest first. Company events never appear: their categories are others.
 */
export async function listAccountAuditPage(
  db: Kysely<DB>,
  accountId: string,
  query: { limit?: number; cursor?: string },
) {
  const limit = query.limit ?? DEFAULT_LIMIT;
  const filter = { accountId, categories: ACCOUNT_AUDIT_CATEGORIES };
  const after = decodeTimeIdCursor(query.cursor);
  const [rows, counted] = await Promise.all([
    listAccountAuditEvents(db, filter, after, limit + 1),
    countAccountAuditEvents(db, filter, AUDIT_COUNT_CAP),
  ]);
  const page = pageOf(rows, limit, (row) => [new Date(row.occurred_at).toISOString(), row.id]);
  return {
    items: page.items.map(
      (row): AccountAuditEventView => ({
        id: row.id,
        occurredAt: new Date(row.occurred_at).toISOString(),
        action: row.action,
        outcome: row.outcome,
        ip: row.ip,
        device: row.user_agent,
      }),
    ),
    total: Math.min(counted, AUDIT_COUNT_CAP),
    totalExact: counted <= AUDIT_COUNT_CAP,
    nextCursor: page.nextCursor,
  };
}

export const AUDIT_CSV_HEADER = [
  "id",
  "occurred_at",
  "action",
  "outcome",
  "actor_account_id",
  "actor_email",
  "target_type",
  "target_id",
  "details",
  "ip",
  "user_agent",
  "request_id",
];

/** Records the export (who took a copy of the log, with which filters), then streams it. */
export async function exportAuditEvents(
  db: Kysely<DB>,
  companyId: string,
  query: AuditQuery,
  actor: { accountId: string; email: string },
  meta: RequestMeta,
  now: Date,
): Promise<Readable> {
  const filter = auditFilter(companyId, query);
  await recordAudit(db, {
    action: "audit.exported",
    outcome: "success",
    companyId,
    actor,
    details: { filters: query },
    meta,
    at: now,
  });
  return csvStream(
    AUDIT_CSV_HEADER,
    EXPORT_BATCH,
    (after) => listAuditEvents(db, filter, after ? [new Date(after[0]), after[1]] : null, EXPORT_BATCH),
    keyOf,
    (row) =>
      csvRow([
        row.id,
        new Date(row.occurred_at).toISOString(),
        row.action,
        row.outcome,
        row.actor_account_id,
        row.actor_email,
        row.target_type,
        row.target_id,
        JSON.stringify(row.details),
        row.ip,
        row.user_agent,
        row.request_id,
      ]),
  );
}
