// SPEC §3: a member change takes optimistic concurrency as an option. `PUT …/roles` `{roleIds}`
// alone applies to the member as they are; `version` in the body or `If-Match` with the member's
// ETag (sent by GET) makes it conditional, and a stale one answers 409 conflict. The same holds for
// deactivate and reactivate. Rules 4-6 hold either way (rule-04/05/06 suites send versions).
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness } from "./support/harness.js";

type Company = Awaited<ReturnType<Harness["company"]>>;

async function activeAdmins(h: Harness, companyId: string): Promise<number> {
  const result = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM member_roles mr JOIN roles r ON r.id = mr.role_id AND r.key = 'admin'
      JOIN members m ON m.id = mr.member_id WHERE m.company_id = ${companyId} AND m.status = 'active'`.execute(
    h.db,
  );
  return result.rows[0]?.n ?? 0;
}

function putRoles(
  h: Harness,
  cookie: string,
  company: Company,
  memberId: string,
  payload: Record<string, unknown>,
  headers: Record<string, string> = {},
) {
  return h.inject(cookie, {
    method: "PUT",
    url: `/api/companies/${company.id}/members/${memberId}/roles`,
    payload,
    headers,
  });
}

function setStatus(
  h: Harness,
  cookie: string,
  company: Company,
  memberId: string,
  action: "deactivate" | "reactivate",
  headers: Record<string, string> = {},
  payload: Record<string, unknown> = {},
) {
  return h.inject(cookie, {
    method: "POST",
    url: `/api/companies/${company.id}/members/${memberId}/${action}`,
    payload,
    headers,
  });
}

describe.each(testDatabaseKinds)(
  "Issue 17 item 10: a member change takes an optional version or If-Match on %s",
  (kind) => {
    let h: Harness;
    let company: Company;
    let admin: string;
    beforeAll(async () => {
      h = await createHarness(kind);
      company = await h.company("Optional Version Co");
      admin = await h.login(company.admin.email);
      await h.elevate(admin);
    });
    afterAll(() => h?.close());

    const getMember = (memberId: string) =>
      h.inject(admin, { url: `/api/companies/${company.id}/members/${memberId}` });

    it("GET member sends the member's version as a strong ETag", async () => {
      const member = await h.member(company, ["finance"]);
      const response = await getMember(member.memberId);
      expect(response.statusCode).toBe(200);
      expect(response.headers.etag).toBe(`"${response.json().version}"`);
    });

    it("changes roles without a version (200), applying to the current state", async () => {
      const member = await h.member(company, ["finance"]);
      const first = await putRoles(h, admin, company, member.memberId, {
        roleIds: [company.roleIds.operations],
      });
      expect(first.statusCode, first.body).toBe(200);
      expect(first.json().roles.map((r: { key: string }) => r.key)).toEqual(["operations"]);
      expect(first.headers.etag).toBe(`"${first.json().version}"`);
      // A second change made without knowing of the first still applies.
      const second = await putRoles(h, admin, company, member.memberId, {
        roleIds: [company.roleIds.developer],
      });
      expect(second.statusCode, second.body).toBe(200);
      expect(second.json().roles.map((r: { key: string }) => r.key)).toEqual(["developer"]);
      expect(second.json().version).toBe(first.json().version + 1);
    });

    it("refuses a stale body version with 409 conflict and applies a fresh one", async () => {
      const member = await h.member(company, ["finance"]);
      const { version } = (await getMember(member.memberId)).json();
      const fresh = await putRoles(h, admin, company, member.memberId, {
        roleIds: [company.roleIds.operations],
        version,
      });
      expect(fresh.statusCode, fresh.body).toBe(200);
      const stale = await putRoles(h, admin, company, member.memberId, {
        roleIds: [company.roleIds.developer],
        version,
      });
      expect(stale.statusCode).toBe(409);
      expect(stale.json().error.code).toBe("conflict");
    });

    it("refuses a stale If-Match with 409 conflict and applies a fresh one (200)", async () => {
      const member = await h.member(company, ["finance"]);
      const etag = (await getMember(member.memberId)).headers.etag as string;
      const fresh = await putRoles(
        h,
        admin,
        company,
        member.memberId,
        { roleIds: [company.roleIds.operations] },
        { "if-match": etag },
      );
      expect(fresh.statusCode, fresh.body).toBe(200);
      expect(fresh.headers.etag).not.toBe(etag);
      const stale = await putRoles(
        h,
        admin,
        company,
        member.memberId,
        { roleIds: [company.roleIds.developer] },
        { "if-match": etag },
      );
      expect(stale.statusCode).toBe(409);
      expect(stale.json().error.code).toBe("conflict");
      const roles = (await getMember(member.memberId)).json().roles.map((r: { key: string }) => r.key);
      expect(roles).toEqual(["operations"]);
    });

    it("answers 400 validation_failed to a malformed If-Match or one that contradicts the body", async () => {
      const member = await h.member(company, ["finance"]);
      const { version } = (await getMember(member.memberId)).json();
      for (const ifMatch of ["7", 'W/"1"', '"1", "2"', '"abc"', '"0"', '"99999999999"']) {
        const response = await putRoles(
          h,
          admin,
          company,
          member.memberId,
          { roleIds: [company.roleIds.operations] },
          { "if-match": ifMatch },
        );
        expect(response.statusCode, ifMatch).toBe(400);
        expect(response.json().error.code).toBe("validation_failed");
      }
      const contradicting = await putRoles(
        h,
        admin,
        company,
        member.memberId,
        { roleIds: [company.roleIds.operations], version },
        { "if-match": `"${version + 1}"` },
      );
      expect(contradicting.statusCode).toBe(400);
      // `*` asks for any current state: the change applies.
      const any = await putRoles(
        h,
        admin,
        company,
        member.memberId,
        { roleIds: [company.roleIds.operations] },
        { "if-match": "*" },
      );
      expect(any.statusCode, any.body).toBe(200);
    });

    it("takes If-Match on deactivate and reactivate: stale 409, fresh 200", async () => {
      const member = await h.member(company, ["finance"]);
      const etag = (await getMember(member.memberId)).headers.etag as string;
      const stale = `"${Number(etag.replaceAll('"', "")) + 5}"`;
      const refused = await setStatus(h, admin, company, member.memberId, "deactivate", {
        "if-match": stale,
      });
      expect(refused.statusCode).toBe(409);
      expect(refused.json().error.code).toBe("conflict");
      const deactivated = await setStatus(h, admin, company, member.memberId, "deactivate", {
        "if-match": etag,
      });
      expect(deactivated.statusCode, deactivated.body).toBe(200);
      expect(deactivated.json().status).toBe("deactivated");
      const reactivatedStale = await setStatus(h, admin, company, member.memberId, "reactivate", {
        "if-match": etag,
      });
      expect(reactivatedStale.statusCode).toBe(409);
      const reactivated = await setStatus(h, admin, company, member.memberId, "reactivate", {
        "if-match": deactivated.headers.etag as string,
      });
      expect(reactivated.statusCode, reactivated.body).toBe(200);
      expect(reactivated.json().status).toBe("active");
    });

    it("still keeps the last Admin (rule 4) and refuses self-modification (rule 5) without a version", async () => {
      const only = await h.company("Version-free Last Admin Co");
      const cookie = await h.login(only.admin.email);
      await h.elevate(cookie);
      const other = await h.member(only, ["admin"]);
      const otherCookie = await h.login(other.email);
      await h.elevate(otherCookie);
      const self = await putRoles(h, cookie, only, only.admin.memberId, { roleIds: [only.roleIds.finance] });
      expect(self.statusCode).toBe(403);
      expect(self.json().error.code).toBe("self_modification");
      const demoted = await putRoles(h, cookie, only, other.memberId, { roleIds: [only.roleIds.finance] });
      expect(demoted.statusCode, demoted.body).toBe(200);
      // The demoted Admin is no longer one: they cannot demote the last Admin.
      const back = await putRoles(h, otherCookie, only, only.admin.memberId, {
        roleIds: [only.roleIds.finance],
      });
      expect([403, 404]).toContain(back.statusCode);
      expect(await activeAdmins(h, only.id)).toBe(1);
    });
  },
);

