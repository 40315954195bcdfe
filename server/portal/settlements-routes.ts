// Settlements section: the paged list of settlement batches and its CSV download.
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import type { Clock } from "../clock.js";
import type { Database } from "../db/connect.js";
import { Collection, DEFAULT_LIMIT, decodeTimeIdCursor, PageQuery, pageOf } from "../http/pagination.js";
import { CompanyParams, CsvFile, errorResponses, nullable, Uuid } from "../http/schemas.js";
import { callerScope } from "../merchant-accounts/caller-scope.js";
import { csvExportHandler } from "./csv-export.js";
import { formatMinor } from "./money.js";
import { countSettlements, listSettlements } from "./queries.js";
import { DateTime } from "./schemas.js";
import { accountsOfRequest } from "./service.js";

const SettlementStatus = Type.Union([Type.Literal("pending"), Type.Literal("paid")]);
const MerchantAccountFilter = Type.Optional(Uuid);
const SettlementQuery = Type.Object(
  { status: Type.Optional(SettlementStatus), merchantAccountId: MerchantAccountFilter, ...PageQuery },
  { additionalProperties: false },
);
const SettlementExportQuery = Type.Object(
  { status: Type.Optional(SettlementStatus), merchantAccountId: MerchantAccountFilter },
  { additionalProperties: false },
);
const Settlement = Type.Object({
  id: Uuid,
  reference: Type.String(),
  periodStart: DateTime,
  periodEnd: DateTime,
  settledAt: nullable(DateTime),
  currency: Type.String(),
  transactionCount: Type.Integer(),
  grossAmount: Type.String(),
  fees: Type.String(),
  refunds: Type.String(),
  netAmount: Type.String(),
  status: Type.String(),
  merchantAccountId: Uuid,
});

type SettlementRow = Awaited<ReturnType<typeof listSettlements>>[number];

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
    merchantAccountId: row.merchant_account_id,
  };
}

export const settlementRoutes: FastifyPluginAsyncTypebox<{ database: Database; clock: Clock }> = async (
  app,
  { database, clock },
) => {
  const { db } = database;

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
      const companyId = request.params.cid;
      const filter = {
        companyId,
        status: request.query.status,
        merchantAccountIds: await accountsOfRequest(
          db,
          companyId,
          callerScope(request),
          request.query.merchantAccountId,
        ),
      };
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
        querystring: SettlementExportQuery,
        response: { 200: CsvFile, ...errorResponses(400, 401, 403, 404) },
      },
    },
    csvExportHandler(
      { database, clock },
      "settlements",
      async (companyId, query: { status?: "pending" | "paid"; merchantAccountId?: string }, scope) => {
        const filter = {
          companyId,
          status: query.status,
          merchantAccountIds: await accountsOfRequest(db, companyId, scope, query.merchantAccountId),
        };
        return {
          action: "settlements.exported",
          header: [
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
          fetchPage: (after, batchSize) => listSettlements(db, filter, after, batchSize),
          keyOf: (row) => [row.period_start.toISOString(), row.id],
          cells: (row) => {
            const v = settlementView(row);
            return [
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
            ];
          },
        };
      },
    ),
  );
};
