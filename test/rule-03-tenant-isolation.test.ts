// Rule 3: a request naming a company the caller is not an active member of gets 404 not_found,
// the same answer whether that company exists or not; ids are random UUIDs.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness } from "./support/harness.js";

describe.each(testDatabaseKinds)("rule 3: tenant isolation on %s", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind);
  });
  afterAll(() => h.close());

  it("answers another company's id exactly like an id that does not exist", async () => {
    const mine = await h.company("Mine Ltd");
    const theirs = await h.company("Theirs Ltd");
    const cookie = await h.login(mine.admin.email);
    for (const suffix of ["", "/account"]) {
      const other = await h.inject(cookie, { url: `/api/companies/${theirs.id}${suffix}` });
      const missing = await h.inject(cookie, { url: `/api/companies/${randomUUID()}${suffix}` });
      expect(other.statusCode).toBe(404);
      expect(missing.statusCode).toBe(404);
      expect(other.json()).toEqual(missing.json());
      expect(other.body).not.toContain("Theirs");
      const own = await h.inject(cookie, { url: `/api/companies/${mine.id}${suffix}` });
      expect(own.statusCode).toBe(200);
    }
  });

  it("ignores tenant hints in headers and queries: the session decides", async () => {
    const mine = await h.company("Hint Mine");
    const theirs = await h.company("Hint Theirs");
    const cookie = await h.login(mine.admin.email);
    const response = await h.inject(cookie, {
      url: `/api/companies/${theirs.id}`,
      headers: { "x-tenant-id": theirs.id, "x-company-id": theirs.id },
    });
    expect(response.statusCode).toBe(404);
  });

  it("gives a deactivated member 404 for their company, at once, in an open session", async () => {
    const company = await h.company("Deactivating Co");
    const member = await h.member(company, ["admin"]);
    const cookie = await h.login(member.email);
    expect((await h.inject(cookie, { url: `/api/companies/${company.id}` })).statusCode).toBe(200);
    await h.db
      .updateTable("members")
      .set({ status: "deactivated", deactivated_at: h.clock.now() })
      .where("id", "=", member.memberId)
      .execute();
    const after = await h.inject(cookie, { url: `/api/companies/${company.id}` });
    expect(after.statusCode).toBe(404);
    expect(after.json().error.code).toBe("not_found");
  });

  it("lists only the caller's own active companies", async () => {
    const a = await h.company("List A");
    await h.company("List B");
    const cookie = await h.login(a.admin.email);
    const list = await h.inject(cookie, { url: "/api/companies" });
    expect(list.json().items.map((c: { id: string }) => c.id)).toEqual([a.id]);
  });

  it("uses random version-4 UUIDs for companies, members, roles and sessions", async () => {
    const company = await h.company("Uuid Co");
    const uuidV4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    expect(company.id).toMatch(uuidV4);
    expect(company.admin.memberId).toMatch(uuidV4);
    expect(company.roleIds.admin).toMatch(uuidV4);
    await h.login(company.admin.email);
    const session = await h.db
      .selectFrom("sessions")
      .select("id")
      .where("account_id", "=", company.admin.id)
      .executeTakeFirstOrThrow();
    expect(session.id).toMatch(uuidV4);
  });

  it("records a refused cross-tenant request in the audit log", async () => {
    const mine = await h.company("Audit Mine");
    const theirs = await h.company("Audit Theirs");
    const cookie = await h.login(mine.admin.email);
    await h.inject(cookie, { url: `/api/companies/${theirs.id}` });
    const events = await h.db
      .selectFrom("audit_events")
      .selectAll()
      .where("action", "=", "access.denied")
      .where("actor_account_id", "=", mine.admin.id)
      .execute();
    expect(events.length).toBe(1);
    expect(events[0]?.outcome).toBe("denied");
  });
});
