// The one audit writer (rule 11): every service records its events through recordAudit,
// inside the transaction of the change it records. Secrets are stripped before anything is stored.
import type { Kysely, RawBuilder, Transaction } from "kysely";
import type { DB } from "../db/schema.js";
import type { RequestMeta } from "../http/request-meta.js";
import type { AuditAction } from "./actions.js";
import { type FullAuditRow, insertAuditRows, insertAuditRowWhen } from "./queries.js";

export type AuditOutcome = "success" | "denied" | "failure";

export type { RequestMeta };

export type AuditEvent = {
  action: AuditAction;
  outcome: AuditOutcome;
  companyId?: string | null;
  actor?: { accountId: string; email: string } | null;
  target?: { type: string; id: string } | null;
  details?: Record<string, unknown>;
  meta: RequestMeta;
  at: Date;
};

// Keys that could carry a secret never reach the audit log, at any depth.
const SECRET_KEY = /pass(word)?|token|secret|code|cookie|session_?id|hash/i;
const MAX_TEXT = 500;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function scrubDetails(value: unknown, depth = 0): unknown {
  if (depth > 5) return "[truncated]";
  if (typeof value === "string") {
    // jsonb refuses NUL and broken surrogates; neither may cost us the audit event.
    const clean = value.replace(LONE_SURROGATE, "\uFFFD").replaceAll("\u0000", "\uFFFD");
    return clean.length > MAX_TEXT ? `${clean.slice(0, MAX_TEXT)}…` : clean;
  }
  if (Array.isArray(value)) return value.slice(0, 100).map((item) => scrubDetails(item, depth + 1));
  if (value && typeof value === "object") {
    const clean: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      clean[key] = SECRET_KEY.test(key) ? "[redacted]" : scrubDetails(inner, depth + 1);
    }
    return clean;
  }
  return value;
}

function auditRow(event: AuditEvent): FullAuditRow {
  return {
    occurred_at: event.at,
    company_id: event.companyId ?? null,
    actor_account_id: event.actor?.accountId ?? null,
    actor_email: event.actor?.email ?? null,
    action: event.action,
    outcome: event.outcome,
    target_type: event.target?.type ?? null,
    target_id: event.target?.id ?? null,
    details: JSON.stringify(scrubDetails(event.details ?? {})),
    ip: event.meta.ip,
    user_agent: event.meta.userAgent?.slice(0, MAX_TEXT) ?? null,
    request_id: event.meta.requestId,
  };
}

/**
 * The INSERT of one event that is made only when `condition` holds, for a statement whose change
 * may not happen (a write on condition that nothing changed since it was decided).
 */
export function auditInsertWhen(event: AuditEvent, condition: RawBuilder<unknown>): RawBuilder<unknown> {
  return insertAuditRowWhen(auditRow(event), condition);
}

export async function recordAudit(db: Kysely<DB> | Transaction<DB>, event: AuditEvent): Promise<void> {
  await insertAuditRows(db, [auditRow(event)]);
}

export type AuditGroupWriter = (event: AuditEvent) => Promise<void>;

/**
 * Records events that stand alone, outside any change's transaction (refusals: a guard's 403, a
 * CSRF or rate-limit refusal), as a group commit: the events that arrive while one INSERT is in
 * flight leave together in the next. Each caller's promise settles once its own row is committed,
 * so no answer leaves before its record exists; a group that fails is retried one event at a time,
 * so one bad event cannot cost the others theirs.
 */
export function auditGroupWriter(db: Kysely<DB>, maxGroup = 100): AuditGroupWriter {
  type Pending = { row: ReturnType<typeof auditRow>; resolve: () => void; reject: (error: unknown) => void };
  const queue: Pending[] = [];
  let writing = false;

  async function insert(group: Pending[]) {
    try {
      await insertAuditRows(
        db,
        group.map((pending) => pending.row),
      );
      for (const pending of group) pending.resolve();
    } catch (error) {
      if (group.length === 1) {
        group[0]?.reject(error);
        return;
      }
      for (const pending of group) await insert([pending]);
    }
  }

  async function drain() {
    while (queue.length > 0) await insert(queue.splice(0, maxGroup));
    writing = false;
  }

  return (event) =>
    new Promise<void>((resolve, reject) => {
      queue.push({ row: auditRow(event), resolve, reject });
      if (!writing) {
        writing = true;
        // The requests answered in this turn of the event loop join the first group.
        setImmediate(() => void drain());
      }
    });
}
