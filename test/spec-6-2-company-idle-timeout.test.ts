// SPEC §6.2, a company's session idle timeout: a session idle longer than the limit of a company its
// account is an active member of ends, like an expired session (401), on any request, since an
// account-level request would otherwise keep it alive past the company's limit.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness } from "./support/harness.js";

const MINUTE = 60_000;

describe.each(testDatabaseKinds)("SPEC 6.2: a company's session idle timeout on %s", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind);
  });
  afterAll(() => h?.close());

  async function companyWithIdleLimit(name: string, minutes: number) {
    const company = await h.company(name);
    await h.db
      .insertInto("company_security_policies")
      .values({ company_id: company.id, session_idle_minutes: minutes, updated_at: h.clock.now() })
      .execute();
    return company;
  }

  it("ends a session idle longer than the company's limit, which the global one would keep", async () => {
    const company = await companyWithIdleLimit("Short Idle Co", 10);
    const member = await h.member(company, ["finance"]);
    const url = `/api/companies/${company.id}/transactions`;
    const cookie = await h.login(member.email);

    h.clock.advance(9 * MINUTE);
    expect((await h.inject(cookie, { url })).statusCode).toBe(200);
    // Activity moves the deadline on.
    h.clock.advance(9 * MINUTE);
    expect((await h.inject(cookie, { url })).statusCode).toBe(200);

    h.clock.advance(11 * MINUTE);
    const expired = await h.inject(cookie, { url: "/api/me" });
    expect(expired.statusCode).toBe(401);
    // The session is gone, not only this request refused.
    expect((await h.inject(cookie, { url })).statusCode).toBe(401);
    const sessions = await h.db
      .selectFrom("sessions")
      .select("id")
      .where("account_id", "=", member.id)
      .execute();
    expect(sessions).toHaveLength(0);
  });

  it("keeps the global timeout for an account in no company with a limit", async () => {
    const company = await h.company("Default Idle Co");
    const member = await h.member(company, ["finance"]);
    const cookie = await h.login(member.email);
    h.clock.advance(30 * MINUTE);
    expect((await h.inject(cookie, { url: `/api/companies/${company.id}/transactions` })).statusCode).toBe(
      200,
    );
  });

  it("does not apply a company's limit to a member it deactivated", async () => {
    const company = await companyWithIdleLimit("Former Co", 5);
    const other = await h.company("Current Co");
    const person = await h.member(other, ["finance"]);
    const { addMember } = await import("../server/companies/service.js");
    const formerMemberId = await h.db.transaction().execute((trx) =>
      addMember(trx, {
        companyId: company.id,
        accountId: person.id,
        roleIds: [company.roleIds.finance],
        invitedBy: null,
        now: h.clock.now(),
      }),
    );
    const cookie = await h.login(person.email);
    h.clock.advance(7 * MINUTE);
    expect((await h.inject(cookie, { url: "/api/me" })).statusCode).toBe(401);

    await h.db
      .updateTable("members")
      .set({ status: "deactivated", deactivated_at: h.clock.now() })
      .where("id", "=", formerMemberId)
      .execute();
    const again = await h.login(person.email);
    h.clock.advance(7 * MINUTE);
    expect((await h.inject(again, { url: `/api/companies/${other.id}/transactions` })).statusCode).toBe(200);
  });
});
