// Rule 16: sessions are opaque 256-bit tokens stored only as their SHA-256, carried in an HttpOnly,
// SameSite=Lax cookie, rotated at login, ended by idle (1 h) and absolute (12 h) timeouts and by logout,
// listed and ended by their owner; API answers are never cached; the audit log records it all, secret-free.
import { createHash } from "node:crypto";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness, TEST_PASSWORD } from "./support/harness.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

type SetCookie = {
  name: string;
  value: string;
  path?: string;
  domain?: string;
  expires?: Date;
  maxAge?: number;
  httpOnly?: boolean;
  secure?: boolean;
  sameSite?: string;
};

function setCookieNamed(response: LightMyRequestResponse, name: string): SetCookie | undefined {
  return (response.cookies as SetCookie[]).find((cookie) => cookie.name === name);
}

describe.each(testDatabaseKinds)("rule 16: sessions (%s)", (kind) => {
  let h: Harness;
  let company: Awaited<ReturnType<Harness["company"]>>;
  const issuedTokens: string[] = [];

  beforeAll(async () => {
    h = await createHarness(kind);
    company = await h.company();
  });
  afterAll(() => h.close());

  async function loginResponse(email: string, cookie?: string) {
    const response = await h.app.inject({
      method: "POST",
      url: "/api/auth/login",
      payload: { email, password: TEST_PASSWORD },
      headers: cookie ? { cookie: `${h.cookieName}=${cookie}` } : {},
    });
    expect(response.statusCode, response.body).toBe(200);
    const token = h.sessionCookie(response);
    expect(token).toBeDefined();
    issuedTokens.push(token!);
    return { response, token: token! };
  }

  async function login(email: string, cookie?: string) {
    return (await loginResponse(email, cookie)).token;
  }

  const me = (token: string) => h.inject(token, { url: "/api/me" });
  async function expectAlive(token: string) {
    const response = await me(token);
    expect(response.statusCode, response.body).toBe(200);
  }
  async function expectDead(token: string) {
    const response = await me(token);
    expect(response.statusCode, response.body).toBe(401);
    expect(response.json().error.code).toBe("unauthenticated");
  }

  async function sessionIdOf(token: string): Promise<string> {
    const row = await h.db
      .selectFrom("sessions")
      .select("id")
      .where("token_hash", "=", sha256(token))
      .executeTakeFirstOrThrow();
    return row.id;
  }

  describe("tokens", () => {
    it("the cookie holds 43 base64url characters (256 bits) and the database only its SHA-256", async () => {
      const { response, token } = await loginResponse(company.admin.email);
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(token, "base64url")).toHaveLength(32);
      expect(response.body).not.toContain(token);

      const rows = await h.db
        .selectFrom("sessions")
        .selectAll()
        .where("account_id", "=", company.admin.id)
        .execute();
      const hashes = rows.map((row) => row.token_hash);
      expect(hashes).toContain(sha256(token));
      for (const row of rows) expect(JSON.stringify(row)).not.toContain(token);
    });

    it("every login issues a different token", async () => {
      const tokens = new Set<string>();
      for (let i = 0; i < 5; i += 1) tokens.add(await login(company.admin.email));
      expect(tokens.size).toBe(5);
    });

    it("a token that was never issued, or a near miss of a real one, is refused", async () => {
      const token = await login(company.admin.email);
      const flipped = (token[0] === "A" ? "B" : "A") + token.slice(1);
      for (const forged of [flipped, sha256(token), "", "x".repeat(43), `${token}x`]) {
        const response = await h.app.inject({
          method: "GET",
          url: "/api/me",
          headers: { cookie: `${h.cookieName}=${forged}` },
        });
        expect(response.statusCode, forged).toBe(401);
      }
    });
  });

  describe("the cookie", () => {
    it("is HttpOnly, SameSite=Lax, Path=/, host-only, expires at the 12 h absolute limit; not Secure in test", async () => {
      const { response } = await loginResponse(company.admin.email);
      const cookie = setCookieNamed(response, h.cookieName);
      expect(h.cookieName).toBe("portal_session");
      expect(cookie).toBeDefined();
      expect(cookie?.httpOnly).toBe(true);
      expect(cookie?.sameSite).toBe("Lax");
      expect(cookie?.path).toBe("/");
      expect(cookie?.domain).toBeUndefined();
      expect(cookie?.secure).toBeUndefined();
      expect(cookie?.expires?.getTime()).toBe(h.clock.now().getTime() + 12 * HOUR);
    });
  });

  describe("rotation at login", () => {
    it("logging in again while sending the old cookie kills the old session", async () => {
      const old = await login(company.admin.email);
      await expectAlive(old);
      const fresh = await login(company.admin.email, old);
      expect(fresh).not.toBe(old);
      await expectDead(old);
      await expectAlive(fresh);
      expect(
        await h.db.selectFrom("sessions").select("id").where("token_hash", "=", sha256(old)).execute(),
      ).toHaveLength(0);
    });

    it("a login from another device (no cookie) leaves the first session alone", async () => {
      const first = await login(company.admin.email);
      const second = await login(company.admin.email);
      await expectAlive(first);
      await expectAlive(second);
    });

    it("a failed login that sends a cookie does not end that session", async () => {
      const token = await login(company.admin.email);
      const response = await h.app.inject({
        method: "POST",
        url: "/api/auth/login",
        payload: { email: company.admin.email, password: "not the password at all" },
        headers: { cookie: `${h.cookieName}=${token}` },
      });
      expect(response.statusCode).toBe(401);
      await expectAlive(token);
    });
  });

  describe("timeouts", () => {
    it("59 minutes idle is still fine; 61 minutes without a request → 401", async () => {
      const token = await login(company.admin.email);
      h.clock.advance(59 * MINUTE);
      await expectAlive(token);
      h.clock.advance(61 * MINUTE);
      await expectDead(token);
      // The idle session is gone server-side, not only refused.
      expect(
        await h.db.selectFrom("sessions").select("id").where("token_hash", "=", sha256(token)).execute(),
      ).toHaveLength(0);
    });

    it("idle time counts from the last request, not from the login", async () => {
      const token = await login(company.admin.email);
      h.clock.advance(40 * MINUTE);
      await expectAlive(token);
      h.clock.advance(40 * MINUTE);
      await expectAlive(token); // 80 minutes after login, 40 after the last request
      h.clock.advance(61 * MINUTE);
      await expectDead(token);
    });

    it("activity every 50 minutes keeps a session alive until the 12 h absolute limit, then 401", async () => {
      const token = await login(company.admin.email);
      for (let elapsed = 50; elapsed <= 700; elapsed += 50) {
        h.clock.advance(50 * MINUTE);
        const response = await me(token);
        expect(response.statusCode, `after ${elapsed} minutes`).toBe(200);
      }
      h.clock.advance(19 * MINUTE); // 11 h 59 min
      await expectAlive(token);
      h.clock.advance(1 * MINUTE); // 12 h
      await expectDead(token);
    });

    it("an expired session is not listed among the account's sessions", async () => {
      const stale = await login(company.admin.email);
      const staleId = await sessionIdOf(stale);
      h.clock.advance(61 * MINUTE);
      const current = await login(company.admin.email);
      const listed = await h.inject(current, { url: "/api/me/sessions" });
      expect(listed.statusCode).toBe(200);
      const ids = (listed.json().items as { id: string }[]).map((item) => item.id);
      expect(ids).not.toContain(staleId);
    });
  });

  describe("logout", () => {
    it("answers 204, clears the cookie, and the replayed old cookie → 401", async () => {
      const token = await login(company.admin.email);
      const response = await h.inject(token, { method: "POST", url: "/api/auth/logout" });
      expect(response.statusCode).toBe(204);
      expect(response.body).toBe("");
      const cleared = setCookieNamed(response, h.cookieName);
      expect(cleared?.value).toBe("");
      expect(cleared?.expires?.getTime() ?? cleared?.maxAge).toBeLessThanOrEqual(0);
      await expectDead(token);
      const again = await h.inject(token, { method: "POST", url: "/api/auth/logout" });
      expect(again.statusCode).toBe(401);
    });

    it("ends only the session it was sent with", async () => {
      const leaving = await login(company.admin.email);
      const staying = await login(company.admin.email);
      expect((await h.inject(leaving, { method: "POST", url: "/api/auth/logout" })).statusCode).toBe(204);
      await expectDead(leaving);
      await expectAlive(staying);
    });

    it("without a session → 401", async () => {
      const response = await h.inject(null, { method: "POST", url: "/api/auth/logout" });
      expect(response.statusCode).toBe(401);
      expect(response.json().error.code).toBe("unauthenticated");
    });
  });

  describe("listing and ending one's own sessions", () => {
    it("GET /api/me/sessions lists the caller's own sessions only, exactly one marked current", async () => {
      const person = await h.member(company, ["finance"]);
      const outsider = await h.member(company, ["finance"]);
      const laptop = await login(person.email);
      const phone = await login(person.email);
      const outsiderToken = await login(outsider.email);

      const response = await h.inject(phone, { url: "/api/me/sessions" });
      expect(response.statusCode).toBe(200);
      const items = response.json().items as { id: string; current: boolean; ip: unknown; device: unknown }[];
      expect(items.map((item) => item.id).sort()).toEqual(
        [await sessionIdOf(laptop), await sessionIdOf(phone)].sort(),
      );
      expect(items.filter((item) => item.current).map((item) => item.id)).toEqual([await sessionIdOf(phone)]);
      expect(items.map((item) => item.id)).not.toContain(await sessionIdOf(outsiderToken));
      for (const item of items) {
        expect(item).toHaveProperty("ip");
        expect(item).toHaveProperty("device");
        expect(JSON.stringify(item)).not.toContain(laptop);
        expect(JSON.stringify(item)).not.toContain(sha256(laptop));
      }
    });

    it("DELETE /api/me/sessions/{id} ends another own session: that cookie → 401, the caller's stays", async () => {
      const person = await h.member(company, ["operations"]);
      const laptop = await login(person.email);
      const phone = await login(person.email);
      const response = await h.inject(phone, {
        method: "DELETE",
        url: `/api/me/sessions/${await sessionIdOf(laptop)}`,
      });
      expect(response.statusCode).toBe(204);
      await expectDead(laptop);
      await expectAlive(phone);
    });

    it("DELETE of another account's session id → 404 not_found, and that session keeps working", async () => {
      const person = await h.member(company, ["developer"]);
      const victim = await h.member(company, ["developer"]);
      const mine = await login(person.email);
      const theirs = await login(victim.email);
      const response = await h.inject(mine, {
        method: "DELETE",
        url: `/api/me/sessions/${await sessionIdOf(theirs)}`,
      });
      expect(response.statusCode).toBe(404);
      expect(response.json().error.code).toBe("not_found");
      await expectAlive(theirs);
      // Indistinguishable from an id that exists nowhere.
      const unknown = await h.inject(mine, {
        method: "DELETE",
        url: "/api/me/sessions/7f0c6f0e-4d7e-4f4e-9d8c-2b1a0e9f8d7c",
      });
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json()).toEqual(response.json());
    });

    it("the list and the delete need a session", async () => {
      const list = await h.inject(null, { url: "/api/me/sessions" });
      expect(list.statusCode).toBe(401);
      const token = await login(company.admin.email);
      const remove = await h.inject(null, {
        method: "DELETE",
        url: `/api/me/sessions/${await sessionIdOf(token)}`,
      });
      expect(remove.statusCode).toBe(401);
      await expectAlive(token);
    });
  });

  describe("Cache-Control: no-store on every API answer", () => {
    it("successes and errors of every route carry no-store", async () => {
      const token = await login(company.admin.email);
      const spare = await login(company.admin.email);
      const requests: { label: string; send: () => Promise<LightMyRequestResponse> }[] = [
        { label: "GET /api/me", send: () => me(token) },
        { label: "GET /api/me anonymous", send: () => h.inject(null, { url: "/api/me" }) },
        { label: "GET /api/me/sessions", send: () => h.inject(token, { url: "/api/me/sessions" }) },
        { label: "GET /api/companies", send: () => h.inject(token, { url: "/api/companies" }) },
        {
          label: "GET /api/companies/:cid",
          send: () => h.inject(token, { url: `/api/companies/${company.id}` }),
        },
        {
          label: "GET /api/companies/:cid/account",
          send: () => h.inject(token, { url: `/api/companies/${company.id}/account` }),
        },
        { label: "GET /api/companies/unknown", send: () => h.inject(token, { url: "/api/companies/nope" }) },
        { label: "GET /api/openapi.json", send: () => h.inject(null, { url: "/api/openapi.json" }) },
        { label: "GET /api/docs/json", send: () => h.inject(null, { url: "/api/docs/json" }) },
        { label: "GET /api/dev/outbox", send: () => h.inject(null, { url: "/api/dev/outbox" }) },
        {
          label: "GET /api/dev/outbox bad query",
          send: () => h.inject(null, { url: "/api/dev/outbox?x=1" }),
        },
        { label: "GET /api/unknown", send: () => h.inject(null, { url: "/api/no/such/route" }) },
        {
          label: "POST /api/auth/login 200",
          send: () =>
            h.app.inject({
              method: "POST",
              url: "/api/auth/login",
              payload: { email: company.admin.email, password: TEST_PASSWORD },
            }),
        },
        {
          label: "POST /api/auth/login 401",
          send: () =>
            h.app.inject({
              method: "POST",
              url: "/api/auth/login",
              payload: { email: "x@example.com", password: "y" },
            }),
        },
        {
          label: "POST /api/auth/login bad JSON",
          send: () =>
            h.app.inject({
              method: "POST",
              url: "/api/auth/login",
              payload: "{",
              headers: { "content-type": "application/json" },
            }),
        },
        {
          label: "POST /api/auth/login text/plain",
          send: () =>
            h.app.inject({
              method: "POST",
              url: "/api/auth/login",
              payload: "x",
              headers: { "content-type": "text/plain" },
            }),
        },
        {
          label: "POST /api/auth/login too large",
          send: () =>
            h.app.inject({
              method: "POST",
              url: "/api/auth/login",
              payload: JSON.stringify({ email: "a@example.com", password: "x".repeat(1_100_000) }),
              headers: { "content-type": "application/json" },
            }),
        },
        {
          label: "POST /api/auth/logout cross-site",
          send: () =>
            h.inject(token, {
              method: "POST",
              url: "/api/auth/logout",
              headers: { origin: "https://evil.example" },
            }),
        },
        {
          label: "DELETE /api/me/sessions/:id",
          send: async () =>
            h.inject(token, { method: "DELETE", url: `/api/me/sessions/${await sessionIdOf(spare)}` }),
        },
        {
          label: "POST /api/auth/logout 204",
          send: () => h.inject(token, { method: "POST", url: "/api/auth/logout" }),
        },
      ];
      for (const { label, send } of requests) {
        const response = await send();
        expect(response.statusCode, label).toBeLessThan(500);
        expect(response.headers["cache-control"], label).toBe("no-store");
      }
    });

    it("also the answers the router gives before any route runs (bad URL encoding, overlong parameter)", async () => {
      const token = await login(company.admin.email);
      for (const url of ["/api/companies/%E0%A4%A", `/api/companies/${"a".repeat(300)}`]) {
        const response = await h.inject(token, { url });
        expect(response.statusCode, url).toBeLessThan(500);
        expect(response.headers["cache-control"], url).toBe("no-store");
      }
    });
  });

  describe("audit", () => {
    it("records login success, logout and session end with the actor, and never a password or token", async () => {
      const person = await h.member(company, ["finance"]);
      const wrongPassword = "Wrong-Marmoset-Secret-9915";
      const failed = await h.app.inject({
        method: "POST",
        url: "/api/auth/login",
        payload: { email: person.email, password: wrongPassword },
      });
      expect(failed.statusCode).toBe(401);
      const first = await login(person.email);
      const second = await login(person.email);
      const firstId = await sessionIdOf(first);
      const secondId = await sessionIdOf(second);
      expect(
        (await h.inject(second, { method: "DELETE", url: `/api/me/sessions/${firstId}` })).statusCode,
      ).toBe(204);
      expect((await h.inject(second, { method: "POST", url: "/api/auth/logout" })).statusCode).toBe(204);

      const events = await h.db
        .selectFrom("audit_events")
        .select(["action", "outcome", "actor_account_id", "target_type", "target_id"])
        .where("actor_account_id", "=", person.id)
        .execute();
      const successes = events.filter((e) => e.action === "auth.login_succeeded" && e.outcome === "success");
      expect(successes).toHaveLength(2);
      expect(events).toContainEqual(
        expect.objectContaining({ action: "session.ended", outcome: "success", target_id: person.id }),
      );
      expect(events).toContainEqual(
        expect.objectContaining({ action: "auth.logout", outcome: "success", target_id: person.id }),
      );
      const failures = await h.db
        .selectFrom("audit_events")
        .select(["action", "outcome", "target_id"])
        .where("action", "=", "auth.login_failed")
        .where("target_id", "=", person.id)
        .execute();
      expect(failures).toEqual([{ action: "auth.login_failed", outcome: "failure", target_id: person.id }]);

      const allRows = JSON.stringify(await h.db.selectFrom("audit_events").selectAll().execute());
      // Rule 11: no password, token, or session id (the sessions' own handles) in any audit row.
      for (const secret of [
        TEST_PASSWORD,
        wrongPassword,
        ...issuedTokens,
        ...issuedTokens.map(sha256),
        firstId,
        secondId,
      ]) {
        expect(allRows).not.toContain(secret);
      }
    });
  });
});

