// Bodies are validated strictly in every plugin, also those that register named schemas:
// a number never slips through as a string (type confusion, SECURITY 44/48).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "./support/harness.js";

describe("rule 13: no type coercion of bodies, in any plugin", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness("pglite");
  });
  afterAll(() => h.close());

  it("refuses a number where a role name string is expected", async () => {
    const company = await h.company("Coerce Co");
    const cookie = await h.login(company.admin.email);
    await h.elevate(cookie);
    const response = await h.inject(cookie, {
      method: "POST",
      url: `/api/companies/${company.id}/roles`,
      payload: { name: 5, permissions: ["audit.view"] },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe("validation_failed");
  });

  it("refuses a number where a member's role ids are expected", async () => {
    const company = await h.company("Coerce Members Co");
    const member = await h.member(company, ["finance"]);
    const cookie = await h.login(company.admin.email);
    await h.elevate(cookie);
    const response = await h.inject(cookie, {
      method: "PUT",
      url: `/api/companies/${company.id}/members/${member.memberId}/roles`,
      payload: { roleIds: [company.roleIds.operations], version: "1" },
    });
    expect(response.statusCode).toBe(400);
  });
});
