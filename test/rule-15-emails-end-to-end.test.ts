// Rule 15 through the API: the one canonicalizer decides login and uniqueness, so case and
// spacing variants reach the same account while look-alikes never do.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness, TEST_PASSWORD } from "./support/harness.js";

describe.each(testDatabaseKinds)("rule 15: emails are canonicalized once, on %s", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind);
    const company = await h.company("Canon Co");
    const account = await h.account("alice@example.com", "Alice");
    await h.db.insertInto("members").values({ company_id: company.id, account_id: account.id }).execute();
  });
  afterAll(() => h.close());

  const login = (email: string) =>
    h.inject(null, { method: "POST", url: "/api/auth/login", payload: { email, password: TEST_PASSWORD } });

  it("logs in with case, spacing and fullwidth-@ variants of the stored address", async () => {
    for (const variant of [
      "alice@example.com",
      " ALICE@Example.COM ",
      "Alice＠example.com",
      "ａｌｉｃｅ@example.com",
    ]) {
      const response = await login(variant);
      expect(response.statusCode, variant).toBe(200);
      expect(response.json().account.email).toBe("alice@example.com");
    }
  });

  it("never lets a look-alike address in", async () => {
    for (const lookAlike of [
      "alıce@example.com", // dotless ı
      "alicé@example.com", // accent
      "аlice@example.com", // Cyrillic а
      "alice@ехample.com", // Cyrillic е and х in the domain
      "alice@exämple.com", // IDN domain, a different domain
      "alice@example.com.", // trailing dot
      "alice+x@example.com", // a different mailbox
    ]) {
      const response = await login(lookAlike);
      expect(response.statusCode, lookAlike).toBe(401);
      expect(response.json().error.code).toBe("invalid_credentials");
    }
  });

  it("treats a case variant as the same account at creation: no duplicate", async () => {
    await expect(h.account("ALICE@EXAMPLE.COM")).rejects.toThrow(/already exists/);
  });

  it("stores IDN domains in their punycode form", async () => {
    const account = await h.account("bob@exämple.com");
    expect(account.email).toBe("bob@xn--exmple-cua.com");
  });
});
