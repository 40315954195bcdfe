// Rules of the portal sections: which filters make sense, that every export is audited before it
// streams, and the Insights arithmetic (rates, shares, the default and longest period).
import type { Readable } from "node:stream";
import type { Kysely } from "kysely";
import { readableAccounts, type Scope } from "../access/scope.js";
import type { AuditAction } from "../audit/actions.js";
import { type RequestMeta, recordAudit } from "../audit/writer.js";
import type { DB } from "../db/schema.js";
import { AppError } from "../errors.js";
import { csvRow, csvStream } from "../http/csv.js";
import { unknownMerchantAccounts } from "../merchant-accounts/queries.js";
import { formatMinor } from "./money.js";
import { insights, settlementCurrency, type TransactionFilter } from "./queries.js";

// Rows per query of an export: a batch is a few hundred KB of text, streamed in smaller chunks.
export const EXPORT_BATCH = 1_000;
const DAY_MS = 24 * 3600_000;
const INSIGHTS_DEFAULT_DAYS = 30;
const INSIGHTS_MAX_DAYS = 366;

export type TransactionFilterQuery = Omit<TransactionFilter, "companyId" | "merchantAccountIds"> & {
  merchantAccountId?: string;
};

/**
 * The merchant accounts a section's request reads (SPEC §6.4): the caller's scope, or the one account
 * it names. Naming an account outside the scope, or no account of the company, answers 404 as if it
 * did not exist.
 */
export async function accountsOfRequest(
  db: Kysely<DB>,
  companyId: string,
  scope: Scope,
  requested: string | undefined,
): Promise<string[] | null> {
  const accounts = readableAccounts(scope, requested);
  if (requested !== undefined && (await unknownMerchantAccounts(db, companyId, [requested])).length > 0) {
    throw new AppError("not_found");
  }
  return accounts;
}

export async function transactionFilter(
  db: Kysely<DB>,
  companyId: string,
  scope: Scope,
  query: TransactionFilterQuery,
): Promise<TransactionFilter> {
  if (query.from && query.to && new Date(query.from) >= new Date(query.to)) {
    throw new AppError("validation_failed", "`from` must be before `to`.", { field: "from" });
  }
  return {
    companyId,
    merchantAccountIds: await accountsOfRequest(db, companyId, scope, query.merchantAccountId),
    from: query.from,
    to: query.to,
    status: query.status,
    paymentMethod: query.paymentMethod,
  };
}

/** One CSV export: its audit action, the columns, and how to read its rows page by page. */
export type CsvExport<Row> = {
  action: AuditAction;
  header: string[];
  fetchPage: (after: [string, string] | null, batchSize: number) => Promise<Row[]>;
  keyOf: (row: Row) => [string, string];
  cells: (row: Row) => (string | number | null | undefined)[];
};

/** Records the export (with the filters asked for) before a row leaves, then streams it. */
export async function exportCsv<Row>(
  db: Kysely<DB>,
  request: { companyId: string; actor: { accountId: string; email: string }; meta: RequestMeta; at: Date },
  filters: object,
  spec: CsvExport<Row>,
): Promise<Readable> {
  await recordAudit(db, {
    action: spec.action,
    outcome: "success",
    companyId: request.companyId,
    actor: request.actor,
    details: { filters },
    meta: request.meta,
    at: request.at,
  });
  return csvStream(
    spec.header,
    EXPORT_BATCH,
    (after) => spec.fetchPage(after, EXPORT_BATCH),
    spec.keyOf,
    (row) => csvRow(spec.cells(row)),
  );
}

const rate = (part: number, whole: number) =>
  whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000;

/** Insights over [from, to): 30 days up to now unless asked otherwise, and at most a year. */
export async function insightsReport(
  db: Kysely<DB>,
  companyId: string,
  period: { from?: string; to?: string; merchantAccountId?: string },
  scope: Scope,
  now: Date,
) {
  const to = period.to ? new Date(period.to) : now;
  const from = period.from ? new Date(period.from) : new Date(to.getTime() - INSIGHTS_DEFAULT_DAYS * DAY_MS);
  if (from >= to) throw new AppError("validation_failed", "`from` must be before `to`.", { field: "from" });
  if (to.getTime() - from.getTime() > INSIGHTS_MAX_DAYS * DAY_MS) {
    throw new AppError("validation_failed", "Insights cover at most one year at a time.", { field: "from" });
  }
  const accounts = await accountsOfRequest(db, companyId, scope, period.merchantAccountId);
  const currency = await settlementCurrency(db, companyId);
  const data = await insights(db, companyId, from, to, accounts);
  const count = data.byMethod.reduce((sum, m) => sum + m.count, 0);
  const succeeded = data.byMethod.reduce((sum, m) => sum + m.succeeded, 0);
  const failed = data.byMethod.reduce((sum, m) => sum + m.failed, 0);
  const failedTotal = data.errors.reduce((sum, e) => sum + e.count, 0);
  return {
    period: { from: from.toISOString(), to: to.toISOString() },
    currency,
    transactionCount: count,
    successRate: rate(succeeded, succeeded + failed),
    byPaymentMethod: data.byMethod.map((m) => ({
      paymentMethod: m.payment_method,
      count: m.count,
      succeeded: m.succeeded,
      failed: m.failed,
      successRate: rate(m.succeeded, m.succeeded + m.failed),
      volume: formatMinor(Number(m.volume_minor), currency),
    })),
    errors: data.errors.map((e) => ({
      errorCode: e.error_code,
      count: e.count,
      share: rate(e.count, failedTotal) ?? 0,
    })),
    daily: data.daily.map((d) => ({
      day: new Date(d.day).toISOString(),
      count: d.count,
      succeeded: d.succeeded,
      failed: d.failed,
      volume: formatMinor(Number(d.volume_minor), currency),
    })),
  };
}
