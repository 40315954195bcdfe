// Transactions section: the filtered, paged list and its CSV download.
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import { readableAccounts } from "../access/scope.js";
import type { Clock } from "../clock.js";
import type { Database } from "../db/connect.js";
import { AppError } from "../errors.js";
import { Collection, DEFAULT_LIMIT, decodeTimeIdCursor, PageQuery, pageOf } from "../http/pagination.js";
import { CompanyParams, CsvFile, errorResponses, NullableUuid, Uuid } from "../http/schemas.js";
import { callerScope } from "../merchant-accounts/caller-scope.js";
import { csvExportHandler } from "./csv-export.js";
import { formatMinor } from "./money.js";
import {
  COUNT_CAP,
  countTransactions,
  exportTransactions,
  findTransaction,
  listTransactions,
} from "./queries.js";
import { DateTime, PAYMENT_METHODS } from "./schemas.js";
import { type TransactionFilterQuery, transactionFilter } from "./service.js";

const TransactionStatus = Type.Union(
  ["succeeded", "failed", "refunded", "pending"].map((s) => Type.Literal(s)),
);
const PaymentMethod = Type.Union(PAYMENT_METHODS.map((m) => Type.Literal(m)));

const TransactionFilters = {
  from: Type.Optional(DateTime),
  to: Type.Optional(DateTime),
  status: Type.Optional(TransactionStatus),
  paymentMethod: Type.Optional(PaymentMethod),
  /** One merchant account of the caller's scope (another answers 404). */
  merchantAccountId: Type.Optional(Uuid),
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
  settlementBatchId: NullableUuid,
  merchantAccountId: Uuid,
});
const TransactionParams = Type.Object({ cid: Uuid, transactionId: Uuid }, { additionalProperties: false });

type TransactionRow = Awaited<ReturnType<typeof listTransactions>>[number];

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
    merchantAccountId: row.merchant_account_id,
  };
}

export const transactionRoutes: FastifyPluginAsyncTypebox<{ database: Database; clock: Clock }> = async (
  app,
  { database, clock },
) => {
  const { db } = database;

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
      const filter = await transactionFilter(db, request.params.cid, callerScope(request), request.query);
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
    "/api/companies/:cid/transactions/:transactionId",
    {
      config: { access: { kind: "permission", permission: "transactions.view" } },
      schema: {
        summary: "One transaction record (404 when its merchant account is outside the caller's scope)",
        tags: ["portal"],
        params: TransactionParams,
        response: { 200: Transaction, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const row = await findTransaction(
        db,
        { companyId: request.params.cid, merchantAccountIds: readableAccounts(callerScope(request)) },
        request.params.transactionId,
      );
      if (!row) throw new AppError("not_found");
      return transactionView(row);
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
    csvExportHandler(
      { database, clock },
      "transactions",
      async (companyId, query: TransactionFilterQuery, scope) => {
        const filter = await transactionFilter(db, companyId, scope, query);
        return {
          action: "transactions.exported",
          header: [
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
          fetchPage: (after, batchSize) => exportTransactions(db, filter, after, batchSize),
          keyOf: (row) => [row.occurred_at_iso, row.id],
          cells: (row) => [
            row.id,
            row.occurred_at_iso,
            row.merchant_reference,
            formatMinor(Number(row.amount_minor), row.currency),
            row.currency,
            row.payment_method,
            row.status,
            row.error_code,
            row.settlement_batch_id,
          ],
        };
      },
    ),
  );
};
