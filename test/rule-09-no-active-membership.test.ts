// Rule 9 (login part): an account with no active membership left cannot log in at all:
// 403 account_deactivated, and only after a correct password, so it reveals nothing to guessers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lockAccountOfMember } from "../server/members/queries.js";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness, TEST_PASSWORD } from "./support/harness.js";
import { holdTransaction } from "./support/held-transaction.js";

describe.each(testDatabaseKinds)("rule 9: deactivated members cannot log in on %s", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind);
  });
  afterAll(() => h.close());

  it("refuses an account whose only membership is deactivated, after a correct password only", async () => {
    const company = await h.company("Gone Co");
    const member = await h.member(company, ["finance"]);
    await h.db
      .updateTable("members")
      .set({ status: "deactivated", deactivated_at: h.clock.now() })
      .where("id", "=", member.memberId)
      .execute();
    const right = await h.inject(null, {
      method: "POST",
      url: "/api/auth/login",
      payload: { email: member.email, password: TEST_PASSWORD },
    });
    expect(right.statusCode).toBe(403);
    expect(right.json().error.code).toBe("account_deactivated");
    expect(right.headers["set-cookie"]).toBeUndefined();
    const wrong = await h.inject(null, {
      method: "POST",
      url: "/api/auth/login",
      payload: { email: member.email, password: "wrong password here" },
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.code).toBe("invalid_credentials");
  });

  it("lets an account in while it keeps one active membership elsewhere, without the deactivated company", async () => {
    const a = await h.company("Still A");
    const b = await h.company("Still B");
    const member = await h.member(a, ["finance"]);
    await h.db.insertInto("members").values({ company_id: b.id, account_id: member.id }).execute();
    await h.db
      .updateTable("members")
      .set({ status: "deactivated", deactivated_at: h.clock.now() })
      .where("id", "=", member.memberId)
      .execute();
    const cookie = await h.login(member.email);
    const companies = await h.inject(cookie, { url: "/api/companies" });
    expect(companies.json().items.map((c: { id: string }) => c.id)).toEqual([b.id]);
    const me = await h.inject(cookie, { url: "/api/me" });
    const deactivated = me.json().memberships.find((m: { companyId: string }) => m.companyId === a.id);
    expect(deactivated).toMatchObject({ status: "deactivated", permissions: [] });
  });
});

describe.runIf(testDatabaseKinds.includes("postgres"))(
  "rule 9: a login racing the deactivation of the last membership, on postgres",
  () => {
    let h: Harness;
    beforeAll(async () => {
      h = await createHarness("postgres");
    });
    afterAll(() => h?.close());

    it("waits for the deactivation in progress, then refuses: no session is left behind", async () => {
      const company = await h.company("Racing Exit Co");
      const member = await h.member(company, ["finance"]);
      // A deactivation of the member's only membership, as the service makes it (account lock,
      // status, sessions ended), held open while the login runs.
      const deactivation = holdTransaction(h.db, async (trx) => {
        await lockAccountOfMember(trx, company.id, member.memberId);
        await trx
          .updateTable("members")
          .set({ status: "deactivated", deactivated_at: h.clock.now() })
          .where("id", "=", member.memberId)
          .execute();
        await trx.deleteFrom("sessions").where("account_id", "=", member.id).execute();
      });
      await deactivation.reached;
      const login = h.inject(null, {
        method: "POST",
        url: "/api/auth/login",
        payload: { email: member.email, password: TEST_PASSWORD },
      });
      await deactivation.blocks(login, "the login");
      deactivation.release();
      await deactivation.done;
      const response = await login;
      expect(response.statusCode).toBe(403);
      expect(response.json().error.code).toBe("account_deactivated");
      const sessions = await h.db
        .selectFrom("sessions")
        .select("id")
        .where("account_id", "=", member.id)
        .execute();
      expect(sessions).toEqual([]);
    });
  },
);
