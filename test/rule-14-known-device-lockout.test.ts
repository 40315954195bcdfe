// Issue 17 item 1, SPEC rule 14's known-device lockout: wrong passwords lock the device they came from,
// or the unknown devices of an email, never the person. The owner keeps logging in from a known device
// during an attack, and a locked owner is mailed a single-use unlock link that lets one browser through.
import { Writable } from "node:stream";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashSecretToken } from "../server/access/tokens.js";
import { deviceCookieName } from "../server/app.js";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness, TEST_PASSWORD } from "./support/harness.js";

const WRONG = "a wrong guess at the password";
const MINUTE = 60_000;

describe.each(testDatabaseKinds)("Issue 17 item 1: the known-device lockout (%s)", (kind) => {
  let h: Harness;
  let device: string;
  let ipCounter = 0;
  beforeAll(async () => {
    h = await createHarness(kind);
    device = deviceCookieName(h.config);
  });
  afterAll(() => h.close());

  /** Each attempt from its own address, so only the lockout is at work, not the per-IP delays. */
  const nextIp = () => {
    ipCounter += 1;
    return `10.${(ipCounter >> 16) & 255}.${(ipCounter >> 8) & 255}.${ipCounter & 255}`;
  };
  const cookieHeader = (cookies: Record<string, string | undefined>) => {
    const pairs = Object.entries(cookies).filter(([, value]) => value !== undefined);
    return pairs.length === 0 ? {} : { cookie: pairs.map(([name, value]) => `${name}=${value}`).join("; ") };
  };
  /** A login from a browser holding `deviceCookie` (its known-device cookie's value), or none. */
  const login = (email: string, password: string, deviceCookie?: string) =>
    h.app.inject({
      method: "POST",
      url: "/api/auth/login",
      remoteAddress: nextIp(),
      headers: cookieHeader({ [device]: deviceCookie }),
      payload: { email, password },
    });
  const deviceCookieOf = (response: LightMyRequestResponse) =>
    response.cookies.find((c) => c.name === device && c.value !== "")?.value;
  /** Logs in once from a fresh browser and returns the known-device cookie it was given. */
  const knownDevice = async (email: string) => {
    const response = await login(email, TEST_PASSWORD);
    expect(response.statusCode, response.body).toBe(200);
    return deviceCookieOf(response)!;
  };
  const attack = async (email: string, times: number) => {
    const statuses: number[] = [];
    for (let i = 0; i < times; i += 1) statuses.push((await login(email, WRONG)).statusCode);
    return statuses;
  };
  const lockMails = (to: string) =>
    h.db
      .selectFrom("mail_outbox")
      .selectAll()
      .where("kind", "=", "login_locked")
      .where("to_address", "=", to)
      .orderBy("seq")
      .execute();
  const unlockTokenOf = (mail: { text_body: string }) =>
    /\/unlock-login#token=([A-Za-z0-9_-]{43})/.exec(mail.text_body)![1]!;
  const unlock = (token: unknown, deviceCookie?: string) =>
    h.app.inject({
      method: "POST",
      url: "/api/auth/login-unlock",
      remoteAddress: nextIp(),
      headers: cookieHeader({ [device]: deviceCookie }),
      payload: { token },
    });

  it("lets the victim log in from a known device during an attack, while the attacker gets 429", async () => {
    const company = await h.company("Attacked Co");
    const victim = company.admin.email;
    const victimDevice = await knownDevice(victim);
    // The attacker's own account gives them a known-device cookie, which means nothing for the victim.
    const attacker = await h.member(await h.company("Attacker Co"), ["finance"]);
    const attackerDevice = await knownDevice(attacker.email);

    expect(await attack(victim, 12)).toEqual([...Array(10).fill(401), 429, 429]);
    const refused = await login(victim, TEST_PASSWORD);
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error.code).toBe("rate_limited");
    expect(Number(refused.headers["retry-after"])).toBeGreaterThan(29 * 60);
    expect(Number(refused.headers["retry-after"])).toBeLessThanOrEqual(30 * 60);
    expect((await login(victim, TEST_PASSWORD, attackerDevice)).statusCode).toBe(429);

    const during = await login(victim, TEST_PASSWORD, victimDevice);
    expect(during.statusCode, during.body).toBe(200);
    expect(h.sessionCookie(during)).toBeDefined();
    expect(deviceCookieOf(during)!.split(".")[0]).toBe(victimDevice);
    // Strangers stay locked out after the victim's login: a known device's success lifts nothing else.
    expect((await login(victim, TEST_PASSWORD)).statusCode).toBe(429);
    expect((await attack(victim, 1))[0]).toBe(429);
  });

  it("counts the unknown devices of an email without an account the same way, and mails nobody", async () => {
    const company = await h.company("Comparison Co");
    const ghost = "nobody-by-this-name@example.com";
    const existing = await attack(company.admin.email, 11);
    const absent = await attack(ghost, 11);
    expect(absent).toEqual(existing);
    expect(absent).toEqual([...Array(10).fill(401), 429]);
    const [lockedExisting, lockedAbsent] = [
      await login(company.admin.email, WRONG),
      await login(ghost, WRONG),
    ];
    expect(lockedAbsent.body).toBe(lockedExisting.body);
    expect(lockedAbsent.headers["retry-after"]).toBe(lockedExisting.headers["retry-after"]);
    expect(await lockMails(ghost)).toHaveLength(0);
    const anyLockMail = await h.db.selectFrom("mail_outbox").select("to_address").execute();
    expect(anyLockMail.map((m) => m.to_address)).not.toContain(ghost);
  });

  it("locks only the device whose own 10 failures it was, for 30 minutes", async () => {
    const company = await h.company("Clumsy Co");
    const owner = company.admin.email;
    const clumsy = await knownDevice(owner);
    const other = await knownDevice(owner);
    for (let i = 0; i < 10; i += 1) expect((await login(owner, WRONG, clumsy)).statusCode).toBe(401);
    const locked = await login(owner, TEST_PASSWORD, clumsy);
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error.code).toBe("rate_limited");
    expect(Number(locked.headers["retry-after"])).toBeGreaterThan(29 * 60);
    // Another known device and an unknown one are not touched.
    expect((await login(owner, TEST_PASSWORD, other)).statusCode).toBe(200);
    expect((await login(owner, TEST_PASSWORD)).statusCode).toBe(200);
    const audit = await h.db
      .selectFrom("audit_events")
      .select("details")
      .where("action", "=", "auth.login_locked")
      .where("target_id", "=", company.admin.id)
      .execute();
    expect(audit.map((e) => (e.details as { device?: string }).device)).toEqual(["known"]);

    h.clock.advance(29 * MINUTE);
    expect((await login(owner, TEST_PASSWORD, clumsy)).statusCode).toBe(429);
    h.clock.advance(MINUTE + 1_000);
    expect((await login(owner, TEST_PASSWORD, clumsy)).statusCode).toBe(200);
  });

  it("ends the lock of the unknown devices after 30 minutes, never for ever", async () => {
    const company = await h.company("Patient Co");
    const owner = company.admin.email;
    expect(await attack(owner, 10)).toEqual(Array(10).fill(401));
    h.clock.advance(29 * MINUTE);
    expect((await login(owner, TEST_PASSWORD)).statusCode).toBe(429);
    h.clock.advance(MINUTE + 1_000);
    expect((await login(owner, TEST_PASSWORD)).statusCode).toBe(200);
    // A second round locks again (PCI DSS 8.3.4 holds for every lock), and ends again.
    expect(await attack(owner, 11)).toEqual([...Array(10).fill(401), 429]);
    h.clock.advance(30 * MINUTE + 1_000);
    expect((await login(owner, TEST_PASSWORD)).statusCode).toBe(200);
  });

  it("mails the owner one unlock link per lock; it works once, from the one browser that opens it", async () => {
    const company = await h.company("Unlock Co");
    const owner = company.admin.email;
    expect(await attack(owner, 15)).toEqual([...Array(10).fill(401), ...Array(5).fill(429)]);
    const mails = await lockMails(owner);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toMatch(/paused/);
    expect(mails[0]!.is_sensitive).toBe(true);
    expect(mails[0]!.text_body).toContain("http://portal.test/unlock-login#token=");
    const token = unlockTokenOf(mails[0]!);

    const opened = await unlock(token);
    expect(opened.statusCode, opened.body).toBe(200);
    expect(opened.json().email).toBe(owner);
    expect(opened.headers["referrer-policy"]).toBe("no-referrer");
    const pass = deviceCookieOf(opened)!;
    expect(pass).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The link works once: another browser, or the same one again, is refused.
    const again = await unlock(token);
    expect(again.statusCode).toBe(400);
    expect(again.json().error.code).toBe("unlock_link_invalid");
    expect(deviceCookieOf(again)).toBeUndefined();
    expect((await unlock(token, pass)).statusCode).toBe(400);

    // Only the browser that opened it gets past the lock.
    expect((await login(owner, TEST_PASSWORD)).statusCode).toBe(429);
    const through = await login(owner, TEST_PASSWORD, pass);
    expect(through.statusCode, through.body).toBe(200);
    expect((await login(owner, TEST_PASSWORD)).statusCode).toBe(429);

    const actions = await h.db
      .selectFrom("audit_events")
      .select("action")
      .where("action", "in", ["auth.login_unlocked", "auth.unlock_link_failed"])
      .where("occurred_at", ">=", h.clock.now())
      .orderBy("occurred_at")
      .execute();
    expect(actions.map((a) => a.action).sort()).toEqual([
      "auth.login_unlocked",
      "auth.unlock_link_failed",
      "auth.unlock_link_failed",
    ]);
    // Stored as hashes only: neither the link's token nor the device's appears in any table.
    for (const table of ["login_unlock_links", "known_devices", "audit_events"] as const) {
      const rows = JSON.stringify(await h.db.selectFrom(table).selectAll().execute());
      expect(rows, table).not.toContain(token);
      expect(rows, table).not.toContain(pass);
    }
    const link = await h.db
      .selectFrom("login_unlock_links")
      .selectAll()
      .where("token_hash", "=", hashSecretToken(token))
      .executeTakeFirstOrThrow();
    expect(link.expires_at.getTime() - link.created_at.getTime()).toBe(30 * MINUTE);
    expect(link.used_at).not.toBeNull();
  });

  it("lets an unlock link die 30 minutes after it was mailed, and mails again at the next lock", async () => {
    const company = await h.company("Late Unlock Co");
    const owner = company.admin.email;
    await attack(owner, 10);
    const [first] = await lockMails(owner);
    h.clock.advance(30 * MINUTE + 1_000);
    const late = await unlock(unlockTokenOf(first!));
    expect(late.statusCode).toBe(400);
    expect(late.json().error.code).toBe("unlock_link_invalid");
    await attack(owner, 10);
    expect(await lockMails(owner)).toHaveLength(2);
  });

  it("refuses an unlock token that is malformed or was never issued, alike", async () => {
    for (const token of ["x", "A".repeat(43), "../../etc/passwd"]) {
      const response = await unlock(token);
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe("unlock_link_invalid");
    }
    const extra = await h.app.inject({
      method: "POST",
      url: "/api/auth/login-unlock",
      payload: { token: "A".repeat(43), email: "someone@example.com" },
    });
    expect(extra.statusCode).toBe(400);
    expect(extra.json().error.code).toBe("validation_failed");
  });

  it("serves the unlock page and API with Referrer-Policy: no-referrer", async () => {
    const page = await h.app.inject({ method: "GET", url: "/unlock-login" });
    const api = await h.app.inject({ method: "POST", url: "/api/auth/login-unlock", payload: {} });
    for (const response of [page, api]) {
      expect(response.headers["referrer-policy"], response.body).toBe("no-referrer");
    }
  });

  it("lets an existing account accept an invitation from its known device while its email is attacked", async () => {
    const company = await h.company("Inviting Co");
    // An account that already belongs to another company, and logged in from this browser before.
    const invitee = await h.member(await h.company("Invitee Home Co"), ["operations"]);
    const inviteeDevice = await knownDevice(invitee.email);
    const admin = await h.login(company.admin.email);
    await h.elevate(admin);
    const sent = await h.inject(admin, {
      method: "POST",
      url: `/api/companies/${company.id}/invitations`,
      payload: { email: invitee.email, roleIds: [company.roleIds.finance], acceptTerms: true },
    });
    expect(sent.statusCode, sent.body).toBe(201);
    const mail = await h.db
      .selectFrom("mail_outbox")
      .select("text_body")
      .where("kind", "=", "invitation")
      .where("to_address", "=", invitee.email)
      .executeTakeFirstOrThrow();
    const token = /#token=([A-Za-z0-9_-]{43})/.exec(mail.text_body)![1]!;
    const accept = (deviceCookie?: string) =>
      h.app.inject({
        method: "POST",
        url: `/api/invitations/${token}/accept`,
        remoteAddress: nextIp(),
        headers: cookieHeader({ [device]: deviceCookie }),
        payload: { password: TEST_PASSWORD },
      });

    expect(await attack(invitee.email, 10)).toEqual(Array(10).fill(401));
    expect((await accept()).statusCode).toBe(429);
    const accepted = await accept(inviteeDevice);
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(deviceCookieOf(accepted)!.split(".")[0]).toBe(inviteeDevice);
    const membership = await h.db
      .selectFrom("members")
      .select("status")
      .where("company_id", "=", company.id)
      .where("account_id", "=", invitee.id)
      .executeTakeFirst();
    expect(membership?.status).toBe("active");
  });

  it("counts a wrong current password on the request's device: its lock leaves other devices alone", async () => {
    const company = await h.company("Password Change Co");
    const member = await h.member(company, ["operations"]);
    const response = await login(member.email, TEST_PASSWORD);
    const session = h.sessionCookie(response)!;
    const memberDevice = deviceCookieOf(response)!;
    const change = (currentPassword: string) =>
      h.app.inject({
        method: "POST",
        url: "/api/me/password",
        headers: cookieHeader({ [h.cookieName]: session, [device]: memberDevice }),
        payload: { currentPassword, newPassword: "a brand new passphrase 123" },
      });
    for (let i = 0; i < 10; i += 1) expect((await change(`${WRONG} ${i}`)).statusCode).toBe(400);
    expect((await change(TEST_PASSWORD)).statusCode).toBe(429);
    expect((await login(member.email, TEST_PASSWORD, memberDevice)).statusCode).toBe(429);
    expect((await login(member.email, TEST_PASSWORD)).statusCode).toBe(200);
    expect(await lockMails(member.email)).toHaveLength(1);
  });

  it("sets an opaque, HttpOnly, SameSite=Lax known-device cookie for 180 days, bound to its account", async () => {
    const company = await h.company("Cookie Co");
    const response = await login(company.admin.email, TEST_PASSWORD);
    const cookie = response.cookies.find((c) => c.name === device)!;
    expect(cookie.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Lax", path: "/", maxAge: 180 * 24 * 60 * 60 });
    const row = await h.db
      .selectFrom("known_devices")
      .selectAll()
      .where("token_hash", "=", hashSecretToken(cookie.value))
      .executeTakeFirstOrThrow();
    expect(row.account_id).toBe(company.admin.id);
    // A second account on the same browser joins the cookie; each keeps its own device.
    const colleague = await h.member(company, ["finance"]);
    const both = await login(colleague.email, TEST_PASSWORD, cookie.value);
    const tokens = deviceCookieOf(both)!.split(".");
    expect(tokens).toHaveLength(2);
    expect(tokens[1]).toBe(cookie.value);
  });
});

describe("Issue 17 item 1: the known-device cookie in production", () => {
  it("is named __Host-portal_device and Secure, like the session cookie", async () => {
    const h = await createHarness(testDatabaseKinds[0]!, {
      env: {
        NODE_ENV: "production",
        PUBLIC_URL: "https://portal.example",
        DATABASE_URL: "postgres://unused@127.0.0.1:1/unused",
        SMTP_URL: "smtp://127.0.0.1:1",
        MFA_SECRET_KEY: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
      },
      logStream: new Writable({ write: (_chunk, _encoding, done) => done() }),
    });
    try {
      const company = await h.company("Production Device Co");
      const response = await h.app.inject({
        method: "POST",
        url: "/api/auth/login",
        headers: { origin: "https://portal.example" },
        payload: { email: company.admin.email, password: TEST_PASSWORD },
      });
      expect(response.statusCode, response.body).toBe(200);
      const cookie = response.cookies.find((c) => c.name === "__Host-portal_device");
      expect(cookie).toMatchObject({ secure: true, httpOnly: true, sameSite: "Lax", path: "/" });
      expect(cookie).not.toHaveProperty("domain");
    } finally {
      await h.close();
    }
  });
});
