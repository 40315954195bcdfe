// The member list (SPEC §3): search by email (case-insensitive substring; under three characters,
// the beginning), filters by role and status, keyset pages that cover every member once, totals
// from counters kept in the transaction of each change, and a capped count for searches. Also the
// single member, and optimistic concurrency on changes (a stale version is 409 conflict).
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addMember } from "../server/companies/service.js";
import { estimateMatchingMembers, searchParts } from "../server/members/queries.js";
import { SEARCH_COLLECT_MAX_ESTIMATE, SEARCH_COUNT_CAP } from "../server/members/service.js";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness } from "./support/harness.js";

type Company = Awaited<ReturnType<Harness["company"]>>;
type Item = {
  id: string;
  accountId: string;
  email: string;
  name: string;
  roles: { id: string; key: string | null; name: string }[];
  status: string;
  joinedAt: string;
  lastActiveAt: string | null;
  version: number;
};

describe.each(testDatabaseKinds)("member list on %s", (kind) => {
  let h: Harness;
  let company: Company;
  let admin: string;

  beforeAll(async () => {
    h = await createHarness(kind);
    company = await h.company("List Co");
    admin = await h.login(company.admin.email);
  });
  afterAll(() => h?.close());

  const list = async (query = "", cookie = admin, companyId = company.id) => {
    const response = await h.inject(cookie, { url: `/api/companies/${companyId}/members${query}` });
    return response;
  };

  /** Adds a member with a chosen email, through the same addMember path as everything else. */
  async function memberWithEmail(
    target: Company,
    email: string,
    roles: ("admin" | "finance" | "operations")[],
  ) {
    const account = await h.account(email, `Person ${email}`);
    const memberId = await h.db.transaction().execute((trx) =>
      addMember(trx, {
        companyId: target.id,
        accountId: account.id,
        roleIds: roles.map((key) => target.roleIds[key]),
        invitedBy: null,
        now: h.clock.now(),
      }),
    );
    return { ...account, memberId };
  }

  it("names a member's roles in one order everywhere: the member, the member list and /api/me", async () => {
    const member = await h.member(company, ["data_analytics", "developer", "finance"]);
    const expected = ["finance", "developer", "data_analytics"]; // SPEC's table order, not the alphabet
    const keys = (roles: { key: string }[]) => roles.map((role) => role.key);
    const one = await h.inject(admin, { url: `/api/companies/${company.id}/members/${member.memberId}` });
    expect(keys(one.json().roles)).toEqual(expected);
    const listed = (await list(`?email=${encodeURIComponent(member.email)}`)).json().items;
    expect(keys(listed[0].roles)).toEqual(expected);
    const me = (await h.inject(await h.login(member.email), { url: "/api/me" })).json();
    expect(keys(me.memberships[0].roles)).toEqual(expected);
  });

  it("writes joined and last-active times as UTC ISO text cut to the millisecond, in every member answer", async () => {
    const co = await h.company("Times Co");
    const cookie = await h.login(co.admin.email);
    await h.elevate(cookie);
    const member = await h.member(co, ["finance"]);
    // Microseconds, an offset that is not UTC, and a last millisecond that must not round into a new year.
    await sql`UPDATE members SET joined_at = '2026-03-04 07:06:07.891999+02' WHERE id = ${member.memberId}`.execute(
      h.db,
    );
    await sql`INSERT INTO member_activity (member_id, last_active_at)
              VALUES (${member.memberId}, '2025-12-31 23:59:59.9999+00')
              ON CONFLICT (member_id) DO UPDATE SET last_active_at = EXCLUDED.last_active_at`.execute(h.db);
    const times = { joinedAt: "2026-03-04T05:06:07.891Z", lastActiveAt: "2025-12-31T23:59:59.999Z" };
    const url = `/api/companies/${co.id}/members/${member.memberId}`;
    expect((await h.inject(cookie, { url })).json()).toMatchObject(times);
    const listed = await list(`?email=${encodeURIComponent(member.email)}`, cookie, co.id);
    expect(listed.json().items).toMatchObject([times]);
    const changed = await h.inject(cookie, {
      method: "PUT",
      url: `${url}/roles`,
      payload: { roleIds: [co.roleIds.operations], version: 1 },
    });
    expect(changed.json()).toMatchObject({ ...times, roles: [{ key: "operations" }] });
    const deactivated = await h.inject(cookie, { method: "POST", url: `${url}/deactivate`, payload: {} });
    expect(deactivated.json()).toMatchObject({ ...times, status: "deactivated" });
    // A member who never came back answers null, not a time.
    const quiet = await h.member(co, ["operations"]);
    await sql`DELETE FROM member_activity WHERE member_id = ${quiet.memberId}`.execute(h.db);
    const plainList = (await list("?limit=100", cookie, co.id)).json().items as Item[];
    expect(plainList.find((item) => item.id === quiet.memberId)?.lastActiveAt).toBeNull();
  });

  it("records a member's activity without rewriting the member row that the list and search read", async () => {
    const co = await h.company("Activity Co");
    const member = await h.member(co, ["finance"]);
    const cookie = await h.login(member.email);
    const rowVersion = async () =>
      (
        await sql<{
          xmin: string;
        }>`SELECT xmin::text AS xmin FROM members WHERE id = ${member.memberId}`.execute(h.db)
      ).rows[0]?.xmin;
    const lastActiveAt = async () =>
      (
        await h.db
          .selectFrom("member_activity")
          .select("last_active_at")
          .where("member_id", "=", member.memberId)
          .executeTakeFirst()
      )?.last_active_at;
    const before = await rowVersion();
    const section = `/api/companies/${co.id}/transactions?limit=1`;
    for (let minute = 0; minute < 3; minute += 1) {
      expect((await h.inject(cookie, { url: section })).statusCode).toBe(200);
      expect(await lastActiveAt()).toEqual(h.clock.now());
      h.clock.advance(61_000);
    }
    // Touched three times, a minute apart; the member row is the very row version it was.
    expect(await rowVersion()).toBe(before);
  });

  /** Every item of a listing, following nextCursor page by page. */
  async function everyPage(query: string, limit: number) {
    const seen: Item[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 200; pages += 1) {
      const separator = query ? "&" : "?";
      const response = await list(
        `${query}${separator}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      );
      expect(response.statusCode, response.body).toBe(200);
      const body = response.json();
      expect(body.items.length).toBeLessThanOrEqual(limit);
      seen.push(...body.items);
      cursor = body.nextCursor;
      if (!cursor) break;
    }
    return seen;
  }

  describe("listing and search", () => {
    let co: Company;
    let cookie: string;

    beforeAll(async () => {
      co = await h.company("Search Co");
      cookie = await h.login(co.admin.email);
      await memberWithEmail(co, "alice.tan@example.com", ["finance"]);
      await memberWithEmail(co, "bob.alison@example.org", ["operations"]);
      await memberWithEmail(co, "carol_99@acme.io", ["finance", "operations"]);
      await memberWithEmail(co, "carol99@acme.io", ["operations"]);
      await memberWithEmail(co, "zed@al-pha.example", ["admin"]);
    });

    const search = async (query: string) => {
      const response = await list(query, cookie, co.id);
      expect(response.statusCode, response.body).toBe(200);
      return response.json() as {
        items: Item[];
        total: number;
        totalExact: boolean;
        nextCursor: string | null;
      };
    };

    it("lists members in email order with their roles, status, dates and version", async () => {
      const body = await search("");
      expect(body.total).toBe(6);
      expect(body.totalExact).toBe(true);
      expect(body.nextCursor).toBeNull();
      const emails = body.items.map((m) => m.email);
      expect(emails).toEqual([...emails].sort());
      const carol = body.items.find((m) => m.email === "carol_99@acme.io");
      expect(carol).toMatchObject({
        name: "Person carol_99@acme.io",
        status: "active",
        version: 1,
        lastActiveAt: null,
        roles: [
          { id: co.roleIds.finance, key: "finance", name: "Finance" },
          { id: co.roleIds.operations, key: "operations", name: "Operations" },
        ],
      });
      expect(carol?.joinedAt).toBe(h.clock.now().toISOString());
      expect(Object.keys(carol ?? {}).sort()).toEqual(
        // `scope`: SPEC §6.8 adds the merchant accounts the member reaches.
        [
          "accountId",
          "email",
          "id",
          "joinedAt",
          "lastActiveAt",
          "name",
          "roles",
          "scope",
          "status",
          "version",
        ].sort(),
      );
      // The caller's own row shows when it was last active: the guard touched it just now.
      const me = body.items.find((m) => m.email === co.admin.email);
      expect(me?.lastActiveAt).not.toBeNull();
    });

    it("shows an account's name as it is now: list, search, export and a role change's answer", async () => {
      // They read the name the member row carries (migration 022 keeps it with the account's).
      const renamed = await memberWithEmail(co, "renamed.person@example.net", ["operations"]);
      await h.db.updateTable("accounts").set({ name: "Rena Med" }).where("id", "=", renamed.id).execute();
      for (const query of ["?limit=100", "?email=renamed.person", "?sort=name&limit=100"]) {
        const item = (await search(query)).items.find((m) => m.email === renamed.email);
        expect(item?.name, query).toBe("Rena Med");
      }
      const exported = await h.inject(cookie, {
        url: `/api/companies/${co.id}/members/export?email=renamed.person`,
      });
      expect(exported.statusCode, exported.body).toBe(200);
      expect(exported.body).toContain("Rena Med");
      await h.elevate(cookie);
      const changed = await h.inject(cookie, {
        method: "PUT",
        url: `/api/companies/${co.id}/members/${renamed.memberId}/roles`,
        payload: { roleIds: [co.roleIds.finance] },
      });
      expect(changed.statusCode, changed.body).toBe(200);
      expect(changed.json().name).toBe("Rena Med");
      await h.db.deleteFrom("members").where("id", "=", renamed.memberId).execute();
    });

    it("searches a case-insensitive substring of the email", async () => {
      const body = await search("?email=ALIS");
      expect(body.items.map((m) => m.email)).toEqual(["bob.alison@example.org"]);
      expect(body).toMatchObject({ total: 1, totalExact: true });
      const domain = await search(`?email=${encodeURIComponent("  @Example.ORG ")}`);
      expect(domain.items.map((m) => m.email)).toEqual(["bob.alison@example.org"]);
    });

    it("matches patterns under three characters by the beginning of the email", async () => {
      expect((await search("?email=al")).items.map((m) => m.email)).toEqual(["alice.tan@example.com"]);
      expect((await search("?email=Z")).items.map((m) => m.email)).toEqual(["zed@al-pha.example"]);
      // "al" appears inside other emails too (bob.alison, al-pha): three characters search inside.
      expect((await search("?email=ali")).items.map((m) => m.email)).toEqual([
        "alice.tan@example.com",
        "bob.alison@example.org",
      ]);
    });

    it("takes _ and % in a search literally", async () => {
      expect((await search("?email=carol_")).items.map((m) => m.email)).toEqual(["carol_99@acme.io"]);
      expect((await search("?email=%25")).items).toEqual([]);
      expect((await search("?email=ol%25")).items).toEqual([]);
    });

    it("filters by role id or predefined key, and by status, with totals from the counters", async () => {
      const byKey = await search("?role=operations");
      expect(byKey.items.map((m) => m.email)).toEqual([
        "bob.alison@example.org",
        "carol99@acme.io",
        "carol_99@acme.io",
      ]);
      expect(byKey.total).toBe(3);
      const byId = await search(`?role=${co.roleIds.operations}`);
      expect(byId.items).toEqual(byKey.items);
      expect((await search("?role=admin")).total).toBe(2);
      expect((await search("?status=deactivated")).total).toBe(0);
      expect((await search("?status=active")).total).toBe(6);
      const combined = await search("?role=finance&email=tan");
      expect(combined.items.map((m) => m.email)).toEqual(["alice.tan@example.com"]);
    });

    it("refuses an unknown role, another company's role and malformed filters with 400", async () => {
      for (const query of [
        `?role=${company.roleIds.finance}`,
        "?role=00000000-0000-4000-8000-000000000000",
        "?role=superadmin",
        "?role=admin,finance",
        "?role=admin&role=finance",
        "?status=removed",
        "?limit=0",
        "?limit=101",
        "?cursor=not-a-cursor",
        "?email=%00",
        `?email=${"a".repeat(255)}`,
        "?companyId=x",
      ]) {
        const response = await list(query, cookie, co.id);
        expect(response.statusCode, query).toBe(400);
        expect(response.json().error.code).toBe("validation_failed");
      }
    });

    it("answers one member, and 404 for a member of another company or none", async () => {
      const body = await search("?email=zed");
      const zed = body.items[0] as Item;
      const one = await h.inject(cookie, { url: `/api/companies/${co.id}/members/${zed.id}` });
      expect(one.statusCode).toBe(200);
      // The list item, who invited the member (nobody: added directly), and whether they have a second factor.
      expect(one.json()).toEqual({ ...zed, invitedBy: null, hasSecondFactor: false });
      for (const id of [company.admin.memberId, "00000000-0000-4000-8000-000000000000"]) {
        const missing = await h.inject(cookie, { url: `/api/companies/${co.id}/members/${id}` });
        expect(missing.statusCode).toBe(404);
      }
      expect((await h.inject(cookie, { url: `/api/companies/${co.id}/members/nope` })).statusCode).toBe(400);
    });

    it("never shows one company's members to another company's admin", async () => {
      const response = await list("", admin, co.id);
      expect(response.statusCode).toBe(404);
      expect(response.body).not.toContain("alice");
    });
  });

  describe("pagination", () => {
    it("covers every member exactly once, in order, with and without filters", async () => {
      const co = await h.company("Pages Co");
      for (let i = 0; i < 23; i += 1) {
        await memberWithEmail(co, `page.${String(i).padStart(2, "0")}.${co.id.slice(0, 6)}@example.com`, [
          i % 3 === 0 ? "finance" : "operations",
        ]);
      }
      const adminOf = await h.login(co.admin.email);
      const walk = async (query: string, limit: number) => {
        const seen: string[] = [];
        let cursor: string | null = null;
        do {
          const separator = query ? "&" : "?";
          const response = await list(
            `${query}${separator}limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`,
            adminOf,
            co.id,
          );
          expect(response.statusCode, response.body).toBe(200);
          seen.push(...response.json().items.map((m: Item) => m.email));
          cursor = response.json().nextCursor;
        } while (cursor);
        return seen;
      };
      const all = await walk("", 5);
      expect(all).toHaveLength(24);
      expect(new Set(all).size).toBe(24);
      expect(all).toEqual([...all].sort());
      const finance = await walk("?role=finance", 2);
      expect(finance).toHaveLength(8);
      expect(new Set(finance).size).toBe(8);
      const searched = await walk("?email=page.1", 3);
      expect(searched).toHaveLength(10);
      expect(searched).toEqual([...searched].sort());
      const first = (await list("?limit=100", adminOf, co.id)).json();
      expect(first).toMatchObject({ total: 24, totalExact: true, nextCursor: null });
    });

    it("uses the default page size of 20", async () => {
      const everything = await everyPage("", 20);
      const firstPage = (await list("")).json();
      expect(firstPage.items.length).toBe(Math.min(20, everything.length));
    });
  });

  describe("totals", () => {
    /** The counters recomputed from the rows, to compare with what the triggers kept. */
    async function recount(companyId: string) {
      const members = await sql<{ active: number; deactivated: number }>`
        SELECT count(*) FILTER (WHERE status = 'active')::int AS active,
               count(*) FILTER (WHERE status = 'deactivated')::int AS deactivated
          FROM members WHERE company_id = ${companyId}`.execute(h.db);
      const roles = await sql<{ role_id: string; active: number; deactivated: number }>`
        SELECT mr.role_id, count(*) FILTER (WHERE m.status = 'active')::int AS active,
               count(*) FILTER (WHERE m.status = 'deactivated')::int AS deactivated
          FROM member_roles mr JOIN members m ON m.id = mr.member_id
         WHERE mr.company_id = ${companyId} GROUP BY mr.role_id ORDER BY mr.role_id`.execute(h.db);
      return { members: members.rows[0], roles: roles.rows };
    }
    async function counters(companyId: string) {
      const members = await h.db
        .selectFrom("member_counts")
        .select(["active", "deactivated"])
        .where("company_id", "=", companyId)
        .executeTakeFirst();
      const roles = await h.db
        .selectFrom("member_role_counts")
        .select(["role_id", "active", "deactivated"])
        .where("company_id", "=", companyId)
        .where((eb) => eb.or([eb("active", ">", 0), eb("deactivated", ">", 0)]))
        .orderBy("role_id")
        .execute();
      return { members, roles };
    }

    it("keeps the counters equal to the rows through every kind of change, in the same transaction", async () => {
      const co = await h.company("Counted Co");
      const cookie = await h.login(co.admin.email);
      await h.elevate(cookie);
      const a = await h.member(co, ["finance", "operations"]);
      const b = await h.member(co, ["admin"]);
      expect(await counters(co.id)).toEqual(await recount(co.id));

      const put = (memberId: string, roleIds: string[], version: number) =>
        h.inject(cookie, {
          method: "PUT",
          url: `/api/companies/${co.id}/members/${memberId}/roles`,
          payload: { roleIds, version },
        });
      expect((await put(a.memberId, [co.roleIds.developer], 1)).statusCode).toBe(200);
      expect(await counters(co.id)).toEqual(await recount(co.id));
      const post = (memberId: string, action: string) =>
        h.inject(cookie, {
          method: "POST",
          url: `/api/companies/${co.id}/members/${memberId}/${action}`,
          payload: {},
        });
      expect((await post(b.memberId, "deactivate")).statusCode).toBe(200);
      expect(await counters(co.id)).toEqual(await recount(co.id));
      expect((await post(b.memberId, "reactivate")).statusCode).toBe(200);
      expect((await post(a.memberId, "deactivate")).statusCode).toBe(200);
      expect(await counters(co.id)).toEqual(await recount(co.id));
      // Writers that bypass the services (SQL, other capabilities) keep them right as well.
      await h.db
        .updateTable("member_roles")
        .set({ role_id: co.roleIds.data_analytics })
        .where("member_id", "=", a.memberId)
        .execute();
      await h.db
        .updateTable("members")
        .set({ status: "active", deactivated_at: null })
        .where("id", "=", a.memberId)
        .execute();
      await h.db.deleteFrom("members").where("id", "=", b.memberId).execute();
      expect(await counters(co.id)).toEqual(await recount(co.id));

      // A failed transaction leaves them as they were.
      const before = await counters(co.id);
      await expect(
        h.db.transaction().execute(async (trx) => {
          await trx
            .updateTable("members")
            .set({ status: "deactivated", deactivated_at: h.clock.now() })
            .where("company_id", "=", co.id)
            .execute();
          throw new Error("boom");
        }),
      ).rejects.toThrow("boom");
      expect(await counters(co.id)).toEqual(before);

      const listed = (await list("", cookie, co.id)).json();
      expect(listed.total).toBe((before.members?.active ?? 0) + (before.members?.deactivated ?? 0));
      expect((await list("?status=deactivated", cookie, co.id)).json().total).toBe(
        before.members?.deactivated,
      );
      expect((await list("?role=data_analytics", cookie, co.id)).json().total).toBe(1);
      expect((await list("?role=data_analytics&status=deactivated", cookie, co.id)).json().total).toBe(0);
    });

    it(`counts a search up to ${SEARCH_COUNT_CAP} and says totalExact:false beyond`, async () => {
      const co = await h.company("Crowded Co");
      const cookie = await h.login(co.admin.email);
      const many = SEARCH_COUNT_CAP + 100;
      // Seeded in SQL: 1,100 accounts and memberships in two statements (the counters' triggers run per statement).
      await sql`
        INSERT INTO accounts (email, name, password_hash)
        SELECT 'crowd' || i || '.' || ${co.id.slice(0, 8)} || '@example.net', 'Crowd ' || i, 'not-a-hash'
          FROM generate_series(1, ${many}::int) i`.execute(h.db);
      await sql`
        INSERT INTO members (company_id, account_id)
        SELECT ${co.id}::uuid, id FROM accounts WHERE email LIKE ${`crowd%.${co.id.slice(0, 8)}@example.net`}`.execute(
        h.db,
      );

      const unfiltered = (await list("", cookie, co.id)).json();
      expect(unfiltered).toMatchObject({ total: many + 1, totalExact: true });
      expect(unfiltered.items).toHaveLength(20);
      const broad = (await list("?email=crowd", cookie, co.id)).json();
      expect(broad).toMatchObject({ total: SEARCH_COUNT_CAP, totalExact: false });
      expect(broad.items).toHaveLength(20);
      expect(broad.nextCursor).not.toBeNull();
      const narrow = (await list("?email=crowd10", cookie, co.id)).json();
      // crowd10, crowd100..crowd109, crowd1000..crowd1099
      expect(narrow).toMatchObject({ total: 111, totalExact: true });
      const prefix = (await list("?email=cr&limit=100", cookie, co.id)).json();
      expect(prefix).toMatchObject({ total: SEARCH_COUNT_CAP, totalExact: false });
      expect(prefix.items).toHaveLength(100);
    });
  });

  it(`pages a search matching more than ${SEARCH_COLLECT_MAX_ESTIMATE} members in email order, as one matching fewer`, async () => {
    // Past the estimate the page walks the email order; below it, every match is gathered and
    // sorted. Both must give the same pages. The term is further into every email: those that start
    // with it are a range of the index, whatever their number.
    const co = await h.company("Huge Co");
    const cookie = await h.login(co.admin.email);
    const many = SEARCH_COLLECT_MAX_ESTIMATE * 1.5;
    const tag = co.id.slice(0, 8);
    await sql`
      INSERT INTO accounts (email, name, password_hash)
      SELECT 'm' || i || '.huge' || (CASE WHEN i % 100 = 7 THEN '.rare' ELSE '' END) || '.' || ${tag} || '@example.net',
             'Huge ' || i, 'not-a-hash'
        FROM generate_series(1, ${many}::int) i`.execute(h.db);
    await sql`
      INSERT INTO members (company_id, account_id)
      SELECT ${co.id}::uuid, id FROM accounts WHERE email LIKE ${`m%.huge%.${tag}@example.net`}`.execute(
      h.db,
    );
    await sql`ANALYZE members`.execute(h.db);
    const emails = (
      await sql<{
        email: string;
      }>`SELECT email FROM members WHERE company_id = ${co.id} AND email LIKE '%.huge%'
                                    ORDER BY email`.execute(h.db)
    ).rows.map((row) => row.email);

    type Page = { items: Item[]; total: number; totalExact: boolean; nextCursor: string | null };
    const pages = async (term: string) => {
      const seen: string[] = [];
      let first: Page | undefined;
      let cursor: string | null = null;
      for (let i = 0; i < 3; i += 1) {
        const body: Page = (
          await list(`?email=${term}&limit=50${cursor ? `&cursor=${cursor}` : ""}`, cookie, co.id)
        ).json();
        first ??= body;
        seen.push(...body.items.map((m) => m.email));
        cursor = body.nextCursor;
      }
      return { seen, total: first?.total, totalExact: first?.totalExact };
    };
    const estimate = (term: string) =>
      estimateMatchingMembers(h.db, searchParts({ companyId: co.id }, term).inside);
    expect(await estimate("huge")).toBeGreaterThan(SEARCH_COLLECT_MAX_ESTIMATE);
    expect(await pages("huge")).toEqual({
      seen: emails.slice(0, 150),
      total: SEARCH_COUNT_CAP,
      totalExact: false,
    });
    expect(await estimate(".rare")).toBeLessThanOrEqual(SEARCH_COLLECT_MAX_ESTIMATE);
    const rare = emails.filter((e) => e.includes(".rare"));
    expect(await pages(".rare")).toEqual({ seen: rare, total: rare.length, totalExact: true });
  });

  describe("optimistic concurrency", () => {
    it("answers a stale version with 409 conflict and the member's current state, and bumps it on each change", async () => {
      const co = await h.company("Versions Co");
      const cookie = await h.login(co.admin.email);
      await h.elevate(cookie);
      const member = await h.member(co, ["finance"]);
      const url = `/api/companies/${co.id}/members/${member.memberId}`;
      const put = (roleIds: string[], version: number) =>
        h.inject(cookie, { method: "PUT", url: `${url}/roles`, payload: { roleIds, version } });

      const first = await put([co.roleIds.operations], 1);
      expect(first.statusCode, first.body).toBe(200);
      expect(first.json()).toMatchObject({ version: 2, roles: [{ key: "operations" }] });

      // A second editor who loaded version 1 does not silently overwrite the first change.
      const stale = await put([co.roleIds.developer], 1);
      expect(stale.statusCode).toBe(409);
      expect(stale.json().error).toMatchObject({
        code: "conflict",
        details: { current: { id: member.memberId, version: 2, roles: [{ key: "operations" }] } },
      });

      // The same roles again change nothing and keep the version, however their ids are spelled.
      expect((await put([co.roleIds.operations], 2)).json().version).toBe(2);
      expect((await put([co.roleIds.operations.toUpperCase()], 2)).json().version).toBe(2);

      const deactivated = await h.inject(cookie, {
        method: "POST",
        url: `${url}/deactivate`,
        payload: { version: 2 },
      });
      expect(deactivated.json()).toMatchObject({ status: "deactivated", version: 3 });
      const staleReactivate = await h.inject(cookie, {
        method: "POST",
        url: `${url}/reactivate`,
        payload: { version: 2 },
      });
      expect(staleReactivate.statusCode).toBe(409);
      expect(staleReactivate.json().error.details.current).toMatchObject({
        status: "deactivated",
        version: 3,
      });

      // Repeating a step is refused the same way: it is already done.
      const again = await h.inject(cookie, { method: "POST", url: `${url}/deactivate`, payload: {} });
      expect(again.statusCode).toBe(409);
      expect(again.json().error).toMatchObject({
        code: "conflict",
        details: { current: { status: "deactivated" } },
      });

      const refused = await h.db
        .selectFrom("audit_events")
        .select(["action", "details"])
        .where("target_id", "=", member.memberId)
        .where("outcome", "=", "denied")
        .orderBy("occurred_at")
        .execute();
      expect(refused.map((e) => [e.action, e.details.reason])).toEqual([
        ["member.roles_change_refused", "conflict"],
        ["member.reactivate_refused", "conflict"],
        ["member.deactivate_refused", "conflict"],
      ]);
    });

    it("refuses bad bodies: unknown or foreign role ids, duplicates, too many, a version of the wrong type, stray fields", async () => {
      const co = await h.company("Bodies Co");
      const other = await h.company("Other Bodies Co");
      const cookie = await h.login(co.admin.email);
      await h.elevate(cookie);
      const member = await h.member(co, ["finance"]);
      const url = `/api/companies/${co.id}/members/${member.memberId}/roles`;
      const ten = Object.values(co.roleIds);
      for (const payload of [
        { roleIds: [other.roleIds.admin], version: 1 },
        { roleIds: ["00000000-0000-4000-8000-000000000000"], version: 1 },
        { roleIds: [co.roleIds.finance, co.roleIds.finance], version: 1 },
        { roleIds: [], version: 1 },
        { roleIds: [...ten, ...ten.map(() => crypto.randomUUID()), crypto.randomUUID()], version: 1 },
        { roleIds: ["admin"], version: 1 },
        { roleIds: `${co.roleIds.admin},${co.roleIds.finance}`, version: 1 },
        // Without a version the change applies to the current state (SPEC §3, issue 17 item 10).
        { roleIds: [co.roleIds.admin], version: "1" },
        { roleIds: [co.roleIds.admin], version: 0 },
        { roleIds: [co.roleIds.admin], version: 1, status: "active" },
        { roleIds: [co.roleIds.admin], version: 1, companyId: other.id },
      ]) {
        const response = await h.inject(cookie, { method: "PUT", url, payload });
        expect(response.statusCode, JSON.stringify(payload)).toBe(400);
        expect(response.json().error.code).toBe("validation_failed");
      }
      const unchanged = await h.inject(cookie, { url: `/api/companies/${co.id}/members/${member.memberId}` });
      expect(unchanged.json()).toMatchObject({ version: 1, roles: [{ key: "finance" }] });
      const stray = await h.inject(cookie, {
        method: "POST",
        url: `/api/companies/${co.id}/members/${member.memberId}/deactivate`,
        payload: { status: "deactivated" },
      });
      expect(stray.statusCode).toBe(400);
    });
  });
});
