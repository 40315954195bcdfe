import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness } from "./support/harness.js";

describe.each(testDatabaseKinds)("smoke on %s", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind);
  });
  afterAll(() => h.close());

  it("an admin logs in and reads company info", async () => {
    const company = await h.company();
    const cookie = await h.login(company.admin.email);
    const response = await h.inject(cookie, { url: `/api/companies/${company.id}` });
    expect(response.statusCode).toBe(200);
    expect(response.json().name).toBe("Acme Payments");
  });
});
