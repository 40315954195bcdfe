// Rule 9 through the API (rule-09-no-active-membership.test.ts covers login after a deactivation
// written in SQL): a deactivation ends access to the company on the member's next request, in
// every open session and on every instance; with no active membership left the account's sessions
// are deleted and login answers account_deactivated; reactivation restores the same roles.
// Also rule 2: a role change through the API applies on the member's next request.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runInactivity } from "../server/inactivity/service.js";
import { countActiveMemberships, lockAccountOfMember, updateMember } from "../server/members/queries.js";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness, TEST_PASSWORD } from "./support/harness.js";
import { holdTransaction, outlastDeadlocks } from "./support/held-transaction.js";

const DAY = 86_400_000;

/** The ids of the account's sessions still in the database. */
const sessionsOf = (h: Harness, accountId: string) =>
  h.db.selectFrom("sessions").select("id").where("account_id", "=", accountId).execute();

describe.each(testDatabaseKinds)("rule 9: deactivation through the API on %s", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind);
  });
  afterAll(() => h?.close());

  async function adminOf(company: Awaited<ReturnType<Harness["company"]>>) {
    const cookie = await h.login(company.admin.email);
    await h.elevate(cookie);
    return cookie;
  }
  const post = (cookie: string, companyId: string, memberId: string, action: string) =>
    h.inject(cookie, {
      method: "POST",
      url: `/api/companies/${companyId}/members/${memberId}/${action}`,
      payload: {},
    });

  it("logs an account out everywhere when its only membership is deactivated, and refuses its login", async () => {
    const company = await h.company("Only Co");
    const admin = await adminOf(company);
    const member = await h.member(company, ["finance"]);
    const first = await h.login(member.email);
    const second = await h.login(member.email);
    expect((await h.inject(first, { url: `/api/companies/${company.id}/transactions` })).statusCode).toBe(
      200,
    );

    const response = await post(admin, company.id, member.memberId, "deactivate");
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ status: "deactivated", roles: [{ key: "finance" }] });

    for (const cookie of [first, second]) {
      const next = await h.inject(cookie, { url: `/api/companies/${company.id}/transactions` });
      expect(next.statusCode).toBe(401);
      expect((await h.inject(cookie, { url: "/api/me" })).statusCode).toBe(401);
    }
    expect(await sessionsOf(h, member.id)).toEqual([]);
    const login = await h.inject(null, {
      method: "POST",
      url: "/api/auth/login",
      payload: { email: member.email, password: TEST_PASSWORD },
    });
    expect(login.statusCode).toBe(403);
    expect(login.json().error.code).toBe("account_deactivated");
    const event = await h.db
      .selectFrom("audit_events")
      .select("details")
      .where("action", "=", "member.deactivated")
      .where("target_id", "=", member.memberId)
      .executeTakeFirstOrThrow();
    expect(event.details).toMatchObject({ before: { status: "active" }, after: { status: "deactivated" } });
  });

  it("records the same event whether or not the person is active in another company (rule 3)", async () => {
    // A count of the sessions ended would tell this company about the person's other memberships.
    const company = await h.company("Telling Co");
    const elsewhere = await h.company("Other Employer Co");
    const admin = await adminOf(company);
    const only = await h.member(company, ["finance"]);
    const twice = await h.member(company, ["finance"]);
    await h.db.insertInto("members").values({ company_id: elsewhere.id, account_id: twice.id }).execute();
    for (const person of [only, twice]) {
      await h.login(person.email); // an open session, which ends only for `only`
      const response = await h.inject(admin, {
        method: "POST",
        url: `/api/companies/${company.id}/members/${person.memberId}/deactivate`,
        payload: {},
      });
      expect(response.statusCode).toBe(200);
    }
    expect(await sessionsOf(h, only.id)).toEqual([]);
    expect(await sessionsOf(h, twice.id)).not.toEqual([]);
    const events = await h.db
      .selectFrom("audit_events")
      .select(["target_id", "details"])
      .where("action", "=", "member.deactivated")
      .where("company_id", "=", company.id)
      .execute();
    const shape = (memberId: string) => {
      const details = events.find((event) => event.target_id === memberId)?.details as Record<
        string,
        unknown
      >;
      const { accountId: _account, email: _email, ...rest } = details;
      return rest;
    };
    expect(shape(only.memberId)).toEqual(shape(twice.memberId));
  });

  it("takes the company from the open sessions of a member active elsewhere, on every instance", async () => {
    const company = await h.company("Leaving Co");
    const elsewhere = await h.company("Staying Co");
    const admin = await adminOf(company);
    const member = await h.member(company, ["admin"]);
    await h.db.insertInto("members").values({ company_id: elsewhere.id, account_id: member.id }).execute();
    const cookie = await h.login(member.email);
    await h.elevate(cookie);
    // A second instance of the app on the same database, as behind a load balancer.
    const other = await h.anotherInstance();
    const onOther = () =>
      other.inject({
        url: `/api/companies/${company.id}`,
        headers: { cookie: `${h.cookieName}=${cookie}` },
      });
    expect((await onOther()).statusCode).toBe(200);

    expect((await post(admin, company.id, member.memberId, "deactivate")).statusCode).toBe(200);

    const next = await h.inject(cookie, { url: `/api/companies/${company.id}` });
    expect(next.statusCode).toBe(404);
    expect(next.json().error.code).toBe("not_found");
    expect((await onOther()).statusCode).toBe(404);
    // Not even the member actions stay open, although the session passed a step-up.
    const attempt = await post(cookie, company.id, company.admin.memberId, "deactivate");
    expect(attempt.statusCode).toBe(404);
    // The session itself lives on for the other company.
    expect((await h.inject(cookie, { url: `/api/companies/${elsewhere.id}/roles` })).statusCode).toBe(200);
    const companies = (await h.inject(cookie, { url: "/api/companies" })).json().items;
    expect(companies.map((c: { id: string }) => c.id)).toEqual([elsewhere.id]);
  });

  it("reactivates a member with the same roles", async () => {
    const company = await h.company("Return Co");
    const admin = await adminOf(company);
    const member = await h.member(company, ["finance", "developer"]);
    expect((await post(admin, company.id, member.memberId, "deactivate")).statusCode).toBe(200);
    const back = await post(admin, company.id, member.memberId, "reactivate");
    expect(back.statusCode, back.body).toBe(200);
    expect(back.json()).toMatchObject({
      status: "active",
      roles: [
        { id: company.roleIds.finance, key: "finance" },
        { id: company.roleIds.developer, key: "developer" },
      ],
    });
    const cookie = await h.login(member.email);
    const me = (await h.inject(cookie, { url: "/api/me" })).json();
    expect(me.memberships[0]).toMatchObject({
      status: "active",
      permissions: expect.arrayContaining(["developer_center.view", "transactions.download"]),
    });
    expect(
      (await h.inject(cookie, { url: `/api/companies/${company.id}/developer-center` })).statusCode,
    ).toBe(200);
    const events = await h.db
      .selectFrom("audit_events")
      .select(["action", "details"])
      .where("target_id", "=", member.memberId)
      .orderBy("occurred_at")
      .execute();
    expect(events.map((e) => e.action)).toEqual(["member.deactivated", "member.reactivated"]);
    expect(events[1]?.details).toMatchObject({
      before: { status: "deactivated" },
      after: { status: "active" },
    });
  });

  describe("rule 2: member changes through the API apply on the next request", () => {
    it("a demoted Admin loses the member actions in every open session at once", async () => {
      const company = await h.company("Stale Role Co");
      const admin = await adminOf(company);
      const demoted = await h.member(company, ["admin"]);
      const target = await h.member(company, ["operations"]);
      const first = await h.login(demoted.email);
      const second = await h.login(demoted.email);
      await h.elevate(second);
      expect((await h.inject(first, { url: `/api/companies/${company.id}/members` })).statusCode).toBe(200);

      const put = await h.inject(admin, {
        method: "PUT",
        url: `/api/companies/${company.id}/members/${demoted.memberId}/roles`,
        payload: { roleIds: [company.roleIds.operations], version: 1 },
      });
      expect(put.statusCode, put.body).toBe(200);

      expect((await h.inject(first, { url: `/api/companies/${company.id}/members` })).statusCode).toBe(403);
      const attempt = await post(second, company.id, target.memberId, "deactivate");
      expect(attempt.statusCode).toBe(403);
      expect(attempt.json().error).toMatchObject({
        code: "forbidden",
        details: { permission: "members.deactivate" },
      });
      expect((await h.inject(second, { url: `/api/companies/${company.id}/transactions` })).statusCode).toBe(
        200,
      );
    });

    it("a promoted member gains the new role's access on the next request", async () => {
      const company = await h.company("Promoted Co");
      const admin = await adminOf(company);
      const member = await h.member(company, ["operations"]);
      const cookie = await h.login(member.email);
      expect((await h.inject(cookie, { url: `/api/companies/${company.id}/insights` })).statusCode).toBe(403);
      await h.inject(admin, {
        method: "PUT",
        url: `/api/companies/${company.id}/members/${member.memberId}/roles`,
        payload: { roleIds: [company.roleIds.operations, company.roleIds.data_analytics], version: 1 },
      });
      expect((await h.inject(cookie, { url: `/api/companies/${company.id}/insights` })).statusCode).toBe(200);
    });
  });
});

