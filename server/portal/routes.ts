// HTTP routes for the portal sections each role opens: transactions and settlements (with CSV
// downloads), the Developer Center and Insights. Handlers translate HTTP; queries.ts holds the SQL.
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { type Static, Type } from "@sinclair/typebox";
import type { Kysely } from "kysely";
import { callerOf } from "../access/guard.js";
import type { AuditAction } from "../audit/actions.js";
import { recordAudit } from "../audit/writer.js";
import type { Clock } from "../clock.js";
import type { Database } from "../db/connect.js";
import type { DB } from "../db/schema.js";
import { AppError } from "../errors.js";
import { Collection, DEFAULT_LIMIT, decodeTimeIdCursor, PageQuery, pageOf } from "../http/pagination.js";
import { CompanyParams, CsvFile, errorResponses, Uuid } from "../http/schemas.js";
import { csvRow, csvStream } from "./csv.js";
import { PAYMENT_METHODS } from "./demo-data.js";
import { formatMinor } from "./money.js";
import {
  COUNT_CAP,
  countSettlements,
  countTransactions,
  developerCenter,
  exportTransactions,
  insights,
  listSettlements,
  listTransactions,
  type TransactionFilter,
} from "./queries.js";

// Rows per query of an export: a batch is a few hundred KB of text, streamed in smaller chunks.
const EXPORT_BATCH = 1_000;
const DateTime = Type.String({ format: "date-time", maxLength: 40 });
const TransactionStatus = Type.Union(
  ["succeeded", "failed", "refunded", "pending"].map((s) => Type.Literal(s)),
);
const PaymentMethod = Type.Union(PAYMENT_METHODS.map((m) => Type.Literal(m)));

const TransactionFilters = {
  from: Type.Optional(DateTime),
  to: Type.Optional(DateTime),
  status: Type.Optional(TransactionStatus),
  paymentMethod: Type.Optional(PaymentMethod),
};
const TransactionQuery = Type.Object(
  { ...TransactionFilters, ...PageQuery },
  { additionalProperties: false },
);
const TransactionExportQuery = Type.Object(TransactionFilters, { additionalProperties: false });

const Transaction = Type.Object({
  id: Uuid,
  occurredAt: DateTime,
  merchantReference: Type.String(),
  amount: Type.String(),
  currency: Type.String(),
  paymentMethod: Type.String(),
  status: Type.String(),
  errorCode: Type.Union([Type.String(), Type.Null()]),
  settlementBatchId: Type.Union([Uuid, Type.Null()]),
});

const SettlementQuery = Type.Object(
  { status: Type.Optional(Type.Union([Type.Literal("pending"), Type.Literal("paid")])), ...PageQuery },
  { additionalProperties: false },
);
const Settlement = Type.Object({
  id: Uuid,
  reference: Type.String(),
  periodStart: DateTime,
  periodEnd: DateTime,
  settledAt: Type.Union([DateTime, Type.Null()]),
  currency: Type.String(),
  transactionCount: Type.Integer(),
  grossAmount: Type.String(),
  fees: Type.String(),
  refunds: Type.String(),
  netAmount: Type.String(),
  status: Type.String(),
});

const DeveloperCenter = Type.Object({
  clientId: Type.Union([Type.String(), Type.Null()]),
  environment: Type.Union([Type.String(), Type.Null()]),
  apiKeys: Type.Array(
    Type.Object({
      id: Uuid,
      label: Type.String(),
      maskedKey: Type.String(),
      createdAt: DateTime,
      status: Type.String(),
    }),
  ),
  webhooks: Type.Array(
    Type.Object({
      id: Uuid,
      url: Type.String(),
      events: Type.Array(Type.String()),
      status: Type.String(),
      createdAt: DateTime,
    }),
  ),
});

const InsightsQuery = Type.Object(
  { from: Type.Optional(DateTime), to: Type.Optional(DateTime) },
  { additionalProperties: false },
);
const Rate = Type.Union([Type.Number(), Type.Null()]);
const Insights = Type.Object({
  period: Type.Object({ from: DateTime, to: DateTime }),
  currency: Type.String(),
  transactionCount: Type.Integer(),
  successRate: Rate,
  byPaymentMethod: Type.Array(
    Type.Object({
      paymentMethod: Type.String(),
      count: Type.Integer(),
      succeeded: Type.Integer(),
      failed: Type.Integer(),
      successRate: Rate,
      volume: Type.String(),
    }),
  ),
  errors: Type.Array(Type.Object({ errorCode: Type.String(), count: Type.Integer(), share: Type.Number() })),
  daily: Type.Array(
    Type.Object({
      day: DateTime,
      count: Type.Integer(),
      succeeded: Type.Integer(),
      failed: Type.Integer(),
      volume: Type.String(),
    }),
  ),
});

