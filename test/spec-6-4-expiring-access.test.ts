// SPEC §6.4, time-boxed access: a role assignment may carry an expiry (set on a role change or an
// invitation); past it the guard treats it as absent at once, before any job runs; the job, on every
// instance, removes each expired assignment once (audited by the system), keeps the last Admin's
// (mailing the Admins) and mails the member 3 days before.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../server/db/connect.js";
import { runRoleExpiry } from "../server/expiry/service.js";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness, TEST_PASSWORD } from "./support/harness.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const TOKEN_IN_LINK = /http:\/\/portal\.test\/invitations\/accept#token=([A-Za-z0-9_-]{43})\b/;

describe.each(testDatabaseKinds)("SPEC 6.4: expiring access on %s", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind);
  });
  afterAll(() => h?.close());

  const rolesUrl = (companyId: string, memberId: string) =>
    `/api/companies/${companyId}/members/${memberId}/roles`;
  const at = (ms: number) => new Date(h.clock.now().getTime() + ms).toISOString();

  async function expiryOf(memberId: string, roleId: string) {
    const row = await h.db
      .selectFrom("member_roles")
      .select("expires_at")
      .where("member_id", "=", memberId)
      .where("role_id", "=", roleId)
      .executeTakeFirst();
    return row === undefined ? "absent" : row.expires_at;
  }

  async function events(companyId: string, action: string) {
    return h.db
      .selectFrom("audit_events")
      .select(["actor_account_id", "target_id", "details", "user_agent"])
      .where("company_id", "=", companyId)
      .where("action", "=", action as never)
      .orderBy("occurred_at")
      .execute();
  }

  async function mails(kind: string, to?: string) {
    let query = h.db
      .selectFrom("mail_outbox")
      .select(["to_address", "subject", "text_body"])
      .where("kind", "=", kind);
    if (to) query = query.where("to_address", "=", to);
    return query.orderBy("seq").execute();
  }

  it("sets an expiry on a role change, shows it, and the guard drops the role the moment it passes", async () => {
    const company = await h.company("Guard Co");
    const member = await h.member(company, ["operations"]);
    const admin = await h.login(company.admin.email);
    await h.elevate(admin, company.id);
    const financeId = company.roleIds.finance;
    const operationsId = company.roleIds.operations;
    // Within the session's idle timeout (1 hour), so the member's session outlives the role.
    const expiresAt = at(30 * 60_000);

    const changed = await h.inject(admin, {
      method: "PUT",
      url: rolesUrl(company.id, member.memberId),
      payload: { roleIds: [operationsId, financeId], roleExpiries: [{ roleId: financeId, expiresAt }] },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    const finance = changed.json().roles.find((role: { id: string }) => role.id === financeId);
    expect(finance).toMatchObject({ key: "finance", expiresAt });
    expect(changed.json().roles.find((role: { id: string }) => role.id === operationsId)).not.toHaveProperty(
      "expiresAt",
    );
    const [recorded] = await events(company.id, "member.roles_changed");
    expect(recorded?.details).toMatchObject({
      after: {
        roles: expect.arrayContaining([{ id: financeId, key: "finance", name: "Finance", expiresAt }]),
      },
    });

    // Home names it for the Admin.
    const home = (await h.inject(admin, { url: `/api/companies/${company.id}/home` })).json();
    expect(home.expiringAccess).toEqual([
      {
        memberId: member.memberId,
        name: "Member operations",
        email: member.email,
        roleName: "Finance",
        expiresAt,
      },
    ]);
    // The detail page and the list show it too.
    const detail = await h.inject(admin, { url: `/api/companies/${company.id}/members/${member.memberId}` });
    expect(detail.json().roles).toContainEqual({ id: financeId, key: "finance", name: "Finance", expiresAt });
    const list = await h.inject(admin, {
      url: `/api/companies/${company.id}/members?email=${encodeURIComponent(member.email)}`,
    });
    expect(list.json().items[0].roles).toContainEqual({
      id: financeId,
      key: "finance",
      name: "Finance",
      expiresAt,
    });

    const cookie = await h.login(member.email);
    const download = () => h.inject(cookie, { url: `/api/companies/${company.id}/transactions/export` });
    expect((await download()).statusCode).toBe(200);

    h.clock.advance(30 * 60_000);
    // No job has run: the assignment is still stored, and the guard already ignores it.
    expect(await expiryOf(member.memberId, financeId)).toEqual(new Date(expiresAt));
    const refused = await download();
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.details.permission).toBe("transactions.download");
    const me = (await h.inject(cookie, { url: "/api/me" })).json();
    const membership = me.memberships.find((m: { companyId: string }) => m.companyId === company.id);
    expect(membership.roles.map((role: { key: string }) => role.key)).toEqual(["operations"]);
    expect(membership.permissions).not.toContain("transactions.download");
    expect(membership.permissions).toContain("transactions.view");
    // The roles it keeps still open what they open.
    expect((await h.inject(cookie, { url: `/api/companies/${company.id}/transactions` })).statusCode).toBe(
      200,
    );

    // The job removes it, audited by the system, and bumps the member's version.
    const versionBefore = detail.json().version;
    const run = await runRoleExpiry(h.db, h.clock.now());
    expect(run.removed).toBe(1);
    expect(await expiryOf(member.memberId, financeId)).toBe("absent");
    const removed = await events(company.id, "member.role_expired");
    expect(removed).toHaveLength(1);
    expect(removed[0]).toMatchObject({
      actor_account_id: null,
      target_id: member.memberId,
      details: {
        email: member.email,
        role: { id: financeId, key: "finance", name: "Finance" },
        expiredAt: expiresAt,
      },
    });
    const after = await h.inject(admin, { url: `/api/companies/${company.id}/members/${member.memberId}` });
    expect(after.json().roles).toEqual([{ id: operationsId, key: "operations", name: "Operations" }]);
    expect(after.json().version).toBe(versionBefore + 1);
  });

  it("keeps expiries when a change omits roleExpiries, and refuses expiries in the past or on other roles", async () => {
    const company = await h.company("Keep Co");
    const member = await h.member(company, ["finance"]);
    const admin = await h.login(company.admin.email);
    await h.elevate(admin, company.id);
    const { finance, operations, developer } = company.roleIds;
    const expiresAt = at(DAY);
    const put = (payload: unknown) =>
      h.inject(admin, { method: "PUT", url: rolesUrl(company.id, member.memberId), payload });

    expect(
      (await put({ roleIds: [finance], roleExpiries: [{ roleId: finance, expiresAt }] })).statusCode,
    ).toBe(200);
    const kept = await put({ roleIds: [finance, operations] });
    expect(kept.statusCode).toBe(200);
    expect(kept.json().roles).toEqual([
      { id: finance, key: "finance", name: "Finance", expiresAt },
      { id: operations, key: "operations", name: "Operations" },
    ]);
    // Sent again with the same expiries: nothing to change, nothing recorded.
    const countBefore = (await events(company.id, "member.roles_changed")).length;
    const same = await put({
      roleIds: [finance, operations],
      roleExpiries: [{ roleId: finance, expiresAt }],
    });
    expect(same.statusCode).toBe(200);
    expect((await events(company.id, "member.roles_changed")).length).toBe(countBefore);
    // An empty list clears them.
    const cleared = await put({ roleIds: [finance, operations], roleExpiries: [] });
    expect(cleared.json().roles.every((role: object) => !("expiresAt" in role))).toBe(true);
    expect(await expiryOf(member.memberId, finance)).toBeNull();

    for (const roleExpiries of [
      [{ roleId: finance, expiresAt: at(-60_000) }],
      [{ roleId: developer, expiresAt }],
      [{ roleId: finance, expiresAt: at(3 * 365 * DAY) }],
      [{ roleId: finance, expiresAt: "tomorrow" }],
    ]) {
      const refused = await put({ roleIds: [finance], roleExpiries });
      expect(refused.statusCode, JSON.stringify(roleExpiries)).toBe(400);
      expect(refused.json().error.code).toBe("validation_failed");
    }
    expect(await expiryOf(member.memberId, operations)).toBeNull();
  });

  it("carries an invitation's per-role expiry into the membership on acceptance", async () => {
    const company = await h.company("Invite Co");
    const admin = await h.login(company.admin.email);
    await h.elevate(admin, company.id);
    const { finance, developer } = company.roleIds;
    const expiresAt = at(30 * DAY);
    const email = `temp.${Date.now().toString(36)}@example.com`;
    const invited = await h.inject(admin, {
      method: "POST",
      url: `/api/companies/${company.id}/invitations`,
      payload: {
        email,
        roleIds: [finance, developer],
        roleExpiries: [{ roleId: developer, expiresAt }],
        acceptTerms: true,
      },
    });
    expect(invited.statusCode, invited.body).toBe(201);
    expect(invited.json().roles).toEqual([
      { id: finance, key: "finance", name: "Finance" },
      { id: developer, key: "developer", name: "Developer", expiresAt },
    ]);
    const [mail] = await mails("invitation", email);
    const token = TOKEN_IN_LINK.exec(mail?.text_body ?? "")?.[1];
    const accepted = await h.inject(null, {
      method: "POST",
      url: `/api/invitations/${token}/accept`,
      payload: { name: "Tem Porary", password: TEST_PASSWORD },
    });
    expect(accepted.statusCode, accepted.body).toBe(200);
    const member = await h.db
      .selectFrom("members")
      .select("id")
      .where("company_id", "=", company.id)
      .where("email", "=", email)
      .executeTakeFirstOrThrow();
    expect(await expiryOf(member.id, developer)).toEqual(new Date(expiresAt));
    expect(await expiryOf(member.id, finance)).toBeNull();
    // The closed invitation still says what it offered.
    const listed = await h.inject(admin, { url: `/api/companies/${company.id}/invitations?status=accepted` });
    expect(listed.json().items[0].roles).toContainEqual({
      id: developer,
      key: "developer",
      name: "Developer",
      expiresAt,
    });
  });

  it("removes each expired assignment exactly once when two instances run the job at once", async () => {
    const company = await h.company("Race Co");
    const members = await Promise.all(
      Array.from({ length: 6 }, () => h.member(company, ["finance", "operations"])),
    );
    const expiresAt = new Date(h.clock.now().getTime() + HOUR);
    await h.db
      .updateTable("member_roles")
      .set({ expires_at: expiresAt })
      .where(
        "member_id",
        "in",
        members.map((m) => m.memberId),
      )
      .where("role_id", "=", company.roleIds.finance)
      .execute();
    h.clock.advance(HOUR);
    // A second instance: its own connection pool on the same database (PGlite has one connection,
    // so there the two runs interleave statement by statement).
    const other =
      kind === "postgres" && h.database.url ? await openDatabase({ url: h.database.url, poolSize: 5 }) : null;
    try {
      const now = h.clock.now();
      const runs = await Promise.all([
        runRoleExpiry(h.db, now),
        runRoleExpiry((other ?? h.database).db, now),
        runRoleExpiry(h.db, now),
      ]);
      expect(runs.reduce((sum, run) => sum + run.removed, 0)).toBe(6);
    } finally {
      await other?.close();
    }
    const removed = await events(company.id, "member.role_expired");
    expect(removed.map((event) => event.target_id).sort()).toEqual(members.map((m) => m.memberId).sort());
    for (const member of members) {
      expect(await expiryOf(member.memberId, company.roleIds.finance)).toBe("absent");
      expect(await expiryOf(member.memberId, company.roleIds.operations)).toBeNull();
    }
    expect((await runRoleExpiry(h.db, h.clock.now())).removed).toBe(0);
  });

  it("never removes the last Admin's role: the guard keeps it, the job keeps it and mails the Admins once", async () => {
    const company = await h.company("Last Admin Co");
    const adminRole = company.roleIds.admin;
    await h.db
      .updateTable("member_roles")
      .set({ expires_at: new Date(h.clock.now().getTime() + HOUR) })
      .where("member_id", "=", company.admin.memberId)
      .execute();
    h.clock.advance(2 * HOUR);
    const cookie = await h.login(company.admin.email);
    expect((await h.inject(cookie, { url: `/api/companies/${company.id}/members` })).statusCode).toBe(200);

    for (let i = 0; i < 2; i += 1) {
      const run = await runRoleExpiry(h.db, h.clock.now());
      expect(run.removed).toBe(0);
      expect(run.kept).toBe(i === 0 ? 1 : 0);
    }
    expect(await expiryOf(company.admin.memberId, adminRole)).not.toBe("absent");
    const kept = await events(company.id, "member.role_expiry_kept");
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatchObject({
      actor_account_id: null,
      target_id: company.admin.memberId,
      details: { reason: "last_admin" },
    });
    const told = await mails("last_admin_role_kept");
    expect(told.map((mail) => mail.to_address)).toEqual([company.admin.email]);
    expect(told[0]?.text_body).toContain("would otherwise have no Admin");

    // Once another member holds Admin without expiry, the expired one counts for nothing at once,
    // and the job removes it.
    const second = await h.member(company, ["admin"]);
    expect((await h.inject(cookie, { url: `/api/companies/${company.id}/members` })).statusCode).toBe(403);
    expect((await runRoleExpiry(h.db, h.clock.now())).removed).toBe(1);
    expect(await expiryOf(company.admin.memberId, adminRole)).toBe("absent");
    expect(await expiryOf(second.memberId, adminRole)).toBeNull();
  });

  it("mails the member 3 days before an assignment expires, once", async () => {
    const company = await h.company("Notice Co");
    const member = await h.member(company, ["developer"]);
    await h.db
      .updateTable("member_roles")
      .set({ expires_at: new Date(h.clock.now().getTime() + 5 * DAY) })
      .where("member_id", "=", member.memberId)
      .execute();
    await runRoleExpiry(h.db, h.clock.now());
    expect(await mails("role_expiring", member.email)).toHaveLength(0);

    h.clock.advance(2 * DAY + 60_000);
    const first = await runRoleExpiry(h.db, h.clock.now());
    const again = await runRoleExpiry(h.db, h.clock.now());
    expect(first.warned).toBeGreaterThanOrEqual(1);
    expect(again.warned).toBe(0);
    const sent = await mails("role_expiring", member.email);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.subject).toBe("Your Developer role in Notice Co expires soon");
  });
});
