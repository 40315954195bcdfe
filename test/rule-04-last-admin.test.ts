// Rule 4: a company always keeps at least one active member holding Admin. A role change or a
// deactivation that would break this gets 409 last_admin, also when such requests race (the company
// row lock serialises them; proven with concurrent requests on PostgreSQL).
//
// Nobody may change themselves (rule 5), and an actor is re-checked under the lock, so the Admin
// who would remove the last Admin is, in practice, a delegate: a member whose custom role holds
// every permission Admin holds (rule 6 then lets them act on Admins) without being one.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PREDEFINED_ROLES } from "../server/access/permissions.js";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness } from "./support/harness.js";

type Company = Awaited<ReturnType<Harness["company"]>>;

const ADMIN_PERMISSIONS = PREDEFINED_ROLES.find((role) => role.key === "admin")?.permissions ?? [];

/** A company, its admin's elevated session, and a custom role with all of Admin's permissions. */
async function setUp(h: Harness, name: string) {
  const company = await h.company(name);
  const admin = await h.login(company.admin.email);
  await h.elevate(admin);
  const role = await h.inject(admin, {
    method: "POST",
    url: `/api/companies/${company.id}/roles`,
    payload: { name: "Delegate", permissions: [...ADMIN_PERMISSIONS] },
  });
  expect(role.statusCode, role.body).toBe(201);
  return { company, admin, delegateRoleId: role.json().id as string };
}

async function delegate(h: Harness, company: Company, delegateRoleId: string) {
  const member = await h.member(company, []);
  await h.db
    .insertInto("member_roles")
    .values({ company_id: company.id, member_id: member.memberId, role_id: delegateRoleId })
    .execute();
  const cookie = await h.login(member.email);
  await h.elevate(cookie);
  return { ...member, cookie };
}

const version = async (h: Harness, memberId: string) =>
  (await h.db.selectFrom("members").select("version").where("id", "=", memberId).executeTakeFirstOrThrow())
    .version;

function changeRoles(
  h: Harness,
  cookie: string,
  company: Company,
  memberId: string,
  roleIds: string[],
  v: number,
) {
  return h.inject(cookie, {
    method: "PUT",
    url: `/api/companies/${company.id}/members/${memberId}/roles`,
    payload: { roleIds, version: v },
  });
}
function setStatus(
  h: Harness,
  cookie: string,
  company: Company,
  memberId: string,
  action: "deactivate" | "reactivate",
) {
  return h.inject(cookie, {
    method: "POST",
    url: `/api/companies/${company.id}/members/${memberId}/${action}`,
    payload: {},
  });
}

