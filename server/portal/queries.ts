// SQL for the portal sections. Every query is scoped by company_id first; lists walk the
// (company_id, time DESC, id DESC) indexes by keyset, and counts stop at a cap instead of scanning.
import { type Kysely, sql } from "kysely";
import { isoTime } from "../db/iso-time.js";
import type { DB } from "../db/schema.js";

export const COUNT_CAP = 10_000;

export type TransactionFilter = {
  companyId: string;
  /** The merchant accounts the caller may read (SPEC §6.4); null: every account of the company. */
  merchantAccountIds: readonly string[] | null;
  from?: string;
  to?: string;
  status?: string;
  paymentMethod?: string;
};

// An empty scope reads nothing: an IN list needs one value, and the nil UUID is no account.
const NO_ACCOUNT = "00000000-0000-0000-0000-000000000000";
function inAccounts(filter: { merchantAccountIds: readonly string[] | null }): string[] {
  const ids = filter.merchantAccountIds ?? [];
  return ids.length > 0 ? [...ids] : [NO_ACCOUNT];
}

function filteredTransactions(db: Kysely<DB>, filter: TransactionFilter) {
  let query = db.selectFrom("transactions").where("company_id", "=", filter.companyId);
  if (filter.merchantAccountIds !== null)
    query = query.where("merchant_account_id", "in", inAccounts(filter));
  if (filter.from) query = query.where("occurred_at", ">=", new Date(filter.from));
  if (filter.to) query = query.where("occurred_at", "<", new Date(filter.to));
  if (filter.status) query = query.where("status", "=", filter.status as "succeeded");
  if (filter.paymentMethod) query = query.where("payment_method", "=", filter.paymentMethod);
  return query;
}

const TRANSACTION_COLUMNS = [
  "id",
  "occurred_at",
  "merchant_reference",
  "amount_minor",
  "currency",
  "payment_method",
  "status",
  "error_code",
  "settlement_batch_id",
  "merchant_account_id",
] as const;

/** Up to `limit` matching rows after the (time, id) key `after`, newest first; the caller selects. */
function transactionPage(
  db: Kysely<DB>,
  filter: TransactionFilter,
  after: [Date | string, string] | null,
  limit: number,
) {
  let query = filteredTransactions(db, filter);
  if (after) {
    query = query.where((eb) =>
      eb(eb.refTuple("occurred_at", "id"), "<", eb.tuple(new Date(after[0]), after[1])),
    );
  }
  return query.orderBy("occurred_at", "desc").orderBy("id", "desc").limit(limit);
}

export function listTransactions(
  db: Kysely<DB>,
  filter: TransactionFilter,
  after: [Date | string, string] | null,
  limit: number,
) {
  return transactionPage(db, filter, after, limit).select(TRANSACTION_COLUMNS).execute();
}

// The export reads each time as text the database wrote (isoTime): since times are stored in
// milliseconds (migration 008), that text is also an exact keyset key.

/** One batch of the CSV export, after the (time, id) key of the last row written. */
export function exportTransactions(
  db: Kysely<DB>,
  filter: TransactionFilter,
  after: [string, string] | null,
  limit: number,
) {
  return transactionPage(db, filter, after, limit)
    .select([
      ...TRANSACTION_COLUMNS.filter((column) => column !== "occurred_at"),
      isoTime(sql`occurred_at`).as("occurred_at_iso"),
    ])
    .execute();
}

/** One transaction of the company, if it is of an account the caller may read. */
export function findTransaction(
  db: Kysely<DB>,
  scope: { companyId: string; merchantAccountIds: readonly string[] | null },
  transactionId: string,
) {
  let query = db
    .selectFrom("transactions")
    .select(TRANSACTION_COLUMNS)
    .where("company_id", "=", scope.companyId)
    .where("id", "=", transactionId);
  if (scope.merchantAccountIds !== null) query = query.where("merchant_account_id", "in", inAccounts(scope));
  return query.executeTakeFirst();
}

