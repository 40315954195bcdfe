// GET /api/me, which the web app asks on every page load, answers from the guard's one context
// query: session, account and every membership with its roles and permissions in one statement.
// Counted rather than timed (a second round trip per request shows here, not only in the bench).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, buildApp } from "../server/app.js";
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
    counted = await buildApp({
      database: { ...h.database, db: h.db.withPlugin(statements.plugin) },
      config: h.config,
      clock: h.clock,
      webDistDir: "/nonexistent",
    });
    await counted.ready();
  });
  afterAll(async () => {
    await counted.close();
    await h.close();
  });

  it("a member of two companies, with two roles in one, is answered by one query", async () => {
    const first = await h.company("One Statement Co");
    const second = await h.company("Second Statement Co");
    const person = await h.member(first, ["finance", "developer"]);
    await h.db
      .insertInto("members")
      .values({ company_id: second.id, account_id: person.id, status: "active", joined_at: h.clock.now() })
      .execute();
    const cookie = await h.login(person.email);
    statements.take();

    const response = await counted.inject({
      method: "GET",
      url: "/api/me",
      cookies: { [h.cookieName]: cookie },
    });

    expect(response.statusCode).toBe(200);
    expect(response.json().memberships).toHaveLength(2);
    const sent = statements.take();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatch(/^raw SELECT s\.id AS session_id/);
  });
});