async function activeAdmins(h: Harness, companyId: string): Promise<number> {
  const result = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM member_roles mr JOIN roles r ON r.id = mr.role_id AND r.key = 'admin'
      JOIN members m ON m.id = mr.member_id WHERE m.company_id = ${companyId} AND m.status = 'active'`.execute(
    h.db,
  );
  return result.rows[0]?.n ?? 0;
}

describe.each(testDatabaseKinds)("rule 4: a company keeps an active Admin on %s", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind);
  });
  afterAll(() => h?.close());

  it("refuses to demote or deactivate the only active Admin (409 last_admin) and records the refusal", async () => {
    const { company, delegateRoleId } = await setUp(h, "Sole Admin Co");
    const d = await delegate(h, company, delegateRoleId);
    const adminId = company.admin.memberId;

    const demoted = await changeRoles(h, d.cookie, company, adminId, [company.roleIds.operations], 1);
    expect(demoted.statusCode).toBe(409);
    expect(demoted.json().error.code).toBe("last_admin");
    const deactivated = await setStatus(h, d.cookie, company, adminId, "deactivate");
    expect(deactivated.statusCode).toBe(409);
    expect(deactivated.json().error.code).toBe("last_admin");
    // Holding every permission of Admin is not holding Admin: the delegate does not count.
    expect(await activeAdmins(h, company.id)).toBe(1);

    // Changes that keep the Admin role are fine. (A delegate grants only what Admin holds: no
    // Finance, whose downloads Admin lacks; rule 6.)
    const widened = await changeRoles(
      h,
      d.cookie,
      company,
      adminId,
      [company.roleIds.admin, company.roleIds.operations],
      1,
    );
    expect(widened.statusCode, widened.body).toBe(200);

    const refusals = await h.db
      .selectFrom("audit_events")
      .select(["action", "outcome", "details", "actor_account_id"])
      .where("target_id", "=", adminId)
      .where("outcome", "=", "denied")
      .orderBy("occurred_at")
      .execute();
    expect(refusals.map((e) => [e.action, e.details.reason, e.actor_account_id])).toEqual([
      ["member.roles_change_refused", "last_admin", d.id],
      ["member.deactivate_refused", "last_admin", d.id],
    ]);
  });

  it("counts only active members holding Admin", async () => {
    const { company, admin, delegateRoleId } = await setUp(h, "Two Admins Co");
    const d = await delegate(h, company, delegateRoleId);
    const second = await h.member(company, ["admin"]);
    const third = await h.member(company, ["admin", "operations"]);

    expect((await setStatus(h, admin, company, second.memberId, "deactivate")).statusCode).toBe(200);
    // Two active Admins (the first and the third): one of them may go.
    expect(
      (await changeRoles(h, d.cookie, company, third.memberId, [company.roleIds.operations], 1)).statusCode,
    ).toBe(200);
    // Now the first is the only active Admin; the deactivated second does not count.
    const refused = await changeRoles(
      h,
      d.cookie,
      company,
      company.admin.memberId,
      [company.roleIds.operations],
      1,
    );
    expect(refused.json().error.code).toBe("last_admin");
    // Changing the roles of a deactivated Admin never matters to the rule.
    expect(
      (
        await changeRoles(
          h,
          d.cookie,
          company,
          second.memberId,
          [company.roleIds.operations],
          await version(h, second.memberId),
        )
      ).statusCode,
    ).toBe(200);
    // Reactivating an Admin makes room again.
    expect(
      (
        await changeRoles(
          h,
          admin,
          company,
          second.memberId,
          [company.roleIds.admin],
          await version(h, second.memberId),
        )
      ).statusCode,
    ).toBe(200);
    expect((await setStatus(h, admin, company, second.memberId, "reactivate")).statusCode).toBe(200);
    expect((await setStatus(h, d.cookie, company, company.admin.memberId, "deactivate")).statusCode).toBe(
      200,
    );
    expect(await activeAdmins(h, company.id)).toBe(1);
  });
});

// PostgreSQL only: PGlite runs one statement at a time, so nothing there can race.
describe("rule 4: racing requests keep an active Admin on postgres", () => {
  it.runIf(testDatabaseKinds.includes("postgres"))(
    "keeps an active Admin when 20 requests race to demote and deactivate Admins",
    async () => {
      const h = await createHarness("postgres");
      try {
        const { company, admin: a, delegateRoleId } = await setUp(h, "Race Co");
        const bMember = await h.member(company, ["admin"]);
        const o1 = await h.member(company, ["admin"]);
        const o2 = await h.member(company, ["admin"]);
        const b = await h.login(bMember.email);
        await h.elevate(b);
        const d1 = await delegate(h, company, delegateRoleId);
        const d2 = await delegate(h, company, delegateRoleId);
        const aId = company.admin.memberId;
        const ops = [company.roleIds.operations];

        // Two Admins demote and deactivate each other and the others, while two delegates try to
        // deactivate and demote every Admin. Versions are those the clients loaded before the race.
        const requests = [
          () => changeRoles(h, a, company, bMember.memberId, ops, 1),
          () => setStatus(h, a, company, o1.memberId, "deactivate"),
          () => changeRoles(h, a, company, o2.memberId, ops, 1),
          () => changeRoles(h, b, company, aId, ops, 1),
          () => setStatus(h, b, company, o2.memberId, "deactivate"),
          () => changeRoles(h, b, company, o1.memberId, ops, 1),
          ...[d1, d2].flatMap((d) =>
            [aId, bMember.memberId, o1.memberId, o2.memberId].map(
              (target) => () => setStatus(h, d.cookie, company, target, "deactivate"),
            ),
          ),
          () => changeRoles(h, d1.cookie, company, aId, ops, 1),
          () => changeRoles(h, d1.cookie, company, bMember.memberId, ops, 1),
          () => changeRoles(h, d1.cookie, company, o1.memberId, ops, 1),
          () => changeRoles(h, d2.cookie, company, o2.memberId, ops, 1),
          () => setStatus(h, a, company, bMember.memberId, "deactivate"),
          () => setStatus(h, b, company, aId, "deactivate"),
        ];
        expect(requests).toHaveLength(20);
        const responses = await Promise.all(requests.map((send) => send()));

        expect(await activeAdmins(h, company.id)).toBeGreaterThanOrEqual(1);
        const outcomes = responses.map((r) =>
          r.statusCode === 200 ? "200" : `${r.statusCode} ${r.json().error.code}`,
        );
        for (const outcome of outcomes) {
          // Winners, the requests that would remove the last Admin, requests whose target had already
          // changed, and requests from an Admin who lost Admin (or the company) to an earlier winner;
          // an Admin deactivated out of their only company is logged out everywhere (rule 9).
          expect([
            "200",
            "409 last_admin",
            "409 conflict",
            "403 forbidden",
            "404 not_found",
            "401 unauthenticated",
          ]).toContain(outcome);
        }
        expect(outcomes.filter((o) => o === "200").length).toBeGreaterThanOrEqual(1);
        // Both delegates asked to deactivate whichever Admin ended up last; both were refused.
        expect(outcomes.filter((o) => o === "409 last_admin").length).toBeGreaterThanOrEqual(2);

        // Every request of a session left exactly one audit event: its change, or its refusal.
        const requestIds = responses
          .filter((r) => r.statusCode !== 401)
          .map((r) => String(r.headers["x-request-id"]));
        const events = await h.db
          .selectFrom("audit_events")
          .select(["request_id", "outcome"])
          .where("request_id", "in", requestIds)
          .execute();
        expect(events).toHaveLength(requestIds.length);
        expect(events.filter((e) => e.outcome === "success")).toHaveLength(
          outcomes.filter((o) => o === "200").length,
        );

        // The counters agree with the rows after the race.
        const counted = await h.db
          .selectFrom("member_counts")
          .select(["active", "deactivated"])
          .where("company_id", "=", company.id)
          .executeTakeFirstOrThrow();
        const actual = await sql<{ active: number; deactivated: number }>`
        SELECT count(*) FILTER (WHERE status = 'active')::int AS active,
               count(*) FILTER (WHERE status = 'deactivated')::int AS deactivated
          FROM members WHERE company_id = ${company.id}`.execute(h.db);
        expect(counted).toEqual(actual.rows[0]);
        const adminCounter = await h.db
          .selectFrom("member_role_counts")
          .select("active")
          .where("role_id", "=", company.roleIds.admin)
          .executeTakeFirstOrThrow();
        expect(adminCounter.active).toBe(await activeAdmins(h, company.id));
      } finally {
        await h.close();
      }
    },
  );
});
