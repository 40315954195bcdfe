// Issue 19: "This account has no active membership left" was what a deactivated person read at login.
// The login answer now says it in a person's words; the code stays `account_deactivated`.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness, TEST_PASSWORD } from "./support/harness.js";

describe.each(testDatabaseKinds)(
  "Issue 19: a deactivated person reads plain words at login, on %s",
  (kind) => {
    let h: Harness;
    beforeAll(async () => {
      h = await createHarness(kind);
    });
    afterAll(() => h.close());

    it("tells them their access was deactivated and whom to ask, under the same code", async () => {
      const company = await h.company("Plain Words Co");
      const member = await h.member(company, ["finance"]);
      await h.db
        .updateTable("members")
        .set({ status: "deactivated", deactivated_at: h.clock.now() })
        .where("id", "=", member.memberId)
        .execute();
      const response = await h.inject(null, {
        method: "POST",
        url: "/api/auth/login",
        payload: { email: member.email, password: TEST_PASSWORD },
      });
      expect(response.statusCode).toBe(403);
      expect(response.json().error).toMatchObject({
        code: "account_deactivated",
        message:
          "Your access to every company on this portal has been deactivated. Ask an Admin of your company to reactivate you.",
      });
      expect(response.body).not.toContain("membership");
    });
  },
);
