// Rule 11 for member management and the audit log itself: each change writes its event in the same
// transaction (a failure leaves neither), refused attempts are recorded on their own, the log is
// read newest first with filters and keyset pages or exported as CSV (formula-escaped), no route
// changes it, and no event ever holds a password, code, token or session id.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { predefinedRole } from "../server/access/permissions.js";
import { hashSecretToken } from "../server/access/tokens.js";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness, TEST_PASSWORD } from "./support/harness.js";

type Company = Awaited<ReturnType<Harness["company"]>>;
type Event = {
  id: string;
  occurredAt: string;
  action: string;
  outcome: string;
  actor: { accountId: string; email: string } | null;
  target: { type: string; id: string } | null;
  details: Record<string, unknown>;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
};

describe.each(testDatabaseKinds)("rule 11: the audit log of member management on %s", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind);
  });
  afterAll(() => h?.close());

  async function adminOf(company: Company) {
    const cookie = await h.login(company.admin.email);
    await h.elevate(cookie);
    return cookie;
  }
  const events = (cookie: string, companyId: string, query = "") =>
    h.inject(cookie, { url: `/api/companies/${companyId}/audit-events${query}` });

  it("records a role change with actor, target, before and after roles, time, IP, user agent and request id", async () => {
    const company = await h.company("Audited Co");
    const admin = await adminOf(company);
    const member = await h.member(company, ["finance"]);
    h.clock.advance(1000);
    const response = await h.inject(admin, {
      method: "PUT",
      url: `/api/companies/${company.id}/members/${member.memberId}/roles`,
      payload: { roleIds: [company.roleIds.operations, company.roleIds.developer], version: 1 },
      headers: { "user-agent": "AuditTest/1.0" },
    });
    expect(response.statusCode, response.body).toBe(200);
    const listed = (await events(admin, company.id, "?action=member.roles_changed")).json();
    expect(listed.items).toHaveLength(1);
    expect(listed.items[0]).toEqual({
      id: expect.any(String),
      occurredAt: h.clock.now().toISOString(),
      action: "member.roles_changed",
      outcome: "success",
      actor: { accountId: company.admin.id, email: company.admin.email, name: "Audited Co Admin" },
      target: { type: "member", id: member.memberId, name: "Member finance", email: member.email },
      details: {
        accountId: member.id,
        email: member.email,
        before: { roles: [{ id: company.roleIds.finance, key: "finance", name: "Finance" }] },
        after: {
          roles: expect.arrayContaining([
            { id: company.roleIds.operations, key: "operations", name: "Operations" },
            { id: company.roleIds.developer, key: "developer", name: "Developer" },
          ]),
        },
      },
      ip: "127.0.0.1",
      userAgent: "AuditTest/1.0",
      requestId: response.headers["x-request-id"],
    });
  });

  it("writes a change and its event in one transaction: a failure at commit leaves neither", async () => {
    const company = await h.company("Rollback Co");
    const admin = await adminOf(company);
    const member = await h.member(company, ["finance"]);
    const session = await h.login(member.email);
    // A check that fails only at COMMIT, after the change and its event were both written.
    await sql`CREATE FUNCTION fail_member_event() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'simulated failure at commit'; END $$`.execute(h.db);
    await sql`CREATE CONSTRAINT TRIGGER fail_member_event AFTER INSERT ON audit_events
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
      WHEN (NEW.action IN ('member.roles_changed', 'member.deactivated'))
      EXECUTE FUNCTION fail_member_event()`.execute(h.db);
    try {
      const url = `/api/companies/${company.id}/members/${member.memberId}`;
      const put = await h.inject(admin, {
        method: "PUT",
        url: `${url}/roles`,
        payload: { roleIds: [company.roleIds.developer], version: 1 },
      });
      expect(put.statusCode).toBe(500);
      expect(put.json().error.code).toBe("internal_error");
      const deactivate = await h.inject(admin, { method: "POST", url: `${url}/deactivate`, payload: {} });
      expect(deactivate.statusCode).toBe(500);
    } finally {
      await sql`DROP TRIGGER fail_member_event ON audit_events`.execute(h.db);
      await sql`DROP FUNCTION fail_member_event()`.execute(h.db);
    }
    const after = (
      await h.inject(admin, { url: `/api/companies/${company.id}/members/${member.memberId}` })
    ).json();
    expect(after).toMatchObject({ status: "active", version: 1, roles: [{ key: "finance" }] });
    // The deactivation's session cleanup was rolled back with it.
    expect((await h.inject(session, { url: "/api/me" })).statusCode).toBe(200);
    const written = await h.db
      .selectFrom("audit_events")
      .select("action")
      .where("target_id", "=", member.memberId)
      .execute();
    expect(written).toEqual([]);
    const counters = await h.db
      .selectFrom("member_role_counts")
      .select(["role_id", "active"])
      .where("company_id", "=", company.id)
      .where("role_id", "in", [company.roleIds.finance, company.roleIds.developer])
      .where("active", ">", 0)
      .execute();
    expect(counters).toEqual([{ role_id: company.roleIds.finance, active: 1 }]);
  });

  it("records refused attempts (self_modification, last_admin, grant_exceeds_own, conflict) outside the failed change", async () => {
    const company = await h.company("Refusals Co");
    const admin = await adminOf(company);
    const manager = await h.member(company, []);
    const role = await h.inject(admin, {
      method: "POST",
      url: `/api/companies/${company.id}/roles`,
      payload: {
        name: "Delegate",
        permissions: predefinedRole("admin").permissions,
      },
    });
    await h.db
      .insertInto("member_roles")
      .values({ company_id: company.id, member_id: manager.memberId, role_id: role.json().id })
      .execute();
    const delegate = await h.login(manager.email);
    await h.elevate(delegate);
    const finance = await h.member(company, ["finance"]);
    const url = (memberId: string) => `/api/companies/${company.id}/members/${memberId}`;

    const attempts = [
      [admin, "POST", `${url(company.admin.memberId)}/deactivate`, {}, "self_modification"],
      [delegate, "POST", `${url(company.admin.memberId)}/deactivate`, {}, "last_admin"],
      [delegate, "POST", `${url(finance.memberId)}/deactivate`, {}, "grant_exceeds_own"],
      [
        admin,
        "PUT",
        `${url(finance.memberId)}/roles`,
        { roleIds: [company.roleIds.operations], version: 7 },
        "conflict",
      ],
    ] as const;
    for (const [cookie, method, path, payload, code] of attempts) {
      h.clock.advance(1000); // one event per second, so "newest first" is this attempt's
      const response = await h.inject(cookie, { method, url: path, payload });
      expect(response.json().error.code).toBe(code);
      const recorded = (await events(admin, company.id, `?outcome=denied&limit=1`)).json().items[0] as Event;
      expect(recorded).toMatchObject({
        outcome: "denied",
        target: { type: "member" },
        details: { reason: code },
        requestId: response.headers["x-request-id"],
      });
    }
    const conflict = (await events(admin, company.id, "?action=member.roles_change_refused")).json().items[0];
    expect(conflict.details).toMatchObject({ reason: "conflict", sentVersion: 7, currentVersion: 1 });
  });

  it("lists newest first with filters and keyset pages that cover every event once", async () => {
    const company = await h.company("Filter Co");
    const admin = await adminOf(company);
    const other = await h.company("Filter Other Co");
    const otherAdmin = await adminOf(other);
    const members = [];
    for (let i = 0; i < 6; i += 1) members.push(await h.member(company, ["operations"]));
    const start = h.clock.now();
    for (const member of members) {
      h.clock.advance(60_000);
      await h.inject(admin, {
        method: "POST",
        url: `/api/companies/${company.id}/members/${member.memberId}/deactivate`,
        payload: {},
      });
    }
    const middle = new Date(start.getTime() + 3 * 60_000 + 1).toISOString();
    // Noise: another company's events never show, and a refusal by someone else.
    await h.inject(otherAdmin, {
      method: "POST",
      url: `/api/companies/${other.id}/members/${other.admin.memberId}/deactivate`,
      payload: {},
    });

    const all: Event[] = [];
    let cursor: string | null = null;
    do {
      const response = await events(admin, company.id, `?limit=4${cursor ? `&cursor=${cursor}` : ""}`);
      expect(response.statusCode, response.body).toBe(200);
      all.push(...response.json().items);
      cursor = response.json().nextCursor;
    } while (cursor);
    expect(new Set(all.map((e) => e.id)).size).toBe(all.length);
    const times = all.map((e) => e.occurredAt);
    expect(times).toEqual([...times].sort().reverse());
    expect(all.every((e) => e.actor?.accountId !== other.admin.id)).toBe(true);
    const total = (await events(admin, company.id)).json();
    expect(total).toMatchObject({ total: all.length, totalExact: true });

    const deactivations = (await events(admin, company.id, "?action=member.deactivated")).json();
    expect(deactivations.total).toBe(6);
    expect(deactivations.items[0].target.id).toBe(members[5]?.memberId);
    expect((await events(admin, company.id, "?action=member")).json().total).toBe(6);
    expect((await events(admin, company.id, `?actor=${company.admin.id}&action=member`)).json().total).toBe(
      6,
    );
    const byEmail = (
      await events(admin, company.id, `?actor=${encodeURIComponent(company.admin.email.toUpperCase())}`)
    ).json();
    expect(byEmail.items.every((e: Event) => e.actor?.email === company.admin.email)).toBe(true);
    expect(byEmail.total).toBeGreaterThanOrEqual(6);
    const later = (await events(admin, company.id, `?action=member.deactivated&from=${middle}`)).json();
    expect(later.items.map((e: Event) => e.target?.id)).toEqual(
      members
        .slice(3)
        .map((m) => m.memberId)
        .reverse(),
    );
    const earlier = (await events(admin, company.id, `?action=member.deactivated&to=${middle}`)).json();
    expect(earlier.total).toBe(3);
    expect((await events(admin, company.id, "?outcome=failure")).json().total).toBe(0);

    for (const query of [
      "?action=Member",
      "?action=a.b.c",
      "?outcome=ok",
      `?from=${middle}&to=${start.toISOString()}`,
      "?actor=not%20an%20email",
      "?cursor=abc",
      "?limit=500",
    ]) {
      const response = await events(admin, company.id, query);
      expect(response.statusCode, query).toBe(400);
    }
  });

  it("exports the log as streamed CSV with spreadsheet formulas escaped, and records the export", async () => {
    const company = await h.company("Export Co");
    const admin = await adminOf(company);
    const member = await h.member(company, ["operations"]);
    await h.inject(admin, {
      method: "POST",
      url: `/api/companies/${company.id}/members/${member.memberId}/deactivate`,
      payload: {},
      headers: { "user-agent": '=HYPERLINK("http://evil.example","x")' },
    });
    const response = await h.inject(admin, { url: `/api/companies/${company.id}/audit-events/export` });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toMatch(/^text\/csv/);
    expect(response.headers["content-disposition"]).toMatch(
      /^attachment; filename="audit-log-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    const lines = response.body.trimEnd().split("\r\n");
    expect(lines[0]).toBe(
      "id,occurred_at,action,outcome,actor_account_id,actor_email,target_type,target_id,details,ip,user_agent,request_id",
    );
    const row = lines.find((line) => line.includes("member.deactivated"));
    expect(row).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")"`);
    expect(row).not.toMatch(/,=HYPERLINK/);
    h.clock.advance(1000);
    const filtered = await h.inject(admin, {
      url: `/api/companies/${company.id}/audit-events/export?action=role`,
    });
    expect(filtered.body.trimEnd().split("\r\n")).toHaveLength(1);
    const exports = (await events(admin, company.id, "?action=audit.exported")).json();
    expect(exports.total).toBe(2);
    expect(exports.items[0].details).toEqual({ filters: { action: "role" } });
  });

  it("gives the log only to audit.view holders of the company, and offers no way to change it", async () => {
    const company = await h.company("Guarded Log Co");
    const finance = await h.login((await h.member(company, ["finance"])).email);
    expect((await events(finance, company.id)).statusCode).toBe(403);
    expect(
      (await h.inject(finance, { url: `/api/companies/${company.id}/audit-events/export` })).statusCode,
    ).toBe(403);
    const stranger = await adminOf(await h.company("Stranger Log Co"));
    expect((await events(stranger, company.id)).statusCode).toBe(404);
    const writes = h.app.accessTable.filter((route) => route.url.includes("audit") && route.method !== "GET");
    expect(writes).toEqual([]);
    const admin = await adminOf(company);
    for (const method of ["PUT", "PATCH", "DELETE", "POST"]) {
      const response = await h.inject(admin, {
        method,
        url: `/api/companies/${company.id}/audit-events`,
        payload: {},
      });
      expect(response.statusCode, method).toBeGreaterThanOrEqual(404);
      expect(response.statusCode).toBeLessThan(500);
    }
  });

  it("never stores a password, code, token or session id in any event", async () => {
    const company = await h.company("Secrets Co");
    const member = await h.member(company, ["operations"]);
    // Logins (good and bad), a real email verification, member changes, a logout.
    await h.inject(null, {
      method: "POST",
      url: "/api/auth/login",
      payload: { email: company.admin.email, password: "wrong password, but a secret" },
    });
    const first = await h.login(company.admin.email);
    const verified = await h.stepUpByEmail(first, company.id);
    const mails = await h.db.selectFrom("mail_outbox").select("text_body").execute();
    const codes = mails.flatMap((m) =>
      [...m.text_body.matchAll(/\b(\d{6})\b/g)].map((match) => match[1] as string),
    );
    expect(codes.length).toBeGreaterThan(0);
    const url = `/api/companies/${company.id}/members/${member.memberId}`;
    await h.inject(verified, {
      method: "PUT",
      url: `${url}/roles`,
      payload: { roleIds: [company.roleIds.developer], version: 1 },
    });
    await h.inject(verified, { method: "POST", url: `${url}/deactivate`, payload: {} });
    await h.inject(verified, { method: "POST", url: `${url}/reactivate`, payload: {} });
    await h.inject(verified, { method: "POST", url: `${url}/reactivate`, payload: {} });
    const sessions = await h.db.selectFrom("sessions").select(["id", "token_hash"]).execute();
    await h.inject(verified, { method: "POST", url: "/api/auth/logout", payload: {} });

    const stored = JSON.stringify(await h.db.selectFrom("audit_events").selectAll().execute());
    const secrets = [
      TEST_PASSWORD,
      "wrong password, but a secret",
      first,
      verified,
      hashSecretToken(first),
      hashSecretToken(verified),
      ...sessions.flatMap((s) => [s.id, s.token_hash]),
    ];
    for (const secret of secrets) expect(stored).not.toContain(secret);
    // A code is six digits: look for it standing alone, not inside an id or a timestamp.
    for (const code of codes)
      expect(stored).not.toMatch(new RegExp(`(^|[^0-9a-f:.-])${code}([^0-9a-f:.-]|$)`));
  });
});
