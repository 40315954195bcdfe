// SPEC §6.4, access reviews (PCI DSS 7.2.4): security.manage starts a review listing every member
// with roles, last activity and second factor; decides keep / change / deactivate; completion (with
// a step-up) applies them through the normal rules and is audited; the CSV attestation escapes formulas.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness } from "./support/harness.js";
import { givePasskey } from "./support/second-factor.js";

describe.each(testDatabaseKinds)("SPEC 6.4: access reviews on %s", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind);
  });
  afterAll(() => h?.close());

  /**
   * Runs `work` while the database refuses, with "the disk is full", any update of `table`'s rows
   * that `when` (a trigger's WHEN condition) picks: a failure in the middle of a completion.
   */
  async function whileRefusing<T>(table: string, when: string, work: () => Promise<T>): Promise<T> {
    await sql`CREATE FUNCTION test_refuse_update() RETURNS trigger LANGUAGE plpgsql
                AS $$ BEGIN RAISE EXCEPTION 'the disk is full'; END $$`.execute(h.db);
    await sql`CREATE TRIGGER test_refuse_update BEFORE UPDATE ON ${sql.table(table)} FOR EACH ROW
                WHEN (${sql.raw(when)}) EXECUTE FUNCTION test_refuse_update()`.execute(h.db);
    try {
      return await work();
    } finally {
      await sql`DROP TRIGGER test_refuse_update ON ${sql.table(table)}`.execute(h.db);
      await sql`DROP FUNCTION test_refuse_update()`.execute(h.db);
    }
  }

  /** A review the company's Admin started, with the Admin's decide and complete. */
  async function startedReview(company: Awaited<ReturnType<Harness["company"]>>) {
    const admin = await h.login(company.admin.email);
    const base = `/api/companies/${company.id}/access-reviews`;
    const review = (await h.inject(admin, { method: "POST", url: base })).json();
    return {
      admin,
      review,
      decide: (memberId: string, payload: unknown) =>
        h.inject(admin, { method: "PUT", url: `${base}/${review.id}/decisions/${memberId}`, payload }),
      complete: () => h.inject(admin, { method: "POST", url: `${base}/${review.id}/complete` }),
    };
  }

  /** Each item's outcome of a review, by member id. */
  async function outcomesOf(reviewId: string) {
    const items = await h.db
      .selectFrom("access_review_items")
      .select(["member_id", "outcome"])
      .where("review_id", "=", reviewId)
      .execute();
    return Object.fromEntries(items.map((item) => [item.member_id, item.outcome]));
  }

  /** The company's audit events of one action on one target. */
  const eventsOf = (companyId: string, action: string, target: string) =>
    h.db
      .selectFrom("audit_events")
      .select("id")
      .where("company_id", "=", companyId)
      .where("action", "=", action)
      .where("target_id", "=", target)
      .execute();

  it("runs a review from start to CSV attestation", async () => {
    const company = await h.company("Review Co");
    const finance = await h.member(company, ["finance"]);
    const operations = await h.member(company, ["operations"]);
    const developer = await h.member(company, ["developer"]);
    await h.db
      .updateTable("accounts")
      .set({ name: '=HYPERLINK("http://evil.test")' })
      .where("id", "=", developer.id)
      .execute();
    // The operations member reaches one merchant account only: the review shows it.
    const europe = (
      await h.db
        .insertInto("merchant_accounts")
        .values({
          company_id: company.id,
          name: "Review Europe",
          reference: "EU-R",
          region: "Europe",
          created_at: new Date(h.clock.now().getTime() + 1),
        })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id;
    await h.db
      .updateTable("members")
      .set({ scope_kind: "restricted" })
      .where("id", "=", operations.memberId)
      .execute();
    await h.db
      .insertInto("member_merchant_accounts")
      .values({ company_id: company.id, member_id: operations.memberId, merchant_account_id: europe })
      .execute();
    // Signed in before the factor is added, so the login needs no second step.
    const outsider = await h.login(finance.email);
    await givePasskey(h.db, finance.id, h.clock.now());
    const base = `/api/companies/${company.id}/access-reviews`;

    // Only security.manage.
    expect((await h.inject(outsider, { method: "POST", url: base })).statusCode).toBe(403);

    const admin = await h.login(company.admin.email);
    // The admin's own request marks their activity.
    expect((await h.inject(admin, { url: base })).json()).toEqual({ items: [] });
    const started = await h.inject(admin, { method: "POST", url: base });
    expect(started.statusCode, started.body).toBe(201);
    const review = started.json();
    expect(review).toMatchObject({
      status: "open",
      startedBy: { accountId: company.admin.id },
      completedAt: null,
    });
    expect(review.items).toHaveLength(4);
    const item = (memberId: string) =>
      review.items.find((i: { memberId: string }) => i.memberId === memberId);
    expect(item(finance.memberId)).toMatchObject({
      email: finance.email,
      status: "active",
      roles: [{ id: company.roleIds.finance, key: "finance", name: "Finance" }],
      hasSecondFactor: true,
      // Its refused request above was activity too.
      lastActiveAt: h.clock.now().toISOString(),
      scope: { kind: "all" },
      decision: null,
    });
    expect(item(operations.memberId)).toMatchObject({
      lastActiveAt: null,
      hasSecondFactor: false,
      scope: { kind: "restricted", merchantAccountIds: [europe] },
    });
    expect(item(company.admin.memberId)).toMatchObject({
      hasSecondFactor: false,
      lastActiveAt: h.clock.now().toISOString(),
    });
    expect((await h.inject(admin, { method: "POST", url: base })).json().error.code).toBe(
      "access_review_open",
    );

    const decide = (memberId: string, payload: unknown) =>
      h.inject(admin, { method: "PUT", url: `${base}/${review.id}/decisions/${memberId}`, payload });
    expect((await decide(finance.memberId, { decision: "change" })).statusCode).toBe(400);
    expect(
      (await decide(finance.memberId, { decision: "keep", roleIds: [company.roleIds.finance] })).statusCode,
    ).toBe(400);
    expect((await decide("00000000-0000-4000-8000-000000000001", { decision: "keep" })).statusCode).toBe(404);
    const changed = await decide(finance.memberId, {
      decision: "change",
      roleIds: [company.roleIds.operations],
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({
      decision: "change",
      roleIds: [company.roleIds.operations],
      decidedBy: company.admin.email,
    });
    expect((await decide(operations.memberId, { decision: "deactivate" })).statusCode).toBe(200);
    // Deactivating oneself is refused by rule 5 when applied: the outcome says so.
    expect((await decide(company.admin.memberId, { decision: "deactivate" })).statusCode).toBe(200);

    const complete = () => h.inject(admin, { method: "POST", url: `${base}/${review.id}/complete` });
    expect((await complete()).json().error.code).toBe("step_up_required");
    await h.elevate(admin, company.id);
    const undecided = await complete();
    expect(undecided.statusCode).toBe(409);
    expect(undecided.json().error).toMatchObject({
      code: "access_review_undecided",
      details: { undecided: 1 },
    });
    expect((await decide(developer.memberId, { decision: "keep" })).statusCode).toBe(200);

    const completed = await complete();
    expect(completed.statusCode, completed.body).toBe(200);
    const done = completed.json();
    expect(done).toMatchObject({ status: "completed", completedBy: { accountId: company.admin.id } });
    const outcome = (memberId: string) =>
      done.items.find((i: { memberId: string }) => i.memberId === memberId).outcome;
    expect(outcome(finance.memberId)).toBe("applied");
    expect(outcome(operations.memberId)).toBe("applied");
    expect(outcome(developer.memberId)).toBe("kept");
    expect(outcome(company.admin.memberId)).toBe("self_modification");

    // Applied through the member rules: the changes and their audit events are the usual ones.
    const financeNow = await h.inject(admin, {
      url: `/api/companies/${company.id}/members/${finance.memberId}`,
    });
    expect(financeNow.json().roles.map((r: { key: string }) => r.key)).toEqual(["operations"]);
    const operationsNow = await h.inject(admin, {
      url: `/api/companies/${company.id}/members/${operations.memberId}`,
    });
    expect(operationsNow.json().status).toBe("deactivated");
    const actions = await h.db
      .selectFrom("audit_events")
      .select(["action", "outcome", "actor_account_id", "target_id"])
      .where("company_id", "=", company.id)
      .where("actor_account_id", "=", company.admin.id)
      .execute();
    const has = (action: string, target?: string, outcomeKind = "success") =>
      actions.some(
        (a) => a.action === action && a.outcome === outcomeKind && (!target || a.target_id === target),
      );
    expect(has("security.access_review_started", review.id)).toBe(true);
    expect(has("security.access_review_decided", finance.memberId)).toBe(true);
    expect(has("member.roles_changed", finance.memberId)).toBe(true);
    expect(has("member.deactivated", operations.memberId)).toBe(true);
    expect(has("member.deactivate_refused", company.admin.memberId, "denied")).toBe(true);
    expect(has("security.access_review_completed", review.id)).toBe(true);

    // A completed review no longer changes.
    expect((await decide(developer.memberId, { decision: "deactivate" })).json().error.code).toBe(
      "access_review_completed",
    );
    expect((await complete()).json().error.code).toBe("access_review_completed");

    const report = await h.inject(admin, { url: `${base}/${review.id}/report` });
    expect(report.statusCode).toBe(200);
    expect(report.headers["content-type"]).toContain("text/csv");
    const lines = report.body.trim().split("\r\n");
    expect(lines[0]).toBe(
      "review_id,review_status,started_at,started_by,completed_at,completed_by,member_email,member_name,member_status,roles,merchant_accounts,last_active_at,second_factor,decision,new_roles,decided_by,decided_at,outcome",
    );
    expect(lines).toHaveLength(5);
    const financeLine = lines.find((line) => line.includes(finance.email)) ?? "";
    expect(financeLine).toContain(
      `,Member finance,active,Finance,all,${h.clock.now().toISOString()},yes,change,Operations,`,
    );
    const operationsLine = lines.find((line) => line.includes(operations.email)) ?? "";
    expect(operationsLine).toContain(",Operations,Review Europe,");
    expect(financeLine.endsWith(",applied")).toBe(true);
    const developerLine = lines.find((line) => line.includes(developer.email)) ?? "";
    expect(developerLine).toContain(`,"'=HYPERLINK(""http://evil.test"")",`);
    const exported = await h.db
      .selectFrom("audit_events")
      .select("target_id")
      .where("action", "=", "security.access_review_report_exported")
      .where("company_id", "=", company.id)
      .execute();
    expect(exported.map((e) => e.target_id)).toEqual([review.id]);

    // The list shows it, and a new review may start.
    const listed = (await h.inject(admin, { url: base })).json().items;
    expect(listed).toEqual([
      expect.objectContaining({ id: review.id, status: "completed", members: 4, decided: 4 }),
    ]);
    expect((await h.inject(admin, { method: "POST", url: base })).statusCode).toBe(201);
  });

  it("finishes a completion a database failure stopped part-way when completed again, each decision applied once", async () => {
    const company = await h.company("Interrupted Review Co");
    const changed = await h.member(company, ["finance"]);
    const failing = await h.member(company, ["operations"]);
    const later = await h.member(company, ["developer"]);
    const { admin, review, decide, complete } = await startedReview(company);
    await decide(changed.memberId, { decision: "change", roleIds: [company.roleIds.operations] });
    await decide(failing.memberId, { decision: "deactivate" });
    await decide(later.memberId, { decision: "deactivate" });
    await decide(company.admin.memberId, { decision: "keep" });
    await h.elevate(admin, company.id);

    // The database refuses any change to one member's row while the review completes.
    const stopped = await whileRefusing("members", `OLD.id = '${failing.memberId}'::uuid`, complete);
    expect(stopped.statusCode).toBeGreaterThanOrEqual(500);
    const outcomes = () => outcomesOf(review.id);
    expect((await outcomes())[failing.memberId]).toBeNull();
    const events = (action: string, target: string) => eventsOf(company.id, action, target);
    expect(await events("security.access_review_completed", review.id)).toHaveLength(0);

    const resumed = await complete();
    expect(resumed.statusCode, resumed.body).toBe(200);
    expect(await outcomes()).toEqual({
      [changed.memberId]: "applied",
      [failing.memberId]: "applied",
      [later.memberId]: "applied",
      [company.admin.memberId]: "kept",
    });
    expect(await events("member.roles_changed", changed.memberId)).toHaveLength(1);
    expect(await events("member.deactivated", failing.memberId)).toHaveLength(1);
    expect(await events("member.deactivated", later.memberId)).toHaveLength(1);
    const completedEvents = await h.db
      .selectFrom("audit_events")
      .select("details")
      .where("company_id", "=", company.id)
      .where("action", "=", "security.access_review_completed")
      .where("target_id", "=", review.id)
      .execute();
    expect(completedEvents.map((event) => event.details)).toEqual([{ outcomes: { applied: 3, kept: 1 } }]);
    expect((await complete()).json().error.code).toBe("access_review_completed");
  });

  it("records a change whose outcome a failure kept from being written as applied, when completed again", async () => {
    const company = await h.company("Outcome Review Co");
    const leaving = await h.member(company, ["operations"]);
    const { admin, review, decide, complete } = await startedReview(company);
    await decide(leaving.memberId, { decision: "deactivate" });
    await decide(company.admin.memberId, { decision: "keep" });
    await h.elevate(admin, company.id);

    // The database refuses to write the deactivation's outcome, after the deactivation itself.
    const stopped = await whileRefusing(
      "access_review_items",
      `OLD.member_id = '${leaving.memberId}'::uuid AND NEW.outcome IS NOT NULL`,
      complete,
    );
    expect(stopped.statusCode).toBeGreaterThanOrEqual(500);

    const resumed = await complete();
    expect(resumed.statusCode, resumed.body).toBe(200);
    // The review deactivated the member: its record says so, not "unchanged".
    expect((await outcomesOf(review.id))[leaving.memberId]).toBe("applied");
    expect(await eventsOf(company.id, "member.deactivated", leaving.memberId)).toHaveLength(1);
  });

  it("keeps reviews to their company (404 for another company's review)", async () => {
    const mine = await h.company("Mine Co");
    const theirs = await h.company("Theirs Co");
    const theirAdmin = await h.login(theirs.admin.email);
    const started = await h.inject(theirAdmin, {
      method: "POST",
      url: `/api/companies/${theirs.id}/access-reviews`,
    });
    const reviewId = started.json().id;
    const admin = await h.login(mine.admin.email);
    const peek = await h.inject(admin, { url: `/api/companies/${mine.id}/access-reviews/${reviewId}` });
    expect(peek.statusCode).toBe(404);
    const report = await h.inject(admin, {
      url: `/api/companies/${mine.id}/access-reviews/${reviewId}/report`,
    });
    expect(report.statusCode).toBe(404);
    const decide = await h.inject(admin, {
      method: "PUT",
      url: `/api/companies/${mine.id}/access-reviews/${reviewId}/decisions/${theirs.admin.memberId}`,
      payload: { decision: "deactivate" },
    });
    expect(decide.statusCode).toBe(404);
  });
});