describe.runIf(testDatabaseKinds.includes("postgres"))(
  "rule 9 on postgres: an account's last two memberships deactivated at the same moment",
  () => {
    let h: Harness;
    beforeAll(async () => {
      h = await createHarness("postgres");
    });
    afterAll(() => h?.close());

    it("logs the account out, though each deactivation alone still saw the other membership active", async () => {
      const a = await h.company("Race A");
      const b = await h.company("Race B");
      const member = await h.member(a, ["finance"]);
      const inB = await h.db
        .insertInto("members")
        .values({ company_id: b.id, account_id: member.id })
        .returning("id")
        .executeTakeFirstOrThrow();
      const session = await h.login(member.email);
      const admin = await h.login(a.admin.email);
      await h.elevate(admin);

      // Company B's deactivation, as the service runs it, held open after it counted A as active.
      const deactivationInB = holdTransaction(h.db, async (trx) => {
        await lockAccountOfMember(trx, b.id, inB.id);
        await updateMember(trx, inB.id, { status: "deactivated", deactivatedAt: h.clock.now() });
        return countActiveMemberships(trx, member.id);
      });
      expect(await deactivationInB.reached).toBe(1);
      // Company A's deactivation through the API meanwhile: it must wait for B's and count again.
      const deactivationInA = h.inject(admin, {
        method: "POST",
        url: `/api/companies/${a.id}/members/${member.memberId}/deactivate`,
        payload: {},
      });
      await deactivationInB.blocks(deactivationInA, "company A's deactivation");
      deactivationInB.release();
      await deactivationInB.done;
      const response = await deactivationInA;
      expect(response.statusCode, response.body).toBe(200);

      expect(await sessionsOf(h, member.id)).toEqual([]);
      expect((await h.inject(session, { url: "/api/me" })).statusCode).toBe(401);
    });
  },
);

