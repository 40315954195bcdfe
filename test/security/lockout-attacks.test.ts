// Attack suite, lockout (issue 17 item 1, SPEC rule 14): strangers spraying wrong passwords at a company's
// only Admin from many addresses lock out only themselves; the Admin's known device still logs in, and
// neither a forged nor a borrowed known-device cookie opens the lock. Over HTTP on every configured database.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseKinds } from "../support/databases.js";
import { expectAudited, expectRefused, expectUnchanged } from "./support/expect.js";
import { type Company, type LiveServer, startLiveServer, TEST_PASSWORD } from "./support/live-server.js";

const DEVICE_COOKIE = "portal_device";

describe.each(testDatabaseKinds)("Issue 17 item 1: lockout under attack (%s)", (kind) => {
  let s: LiveServer;
  let company: Company;
  let address = 0;

  beforeAll(async () => {
    // Behind a trusted proxy, so each attempt comes from its own client address, as a botnet's would.
    s = await startLiveServer(kind, { env: { TRUST_PROXY: "127.0.0.1" } });
    company = await s.company("Only Admin Co");
  });
  afterAll(() => s?.close());

  /** A login from a fresh address, carrying a known-device cookie or none. */
  function loginFrom(email: string, password: string, device?: string) {
    address += 1;
    return s.client().post(
      "/api/auth/login",
      { email, password },
      {
        headers: {
          "x-forwarded-for": `198.18.${(address >> 8) & 255}.${address & 255}`,
          ...(device ? { cookie: `${DEVICE_COOKIE}=${device}` } : {}),
        },
      },
    );
  }
  const deviceCookieOf = (setCookies: string[]) =>
    setCookies
      .map((line) => /^portal_device=([^;]*)/.exec(line)?.[1])
      .find((value) => value !== undefined && value !== "");

  it("cannot lock a company's only Admin out of their known device, nor open the lock with a forged or borrowed cookie", async () => {
    const admin = company.admin.email;
    const laptop = deviceCookieOf((await loginFrom(admin, TEST_PASSWORD)).headers.getSetCookie());
    expect(laptop).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const attacker = await s.member(await s.company("Attacker Home Co"), ["finance"]);
    const borrowed = deviceCookieOf((await loginFrom(attacker.email, TEST_PASSWORD)).headers.getSetCookie());

    const mark = s.mark();
    const before = await s.snapshot();
    const statuses: number[] = [];
    for (let i = 0; i < 30; i += 1) statuses.push((await loginFrom(admin, `spray guess ${i}`)).status);
    expect(statuses).toEqual([...Array(10).fill(401), ...Array(20).fill(429)]);
    for (const device of [undefined, "A".repeat(43), borrowed, `${borrowed}.${"B".repeat(43)}`]) {
      const refused = await loginFrom(admin, TEST_PASSWORD, device);
      expectRefused(refused, 429, "rate_limited");
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    }
    await expectUnchanged(s, before);
    await expectAudited(s, mark, "auth.login_locked", 1, (e) => e.details.device === "unknown");
    await expectAudited(s, mark, "auth.login_rate_limited", 24, (e) => e.details.scope === "unknown_devices");
    const lockMails = await s.db
      .selectFrom("mail_outbox")
      .select("to_address")
      .where("kind", "=", "login_locked")
      .where("to_address", "=", admin)
      .execute();
    expect(lockMails).toHaveLength(1);

    const own = await loginFrom(admin, TEST_PASSWORD, laptop);
    expect(own.status, own.text).toBe(200);
    const session = s.client();
    session.cookie = /^portal_session=([^;]*)/.exec(own.headers.getSetCookie()[0] ?? "")?.[1] ?? null;
    expect((await session.get(`/api/companies/${company.id}/members`)).status).toBe(200);
  });
});
