// SPEC §6.2 and issue 18's attacks: while a company the account belongs to requires two-factor
// authentication, its last factor cannot be removed (409 mfa_required_by_policy, audited); a
// second factor can, and the last one can once the requirement no longer applies.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness } from "./support/harness.js";
import { givePasskey } from "./support/second-factor.js";

describe.each(testDatabaseKinds)("removing the last second factor under a company's policy on %s", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind);
  });
  afterAll(() => h.close());

  async function requireMfa(companyId: string, requireMfa: boolean) {
    await h.db
      .insertInto("company_security_policies")
      .values({ company_id: companyId, require_mfa: requireMfa, updated_at: h.clock.now() })
      .onConflict((oc) => oc.column("company_id").doUpdateSet({ require_mfa: requireMfa }))
      .execute();
  }

  async function factorCount(accountId: string) {
    const rows = await h.db
      .selectFrom("mfa_factors")
      .select("id")
      .where("account_id", "=", accountId)
      .execute();
    return rows.length;
  }

  it("refuses the last factor while a company requires one, keeps it, and audits the refusal", async () => {
    const company = await h.company("Strict Factor Co");
    await requireMfa(company.id, true);
    const finance = await h.member(company, ["finance"]);
    // Signed in before the factors exist: the login's second step has suites of its own.
    const cookie = await h.login(finance.email);
    const first = await givePasskey(h.db, finance.id, h.clock.now());
    const second = await givePasskey(h.db, finance.id, h.clock.now());
    await h.elevate(cookie);

    const removedOne = await h.inject(cookie, { method: "DELETE", url: `/api/me/mfa/${first}` });
    expect(removedOne.statusCode).toBe(204);

    const refused = await h.inject(cookie, { method: "DELETE", url: `/api/me/mfa/${second}` });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({ code: "mfa_required_by_policy" });
    expect(refused.json().error.message).toContain("Strict Factor Co");
    expect(await factorCount(finance.id)).toBe(1);

    const audit = await h.db
      .selectFrom("audit_events")
      .select(["outcome", "details"])
      .where("action", "=", "mfa.factor_remove_refused")
      .where("actor_account_id", "=", finance.id)
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ outcome: "denied", details: { reason: "mfa_required_by_policy" } });
  });

  it("lets the last factor go once no company of the account requires one", async () => {
    const company = await h.company("Relaxed Factor Co");
    await requireMfa(company.id, true);
    const finance = await h.member(company, ["finance"]);
    // Signed in before the factors exist: the login's second step has suites of its own.
    const cookie = await h.login(finance.email);
    const only = await givePasskey(h.db, finance.id, h.clock.now());
    await h.elevate(cookie);
    expect((await h.inject(cookie, { method: "DELETE", url: `/api/me/mfa/${only}` })).statusCode).toBe(409);

    await requireMfa(company.id, false);
    expect((await h.inject(cookie, { method: "DELETE", url: `/api/me/mfa/${only}` })).statusCode).toBe(204);
    expect(await factorCount(finance.id)).toBe(0);
  });

  it("keeps one factor when two removals of the last two race", async () => {
    const company = await h.company("Race Factor Co");
    await requireMfa(company.id, true);
    const finance = await h.member(company, ["finance"]);
    // Signed in before the factors exist: the login's second step has suites of its own.
    const cookie = await h.login(finance.email);
    const first = await givePasskey(h.db, finance.id, h.clock.now());
    const second = await givePasskey(h.db, finance.id, h.clock.now());
    await h.elevate(cookie);

    const answers = await Promise.all([
      h.inject(cookie, { method: "DELETE", url: `/api/me/mfa/${first}` }),
      h.inject(cookie, { method: "DELETE", url: `/api/me/mfa/${second}` }),
    ]);
    expect(answers.map((answer) => answer.statusCode).sort()).toEqual([204, 409]);
    expect(await factorCount(finance.id)).toBe(1);
  });
});
