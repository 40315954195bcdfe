// SPEC §6.4, inactivity (PCI DSS 8.2.6): a company limit (90 days unless the security policy sets
// less), a warning mail 7 days before, then deactivation by the system, audited and mailed, once
// even with every instance running the job; never the last Admin.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../server/db/connect.js";
import { runInactivity } from "../server/inactivity/service.js";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness } from "./support/harness.js";

const DAY = 86_400_000;

describe.each(testDatabaseKinds)("SPEC 6.4: inactivity on %s", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind);
  });
  afterAll(() => h?.close());

  const policyUrl = (companyId: string) => `/api/companies/${companyId}/security-policy`;

  async function statusOf(memberId: string) {
    const row = await h.db
      .selectFrom("members")
      .select("status")
      .where("id", "=", memberId)
      .executeTakeFirstOrThrow();
    return row.status;
  }
  async function mailsTo(address: string, kind: string) {
    return h.db
      .selectFrom("mail_outbox")
      .select(["subject", "text_body"])
      .where("to_address", "=", address)
      .where("kind", "=", kind)
      .execute();
  }
  async function deactivations(companyId: string) {
    return h.db
      .selectFrom("audit_events")
      .select(["actor_account_id", "target_id", "details"])
      .where("company_id", "=", companyId)
      .where("action", "=", "member.deactivated_for_inactivity")
      .execute();
  }

  it("has a 90-day limit by default, which security.manage may lower (with a step-up), audited", async () => {
    const company = await h.company("Policy Co");
    const cookie = await h.login(company.admin.email);
    expect((await h.inject(cookie, { url: policyUrl(company.id) })).json().inactivityDays).toBe(90);
    const base = { requireMfa: false, sessionIdleMinutes: null, inviteDomains: [] };
    const put = (payload: unknown) =>
      h.inject(cookie, { method: "PUT", url: policyUrl(company.id), payload });
    expect((await put({ ...base, inactivityDays: 30 })).json().error.code).toBe("step_up_required");
    await h.elevate(cookie, company.id);
    for (const days of [13, 91, 30.5]) {
      const refused = await put({ ...base, inactivityDays: days });
      expect(refused.statusCode).toBe(400);
    }
    const changed = await put({ ...base, inactivityDays: 30 });
    expect(changed.statusCode).toBe(200);
    expect(changed.json().inactivityDays).toBe(30);
    // A change that leaves it out keeps it.
    expect((await put(base)).json().inactivityDays).toBe(30);
    const events = await h.db
      .selectFrom("audit_events")
      .select("details")
      .where("company_id", "=", company.id)
      .where("action", "=", "security.policy_changed")
      .orderBy("occurred_at")
      .execute();
    // Two changes at the same instant: the one that moved the limit says so, the other leaves it out.
    expect(events).toHaveLength(2);
    const moved = events.filter((event) => JSON.stringify(event.details).includes("inactivityDays"));
    expect(moved).toHaveLength(1);
    expect(moved[0]?.details).toMatchObject({
      before: { inactivityDays: 90 },
      after: { inactivityDays: 30 },
    });
  });

  it("warns 7 days ahead, once, then deactivates by the system; a member who comes back is spared", async () => {
    const company = await h.company("Idle Co");
    const idle = await h.member(company, ["finance"]);
    const busy = await h.member(company, ["operations"]);
    const idleCookie = await h.login(idle.email);

    h.clock.advance(50 * DAY);
    const busyCookie = await h.login(busy.email);
    expect((await h.inject(busyCookie, { url: `/api/companies/${company.id}/roles` })).statusCode).toBe(200);

    h.clock.advance(33 * DAY - 60_000);
    await runInactivity(h.db, h.clock.now());
    expect(await mailsTo(idle.email, "inactivity_warning")).toHaveLength(0);

    h.clock.advance(2 * 60_000);
    await runInactivity(h.db, h.clock.now());
    await runInactivity(h.db, h.clock.now());
    const warning = await mailsTo(idle.email, "inactivity_warning");
    expect(warning).toHaveLength(1);
    expect(warning[0]?.subject).toBe("Your access to Idle Co will be deactivated for inactivity");
    expect(await mailsTo(busy.email, "inactivity_warning")).toHaveLength(0);
    expect(await statusOf(idle.memberId)).toBe("active");

    h.clock.advance(7 * DAY);
    await runInactivity(h.db, h.clock.now());
    expect(await statusOf(idle.memberId)).toBe("deactivated");
    expect(await statusOf(busy.memberId)).toBe("active");
    const events = await deactivations(company.id);
    expect(events.map((event) => event.target_id)).toEqual([idle.memberId]);
    expect(events.find((event) => event.target_id === idle.memberId)).toMatchObject({
      actor_account_id: null,
      details: {
        email: idle.email,
        before: { status: "active" },
        after: { status: "deactivated" },
        limitDays: 90,
      },
    });
    expect(await mailsTo(idle.email, "member_deactivated")).toHaveLength(1);
    // Rule 9: with no active membership left, the sessions end.
    expect(
      await h.db.selectFrom("sessions").select("id").where("account_id", "=", idle.id).execute(),
    ).toHaveLength(0);
    expect((await h.inject(idleCookie, { url: "/api/me" })).statusCode).toBe(401);
    // The company's only Admin, as idle, stays (rule 4).
    expect(await statusOf(company.admin.memberId)).toBe("active");
  });

  it("never deactivates the last Admin, and a company's shorter limit applies", async () => {
    const company = await h.company("Alone Co");
    const cookie = await h.login(company.admin.email);
    await h.elevate(cookie, company.id);
    const set = await h.inject(cookie, {
      method: "PUT",
      url: policyUrl(company.id),
      payload: { requireMfa: false, sessionIdleMinutes: null, inviteDomains: [], inactivityDays: 14 },
    });
    expect(set.statusCode).toBe(200);
    const second = await h.member(company, ["admin"]);
    h.clock.advance(7 * DAY + 60_000);
    await runInactivity(h.db, h.clock.now());
    expect(await mailsTo(second.email, "inactivity_warning")).toHaveLength(1);
    expect(await mailsTo(company.admin.email, "inactivity_warning")).toHaveLength(1);

    h.clock.advance(7 * DAY);
    const run = await runInactivity(h.db, h.clock.now());
    expect(run.keptLastAdmin).toBeGreaterThanOrEqual(1);
    const statuses = [await statusOf(company.admin.memberId), await statusOf(second.memberId)];
    // Both were overdue; one is deactivated, the other is the company's last Admin and stays.
    expect(statuses.sort()).toEqual(["active", "deactivated"]);
    await runInactivity(h.db, h.clock.now());
    expect((await deactivations(company.id)).length).toBe(1);
  });

  it("deactivates each member once when two instances run the job at once", async () => {
    const company = await h.company("Race Co");
    const members = await Promise.all(Array.from({ length: 5 }, () => h.member(company, ["finance"])));
    h.clock.advance(83 * DAY + 60_000);
    await runInactivity(h.db, h.clock.now());
    h.clock.advance(7 * DAY);
    const other =
      kind === "postgres" && h.database.url ? await openDatabase({ url: h.database.url, poolSize: 5 }) : null;
    try {
      const now = h.clock.now();
      await Promise.all([
        runInactivity(h.db, now),
        runInactivity((other ?? h.database).db, now),
        runInactivity(h.db, now),
      ]);
    } finally {
      await other?.close();
    }
    const events = await deactivations(company.id);
    expect(events.map((event) => event.target_id).sort()).toEqual(members.map((m) => m.memberId).sort());
    for (const member of members) {
      expect(await statusOf(member.memberId)).toBe("deactivated");
      expect(await mailsTo(member.email, "member_deactivated")).toHaveLength(1);
    }
    expect(await statusOf(company.admin.memberId)).toBe("active");
  });
});