describe.each(testDatabaseKinds)("rule 16: sessions in production (%s)", (kind) => {
  let h: Harness;

  beforeAll(async () => {
    h = await createHarness(kind, {
      env: {
        NODE_ENV: "production",
        // Only required to be present: the harness hands the app its own test database.
        DATABASE_URL: "postgres://unused.invalid/portal",
        PUBLIC_URL: "https://portal.example",
        SMTP_URL: "smtp://unused.invalid:25",
        MFA_SECRET_KEY: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        LOG_LEVEL: "silent",
      },
    });
  });
  afterAll(() => h.close());

  it("the cookie is __Host-portal_session, Secure, HttpOnly, SameSite=Lax, Path=/ and has no Domain", async () => {
    const company = await h.company();
    const response = await h.app.inject({
      method: "POST",
      url: "/api/auth/login",
      payload: { email: company.admin.email, password: TEST_PASSWORD },
    });
    expect(response.statusCode).toBe(200);
    expect(h.cookieName).toBe("__Host-portal_session");
    const cookie = setCookieNamed(response, "__Host-portal_session");
    expect(cookie).toBeDefined();
    expect(cookie?.secure).toBe(true);
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe("Lax");
    expect(cookie?.path).toBe("/");
    expect(cookie?.domain).toBeUndefined();
    expect(setCookieNamed(response, "portal_session")).toBeUndefined();

    const token = cookie!.value;
    expect((await h.inject(token, { url: "/api/me" })).statusCode).toBe(200);
    // The development cookie name carries no session in production.
    const plain = await h.app.inject({
      method: "GET",
      url: "/api/me",
      headers: { cookie: `portal_session=${token}` },
    });
    expect(plain.statusCode).toBe(401);

    const logout = await h.inject(token, { method: "POST", url: "/api/auth/logout" });
    expect(logout.statusCode).toBe(204);
    expect(setCookieNamed(logout, "__Host-portal_session")?.secure).toBe(true);
  });
});