// PostgreSQL only: PGlite runs one statement at a time, so nothing there can race.
describe("Issue 17 item 10: version-free changes racing on postgres", () => {
  it.runIf(testDatabaseKinds.includes("postgres"))(
    "two Admins demoting each other without versions leave one active Admin",
    async () => {
      const h = await createHarness("postgres");
      try {
        for (let round = 0; round < 5; round += 1) {
          const company = await h.company(`Version-free Race Co ${round}`);
          const b = await h.member(company, ["admin"]);
          const aCookie = await h.login(company.admin.email);
          const bCookie = await h.login(b.email);
          await h.elevate(aCookie);
          await h.elevate(bCookie);
          const roleIds = [company.roleIds.finance];
          const responses = await Promise.all([
            putRoles(h, aCookie, company, b.memberId, { roleIds }),
            putRoles(h, bCookie, company, company.admin.memberId, { roleIds }),
          ]);
          const outcomes = responses
            .map((r) => (r.statusCode === 200 ? "200" : `${r.statusCode} ${r.json().error.code}`))
            .sort();
          expect(outcomes.filter((o) => o === "200")).toHaveLength(1);
          for (const outcome of outcomes) {
            expect(["200", "409 last_admin", "403 forbidden"]).toContain(outcome);
          }
          expect(await activeAdmins(h, company.id)).toBe(1);
        }
      } finally {
        await h.close();
      }
    },
  );
});
