// Issue 19, SPEC §6.7: the member detail page's API. GET of one member also says who invited them,
// and GET …/members/{memberId}/audit-events lists the events done to that member (audit.view),
// newest first; another company's member is not found through either.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness } from "./support/harness.js";
import { givePasskey } from "./support/second-factor.js";

describe.each(testDatabaseKinds)("Issue 19: the member detail page's API on %s", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind);
  });
  afterAll(() => h.close());

  it("GET one member carries invitedBy: the inviter's name and email, null for the founder", async () => {
    const company = await h.company("Inviting Co");
    const member = await h.member(company, ["finance"]);
    await h.db
      .updateTable("members")
      .set({ invited_by: company.admin.id })
      .where("id", "=", member.memberId)
      .execute();
    const cookie = await h.login(company.admin.email);

    const invited = await h.inject(cookie, {
      url: `/api/companies/${company.id}/members/${member.memberId}`,
    });
    expect(invited.statusCode).toBe(200);
    expect(invited.json()).toMatchObject({
      id: member.memberId,
      email: member.email,
      status: "active",
      roles: [{ key: "finance" }],
      invitedBy: { name: "Inviting Co Admin", email: company.admin.email },
    });
    expect(invited.json().joinedAt).toEqual(expect.any(String));

    const founder = await h.inject(cookie, {
      url: `/api/companies/${company.id}/members/${company.admin.memberId}`,
    });
    expect(founder.json().invitedBy).toBeNull();

    // The list keeps its shape: invitedBy belongs to the one member's answer.
    const list = await h.inject(cookie, { url: `/api/companies/${company.id}/members` });
    expect(list.json().items[0]).not.toHaveProperty("invitedBy");
  });

  it("GET one member says whether the account has a second factor (SPEC §6.7), the list does not", async () => {
    const company = await h.company("Factor Co");
    const member = await h.member(company, ["finance"]);
    const cookie = await h.login(company.admin.email);
    const url = `/api/companies/${company.id}/members/${member.memberId}`;

    const without = await h.inject(cookie, { url });
    expect(without.statusCode).toBe(200);
    expect(without.json().hasSecondFactor).toBe(false);

    await givePasskey(h.db, member.id, h.clock.now());
    const withFactor = await h.inject(cookie, { url });
    expect(withFactor.json().hasSecondFactor).toBe(true);

    const list = await h.inject(cookie, { url: `/api/companies/${company.id}/members` });
    expect(list.json().items[0]).not.toHaveProperty("hasSecondFactor");
  });

  it("lists the events done to the member, newest first, and no other member's", async () => {
    const company = await h.company("Events Co");
    const member = await h.member(company, ["finance"]);
    const bystander = await h.member(company, ["finance"]);
    const cookie = await h.login(company.admin.email);
    await h.elevate(cookie);
    const change = (memberId: string, role: "operations" | "developer") =>
      h.inject(cookie, {
        method: "PUT",
        url: `/api/companies/${company.id}/members/${memberId}/roles`,
        payload: { roleIds: [company.roleIds[role]] },
      });
    expect((await change(member.memberId, "operations")).statusCode).toBe(200);
    h.clock.advance(1_000);
    expect((await change(bystander.memberId, "operations")).statusCode).toBe(200);
    h.clock.advance(1_000);
    expect((await change(member.memberId, "developer")).statusCode).toBe(200);

    const response = await h.inject(cookie, {
      url: `/api/companies/${company.id}/members/${member.memberId}/audit-events`,
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.total).toBe(2);
    expect(body.items.map((e: { action: string }) => e.action)).toEqual([
      "member.roles_changed",
      "member.roles_changed",
    ]);
    // The target carries the member's current name and email, for the audit log's sentences.
    for (const event of body.items)
      expect(event.target).toEqual({
        type: "member",
        id: member.memberId,
        name: "Member finance",
        email: member.email,
      });
    expect(body.items[0].details.after.roles[0].key).toBe("developer");
    expect(body.items[1].details.after.roles[0].key).toBe("operations");

    const paged = await h.inject(cookie, {
      url: `/api/companies/${company.id}/members/${member.memberId}/audit-events?limit=1`,
    });
    expect(paged.json().items).toHaveLength(1);
    const next = await h.inject(cookie, {
      url: `/api/companies/${company.id}/members/${member.memberId}/audit-events?limit=1&cursor=${paged.json().nextCursor}`,
    });
    expect(next.json().items[0].id).toBe(body.items[1].id);
  });

  it("needs audit.view for the events: members.view alone opens the member, not their events", async () => {
    const company = await h.company("Viewer Co");
    const viewerRole = await h.db
      .insertInto("roles")
      .values({ company_id: company.id, key: null, name: "Member viewer" })
      .returning("id")
      .executeTakeFirstOrThrow();
    await h.db
      .insertInto("role_permissions")
      .values({ role_id: viewerRole.id, permission: "members.view" })
      .execute();
    const viewer = await h.member(company, []);
    await h.db
      .insertInto("member_roles")
      .values({ company_id: company.id, member_id: viewer.memberId, role_id: viewerRole.id })
      .execute();
    const finance = await h.member(company, ["finance"]);
    const target = company.admin.memberId;

    const viewerCookie = await h.login(viewer.email);
    expect(
      (await h.inject(viewerCookie, { url: `/api/companies/${company.id}/members/${target}` })).statusCode,
    ).toBe(200);
    const refused = await h.inject(viewerCookie, {
      url: `/api/companies/${company.id}/members/${target}/audit-events`,
    });
    expect(refused.statusCode).toBe(403);

    const financeCookie = await h.login(finance.email);
    for (const suffix of ["", "/audit-events"]) {
      const response = await h.inject(financeCookie, {
        url: `/api/companies/${company.id}/members/${target}${suffix}`,
      });
      expect(response.statusCode).toBe(403);
    }
  });

  it("answers 404 for another company's member and for another company, on both routes", async () => {
    const mine = await h.company("Mine Member Co");
    const theirs = await h.company("Theirs Member Co");
    const theirMember = await h.member(theirs, ["finance"]);
    const cookie = await h.login(mine.admin.email);
    for (const suffix of ["", "/audit-events"]) {
      const otherMember = await h.inject(cookie, {
        url: `/api/companies/${mine.id}/members/${theirMember.memberId}${suffix}`,
      });
      const otherCompany = await h.inject(cookie, {
        url: `/api/companies/${theirs.id}/members/${theirMember.memberId}${suffix}`,
      });
      const missing = await h.inject(cookie, {
        url: `/api/companies/${mine.id}/members/${randomUUID()}${suffix}`,
      });
      for (const response of [otherMember, otherCompany, missing]) {
        expect(response.statusCode, suffix).toBe(404);
        expect(response.json().error.code).toBe("not_found");
        expect(response.body).not.toContain(theirMember.email);
      }
    }
  });
});
