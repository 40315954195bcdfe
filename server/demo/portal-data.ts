// Realistic, deterministic portal data for a company: transactions spread over the last 90 days,
// daily settlement batches built from them, and Developer Center credentials. Generated in SQL
// (generate_series + hashing), so a million rows take seconds and the same inputs give the same data.
// Rows are spread over the company's merchant accounts (migration 031); batches settle per account.
import { randomBytes } from "node:crypto";
import { type Kysely, sql } from "kysely";
import type { DB } from "../db/schema.js";

export const ERROR_CODES = [
  "INSUFFICIENT_FUNDS",
  "CARD_DECLINED",
  "USER_CANCELLED",
  "RISK_REJECTED",
  "TIMEOUT",
] as const;
const SPAN_SECONDS = 90 * 24 * 3600;

export async function generatePortalData(
  db: Kysely<DB>,
  input: { companyId: string; transactions: number; now: Date; currency?: string },
): Promise<void> {
  const currency = input.currency ?? "USD";
  const step = SPAN_SECONDS / Math.max(1, input.transactions);
  await db.transaction().execute(async (trx) => {
    const accounts = (
      await trx
        .selectFrom("merchant_accounts")
        .select("id")
        .where("company_id", "=", input.companyId)
        .orderBy("created_at")
        .orderBy("id")
        .execute()
    ).map((row) => row.id);
    const accountArray = sql`ARRAY[${sql.join(accounts.map((id) => sql`${id}::uuid`))}]`;
    await sql`
      INSERT INTO transactions (company_id, merchant_account_id, occurred_at, merchant_reference, amount_minor,
                                currency, payment_method, status, error_code)
      SELECT ${input.companyId}::uuid, (${accountArray})[1 + abs(h2 / 11) % ${accounts.length}::int],
             ${input.now}::timestamptz - make_interval(secs => (i * ${step}::float8) + (abs(h1) % 60)),
             'ORD-' || lpad(i::text, 9, '0'),
             100 + abs(h1) % 250000,
             ${currency},
             (ARRAY['alipay','card','gcash','kakao_pay','dana','truemoney'])[1 + abs(h2) % 6],
             status,
             CASE WHEN status = 'failed'
                  THEN (ARRAY['INSUFFICIENT_FUNDS','CARD_DECLINED','USER_CANCELLED','RISK_REJECTED','TIMEOUT'])[1 + abs(h1 / 7) % 5]
             END
        FROM (SELECT i, h1, h2,
                     CASE WHEN abs(h3) % 100 < 84 THEN 'succeeded'
                          WHEN abs(h3) % 100 < 93 THEN 'failed'
                          WHEN abs(h3) % 100 < 98 THEN 'refunded'
                          ELSE 'pending' END AS status
                FROM (SELECT i,
                             hashtextextended(${input.companyId} || ':a:' || i, 0) AS h1,
                             hashtextextended(${input.companyId} || ':m:' || i, 0) AS h2,
                             hashtextextended(${input.companyId} || ':s:' || i, 0) AS h3
                        FROM generate_series(1, ${input.transactions}::int) AS i) hashed) shaped`.execute(
      trx,
    );

    // One batch per day that had settled money; today's batch is still pending.
    await sql`
      INSERT INTO settlement_batches (company_id, merchant_account_id, reference, period_start, period_end,
                                      settled_at, currency, transaction_count, gross_minor, fees_minor,
                                      refunds_minor, net_minor, status)
      SELECT ${input.companyId}::uuid, merchant_account_id,
             'STL-' || to_char(day, 'YYYYMMDD') || CASE WHEN account_no > 1 THEN '-' || account_no ELSE '' END,
             day, day + interval '1 day',
             CASE WHEN day + interval '2 days' <= ${input.now}::timestamptz THEN day + interval '2 days' END,
             ${currency}, count, gross, fees, refunds, gross - fees - refunds,
             CASE WHEN day + interval '2 days' <= ${input.now}::timestamptz THEN 'paid' ELSE 'pending' END
        FROM (SELECT merchant_account_id, array_position(${accountArray}, merchant_account_id) AS account_no,
                     date_trunc('day', occurred_at) AS day, count(*)::int AS count,
                     sum(amount_minor)::bigint AS gross,
                     (sum(amount_minor) * 25 / 1000)::bigint AS fees,
                     coalesce(sum(amount_minor) FILTER (WHERE status = 'refunded'), 0)::bigint AS refunds
                FROM transactions
               WHERE company_id = ${input.companyId} AND status IN ('succeeded', 'refunded')
               GROUP BY 1, 2, 3) daily`.execute(trx);
    await sql`
      UPDATE transactions t SET settlement_batch_id = b.id
        FROM settlement_batches b
       WHERE t.company_id = ${input.companyId} AND b.company_id = t.company_id
         AND b.merchant_account_id = t.merchant_account_id AND t.status IN ('succeeded', 'refunded')
         AND t.occurred_at >= b.period_start AND t.occurred_at < b.period_end`.execute(trx);

    await trx
      .insertInto("developer_credentials")
      .values({
        company_id: input.companyId,
        client_id: `CLIENT_${randomBytes(8).toString("hex").toUpperCase()}`,
      })
      .onConflict((c) => c.column("company_id").doNothing())
      .execute();
    const lastFour = () => randomBytes(3).toString("base64url").replace(/[-_]/g, "x").slice(0, 4);
    await trx
      .insertInto("developer_api_keys")
      .values([
        {
          company_id: input.companyId,
          merchant_account_id: accounts[0],
          // The demo company's credentials are a sandbox's: its keys are test keys, never live ones.
          label: "Checkout server",
          prefix: "sk_test",
          last_four: lastFour(),
          created_at: input.now,
          status: "active",
        },
        {
          company_id: input.companyId,
          merchant_account_id: accounts[1 % accounts.length],
          label: "Sandbox testing",
          prefix: "sk_test",
          last_four: lastFour(),
          created_at: input.now,
          status: "active",
        },
      ])
      .execute();
    await trx
      .insertInto("developer_webhooks")
      .values([
        {
          company_id: input.companyId,
          merchant_account_id: accounts[0],
          url: "https://merchant.example/webhooks/payments",
          events: ["payment.succeeded", "payment.failed", "refund.succeeded"],
          status: "enabled",
          created_at: input.now,
        },
        {
          company_id: input.companyId,
          merchant_account_id: accounts[accounts.length - 1],
          url: "https://merchant.example/webhooks/settlements",
          events: ["settlement.paid"],
          status: "disabled",
          created_at: input.now,
        },
      ])
      .execute();
  });
}
