// Rule 14 (login part): after 10 consecutive failures for one email from unknown devices, counted alike
// whether or not an account exists, logins for it from unknown devices are refused with 429 for 30
// minutes, never for ever; per IP, failures past a free allowance bring growing delays. Passwords are
// stored as argon2id. Known devices count apart: rule-14-known-device-lockout.test.ts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IP_FREE_FAILURES, ipDelayMs } from "../server/auth/service.js";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness, TEST_PASSWORD } from "./support/harness.js";

describe("rule 14: per-IP login delays grow", () => {
  it("gives free tries, then doubles the wait with each failure, capped at 15 minutes", () => {
    expect(ipDelayMs(IP_FREE_FAILURES - 1)).toBe(0);
    expect(ipDelayMs(IP_FREE_FAILURES)).toBe(1000);
    expect(ipDelayMs(IP_FREE_FAILURES + 1)).toBe(2000);
    expect(ipDelayMs(IP_FREE_FAILURES + 3)).toBe(8000);
    expect(ipDelayMs(IP_FREE_FAILURES + 40)).toBe(15 * 60_000);
  });
});

describe.each(testDatabaseKinds)("rule 14: login lockout of an email's unknown devices on %s", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind);
  });
  afterAll(() => h.close());

  const attempt = (email: string, password: string, ip: string) =>
    h.app.inject({ method: "POST", url: "/api/auth/login", remoteAddress: ip, payload: { email, password } });

  it("locks an existing account's unknown devices for 30 minutes after 10 failures, then lets them in again", async () => {
    const company = await h.company("Lockout Co");
    const email = company.admin.email;
    for (let i = 0; i < 10; i += 1) {
      // A different IP each time and no device cookie, so only the email's unknown-devices counter is at work.
      expect((await attempt(email, "wrong password!!", `198.51.100.${i}`)).statusCode).toBe(401);
    }
    const locked = await attempt(email, TEST_PASSWORD, "198.51.100.200");
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error.code).toBe("rate_limited");
    expect(Number(locked.headers["retry-after"])).toBeGreaterThan(29 * 60);
    expect(Number(locked.headers["retry-after"])).toBeLessThanOrEqual(30 * 60);

    h.clock.advance(29 * 60_000);
    expect((await attempt(email, TEST_PASSWORD, "198.51.100.201")).statusCode).toBe(429);
    h.clock.advance(61_000);
    expect((await attempt(email, TEST_PASSWORD, "198.51.100.202")).statusCode).toBe(200);

    const audit = await h.db
      .selectFrom("audit_events")
      .select("action")
      .where("action", "=", "auth.login_locked")
      .execute();
    expect(audit.length).toBeGreaterThanOrEqual(1);
  });

  it("counts an email without an account exactly alike, so a lock reveals nothing", async () => {
    const email = "no-such-person@example.com";
    const statuses: number[] = [];
    for (let i = 0; i < 11; i += 1)
      statuses.push((await attempt(email, "wrong password!!", `192.0.2.${i}`)).statusCode);
    expect(statuses).toEqual([...Array(10).fill(401), 429]);
  });

  it("resets the count after a successful login (only consecutive failures count)", async () => {
    const company = await h.company("Reset Co");
    const email = company.admin.email;
    for (let i = 0; i < 9; i += 1) await attempt(email, "wrong password!!", `203.0.113.${i}`);
    expect((await attempt(email, TEST_PASSWORD, "203.0.113.50")).statusCode).toBe(200);
    for (let i = 0; i < 9; i += 1) {
      expect((await attempt(email, "wrong password!!", `203.0.113.${100 + i}`)).statusCode).toBe(401);
    }
  });

  it("slows one IP that fails on many emails with growing waits", async () => {
    const ip = "233.252.0.9";
    for (let i = 0; i < IP_FREE_FAILURES; i += 1) {
      expect((await attempt(`spray${i}@example.com`, "wrong password!!", ip)).statusCode).toBe(401);
    }
    const refused = await attempt("spray-next@example.com", "wrong password!!", ip);
    expect(refused.statusCode).toBe(429);
    expect(refused.headers["retry-after"]).toBe("1");
    h.clock.advance(1_001);
    expect((await attempt("spray-next@example.com", "wrong password!!", ip)).statusCode).toBe(401);
    const longer = await attempt("spray-next2@example.com", "wrong password!!", ip);
    expect(longer.statusCode).toBe(429);
    expect(longer.headers["retry-after"]).toBe("2");
  });

  it("stores passwords only as argon2id hashes", async () => {
    const company = await h.company("Hash Co");
    const row = await h.db
      .selectFrom("accounts")
      .select("password_hash")
      .where("id", "=", company.admin.id)
      .executeTakeFirstOrThrow();
    expect(row.password_hash.startsWith("$argon2id$")).toBe(true);
    expect(row.password_hash).not.toContain(TEST_PASSWORD);
  });
});
