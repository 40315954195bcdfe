// Every side that can change one person at once, on PostgreSQL: two Admins (de)activating their
// memberships, one changing their roles, a custom role's permissions and the security policy edited,
// a second factor given and taken, the account renamed, and the person logging in. Each takes its
// rows in the order the README's architecture gives (company, account, member, the account's
// context version); two that took them the other way round waited for each other until PostgreSQL
// cancelled one, answering 500. Afterwards every membership's copies match the account.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness, TEST_PASSWORD } from "./support/harness.js";
import { givePasskey } from "./support/second-factor.js";

const ROUNDS = 60;

describe.runIf(testDatabaseKinds.includes("postgres"))(
  "one person changed from every side at once, on postgres",
  () => {
    let h: Harness;
    beforeAll(async () => {
      h = await createHarness("postgres");
    });
    afterAll(() => h?.close());

    it("answers every request without a server error, and leaves the copies equal to the account", async () => {
      const c = await h.company("Every Side C");
      const d = await h.company("Every Side D");
      const person = await h.member(c, ["finance"]);
      const inD = await h.db
        .insertInto("members")
        .values({ company_id: d.id, account_id: person.id })
        .returning("id")
        .executeTakeFirstOrThrow();
      const adminC = await h.login(c.admin.email);
      await h.elevate(adminC, c.id);
      const adminD = await h.login(d.admin.email);
      await h.elevate(adminD, d.id);
      const roles = await h.db
        .selectFrom("roles")
        .select(["id", "key"])
        .where("company_id", "=", c.id)
        .execute();
      const roleId = (key: string) => roles.find((role) => role.key === key)?.id as string;
      const created = await h.inject(adminC, {
        method: "POST",
        url: `/api/companies/${c.id}/roles`,
        payload: { name: "Every side custom", permissions: ["transactions.view"] },
      });
      expect(created.statusCode, created.body).toBe(201);
      const customId = created.json().id as string;

      const failures: string[] = [];
      const answered = new Map<string, number>();
      const request = async (side: string, send: () => Promise<{ statusCode: number; body: string }>) => {
        const response = await send();
        answered.set(side, (answered.get(side) ?? 0) + 1);
        if (response.statusCode >= 500) failures.push(`${side}: ${response.statusCode} ${response.body}`);
      };
      const statement = async (side: string, run: () => Promise<unknown>) => {
        try {
          await run();
          answered.set(side, (answered.get(side) ?? 0) + 1);
        } catch (error) {
          failures.push(`${side}: ${String(error)}`);
        }
      };
      const rounds = (side: (i: number) => Promise<void>) =>
        (async () => {
          for (let i = 0; i < ROUNDS; i += 1) await side(i);
        })();
      const statusChange = (cookie: string, companyId: string, memberId: string, i: number) =>
        h.inject(cookie, {
          method: "POST",
          url: `/api/companies/${companyId}/members/${memberId}/${i % 2 ? "reactivate" : "deactivate"}`,
          payload: {},
        });

      await Promise.all([
        rounds((i) => request("status in C", () => statusChange(adminC, c.id, person.memberId, i))),
        rounds((i) => request("status in D", () => statusChange(adminD, d.id, inD.id, i))),
        rounds((i) =>
          request("roles in C", () =>
            h.inject(adminC, {
              method: "PUT",
              url: `/api/companies/${c.id}/members/${person.memberId}/roles`,
              payload: { roleIds: [i % 3 === 0 ? customId : roleId(i % 2 ? "finance" : "operations")] },
            }),
          ),
        ),
        rounds((i) =>
          request("custom role edited", () =>
            h.inject(adminC, {
              method: "PATCH",
              url: `/api/companies/${c.id}/roles/${customId}`,
              payload: {
                permissions: i % 2 ? ["transactions.view"] : ["transactions.view", "settlements.view"],
              },
            }),
          ),
        ),
        rounds((i) =>
          request("policy edited", () =>
            h.inject(adminC, {
              method: "PUT",
              url: `/api/companies/${c.id}/security-policy`,
              payload: { requireMfa: false, sessionIdleMinutes: i % 2 ? 30 : null, inviteDomains: [] },
            }),
          ),
        ),
        rounds((i) =>
          statement("second factor", () =>
            i % 2 === 0
              ? givePasskey(h.db, person.id, h.clock.now())
              : h.db.deleteFrom("mfa_factors").where("account_id", "=", person.id).execute(),
          ),
        ),
        rounds((i) =>
          statement("account renamed", () =>
            h.db
              .updateTable("accounts")
              .set({ name: `Every Side ${i}` })
              .where("id", "=", person.id)
              .execute(),
          ),
        ),
        rounds(() =>
          request("login", () =>
            h.app.inject({
              method: "POST",
              url: "/api/auth/login",
              payload: { email: person.email, password: TEST_PASSWORD },
            }),
          ),
        ),
      ]);

      expect(failures).toEqual([]);
      expect([...answered.values()].every((count) => count === ROUNDS)).toBe(true);
      expect(answered.size).toBe(8);
      const apart = await sql<{ id: string }>`
      SELECT m.id FROM members m JOIN accounts a ON a.id = m.account_id
       WHERE m.account_id = ${person.id}
         AND (m.name, m.email, m.has_second_factor) IS DISTINCT FROM (a.name, a.email, a.has_second_factor)`.execute(
        h.db,
      );
      expect(apart.rows).toEqual([]);
    }, 120_000);
  },
);