type TransactionRow = Awaited<ReturnType<typeof listTransactions>>[number];
type SettlementRow = Awaited<ReturnType<typeof listSettlements>>[number];

function transactionView(row: TransactionRow) {
  return {
    id: row.id,
    occurredAt: row.occurred_at.toISOString(),
    merchantReference: row.merchant_reference,
    amount: formatMinor(Number(row.amount_minor), row.currency),
    currency: row.currency,
    paymentMethod: row.payment_method,
    status: row.status,
    errorCode: row.error_code,
    settlementBatchId: row.settlement_batch_id,
  };
}

function settlementView(row: SettlementRow) {
  return {
    id: row.id,
    reference: row.reference,
    periodStart: row.period_start.toISOString(),
    periodEnd: row.period_end.toISOString(),
    settledAt: row.settled_at?.toISOString() ?? null,
    currency: row.currency,
    transactionCount: row.transaction_count,
    grossAmount: formatMinor(Number(row.gross_minor), row.currency),
    fees: formatMinor(Number(row.fees_minor), row.currency),
    refunds: formatMinor(Number(row.refunds_minor), row.currency),
    netAmount: formatMinor(Number(row.net_minor), row.currency),
    status: row.status,
  };
}

const rate = (part: number, whole: number) =>
  whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000;

function transactionFilter(
  companyId: string,
  query: Static<typeof TransactionExportQuery>,
): TransactionFilter {
  if (query.from && query.to && new Date(query.from) >= new Date(query.to)) {
    throw new AppError("validation_failed", "`from` must be before `to`.", { field: "from" });
  }
  return {
    companyId,
    from: query.from,
    to: query.to,
    status: query.status,
    paymentMethod: query.paymentMethod,
  };
}

async function recordExport(
  db: Kysely<DB>,
  request: Parameters<typeof callerOf>[0],
  action: AuditAction,
  companyId: string,
  filters: object,
  now: Date,
) {
  const caller = callerOf(request);
  await recordAudit(db, {
    action,
    outcome: "success",
    companyId,
    actor: { accountId: caller.accountId, email: caller.email },
    details: { filters },
    meta: request.meta,
    at: now,
  });
}