describe.runIf(testDatabaseKinds.includes("postgres"))(
  "rule 9 on postgres: a deactivation beside a change to the person's account",
  () => {
    let h: Harness;
    beforeAll(async () => {
      h = await createHarness("postgres");
    });
    afterAll(() => h?.close());

    // A change to the account is copied onto every membership (022, 048): it locks the account, then
    // the member rows. A deactivation takes the account's lock for rule 9's count; taken after the
    // member's row, the two would wait for each other and PostgreSQL would cancel one of them.
    const accountChanges = [
      { what: "a second factor confirmed", set: { has_second_factor: true }, copied: "has_second_factor" },
      { what: "a new name", set: { name: "Renamed Beside Deactivation" }, copied: "name" },
    ] as const;

    /**
     * The account change held between its lock of the account and its write, while `deactivation`
     * runs; then written. Answers the deactivation's outcome once both are done.
     */
    async function besideAccountChange<T>(
      accountId: string,
      change: (typeof accountChanges)[number],
      deactivation: () => Promise<T>,
    ): Promise<T> {
      const held = holdTransaction(h.db, async (trx) => {
        await outlastDeadlocks(trx);
        await sql`SELECT 1 FROM accounts WHERE id = ${accountId} FOR NO KEY UPDATE`.execute(trx);
        return trx;
      });
      const trx = await held.reached;
      const running = deactivation();
      await held.blocks(running, "the deactivation");
      await trx.updateTable("accounts").set(change.set).where("id", "=", accountId).execute();
      held.release();
      await held.done;
      return running;
    }

    async function copiedOnto(memberId: string) {
      return h.db
        .selectFrom("members")
        .select(["status", "name", "has_second_factor"])
        .where("id", "=", memberId)
        .executeTakeFirstOrThrow();
    }

    it.each(accountChanges)(
      "completes beside $what: the account is locked before the member",
      async (change) => {
        const company = await h.company(`Beside ${change.copied}`);
        const member = await h.member(company, ["finance"]);
        const admin = await h.login(company.admin.email);
        await h.elevate(admin);
        const response = await besideAccountChange(member.id, change, () =>
          h.inject(admin, {
            method: "POST",
            url: `/api/companies/${company.id}/members/${member.memberId}/deactivate`,
            payload: {},
          }),
        );
        expect(response.statusCode, response.body).toBe(200);
        const row = await copiedOnto(member.memberId);
        expect(row.status).toBe("deactivated");
        expect(row[change.copied]).toBe(change.set[change.copied as keyof typeof change.set]);
      },
    );

    // Last in this block: the clock moves past every member's inactivity limit.
    it.each(accountChanges)("the inactivity job completes beside $what", async (change) => {
      const company = await h.company(`Idle beside ${change.copied}`);
      const member = await h.member(company, ["finance"]);
      h.clock.advance(83 * DAY + 60_000);
      await runInactivity(h.db, h.clock.now());
      h.clock.advance(7 * DAY);
      const run = await besideAccountChange(member.id, change, () => runInactivity(h.db, h.clock.now()));
      expect(run.deactivated).toBeGreaterThanOrEqual(1);
      const row = await copiedOnto(member.memberId);
      expect(row.status).toBe("deactivated");
      expect(row[change.copied]).toBe(change.set[change.copied as keyof typeof change.set]);
    });
  },
);
