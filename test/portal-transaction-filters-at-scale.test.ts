// The Transactions section's filters read the transactions that match (migration 052): a page and
// its capped count for a status, a payment method, or both, read an index range of their own in time
// order, where they walked the company's transactions newest first until they had a page. A rare
// combination walked nearly all of them, one that matched nothing all of them. The pages still list
// exactly what a plain test of every transaction finds, in the same order.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generatePortalData } from "../server/demo/portal-data.js";
import { countTransactions, listTransactions, type TransactionFilter } from "../server/portal/queries.js";
import { testDatabaseKinds } from "./support/databases.js";
import { describePlan, explainAnalyze, recordingStatements, rowsRead } from "./support/explain.js";
import { createHarness, type Harness } from "./support/harness.js";

const TRANSACTIONS = 20_000;
const PAGE = 50;

describe.each(testDatabaseKinds)("portal transactions filtered at scale on %s", (kind) => {
  let h: Harness;
  let companyId: string;
  beforeAll(async () => {
    h = await createHarness(kind);
    companyId = (await h.company("Filtered Transactions Co")).id;
    await generatePortalData(h.db, { companyId, transactions: TRANSACTIONS, now: h.clock.now() });
    // A rare payment method (three refunds, the oldest succeeded payments), and a combination that
    // matches nothing (no pending Kakao Pay payment).
    await sql`UPDATE transactions SET payment_method = 'alipay' WHERE company_id = ${companyId} AND payment_method = 'gcash'`.execute(
      h.db,
    );
    await sql`
      UPDATE transactions SET payment_method = 'gcash', status = 'refunded'
       WHERE company_id = ${companyId} AND id IN (
         SELECT id FROM transactions WHERE company_id = ${companyId} AND status = 'succeeded'
          ORDER BY occurred_at, id LIMIT 3)`.execute(h.db);
    await sql`
      UPDATE transactions SET status = 'succeeded'
       WHERE company_id = ${companyId} AND status = 'pending' AND payment_method = 'kakao_pay'`.execute(h.db);
    await sql`ANALYZE transactions`.execute(h.db);
  }, 120_000);
  afterAll(() => h?.close());

  const filterOf = (parts: Partial<TransactionFilter>): TransactionFilter => ({
    companyId,
    merchantAccountIds: null,
    ...parts,
  });

  it("lists and counts exactly what a plain test of every transaction finds", async () => {
    const all = await h.db
      .selectFrom("transactions")
      .select(["id", "status", "payment_method"])
      .where("company_id", "=", companyId)
      .orderBy("occurred_at", "desc")
      .orderBy("id", "desc")
      .execute();
    for (const parts of [
      { paymentMethod: "gcash" },
      { status: "refunded", paymentMethod: "gcash" },
      { status: "pending", paymentMethod: "kakao_pay" },
      { status: "pending" },
      { status: "failed", paymentMethod: "card" },
      { paymentMethod: "dana" },
    ]) {
      const expected = all
        .filter((t) => !parts.status || t.status === parts.status)
        .filter((t) => !parts.paymentMethod || t.payment_method === parts.paymentMethod)
        .map((t) => t.id);
      const listed: string[] = [];
      let after: [Date, string] | null = null;
      for (;;) {
        const page = await listTransactions(h.db, filterOf(parts), after, PAGE);
        listed.push(...page.map((row) => row.id));
        if (page.length < PAGE) break;
        const last = page[page.length - 1]!;
        after = [last.occurred_at, last.id];
      }
      expect(listed, JSON.stringify(parts)).toEqual(expected);
      expect(await countTransactions(h.db, filterOf(parts))).toBe(expected.length);
    }
    expect(all.filter((t) => t.payment_method === "gcash")).toHaveLength(3);
  }, 120_000);

  it("reads the few that match, not the company's transactions", async () => {
    const recorded = recordingStatements(h.db);
    for (const parts of [
      { paymentMethod: "gcash" },
      { status: "refunded", paymentMethod: "gcash" },
      { status: "pending", paymentMethod: "kakao_pay" },
    ]) {
      recorded.sent.length = 0;
      await listTransactions(recorded.db, filterOf(parts), null, PAGE);
      await countTransactions(recorded.db, filterOf(parts));
      expect(recorded.sent.length).toBeGreaterThanOrEqual(2);
      for (const statement of recorded.sent) {
        const plan = await explainAnalyze(h.db, statement);
        const read = rowsRead(plan, (name) => name === "transactions");
        expect(read, `${JSON.stringify(parts)} ${describePlan(plan)}`).toBeLessThanOrEqual(3);
      }
    }
  }, 120_000);
});
