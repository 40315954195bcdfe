// SPEC §6.7 on both databases: the audit log's action filter reads the server's catalogue
// (`audit.view`), events name their actor and target while they are the company's own, and Home's
// Admin counts (`members.view`): active members without a second factor, open invitations.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AUDIT_ACTION_LABELS, AUDIT_ACTIONS } from "../server/audit/actions.js";
import { recordAudit } from "../server/audit/writer.js";
import { loadHomeSummary } from "../server/home/service.js";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness } from "./support/harness.js";

describe.each(testDatabaseKinds)("SPEC §6.7: audit catalogue, names and Home on %s", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind);
  });
  afterAll(() => h?.close());

  async function adminSession(company: Awaited<ReturnType<Harness["company"]>>) {
    const cookie = await h.login(company.admin.email);
    await h.elevate(cookie);
    return cookie;
  }

  it("serves every action of the catalogue with its words and group, to audit.view only", async () => {
    const company = await h.company("Catalogue Co");
    const admin = await adminSession(company);
    const response = await h.inject(admin, { url: `/api/companies/${company.id}/audit-events/actions` });
    expect(response.statusCode, response.body).toBe(200);
    const items = response.json().items as { action: string; label: string; group: string }[];
    expect(items.map((item) => item.action)).toEqual([...AUDIT_ACTIONS]);
    expect(items.find((item) => item.action === "member.roles_changed")).toEqual({
      action: "member.roles_changed",
      label: AUDIT_ACTION_LABELS["member.roles_changed"],
      group: "Members",
    });

    const finance = await h.member(company, ["finance"]);
    const refused = await h.inject(await h.login(finance.email), {
      url: `/api/companies/${company.id}/audit-events/actions`,
    });
    expect(refused.statusCode).toBe(403);
  });

  it("names the actor and the target member, and no one outside the company", async () => {
    const company = await h.company("Named Co");
    const admin = await adminSession(company);
    const member = await h.member(company, ["finance"]);
    const changed = await h.inject(admin, {
      method: "PUT",
      url: `/api/companies/${company.id}/members/${member.memberId}/roles`,
      payload: { roleIds: [company.roleIds.operations] },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    // An event whose actor is not a member of this company (another company's Admin).
    const other = await h.company("Named Other Co");
    await recordAudit(h.db, {
      action: "access.denied",
      outcome: "denied",
      companyId: company.id,
      actor: { accountId: other.admin.id, email: other.admin.email },
      target: { type: "member", id: other.admin.memberId },
      details: { reason: "forbidden" },
      meta: { ip: null, userAgent: null, requestId: null },
      at: h.clock.now(),
    });

    const listed = (await h.inject(admin, { url: `/api/companies/${company.id}/audit-events` })).json();
    const roleChange = listed.items.find(
      (item: { action: string }) => item.action === "member.roles_changed",
    );
    expect(roleChange.actor).toEqual({
      accountId: company.admin.id,
      email: company.admin.email,
      name: "Named Co Admin",
    });
    expect(roleChange.target).toEqual({
      type: "member",
      id: member.memberId,
      name: "Member finance",
      email: member.email,
    });
    const outsider = listed.items.find((item: { action: string }) => item.action === "access.denied");
    expect(outsider.actor).toEqual({ accountId: other.admin.id, email: other.admin.email, name: null });
    expect(outsider.target).toEqual({ type: "member", id: other.admin.memberId, name: null, email: null });

    // A role is named as it is called now.
    const renamed = await h.inject(admin, {
      method: "POST",
      url: `/api/companies/${company.id}/roles`,
      payload: { name: "Support", description: "", permissions: ["transactions.view"] },
    });
    expect(renamed.statusCode, renamed.body).toBe(201);
    const roleEvents = (
      await h.inject(admin, { url: `/api/companies/${company.id}/audit-events?action=role.created` })
    ).json();
    expect(roleEvents.items[0].target).toMatchObject({ type: "role", name: "Support", email: null });
  });

  it("counts active members without a second factor and open invitations, for members.view", async () => {
    const company = await h.company("Home Co");
    const admin = await adminSession(company);
    const withFactor = await h.member(company, ["finance"]);
    const without = await h.member(company, ["developer"]);
    const deactivated = await h.member(company, ["operations"]);
    await sql`UPDATE accounts SET has_second_factor = true WHERE id = ${withFactor.id}`.execute(h.db);
    await sql`UPDATE members SET status = 'deactivated', deactivated_at = now() WHERE id = ${deactivated.memberId}`.execute(
      h.db,
    );
    // Another company's members count for that company only.
    const other = await h.company("Home Other Co");
    await h.member(other, ["finance"]);

    const invited = await h.inject(admin, {
      method: "POST",
      url: `/api/companies/${company.id}/invitations`,
      payload: { email: "home-invitee@example.com", roleIds: [company.roleIds.finance], acceptTerms: true },
    });
    expect(invited.statusCode, invited.body).toBe(201);

    const response = await h.inject(admin, { url: `/api/companies/${company.id}/home` });
    expect(response.statusCode, response.body).toBe(200);
    const home = response.json();
    // The Admin and the developer: the finance member has a factor, the deactivated one is gone.
    expect(home.membersWithoutSecondFactor).toMatchObject({ total: 2, totalExact: true });
    expect(
      home.membersWithoutSecondFactor.sample.map((row: { memberId: string }) => row.memberId).sort(),
    ).toEqual([company.admin.memberId, without.memberId].sort());
    expect(home.pendingInvitations).toEqual({ total: 1, totalExact: true });

    // Past its expiry, an invitation is no longer open.
    h.clock.advance(30 * 24 * 3600_000);
    const laterAdmin = await h.login(company.admin.email);
    const later = (await h.inject(laterAdmin, { url: `/api/companies/${company.id}/home` })).json();
    expect(later.pendingInvitations).toEqual({ total: 0, totalExact: true });

    // A member without members.view (the developer: the finance member's factor would stop a
    // password login at the second step).
    const developerCookie = await h.login(without.email);
    expect((await h.inject(developerCookie, { url: `/api/companies/${company.id}/home` })).statusCode).toBe(
      403,
    );
  });

  it("leaves invitations out for a caller without members.invite", async () => {
    const company = await h.company("Home Viewer Co");
    const summary = await loadHomeSummary(h.db, company.id, ["members.view"], h.clock.now());
    expect(summary.pendingInvitations).toBeNull();
    expect(summary.membersWithoutSecondFactor.total).toBe(1);
  });
});