export const portalRoutes: FastifyPluginAsyncTypebox<{ database: Database; clock: Clock }> = async (
  app,
  { database, clock },
) => {
  const { db } = database;
  const datedFile = (name: string) =>
    `attachment; filename="${name}-${clock.now().toISOString().slice(0, 10)}.csv"`;

  app.get(
    "/api/companies/:cid/transactions",
    {
      config: { access: { kind: "permission", permission: "transactions.view" } },
      schema: {
        summary: "Transaction records, newest first",
        tags: ["portal"],
        params: CompanyParams,
        querystring: TransactionQuery,
        response: { 200: Collection(Transaction), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const limit = request.query.limit ?? DEFAULT_LIMIT;
      const after = decodeTimeIdCursor(request.query.cursor);
      const filter = transactionFilter(request.params.cid, request.query);
      const [rows, total] = await Promise.all([
        listTransactions(db, filter, after, limit + 1),
        countTransactions(db, filter),
      ]);
      const page = pageOf(rows, limit, (row) => [row.occurred_at.toISOString(), row.id]);
      return {
        items: page.items.map(transactionView),
        total: Math.min(total, COUNT_CAP),
        totalExact: total <= COUNT_CAP,
        nextCursor: page.nextCursor,
      };
    },
  );

  app.get(
    "/api/companies/:cid/transactions/export",
    {
      config: { access: { kind: "permission", permission: "transactions.download" } },
      schema: {
        summary: "Download transaction records as CSV (streamed)",
        tags: ["portal"],
        params: CompanyParams,
        querystring: TransactionExportQuery,
        response: { 200: CsvFile, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const filter = transactionFilter(request.params.cid, request.query);
      await recordExport(
        db,
        request,
        "transactions.exported",
        request.params.cid,
        request.query,
        clock.now(),
      );
      const stream = csvStream(
        [
          "id",
          "occurred_at",
          "merchant_reference",
          "amount",
          "currency",
          "payment_method",
          "status",
          "error_code",
          "settlement_batch_id",
        ],
        EXPORT_BATCH,
        (after) => exportTransactions(db, filter, after, EXPORT_BATCH),
        (row) => [row.occurred_at_iso, row.id],
        (row) =>
          csvRow([
            row.id,
            row.occurred_at_iso,
            row.merchant_reference,
            formatMinor(Number(row.amount_minor), row.currency),
            row.currency,
            row.payment_method,
            row.status,
            row.error_code,
            row.settlement_batch_id,
          ]),
      );
      return reply
        .type("text/csv; charset=utf-8")
        .header("content-disposition", datedFile("transactions"))
        .send(stream);
    },
  );

  app.get(
    "/api/companies/:cid/settlements",
    {
      config: { access: { kind: "permission", permission: "settlements.view" } },
      schema: {
        summary: "Settlement batches, newest first",
        tags: ["portal"],
        params: CompanyParams,
        querystring: SettlementQuery,
        response: { 200: Collection(Settlement), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const limit = request.query.limit ?? DEFAULT_LIMIT;
      const after = decodeTimeIdCursor(request.query.cursor);
      const filter = { companyId: request.params.cid, status: request.query.status };
      const [rows, total] = await Promise.all([
        listSettlements(db, filter, after, limit + 1),
        countSettlements(db, filter),
      ]);
      const page = pageOf(rows, limit, (row) => [row.period_start.toISOString(), row.id]);
      return { items: page.items.map(settlementView), total, totalExact: true, nextCursor: page.nextCursor };
    },
  );

  app.get(
    "/api/companies/:cid/settlements/export",
    {
      config: { access: { kind: "permission", permission: "settlements.download" } },
      schema: {
        summary: "Download settlement batches as CSV (streamed)",
        tags: ["portal"],
        params: CompanyParams,
        querystring: Type.Object(
          { status: Type.Optional(Type.Union([Type.Literal("pending"), Type.Literal("paid")])) },
          { additionalProperties: false },
        ),
        response: { 200: CsvFile, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const filter = { companyId: request.params.cid, status: request.query.status };
      await recordExport(db, request, "settlements.exported", request.params.cid, request.query, clock.now());
      const stream = csvStream(
        [
          "id",
          "reference",
          "period_start",
          "period_end",
          "settled_at",
          "currency",
          "transaction_count",
          "gross_amount",
          "fees",
          "refunds",
          "net_amount",
          "status",
        ],
        EXPORT_BATCH,
        (after) => listSettlements(db, filter, after, EXPORT_BATCH),
        (row) => [row.period_start.toISOString(), row.id],
        (row) => {
          const v = settlementView(row);
          return csvRow([
            v.id,
            v.reference,
            v.periodStart,
            v.periodEnd,
            v.settledAt,
            v.currency,
            v.transactionCount,
            v.grossAmount,
            v.fees,
            v.refunds,
            v.netAmount,
            v.status,
          ]);
        },
      );
      return reply
        .type("text/csv; charset=utf-8")
        .header("content-disposition", datedFile("settlements"))
        .send(stream);
    },
  );

  app.get(
    "/api/companies/:cid/developer-center",
    {
      config: { access: { kind: "permission", permission: "developer_center.view" } },
      schema: {
        summary: "Developer Center: client id, masked API keys, webhooks",
        tags: ["portal"],
        params: CompanyParams,
        response: { 200: DeveloperCenter, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const center = await developerCenter(db, request.params.cid);
      return {
        clientId: center.credentials?.client_id ?? null,
        environment: center.credentials?.environment ?? null,
        apiKeys: center.apiKeys.map((key) => ({
          id: key.id,
          label: key.label,
          maskedKey: `${key.prefix}_••••••••${key.last_four}`,
          createdAt: key.created_at.toISOString(),
          status: key.status,
        })),
        webhooks: center.webhooks.map((hook) => ({
          id: hook.id,
          url: hook.url,
          events: hook.events,
          status: hook.status,
          createdAt: hook.created_at.toISOString(),
        })),
      };
    },
  );

  app.get(
    "/api/companies/:cid/insights",
    {
      config: { access: { kind: "permission", permission: "insights.view" } },
      schema: {
        summary: "Insights: payment success rate, per-method performance, error report, daily volume",
        tags: ["portal"],
        params: CompanyParams,
        querystring: InsightsQuery,
        response: { 200: Insights, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const to = request.query.to ? new Date(request.query.to) : clock.now();
      const from = request.query.from
        ? new Date(request.query.from)
        : new Date(to.getTime() - 30 * 24 * 3600_000);
      if (from >= to)
        throw new AppError("validation_failed", "`from` must be before `to`.", { field: "from" });
      if (to.getTime() - from.getTime() > 366 * 24 * 3600_000) {
        throw new AppError("validation_failed", "Insights cover at most one year at a time.", {
          field: "from",
        });
      }
      const company = await db
        .selectFrom("companies")
        .select("settlement_currency")
        .where("id", "=", request.params.cid)
        .executeTakeFirstOrThrow();
      const currency = company.settlement_currency;
      const data = await insights(db, request.params.cid, from, to);
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
    },
  );
};
