// GET /api/me/audit-events: a person's own account events (sign-ins, password, alternate email,
// sessions, verification), those they made and those made on their account, newest first, with
// time, IP and device; never another account's, never a company's member events, never details.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness, TEST_PASSWORD } from "./support/harness.js";

const NEW_PASSWORD = "Quiet-Harbor-Lantern-2291";
const BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0 Safari/537.36";

type AccountEvent = {
  id: string;
  occurredAt: string;
  action: string;
  outcome: string;
  ip: string | null;
  device: string | null;
};

describe.each(testDatabaseKinds)(
  "Issue 17 item 12: a person sees their own account events on the profile on %s",
  (kind) => {
    let h: Harness;
    let company: Awaited<ReturnType<Harness["company"]>>;
    beforeAll(async () => {
      h = await createHarness(kind);
      company = await h.company("Own Trail Co");
    });
    afterAll(() => h?.close());

    async function changePassword(cookie: string) {
      const response = await h.inject(cookie, {
        method: "POST",
        url: "/api/me/password",
        payload: { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD },
        headers: { "user-agent": BROWSER },
      });
      expect(response.statusCode, response.body).toBe(204);
      return h.sessionCookie(response) ?? cookie;
    }
    async function ownEvents(
      cookie: string,
      query = "",
    ): Promise<{ items: AccountEvent[]; nextCursor: string | null; total: number; totalExact: boolean }> {
      const response = await h.inject(cookie, { url: `/api/me/audit-events${query}` });
      expect(response.statusCode, response.body).toBe(200);
      return response.json();
    }

    it("lists the person's password change with time, IP and device, and not another account's", async () => {
      const me = await h.member(company, ["finance"]);
      const other = await h.member(company, ["finance"]);
      let mine = await h.login(me.email);
      h.clock.advance(1_000);
      mine = await changePassword(mine);
      const theirs = await h.login(other.email);
      h.clock.advance(1_000);
      await changePassword(theirs);

      const page = await ownEvents(mine);
      expect(page.totalExact).toBe(true);
      const actions = page.items.map((event) => event.action);
      expect(actions).toEqual(["password.changed", "auth.login_succeeded"]);
      expect(page.total).toBe(2);
      const [changed] = page.items;
      expect(changed).toEqual({
        id: expect.any(String),
        occurredAt: expect.any(String),
        action: "password.changed",
        outcome: "success",
        ip: expect.any(String),
        device: BROWSER,
      });
      const theirEvents = await h.db
        .selectFrom("audit_events")
        .select("id")
        .where("actor_account_id", "=", other.id)
        .execute();
      expect(theirEvents.length).toBeGreaterThan(0);
      const shown = new Set(page.items.map((event) => event.id));
      for (const event of theirEvents) expect(shown.has(event.id)).toBe(false);
    });

    it("shows a failed login on the account by someone else, and no company member events", async () => {
      const admin = await h.login(company.admin.email);
      await h.elevate(admin);
      const member = await h.member(company, ["finance"]);
      const changed = await h.inject(admin, {
        method: "PUT",
        url: `/api/companies/${company.id}/members/${member.memberId}/roles`,
        payload: { roleIds: [company.roleIds.operations] },
      });
      expect(changed.statusCode, changed.body).toBe(200);
      // Later than the admin's login: events of one instant come in id order.
      h.clock.advance(1_000);
      const failed = await h.inject(null, {
        method: "POST",
        url: "/api/auth/login",
        payload: { email: company.admin.email, password: "not the password at all" },
        headers: { "user-agent": "curl/8.0" },
      });
      expect(failed.statusCode).toBe(401);

      const adminEvents = (await ownEvents(admin)).items;
      expect(adminEvents.map((event) => event.action)).not.toContain("member.roles_changed");
      expect(adminEvents[0]).toMatchObject({
        action: "auth.login_failed",
        outcome: "failure",
        device: "curl/8.0",
      });
      const memberCookie = await h.login(member.email);
      const memberEvents = (await ownEvents(memberCookie)).items;
      expect(memberEvents.map((event) => event.action)).toEqual(["auth.login_succeeded"]);
    });

    it("pages newest first with a cursor, and refuses a caller without a session", async () => {
      const me = await h.member(company, ["finance"]);
      let cookie = "";
      for (let i = 0; i < 3; i += 1) {
        h.clock.advance(1_000);
        cookie = await h.login(me.email);
      }
      const first = await ownEvents(cookie, "?limit=2");
      expect(first.items).toHaveLength(2);
      expect(first.total).toBe(3);
      expect(first.nextCursor).not.toBeNull();
      const second = await ownEvents(cookie, `?limit=2&cursor=${first.nextCursor}`);
      expect(second.items).toHaveLength(1);
      expect(second.nextCursor).toBeNull();
      const times = [...first.items, ...second.items].map((event) => event.occurredAt);
      expect(times).toEqual([...times].sort().reverse());
      expect((await h.inject(null, { url: "/api/me/audit-events" })).statusCode).toBe(401);
    });
  },
);