/** Counts matching rows up to COUNT_CAP + 1; beyond the cap the total is not exact. */
export async function countTransactions(db: Kysely<DB>, filter: TransactionFilter): Promise<number> {
  const capped = filteredTransactions(db, filter)
    .select("id")
    .limit(COUNT_CAP + 1);
  const row = await db
    .selectFrom(capped.as("capped"))
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

const SETTLEMENT_COLUMNS = [
  "id",
  "reference",
  "period_start",
  "period_end",
  "settled_at",
  "currency",
  "transaction_count",
  "gross_minor",
  "fees_minor",
  "refunds_minor",
  "net_minor",
  "status",
  "merchant_account_id",
] as const;

export type SettlementFilter = {
  companyId: string;
  merchantAccountIds: readonly string[] | null;
  status?: string;
};

export function listSettlements(
  db: Kysely<DB>,
  filter: SettlementFilter,
  after: [Date | string, string] | null,
  limit: number,
) {
  let query = db
    .selectFrom("settlement_batches")
    .select(SETTLEMENT_COLUMNS)
    .where("company_id", "=", filter.companyId);
  if (filter.merchantAccountIds !== null)
    query = query.where("merchant_account_id", "in", inAccounts(filter));
  if (filter.status) query = query.where("status", "=", filter.status as "paid");
  if (after) {
    query = query.where((eb) =>
      eb(eb.refTuple("period_start", "id"), "<", eb.tuple(new Date(after[0]), after[1])),
    );
  }
  return query.orderBy("period_start", "desc").orderBy("id", "desc").limit(limit).execute();
}

export async function countSettlements(db: Kysely<DB>, filter: SettlementFilter) {
  let query = db.selectFrom("settlement_batches").where("company_id", "=", filter.companyId);
  if (filter.merchantAccountIds !== null)
    query = query.where("merchant_account_id", "in", inAccounts(filter));
  if (filter.status) query = query.where("status", "=", filter.status as "paid");
  const row = await query.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The client id is the company's; API keys and webhooks only those of the readable accounts. */
export async function developerCenter(
  db: Kysely<DB>,
  companyId: string,
  merchantAccountIds: readonly string[] | null,
) {
  const scope = { merchantAccountIds };
  const [credentials, apiKeys, webhooks] = await Promise.all([
    db.selectFrom("developer_credentials").selectAll().where("company_id", "=", companyId).executeTakeFirst(),
    db
      .selectFrom("developer_api_keys")
      .selectAll()
      .where("company_id", "=", companyId)
      .$if(merchantAccountIds !== null, (q) => q.where("merchant_account_id", "in", inAccounts(scope)))
      .orderBy("created_at")
      .execute(),
    db
      .selectFrom("developer_webhooks")
      .selectAll()
      .where("company_id", "=", companyId)
      .$if(merchantAccountIds !== null, (q) => q.where("merchant_account_id", "in", inAccounts(scope)))
      .orderBy("created_at")
      .execute(),
  ]);
  return { credentials, apiKeys, webhooks };
}

type MethodRow = {
  payment_method: string;
  count: number;
  succeeded: number;
  failed: number;
  volume_minor: number;
};
type ErrorRow = { error_code: string; count: number };
type DayRow = { day: Date; count: number; succeeded: number; failed: number; volume_minor: number };

/** Insights computed in SQL from the transactions of a period. */
export async function insights(
  db: Kysely<DB>,
  companyId: string,
  from: Date,
  to: Date,
  merchantAccountIds: readonly string[] | null,
) {
  const accounts =
    merchantAccountIds === null
      ? sql``
      : sql`AND merchant_account_id IN (${sql.join(inAccounts({ merchantAccountIds }))})`;
  const scope = sql`company_id = ${companyId} ${accounts} AND occurred_at >= ${from} AND occurred_at < ${to}`;
  const [byMethod, errors, daily] = await Promise.all([
    sql<MethodRow>`
      SELECT payment_method, count(*)::int AS count,
             (count(*) FILTER (WHERE status IN ('succeeded', 'refunded')))::int AS succeeded,
             (count(*) FILTER (WHERE status = 'failed'))::int AS failed,
             coalesce(sum(amount_minor) FILTER (WHERE status IN ('succeeded', 'refunded')), 0)::bigint AS volume_minor
        FROM transactions WHERE ${scope} GROUP BY payment_method ORDER BY count DESC, payment_method`.execute(
      db,
    ),
    sql<ErrorRow>`
      SELECT error_code, count(*)::int AS count FROM transactions
       WHERE ${scope} AND status = 'failed' GROUP BY error_code ORDER BY count DESC, error_code`.execute(db),
    sql<DayRow>`
      SELECT date_trunc('day', occurred_at) AS day, count(*)::int AS count,
             (count(*) FILTER (WHERE status IN ('succeeded', 'refunded')))::int AS succeeded,
             (count(*) FILTER (WHERE status = 'failed'))::int AS failed,
             coalesce(sum(amount_minor) FILTER (WHERE status IN ('succeeded', 'refunded')), 0)::bigint AS volume_minor
        FROM transactions WHERE ${scope} GROUP BY 1 ORDER BY 1`.execute(db),
  ]);
  return { byMethod: byMethod.rows, errors: errors.rows, daily: daily.rows };
}

/** The currency Insights reports volumes in: the company's settlement currency. */
export async function settlementCurrency(db: Kysely<DB>, companyId: string): Promise<string> {
  const company = await db
    .selectFrom("companies")
    .select("settlement_currency")
    .where("id", "=", companyId)
    .executeTakeFirstOrThrow();
  return company.settlement_currency;
}
