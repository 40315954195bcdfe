// The portal sections the roles open: transactions and settlements with filters, keyset paging
// and streamed CSV downloads, the Developer Center with masked keys, and Insights computed in SQL.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generatePortalData } from "../server/demo/portal-data.js";
import { csvRow } from "../server/http/csv.js";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness } from "./support/harness.js";

const ROWS = 240;

function parseCsv(text: string): string[][] {
  return text
    .trimEnd()
    .split("\r\n")
    .map((line) => line.split(","));
}

describe.each(testDatabaseKinds)("portal sections on %s", (kind) => {
  let h: Harness;
  let company: Awaited<ReturnType<Harness["company"]>>;
  let admin: string;
  let finance: string;
  let developer: string;
  let analyst: string;

  beforeAll(async () => {
    h = await createHarness(kind);
    company = await h.company("Sections Co");
    await generatePortalData(h.db, {
      companyId: company.id,
      transactions: ROWS,
      now: h.clock.now(),
      currency: "USD",
    });
    admin = await h.login(company.admin.email);
    finance = await h.login((await h.member(company, ["finance"])).email);
    developer = await h.login((await h.member(company, ["developer"])).email);
    analyst = await h.login((await h.member(company, ["data_analytics"])).email);
  });
  afterAll(() => h.close());

  const get = (cookie: string, path: string) =>
    h.inject(cookie, { url: `/api/companies/${company.id}${path}` });

  it("pages through every transaction newest first, each exactly once", async () => {
    const seen: string[] = [];
    const times: number[] = [];
    let cursor: string | null = null;
    let first = true;
    do {
      const response = await get(admin, `/transactions?limit=50${cursor ? `&cursor=${cursor}` : ""}`);
      expect(response.statusCode).toBe(200);
      const body = response.json();
      if (first) expect(body).toMatchObject({ total: ROWS, totalExact: true });
      first = false;
      for (const item of body.items) {
        seen.push(item.id);
        times.push(Date.parse(item.occurredAt));
      }
      cursor = body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(ROWS);
    expect(new Set(seen).size).toBe(ROWS);
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  it("keeps every transaction sharing a millisecond, in pages and in the export", async () => {
    // Times arrive with microseconds; a cursor holds a JavaScript date (milliseconds). Migration 008
    // keeps the sorted time columns in milliseconds, so the (time, id) keyset never skips a tie.
    const tied = await h.company("Same Millisecond Co");
    for (const micros of ["401", "402", "403"]) {
      await sql`INSERT INTO transactions (company_id, occurred_at, merchant_reference, amount_minor, currency,
                                          payment_method, status)
                VALUES (${tied.id}, ${`2026-03-01T10:00:00.123${micros}Z`}::timestamptz, ${`TIE-${micros}`},
                        100, 'USD', 'card', 'succeeded')`.execute(h.db);
    }
    const cookie = await h.login(tied.admin.email);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const response = await h.inject(cookie, {
        url: `/api/companies/${tied.id}/transactions?limit=1${cursor ? `&cursor=${cursor}` : ""}`,
      });
      expect(response.statusCode, response.body).toBe(200);
      seen.push(...response.json().items.map((t: { merchantReference: string }) => t.merchantReference));
      cursor = response.json().nextCursor;
    } while (cursor);
    expect(seen.sort()).toEqual(["TIE-401", "TIE-402", "TIE-403"]);
    const tiedFinance = await h.login((await h.member(tied, ["finance"])).email);
    const csv = await h.inject(tiedFinance, { url: `/api/companies/${tied.id}/transactions/export` });
    expect(csv.statusCode).toBe(200);
    expect(csv.body.match(/TIE-\d+/g)?.sort()).toEqual(["TIE-401", "TIE-402", "TIE-403"]);
  });

  it("filters by status, payment method and time", async () => {
    const failed = (await get(admin, "/transactions?status=failed&limit=100")).json();
    expect(failed.items.length).toBeGreaterThan(0);
    expect(
      failed.items.every(
        (t: { status: string; errorCode: string | null }) => t.status === "failed" && t.errorCode,
      ),
    ).toBe(true);
    const alipay = (await get(admin, "/transactions?paymentMethod=alipay&limit=100")).json();
    expect(alipay.items.every((t: { paymentMethod: string }) => t.paymentMethod === "alipay")).toBe(true);
    const to = h.clock.now().toISOString();
    const from = new Date(h.clock.now().getTime() - 7 * 24 * 3600_000).toISOString();
    const week = (await get(admin, `/transactions?from=${from}&to=${to}&limit=100`)).json();
    expect(week.total).toBeGreaterThan(0);
    expect(week.total).toBeLessThan(ROWS);
    for (const t of week.items) expect(Date.parse(t.occurredAt)).toBeGreaterThanOrEqual(Date.parse(from));
  });

  it("refuses bad filters and cursors with 400, never 500", async () => {
    for (const query of [
      "status=stolen",
      "paymentMethod=bitcoin",
      "from=yesterday",
      "cursor=not-a-cursor",
      "limit=1000",
      "limit=0",
      "extra=1",
    ]) {
      const response = await get(admin, `/transactions?${query}`);
      expect(response.statusCode, query).toBe(400);
      expect(response.json().error.code).toBe("validation_failed");
    }
  });

  it("lets Finance download the same rows as CSV, with formulas neutralised, and audits it", async () => {
    await h.db
      .insertInto("transactions")
      .values({
        company_id: company.id,
        occurred_at: h.clock.now(),
        merchant_reference: '=HYPERLINK("http://evil.example","click")',
        amount_minor: 1234,
        currency: "USD",
        payment_method: "card",
        status: "succeeded",
      })
      .execute();
    const response = await get(finance, "/transactions/export?status=succeeded");
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toMatch(/^text\/csv/);
    expect(response.headers["content-disposition"]).toMatch(
      /attachment; filename="transactions-\d{4}-\d{2}-\d{2}\.csv"/,
    );
    const lines = response.body.trimEnd().split("\r\n");
    expect(lines[0]).toBe(
      "id,occurred_at,merchant_reference,amount,currency,payment_method,status,error_code,settlement_batch_id",
    );
    const listed = (await get(finance, "/transactions?status=succeeded&limit=1")).json();
    expect(lines.length - 1).toBe(listed.total);
    const evil = lines.find((line) => line.includes("HYPERLINK"));
    expect(evil).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
    expect(lines.find((line) => line.includes(",12.34,USD,card,"))).toBeDefined();
    const audit = await h.db
      .selectFrom("audit_events")
      .select("action")
      .where("action", "=", "transactions.exported")
      .where("company_id", "=", company.id)
      .execute();
    expect(audit).toHaveLength(1);
  });

  it("exports exactly the rows the list shows, written as csvRow writes them", async () => {
    const listed: Record<string, string | null>[] = [];
    let cursor: string | null = null;
    do {
      const body: { items: Record<string, string | null>[]; nextCursor: string | null } = (
        await get(finance, `/transactions?limit=100${cursor ? `&cursor=${cursor}` : ""}`)
      ).json();
      listed.push(...body.items);
      cursor = body.nextCursor;
    } while (cursor);
    const expected = listed.map((item) =>
      csvRow([
        item.id,
        item.occurredAt,
        item.merchantReference,
        item.amount,
        item.currency,
        item.paymentMethod,
        item.status,
        item.errorCode,
        item.settlementBatchId,
      ]),
    );
    const exported = (await get(finance, "/transactions/export")).body;
    expect(exported.slice(exported.indexOf("\r\n") + 2)).toBe(expected.join(""));
  });

  it("lists settlement batches whose counts add up to the settled transactions, and exports them", async () => {
    const batches = (await get(finance, "/settlements?limit=100")).json();
    expect(batches.total).toBeGreaterThan(10);
    const settled = await h.db
      .selectFrom("transactions")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("company_id", "=", company.id)
      .where("settlement_batch_id", "is not", null)
      .executeTakeFirstOrThrow();
    const counted = batches.items.reduce(
      (sum: number, b: { transactionCount: number }) => sum + b.transactionCount,
      0,
    );
    expect(counted).toBe(Number(settled.n));
    for (const b of batches.items) {
      const net = Number(b.grossAmount) - Number(b.fees) - Number(b.refunds);
      expect(Number(b.netAmount)).toBeCloseTo(net, 2);
    }
    const csv = parseCsv((await get(finance, "/settlements/export")).body);
    expect(csv[0]?.[1]).toBe("reference");
    expect(csv.length - 1).toBe(batches.total);
  });

  it("shows the Developer Center with masked keys only", async () => {
    const response = await get(developer, "/developer-center");
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.clientId).toMatch(/^CLIENT_[0-9A-F]{16}$/);
    expect(body.apiKeys).toHaveLength(2);
    for (const key of body.apiKeys) expect(key.maskedKey).toMatch(/^sk_(live|test)_•{8}[A-Za-z0-9]{4}$/);
    expect(body.webhooks[0].url).toMatch(/^https:\/\//);
  });

  it("Issue 17 item 12: a refused export answers a JSON error that is not an attachment", async () => {
    for (const path of ["/transactions/export", "/settlements/export"]) {
      const refused = await get(developer, path);
      expect(refused.statusCode, path).toBe(403);
      expect(refused.headers["content-type"]).toMatch(/^application\/json/);
      expect(String(refused.headers["content-disposition"] ?? "")).not.toMatch(/attachment/i);
      expect(refused.json().error.code).toBe("forbidden");
    }
    const allowed = await get(finance, "/transactions/export");
    expect(allowed.headers["content-disposition"]).toMatch(/^attachment/);
  });

  it("Issue 17 item 12: a sandbox Developer Center shows only test keys (sk_test_), never a live one", async () => {
    const body = (await get(developer, "/developer-center")).json();
    expect(body.environment).toBe("sandbox");
    expect(body.apiKeys.length).toBeGreaterThan(0);
    for (const key of body.apiKeys) expect(key.maskedKey).toMatch(/^sk_test_/);
  });

  it("computes Insights that agree with the raw transactions", async () => {
    const to = h.clock.now().toISOString();
    const from = new Date(h.clock.now().getTime() - 90 * 24 * 3600_000 - 3600_000).toISOString();
    const response = await get(analyst, `/insights?from=${from}&to=${to}`);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    const rows = await h.db
      .selectFrom("transactions")
      .select(["status", "payment_method"])
      .where("company_id", "=", company.id)
      .execute();
    const inPeriod = rows.length - 1; // the export test added one row at "now", outside [from, to)
    expect(body.transactionCount).toBe(inPeriod);
    const ok = rows.filter((r) => r.status === "succeeded" || r.status === "refunded").length - 1;
    const failed = rows.filter((r) => r.status === "failed").length;
    expect(body.successRate).toBeCloseTo(ok / (ok + failed), 3);
    expect(body.byPaymentMethod.reduce((s: number, m: { count: number }) => s + m.count, 0)).toBe(inPeriod);
    expect(body.errors.reduce((s: number, e: { count: number }) => s + e.count, 0)).toBe(failed);
    expect(body.daily.length).toBeGreaterThan(80);
  });

  it("keeps every section inside its company", async () => {
    const other = await h.company("Other Sections");
    await generatePortalData(h.db, { companyId: other.id, transactions: 10, now: h.clock.now() });
    for (const path of [
      "/transactions",
      "/settlements",
      "/developer-center",
      "/insights",
      "/transactions/export",
    ]) {
      const response = await h.inject(admin, { url: `/api/companies/${other.id}${path}` });
      expect(response.statusCode, path).toBe(404);
    }
    const own = (await get(admin, "/transactions?limit=100")).json();
    const otherIds = await h.db
      .selectFrom("transactions")
      .select("id")
      .where("company_id", "=", other.id)
      .execute();
    expect(own.items.some((t: { id: string }) => otherIds.some((o) => o.id === t.id))).toBe(false);
  });
});
