// Rule 10: login failures say 401 invalid_credentials whether or not the email exists, and cost the
// same password verification; login is rate limited with 429 rate_limited and Retry-After, shared
// across instances through Redis when REDIS_URL is set.
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp, deviceCookieName } from "../server/app.js";
import { passwordVerificationCount } from "../server/auth/passwords.js";
import { loadConfig } from "../server/config.js";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness, TEST_PASSWORD } from "./support/harness.js";

describe.each(testDatabaseKinds)("rule 10: login failures look alike on %s", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind);
  });
  afterAll(() => h.close());

  it("answers an unknown email and a wrong password with the same status and body", async () => {
    const company = await h.company("Enum Co");
    const wrongPassword = await h.inject(null, {
      method: "POST",
      url: "/api/auth/login",
      payload: { email: company.admin.email, password: "not the right password" },
    });
    const unknownEmail = await h.inject(null, {
      method: "POST",
      url: "/api/auth/login",
      payload: { email: "nobody-here@example.com", password: "not the right password" },
    });
    const invalidEmail = await h.inject(null, {
      method: "POST",
      url: "/api/auth/login",
      payload: { email: "not an email", password: "not the right password" },
    });
    for (const response of [wrongPassword, unknownEmail, invalidEmail]) {
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({
        error: { code: "invalid_credentials", message: "Invalid email or password." },
      });
      expect(response.headers["set-cookie"]).toBeUndefined();
    }
  });
});

/**
 * Rule 10's "about the same time", asserted by what costs the time: the argon2 verification. Every
 * path runs exactly one, whether or not the account exists, so no answer is a hash faster than
 * another. Counted, not timed, so a busy machine cannot fail it; `npm run bench` times the two logins.
 */
