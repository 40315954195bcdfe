// GET /api/me, which the web app asks on every page load, answers from the guard's one context
// query: session, account and every membership with its role ids and permissions in one statement.
// The roles are named from the server's copy of each company's roles, read once per roles_version
// (the version comes with the memberships, so a renamed role shows at the next request).
// Counted rather than timed (a second round trip per request shows here, not only in the bench).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../server/app.js";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness } from "./support/harness.js";
import { type StatementLog, statementLog } from "./support/statement-log.js";

describe.each(testDatabaseKinds)("GET /api/me reads its answer in one statement on %s", (kind) => {
  let h: Harness;
  let counted: App;
  let statements: StatementLog;
  beforeAll(async () => {
    h = await createHarness(kind);
    statements = statementLog();
    // The same database, clock and settings as the harness's app, each statement recorded.
    counted = await h.anotherInstance(h.db.withPlugin(statements.plugin));
  });
  afterAll(() => h?.close());

  it("a member of two companies, with two roles in one, is answered by one query", async () => {
    const first = await h.company("One Statement Co");
    const second = await h.company("Second Statement Co");
    const person = await h.member(first, ["finance", "developer"]);
    await h.db
      .insertInto("members")
      .values({ company_id: second.id, account_id: person.id, status: "active", joined_at: h.clock.now() })
      .execute();
    const cookie = await h.login(person.email);
    const me = () => counted.inject({ method: "GET", url: "/api/me", cookies: { [h.cookieName]: cookie } });
    // The first request reads the company's roles once (one more statement for the company whose
    // roles it names; the second membership holds none).
    expect((await me()).statusCode).toBe(200);
    statements.take();

    const response = await me();

    expect(response.statusCode).toBe(200);
    const memberships = response.json().memberships;
    expect(memberships).toHaveLength(2);
    const held = memberships.find((m: { companyId: string }) => m.companyId === first.id);
    expect(held.roles.map((r: { key: string }) => r.key)).toEqual(["finance", "developer"]);
    const sent = statements.take();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatch(/^raw SELECT s\.id AS session_id/);
  });

  it("names the roles as they stand: a renamed custom role shows at the next request", async () => {
    const co = await h.company("Renamed Role Co");
    const person = await h.member(co, ["finance"]);
    const custom = await h.db
      .insertInto("roles")
      .values({ company_id: co.id, key: null, name: "Payouts desk", description: "" })
      .returning("id")
      .executeTakeFirstOrThrow();
    await h.db
      .insertInto("member_roles")
      .values({ company_id: co.id, member_id: person.memberId, role_id: custom.id })
      .execute();
    const cookie = await h.login(person.email);
    const names = async () => {
      const response = await counted.inject({
        method: "GET",
        url: "/api/me",
        cookies: { [h.cookieName]: cookie },
      });
      expect(response.statusCode).toBe(200);
      return response.json().memberships[0].roles.map((r: { name: string }) => r.name);
    };
    expect(await names()).toEqual(["Finance", "Payouts desk"]);
    await h.db.updateTable("roles").set({ name: "Refunds desk" }).where("id", "=", custom.id).execute();
    expect(await names()).toEqual(["Finance", "Refunds desk"]);
    await h.db.deleteFrom("member_roles").where("role_id", "=", custom.id).execute();
    expect(await names()).toEqual(["Finance"]);
  });
});
