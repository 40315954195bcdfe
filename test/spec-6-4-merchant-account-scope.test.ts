// SPEC §6.4: a company has several merchant accounts, and a member scoped `Restricted` to some of
// them sees only those in every section and export (transactions, settlements, their CSV files,
// Insights, the Developer Center); a request naming another account (a transaction id, a
// merchantAccountId filter) answers 404. Scopes travel with role changes and invitations, audited.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generatePortalData } from "../server/demo/portal-data.js";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness } from "./support/harness.js";

const ROWS = 300;
const TOKEN_IN_LINK = /#token=([A-Za-z0-9_-]{43})\b/;

describe.each(testDatabaseKinds)("SPEC 6.4 merchant account scope on %s", (kind) => {
  let h: Harness;
  let company: Awaited<ReturnType<Harness["company"]>>;
  let admin: string;
  /** The company's default account (made with it), then two more: [Asia, Europe, Americas]. */
  let accounts: string[];
  let asia: string;
  let europe: string;
  let americas: string;
  let finance: string;
  let developer: string;
  let analyst: string;
  let operations: string;

  const base = () => `/api/companies/${company.id}`;
  const get = (cookie: string, path: string) => h.inject(cookie, { url: `${base()}${path}` });

  async function restrict(
    memberId: string,
    roleKey: "finance" | "developer" | "data_analytics" | "operations",
  ) {
    const response = await h.inject(admin, {
      method: "PUT",
      url: `${base()}/members/${memberId}/roles`,
      payload: {
        roleIds: [company.roleIds[roleKey]],
        scope: { kind: "restricted", merchantAccountIds: [europe] },
      },
    });
    expect(response.statusCode, response.body).toBe(200);
    return response;
  }

  async function countOf(table: "transactions" | "settlement_batches", accountId: string | null) {
    const row = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM ${sql.table(table)}
       WHERE company_id = ${company.id} ${accountId ? sql`AND merchant_account_id = ${accountId}` : sql``}`.execute(
      h.db,
    );
    return Number(row.rows[0]?.n);
  }

  beforeAll(async () => {
    h = await createHarness(kind);
    company = await h.company("Scoped Co");
    const now = h.clock.now();
    await h.db
      .insertInto("merchant_accounts")
      .values([
        {
          company_id: company.id,
          name: "Scoped Europe",
          reference: "EU-1",
          region: "Europe",
          created_at: new Date(now.getTime() + 1),
        },
        {
          company_id: company.id,
          name: "Scoped Americas",
          reference: "US-1",
          region: "Americas",
          created_at: new Date(now.getTime() + 2),
        },
      ])
      .execute();
    await generatePortalData(h.db, { companyId: company.id, transactions: ROWS, now, currency: "USD" });
    admin = await h.login(company.admin.email);
    await h.elevate(admin);
    const listed: { id: string; name: string }[] = (await get(admin, "/merchant-accounts")).json().items;
    const named = (name: string) => listed.find((item) => item.name === name)?.id as string;
    [asia, europe, americas] = [named("Scoped Co"), named("Scoped Europe"), named("Scoped Americas")];
    accounts = [asia, europe, americas];

    const financeMember = await h.member(company, ["finance"]);
    const developerMember = await h.member(company, ["developer"]);
    const analystMember = await h.member(company, ["data_analytics"]);
    const operationsMember = await h.member(company, ["operations"]);
    await restrict(financeMember.memberId, "finance");
    await restrict(developerMember.memberId, "developer");
    await restrict(analystMember.memberId, "data_analytics");
    await restrict(operationsMember.memberId, "operations");
    finance = await h.login(financeMember.email);
    developer = await h.login(developerMember.email);
    analyst = await h.login(analystMember.email);
    operations = await h.login(operationsMember.email);
  });
  afterAll(() => h?.close());

  it("gives every company a default account, and lists only the caller's accounts", async () => {
    const other = await h.company("Single Account Co");
    const otherAdmin = await h.login(other.admin.email);
    const single = (
      await h.inject(otherAdmin, { url: `/api/companies/${other.id}/merchant-accounts` })
    ).json();
    expect(single.items).toHaveLength(1);
    expect(single.items[0]).toMatchObject({ name: "Single Account Co", region: "" });

    const all = (await get(admin, "/merchant-accounts")).json().items;
    expect(all.map((a: { name: string }) => a.name).sort()).toEqual([
      "Scoped Americas",
      "Scoped Co",
      "Scoped Europe",
    ]);
    for (const cookie of [finance, developer, analyst, operations]) {
      const mine = (await get(cookie, "/merchant-accounts")).json().items;
      expect(mine).toEqual([
        expect.objectContaining({ id: europe, name: "Scoped Europe", reference: "EU-1" }),
      ]);
    }
    // Each account has data, so what follows proves filtering, not emptiness.
    for (const id of accounts) expect(await countOf("transactions", id)).toBeGreaterThan(0);
  });

  it("shows the scope on the member, and audits the change with the scope before and after", async () => {
    const member = await h.member(company, ["operations"]);
    const response = await restrict(member.memberId, "operations");
    expect(response.json().scope).toEqual({ kind: "restricted", merchantAccountIds: [europe] });
    const fetched = (await get(admin, `/members/${member.memberId}`)).json();
    expect(fetched.scope).toEqual({ kind: "restricted", merchantAccountIds: [europe] });
    const listed = (await get(admin, `/members?email=${encodeURIComponent(member.email)}`)).json();
    expect(listed.items[0].scope).toEqual({ kind: "restricted", merchantAccountIds: [europe] });
    const event = await h.db
      .selectFrom("audit_events")
      .select("details")
      .where("action", "=", "member.roles_changed")
      .where("target_id", "=", member.memberId)
      .orderBy("occurred_at", "desc")
      .executeTakeFirstOrThrow();
    expect(event.details).toMatchObject({
      before: { scope: { kind: "all" } },
      after: { scope: { kind: "restricted", merchantAccountIds: [europe] } },
    });
    // Omitting the scope keeps it; `all` gives every account back.
    const kept = await h.inject(admin, {
      method: "PUT",
      url: `${base()}/members/${member.memberId}/roles`,
      payload: { roleIds: [company.roleIds.finance] },
    });
    expect(kept.json().scope).toEqual({ kind: "restricted", merchantAccountIds: [europe] });
    const widened = await h.inject(admin, {
      method: "PUT",
      url: `${base()}/members/${member.memberId}/roles`,
      payload: { roleIds: [company.roleIds.finance], scope: { kind: "all" } },
    });
    expect(widened.json().scope).toEqual({ kind: "all" });
    expect(fetched.scope).not.toEqual(widened.json().scope);
  });

  it("lists and counts only the scope's transactions, and filters by one account of it", async () => {
    const europeCount = await countOf("transactions", europe);
    for (const cookie of [finance, operations]) {
      const seen: { merchantAccountId: string }[] = [];
      let cursor: string | null = null;
      do {
        const page = await get(cookie, `/transactions?limit=100${cursor ? `&cursor=${cursor}` : ""}`);
        expect(page.statusCode, page.body).toBe(200);
        if (!cursor) expect(page.json().total).toBe(europeCount);
        seen.push(...page.json().items);
        cursor = page.json().nextCursor;
      } while (cursor);
      expect(seen).toHaveLength(europeCount);
      expect(new Set(seen.map((t) => t.merchantAccountId))).toEqual(new Set([europe]));
    }
    expect((await get(admin, "/transactions?limit=1")).json().total).toBe(ROWS);
    const americasOnly = (await get(admin, `/transactions?limit=100&merchantAccountId=${americas}`)).json();
    expect(americasOnly.total).toBe(await countOf("transactions", americas));
    expect(
      new Set(americasOnly.items.map((t: { merchantAccountId: string }) => t.merchantAccountId)),
    ).toEqual(new Set([americas]));
    expect((await get(finance, `/transactions?merchantAccountId=${europe}`)).statusCode).toBe(200);
    // Naming an account outside the scope, or none of the company's, is not found.
    for (const outside of [asia, americas]) {
      const refused = await get(finance, `/transactions?merchantAccountId=${outside}`);
      expect(refused.statusCode).toBe(404);
      expect(refused.json().error.code).toBe("not_found");
    }
    const stranger = (
      await h.inject(admin, {
        url: `/api/companies/${company.id}/transactions?merchantAccountId=${crypto.randomUUID()}`,
      })
    ).statusCode;
    expect(stranger).toBe(404);
  });

  it("answers 404 to a restricted member asking for another account's transaction by id", async () => {
    const pick = async (accountId: string) =>
      (
        await h.db
          .selectFrom("transactions")
          .select("id")
          .where("company_id", "=", company.id)
          .where("merchant_account_id", "=", accountId)
          .limit(1)
          .executeTakeFirstOrThrow()
      ).id;
    const own = await pick(europe);
    const foreign = await pick(asia);
    const mine = await get(finance, `/transactions/${own}`);
    expect(mine.statusCode, mine.body).toBe(200);
    expect(mine.json()).toMatchObject({ id: own, merchantAccountId: europe });
    const refused = await get(finance, `/transactions/${foreign}`);
    expect(refused.statusCode).toBe(404);
    expect(refused.json().error.code).toBe("not_found");
    // The same answer as an id that exists nowhere: nothing tells the two apart.
    const missing = await get(finance, `/transactions/${crypto.randomUUID()}`);
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual(refused.json());
    expect((await get(admin, `/transactions/${foreign}`)).statusCode).toBe(200);
  });

  it("exports only the scope's transactions and settlements as CSV", async () => {
    const transactionsCsv = await get(finance, "/transactions/export");
    expect(transactionsCsv.statusCode).toBe(200);
    const transactionLines = transactionsCsv.body.trimEnd().split("\r\n").slice(1);
    expect(transactionLines).toHaveLength(await countOf("transactions", europe));
    const ids = transactionLines.map((line) => line.split(",")[0]);
    const accountsOfExported = await h.db
      .selectFrom("transactions")
      .select("merchant_account_id")
      .distinct()
      .where("id", "in", ids as string[])
      .execute();
    expect(accountsOfExported.map((row) => row.merchant_account_id)).toEqual([europe]);

    const settlementsCsv = await get(finance, "/settlements/export");
    expect(settlementsCsv.statusCode).toBe(200);
    const settlementLines = settlementsCsv.body.trimEnd().split("\r\n").slice(1);
    expect(settlementLines).toHaveLength(await countOf("settlement_batches", europe));
    expect(await countOf("settlement_batches", null)).toBeGreaterThan(settlementLines.length);

    expect((await get(finance, `/transactions/export?merchantAccountId=${asia}`)).statusCode).toBe(404);
    expect((await get(finance, `/settlements/export?merchantAccountId=${americas}`)).statusCode).toBe(404);
  });

  it("lists only the scope's settlement batches, each of its own account", async () => {
    const page = await get(finance, "/settlements?limit=100");
    expect(page.statusCode).toBe(200);
    expect(page.json().total).toBe(await countOf("settlement_batches", europe));
    expect(new Set(page.json().items.map((b: { merchantAccountId: string }) => b.merchantAccountId))).toEqual(
      new Set([europe]),
    );
    expect((await get(finance, `/settlements?merchantAccountId=${asia}`)).statusCode).toBe(404);
    // Every transaction of a batch is of the batch's account: the schema holds it.
    const mixed = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM transactions t JOIN settlement_batches b
          ON b.company_id = t.company_id AND b.id = t.settlement_batch_id
       WHERE t.company_id = ${company.id} AND b.merchant_account_id <> t.merchant_account_id`.execute(h.db);
    expect(Number(mixed.rows[0]?.n)).toBe(0);
  });

  it("computes Insights over the scope only", async () => {
    const scoped = (await get(analyst, "/insights")).json();
    const analystAdmin = await h.member(company, ["data_analytics"]);
    const unrestricted = await h.login(analystAdmin.email);
    const everything = (await get(unrestricted, "/insights")).json();
    const europeOnly = (await get(unrestricted, `/insights?merchantAccountId=${europe}`)).json();
    expect(scoped.transactionCount).toBeGreaterThan(0);
    expect(scoped.transactionCount).toBe(europeOnly.transactionCount);
    expect(scoped.byPaymentMethod).toEqual(europeOnly.byPaymentMethod);
    expect(everything.transactionCount).toBeGreaterThan(scoped.transactionCount);
    expect((await get(analyst, `/insights?merchantAccountId=${asia}`)).statusCode).toBe(404);
  });

  it("shows only the scope's API keys and webhooks in the Developer Center", async () => {
    await h.db
      .insertInto("developer_api_keys")
      .values({
        company_id: company.id,
        merchant_account_id: europe,
        label: "Europe checkout",
        prefix: "sk_test",
        last_four: "EU42",
        created_at: h.clock.now(),
        status: "active",
      })
      .execute();
    const ofAccount = async (table: "developer_api_keys" | "developer_webhooks", accountId: string | null) =>
      (
        await h.db
          .selectFrom(table)
          .select("id")
          .where("company_id", "=", company.id)
          .$if(accountId !== null, (q) => q.where("merchant_account_id", "=", accountId as string))
          .execute()
      )
        .map((row) => row.id)
        .sort();
    const center = (await get(developer, "/developer-center")).json();
    const idsOf = (items: { id: string }[]) => items.map((item) => item.id).sort();
    expect(center.apiKeys.map((key: { label: string }) => key.label)).toContain("Europe checkout");
    expect(idsOf(center.apiKeys)).toEqual(await ofAccount("developer_api_keys", europe));
    expect(idsOf(center.webhooks)).toEqual(await ofAccount("developer_webhooks", europe));
    expect(
      center.apiKeys.every((key: { merchantAccountId: string }) => key.merchantAccountId === europe),
    ).toBe(true);
    expect((await ofAccount("developer_api_keys", null)).length).toBeGreaterThan(center.apiKeys.length);
    expect(center.clientId).toEqual(expect.any(String));
    const developerAll = await h.login((await h.member(company, ["developer"])).email);
    const full = (await get(developerAll, "/developer-center")).json();
    expect(idsOf(full.apiKeys)).toEqual(await ofAccount("developer_api_keys", null));
    expect(idsOf(full.webhooks)).toEqual(await ofAccount("developer_webhooks", null));
  });

  it("carries a restricted scope through an invitation into the member it makes, audited", async () => {
    const email = `scoped.invitee.${Date.now().toString(36)}@example.com`;
    const invited = await h.inject(admin, {
      method: "POST",
      url: `${base()}/invitations`,
      payload: {
        email,
        roleIds: [company.roleIds.operations],
        acceptTerms: true,
        scope: { kind: "restricted", merchantAccountIds: [americas] },
      },
    });
    expect(invited.statusCode, invited.body).toBe(201);
    expect(invited.json().scope).toEqual({ kind: "restricted", merchantAccountIds: [americas] });
    const listed = (await get(admin, "/invitations?status=pending")).json();
    expect(listed.items.find((i: { email: string }) => i.email === email).scope).toEqual({
      kind: "restricted",
      merchantAccountIds: [americas],
    });
    const created = await h.db
      .selectFrom("audit_events")
      .select("details")
      .where("action", "=", "invitation.created")
      .where("target_id", "=", invited.json().id)
      .executeTakeFirstOrThrow();
    expect(created.details).toMatchObject({ scope: { kind: "restricted", merchantAccountIds: [americas] } });

    const mail = await h.db
      .selectFrom("mail_outbox")
      .select("text_body")
      .where("to_address", "=", email)
      .executeTakeFirstOrThrow();
    const token = TOKEN_IN_LINK.exec(mail.text_body)?.[1];
    const accepted = await h.inject(null, {
      method: "POST",
      url: `/api/invitations/${token}/accept`,
      payload: { name: "Scoped Invitee", password: "a long enough passphrase 9" },
    });
    expect(accepted.statusCode, accepted.body).toBe(200);
    const cookie = h.sessionCookie(accepted)!;
    const mine = (await get(cookie, "/transactions?limit=100")).json();
    expect(mine.total).toBe(await countOf("transactions", americas));
    expect(new Set(mine.items.map((t: { merchantAccountId: string }) => t.merchantAccountId))).toEqual(
      new Set([americas]),
    );
    // An invitation without a scope gives all accounts, as before.
    const plain = await h.inject(admin, {
      method: "POST",
      url: `${base()}/invitations`,
      payload: { email: `plain.${email}`, roleIds: [company.roleIds.operations], acceptTerms: true },
    });
    expect(plain.json().scope).toEqual({ kind: "all" });
  });

  it("refuses a scope naming no account, or an account of another company (400, nothing written)", async () => {
    const other = await h.company("Other Accounts Co");
    const otherAdmin = await h.login(other.admin.email);
    const [foreign] = (
      await h.inject(otherAdmin, { url: `/api/companies/${other.id}/merchant-accounts` })
    ).json().items;
    const member = await h.member(company, ["operations"]);
    for (const scope of [
      { kind: "restricted", merchantAccountIds: [] },
      { kind: "restricted", merchantAccountIds: [foreign.id] },
      { kind: "restricted" },
      { kind: "some" },
    ]) {
      const response = await h.inject(admin, {
        method: "PUT",
        url: `${base()}/members/${member.memberId}/roles`,
        payload: { roleIds: [company.roleIds.finance], scope },
      });
      expect(response.statusCode, JSON.stringify(scope)).toBe(400);
      expect(response.json().error.code).toBe("validation_failed");
    }
    expect((await get(admin, `/members/${member.memberId}`)).json()).toMatchObject({
      scope: { kind: "all" },
      roles: [expect.objectContaining({ key: "operations" })],
    });
    // The schema itself refuses a scope that crosses companies.
    await expect(
      h.db
        .insertInto("member_merchant_accounts")
        .values({ company_id: company.id, member_id: member.memberId, merchant_account_id: foreign.id })
        .execute(),
    ).rejects.toThrow();
  });

  it("applies a narrowed scope on the member's very next request", async () => {
    const member = await h.member(company, ["operations"]);
    const cookie = await h.login(member.email);
    expect((await get(cookie, "/transactions?limit=1")).json().total).toBe(ROWS);
    await restrict(member.memberId, "operations");
    expect((await get(cookie, "/transactions?limit=1")).json().total).toBe(
      await countOf("transactions", europe),
    );
  });
});