describe.each(testDatabaseKinds)(
  "Issue 20 item 6: every login path runs the password verification exactly once, counted (%s)",
  (kind) => {
    let h: Harness;
    let company: Awaited<ReturnType<Harness["company"]>>;
    let addressCounter = 0;
    beforeAll(async () => {
      h = await createHarness(kind);
      company = await h.company("Counted Co");
    });
    afterAll(() => h.close());

    /** The response, and how many password verifications answering it ran. */
    async function counted<T>(send: () => Promise<T>): Promise<{ response: T; verifications: number }> {
      const before = passwordVerificationCount();
      const response = await send();
      return { response, verifications: passwordVerificationCount() - before };
    }

    // A client address of its own for each request, so the per-IP delays never answer first.
    const login = (email: string, password: string, deviceCookie?: string) =>
      counted(() => {
        addressCounter += 1;
        return h.app.inject({
          method: "POST",
          url: "/api/auth/login",
          remoteAddress: `10.98.${Math.floor(addressCounter / 250)}.${addressCounter % 250}`,
          headers: deviceCookie ? { cookie: `${deviceCookieName(h.config)}=${deviceCookie}` } : {},
          payload: { email, password },
        });
      });

    it("login: unknown email, invalid email, wrong password, right password", async () => {
      const known = await h.member(company, ["finance"]);
      const cases = [
        ["unknown email", await login("nobody.counted@example.com", "a wrong password 1"), 401],
        ["invalid email", await login("not an email", "a wrong password 2"), 401],
        ["wrong password", await login(known.email, "a wrong password 3"), 401],
        ["right password", await login(known.email, TEST_PASSWORD), 200],
      ] as const;
      for (const [label, { response, verifications }, status] of cases) {
        expect({ label, status: response.statusCode, verifications }).toEqual({
          label,
          status,
          verifications: 1,
        });
      }
    });

    it("login: a deactivated account and an account without any membership, right or wrong password", async () => {
      const gone = await h.member(company, ["finance"]);
      await h.db
        .updateTable("members")
        .set({ status: "deactivated", deactivated_at: h.clock.now() })
        .where("id", "=", gone.memberId)
        .execute();
      const alone = await h.account();
      const cases = [
        ["deactivated, right password", await login(gone.email, TEST_PASSWORD), 403],
        ["deactivated, wrong password", await login(gone.email, "a wrong password 4"), 401],
        ["no membership, right password", await login(alone.email, TEST_PASSWORD), 403],
        ["no membership, wrong password", await login(alone.email, "a wrong password 5"), 401],
      ] as const;
      for (const [label, { response, verifications }, status] of cases) {
        expect({ label, status: response.statusCode, verifications }).toEqual({
          label,
          status,
          verifications: 1,
        });
      }
    });

    it("login: a locked email costs the same verifications whether or not its account exists", async () => {
      const known = await h.member(company, ["finance"]);
      const unknown = "nobody.locked@example.com";
      for (let i = 0; i < 10; i += 1) {
        expect((await login(known.email, `guess ${i}`)).response.statusCode).toBe(401);
        expect((await login(unknown, `guess ${i}`)).response.statusCode).toBe(401);
      }
      const lockedKnown = await login(known.email, TEST_PASSWORD);
      const lockedUnknown = await login(unknown, TEST_PASSWORD);
      expect(lockedKnown.response.statusCode).toBe(429);
      expect(lockedUnknown.response.statusCode).toBe(429);
      expect(lockedUnknown.verifications).toBe(lockedKnown.verifications);
    });

    it("login: from a known device, right or wrong password, and once that device is locked", async () => {
      const known = await h.member(company, ["finance"]);
      const first = await login(known.email, TEST_PASSWORD);
      const device = first.response.cookies.find(
        (c) => c.name === deviceCookieName(h.config) && c.value !== "",
      );
      expect(device, "a login leaves a known-device cookie").toBeDefined();
      const cases = [
        ["known device, wrong password", await login(known.email, "a wrong password 8", device!.value), 401],
        ["known device, right password", await login(known.email, TEST_PASSWORD, device!.value), 200],
      ] as const;
      for (const [label, { response, verifications }, status] of cases) {
        expect({ label, status: response.statusCode, verifications }).toEqual({
          label,
          status,
          verifications: 1,
        });
      }
      for (let i = 0; i < 10; i += 1) await login(known.email, `device guess ${i}`, device!.value);
      const lockedDevice = await login(known.email, TEST_PASSWORD, device!.value);
      const unknown = "nobody.device@example.com";
      for (let i = 0; i < 10; i += 1) await login(unknown, `guess ${i}`);
      const lockedUnknown = await login(unknown, TEST_PASSWORD);
      expect([lockedDevice.response.statusCode, lockedUnknown.response.statusCode]).toEqual([429, 429]);
      expect(lockedDevice.verifications).toBe(lockedUnknown.verifications);
    });

    it("invitation acceptance with an existing account's password, right or wrong", async () => {
      const invited = await h.account();
      const admin = await h.login(company.admin.email);
      await h.elevate(admin);
      const sent = await h.inject(admin, {
        method: "POST",
        url: `/api/companies/${company.id}/invitations`,
        payload: { email: invited.email, roleIds: [company.roleIds.finance], acceptTerms: true },
      });
      expect(sent.statusCode, sent.body).toBe(201);
      const mail = await h.db
        .selectFrom("mail_outbox")
        .select("text_body")
        .where("to_address", "=", invited.email)
        .where("kind", "=", "invitation")
        .executeTakeFirstOrThrow();
      const token = /#token=([A-Za-z0-9_-]{43})\b/.exec(mail.text_body)![1]!;
      const accept = (password: string) =>
        counted(() =>
          h.inject(null, { method: "POST", url: `/api/invitations/${token}/accept`, payload: { password } }),
        );
      const wrong = await accept("a wrong password 6");
      const right = await accept(TEST_PASSWORD);
      expect([wrong.response.statusCode, wrong.verifications]).toEqual([401, 1]);
      expect([right.response.statusCode, right.verifications], right.response.body).toEqual([200, 1]);
    });

    it("password change: a wrong current password and the right one", async () => {
      const known = await h.member(company, ["finance"]);
      const cookie = await h.login(known.email);
      const change = (currentPassword: string) =>
        counted(() =>
          h.inject(cookie, {
            method: "POST",
            url: "/api/me/password",
            payload: { currentPassword, newPassword: "Quiet-Harbor-Lantern-2291" },
          }),
        );
      const wrong = await change("a wrong password 7");
      const right = await change(TEST_PASSWORD);
      expect([wrong.response.statusCode, wrong.verifications]).toEqual([400, 1]);
      expect([right.response.statusCode, right.verifications], right.response.body).toEqual([204, 1]);
    });

    it("password reset: asking for a link costs the same for a known and an unknown email", async () => {
      const known = await h.member(company, ["finance"]);
      const ask = (email: string) =>
        counted(() =>
          h.inject(null, { method: "POST", url: "/api/auth/password-reset", payload: { email } }),
        );
      const forKnown = await ask(known.email);
      const forUnknown = await ask("nobody.reset@example.com");
      expect([forKnown.response.statusCode, forUnknown.response.statusCode]).toEqual([202, 202]);
      expect(forUnknown.verifications).toBe(forKnown.verifications);
    });
  },
);

describe.each(testDatabaseKinds)("rule 10: login is rate limited on %s", (kind) => {
  it("answers 429 rate_limited with Retry-After past the per-IP request limit", async () => {
    const h = await createHarness(kind, { limits: { loginPerMinute: 3 } });
    try {
      const statuses: number[] = [];
      let last: Awaited<ReturnType<Harness["inject"]>> | undefined;
      for (let i = 0; i < 5; i += 1) {
        last = await h.inject(null, {
          method: "POST",
          url: "/api/auth/login",
          payload: { email: `flood${i}@example.com`, password: "whatever password" },
        });
        statuses.push(last.statusCode);
      }
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
      expect(last!.json().error.code).toBe("rate_limited");
      expect(Number(last!.headers["retry-after"])).toBeGreaterThan(0);
      const hits = await h.db
        .selectFrom("audit_events")
        .select("id")
        .where("action", "=", "security.rate_limited")
        .execute();
      expect(hits.length).toBeGreaterThanOrEqual(1);
    } finally {
      await h.close();
    }
  });
});

const redisUrl = process.env.REDIS_URL;
describe.runIf(redisUrl !== undefined)(
  "rule 10: rate limits are shared across instances through Redis",
  () => {
    it("counts requests to two instances against one limit", async () => {
      const h = await createHarness(testDatabaseKinds.includes("postgres") ? "postgres" : "pglite");
      const redis = new Redis(redisUrl!);
      // A client address of this run only, so counters left by earlier runs cannot interfere.
      const ip = `198.18.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
      const keys = [
        ...(await redis.keys(`portal:rl:*${ip}*`)),
        ...(await redis.keys(`portal:throttle:*${ip}*`)),
      ];
      if (keys.length > 0) await redis.del(...keys);
      const config = loadConfig({ NODE_ENV: "test", PUBLIC_URL: "http://portal.test" });
      const make = () =>
        buildApp({
          database: h.database,
          config,
          redis,
          webDistDir: "/nonexistent",
          limits: { loginPerMinute: 4 },
        });
      const one = await make();
      const two = await make();
      try {
        const post = (app: typeof one, i: number) =>
          app.inject({
            method: "POST",
            url: "/api/auth/login",
            remoteAddress: ip,
            payload: { email: `shared${i}@example.com`, password: "whatever password" },
          });
        const statuses = [];
        for (let i = 0; i < 6; i += 1) statuses.push((await post(i % 2 === 0 ? one : two, i)).statusCode);
        expect(statuses.slice(0, 4)).toEqual([401, 401, 401, 401]);
        expect(statuses.slice(4)).toEqual([429, 429]);
      } finally {
        await one.close();
        await two.close();
        redis.disconnect();
        await h.close();
      }
    });
  },
);
