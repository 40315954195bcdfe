// SPEC §6.2 passkeys: registration needs a fresh verification and refuses a credential registered
// before (to any account), another origin or RP ID, and an authenticator that did not verify the
// user; a passwordless login makes a full session as a password login does, answers every refusal
// with one 401, and never accepts an answer twice; step-up is answered with the passkey. A software
// authenticator (test/support) makes the WebAuthn answers a browser would send.
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PASSKEY_REQUESTS_PER_IP_PER_MINUTE } from "../server/passkeys/routes.js";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness } from "./support/harness.js";
import { type Bend, SoftwareAuthenticator } from "./support/software-authenticator.js";

const ORIGIN = "http://portal.test";
type Response = LightMyRequestResponse;

describe.each(testDatabaseKinds)("SPEC §6.2 passkeys on %s", (kind) => {
  let h: Harness;
  let ipCounter = 0;

  beforeAll(async () => {
    h = await createHarness(kind);
  });
  afterAll(() => h?.close());

  // Each request from its own client address, so the per-IP route limit (tested below) stays away.
  function post(
    cookie: string | null,
    url: string,
    payload?: unknown,
    options: { ip?: string; cookies?: Record<string, string> } = {},
  ): Promise<Response> {
    ipCounter += 1;
    const cookies = { ...(cookie ? { [h.cookieName]: cookie } : {}), ...options.cookies };
    const header = Object.entries(cookies)
      .map(([name, value]) => `${name}=${value}`)
      .join("; ");
    return h.app.inject({
      method: "POST",
      url,
      remoteAddress: options.ip ?? `10.62.${(ipCounter >> 8) & 255}.${ipCounter & 255}`,
      headers: header ? { cookie: header } : {},
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });
  }

  function expectError(response: Response, status: number, code: string) {
    expect(response.statusCode, response.body).toBe(status);
    expect(response.json().error.code).toBe(code);
  }

  /** A fresh Admin of a fresh company, logged in and verified for account-level changes. */
  async function person() {
    const company = await h.company(`Passkey Co ${Math.random().toString(36).slice(2, 8)}`);
    const cookie = await h.login(company.admin.email);
    await h.elevate(cookie);
    return { ...company.admin, companyId: company.id, company, cookie };
  }

  async function registrationOptions(cookie: string) {
    const response = await post(cookie, "/api/me/passkeys/options");
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  }

  /** Registers the authenticator's credential on the account of `cookie`. */
  async function register(
    cookie: string,
    authenticator: SoftwareAuthenticator,
    bend: Bend = {},
    name?: string,
  ) {
    const options = await registrationOptions(cookie);
    return post(cookie, "/api/me/passkeys", {
      ...(name ? { name } : {}),
      response: authenticator.register(options, bend),
    });
  }

  async function withPasskey() {
    const me = await person();
    const authenticator = new SoftwareAuthenticator(ORIGIN);
    const registered = await register(me.cookie, authenticator);
    expect(registered.statusCode, registered.body).toBe(201);
    return { ...me, authenticator };
  }

  async function loginOptions() {
    const response = await post(null, "/api/auth/passkey/options");
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  }

  async function passkeyLogin(
    authenticator: SoftwareAuthenticator,
    bend: Bend = {},
    cookie: string | null = null,
  ) {
    const options = await loginOptions();
    return post(cookie, "/api/auth/passkey", { response: authenticator.assert(options, bend) });
  }

  describe("registration", () => {
    it("needs a fresh verification: without one, options and registration answer step_up_required", async () => {
      const company = await h.company("Unverified Co");
      const cookie = await h.login(company.admin.email);
      expectError(await post(cookie, "/api/me/passkeys/options"), 403, "step_up_required");
      const answer = new SoftwareAuthenticator(ORIGIN).register({
        challenge: "A".repeat(43),
        rp: { id: "portal.test" },
        user: { id: "dXNlcg" },
      });
      expectError(await post(cookie, "/api/me/passkeys", { response: answer }), 403, "step_up_required");
      expect(await h.db.selectFrom("mfa_factors").select("id").execute()).toEqual([]);
    });

    it("offers a discoverable credential with user verification required, for this site, excluding the account's own", async () => {
      const me = await person();
      const options = await registrationOptions(me.cookie);
      expect(options.rp).toMatchObject({ id: "portal.test" });
      expect(options.user).toMatchObject({ name: me.email });
      expect(options.authenticatorSelection).toMatchObject({
        residentKey: "required",
        userVerification: "required",
      });
      expect(options.excludeCredentials).toEqual([]);
      const authenticator = new SoftwareAuthenticator(ORIGIN);
      expect(
        (await post(me.cookie, "/api/me/passkeys", { response: authenticator.register(options) })).statusCode,
      ).toBe(201);
      const again = await registrationOptions(me.cookie);
      expect(again.excludeCredentials).toEqual([
        expect.objectContaining({ id: authenticator.id, type: "public-key" }),
      ]);
    });

    it("stores a confirmed passkey factor, audits and mails it, and lists it", async () => {
      const me = await person();
      const authenticator = new SoftwareAuthenticator(ORIGIN);
      const response = await register(me.cookie, authenticator, {}, "Work laptop");
      expect(response.statusCode, response.body).toBe(201);
      expect(response.json()).toMatchObject({ name: "Work laptop", lastUsedAt: null });

      const factor = await h.db
        .selectFrom("mfa_factors")
        .selectAll()
        .where("account_id", "=", me.id)
        .executeTakeFirstOrThrow();
      expect(factor).toMatchObject({ type: "passkey", credential_id: authenticator.id, sign_count: 0 });
      expect(factor.confirmed_at).not.toBeNull();
      const account = await h.db
        .selectFrom("accounts")
        .select("has_second_factor")
        .where("id", "=", me.id)
        .executeTakeFirstOrThrow();
      expect(account.has_second_factor).toBe(true);

      const audit = await h.db
        .selectFrom("audit_events")
        .selectAll()
        .where("action", "=", "passkey.registered")
        .where("actor_account_id", "=", me.id)
        .execute();
      expect(audit).toHaveLength(1);
      const mail = await h.db
        .selectFrom("mail_outbox")
        .selectAll()
        .where("to_address", "=", me.email)
        .where("kind", "=", "passkey_added")
        .executeTakeFirstOrThrow();
      expect(mail.text_body).toContain('"Work laptop"');

      const list = await h.inject(me.cookie, { url: "/api/me/passkeys" });
      expect(list.json().items).toEqual([
        expect.objectContaining({ id: factor.id, name: "Work laptop", lastUsedAt: null }),
      ]);
    });

    it("refuses a credential already registered, to this account or another one (409 passkey_already_registered)", async () => {
      const first = await withPasskey();
      expectError(await register(first.cookie, first.authenticator), 409, "passkey_already_registered");
      const other = await person();
      expectError(await register(other.cookie, first.authenticator), 409, "passkey_already_registered");
      const owners = await h.db
        .selectFrom("mfa_factors")
        .select("account_id")
        .where("credential_id", "=", first.authenticator.id)
        .execute();
      expect(owners).toEqual([{ account_id: first.id }]);
    });

    it("refuses an answer made for another origin or RP ID, or without user verification (400 passkey_rejected)", async () => {
      const me = await person();
      for (const bend of [
        { origin: "https://evil.example" },
        { rpId: "evil.example" },
        { userVerified: false },
      ] satisfies Bend[]) {
        expectError(
          await register(me.cookie, new SoftwareAuthenticator(ORIGIN), bend),
          400,
          "passkey_rejected",
        );
      }
      const factors = await h.db
        .selectFrom("mfa_factors")
        .select("id")
        .where("account_id", "=", me.id)
        .execute();
      expect(factors).toEqual([]);
    });

    it("uses a registration challenge once, and only in the session it was given to", async () => {
      const me = await person();
      const options = await registrationOptions(me.cookie);
      const answer = new SoftwareAuthenticator(ORIGIN).register(options);
      const otherSession = await h.login(me.email);
      await h.elevate(otherSession);
      expectError(
        await post(otherSession, "/api/me/passkeys", { response: answer }),
        400,
        "passkey_rejected",
      );
      // The refused try above did not use it up: the challenge belongs to the first session.
      expect((await post(me.cookie, "/api/me/passkeys", { response: answer })).statusCode).toBe(201);
      const replay = new SoftwareAuthenticator(ORIGIN).register(options);
      expectError(await post(me.cookie, "/api/me/passkeys", { response: replay }), 400, "passkey_rejected");
    });
  });

  describe("passwordless login", () => {
    it("asks for user verification and names no account in its options", async () => {
      const options = await loginOptions();
      expect(options).toMatchObject({ rpId: "portal.test", userVerification: "required" });
      expect(options.allowCredentials ?? []).toEqual([]);
    });

    it("makes a full session as a password login does: cookies, audit with method passkey, body as GET /api/me", async () => {
      const me = await withPasskey();
      const response = await passkeyLogin(me.authenticator);
      expect(response.statusCode, response.body).toBe(200);
      const cookie = h.sessionCookie(response)!;
      expect(cookie).toBeTruthy();
      expect(response.cookies.find((c) => c.name === "portal_device")?.httpOnly).toBe(true);
      const meBody = await h.inject(cookie, { url: "/api/me" });
      expect(response.json()).toEqual(meBody.json());
      expect(response.json().account.email).toBe(me.email);
      expect((await h.inject(cookie, { url: `/api/companies/${me.companyId}` })).statusCode).toBe(200);

      const audit = await h.db
        .selectFrom("audit_events")
        .selectAll()
        .where("action", "=", "auth.login_succeeded")
        .where("actor_account_id", "=", me.id)
        .orderBy("occurred_at", "desc")
        .execute();
      expect(audit.some((event) => (event.details as { method?: string }).method === "passkey")).toBe(true);
      const factor = await h.db
        .selectFrom("mfa_factors")
        .select(["sign_count", "last_used_at"])
        .where("account_id", "=", me.id)
        .executeTakeFirstOrThrow();
      expect(factor.sign_count).toBe(1);
      expect(factor.last_used_at).not.toBeNull();
    });

    it("ends the session the browser held before, whatever it was", async () => {
      const me = await withPasskey();
      const before = await h.login(me.email);
      const response = await passkeyLogin(me.authenticator, {}, before);
      expect(response.statusCode, response.body).toBe(200);
      expect((await h.inject(before, { url: "/api/me" })).statusCode).toBe(401);
    });

    it("refuses a replayed answer: the challenge works once, and a counter that did not move is refused", async () => {
      const me = await withPasskey();
      const options = await loginOptions();
      const answer = me.authenticator.assert(options);
      expect((await post(null, "/api/auth/passkey", { response: answer })).statusCode).toBe(200);
      expectError(await post(null, "/api/auth/passkey", { response: answer }), 401, "passkey_login_failed");
      // A cloned authenticator answering a new challenge with the counter already seen.
      const cloned = await passkeyLogin(me.authenticator, { counter: 1 });
      expectError(cloned, 401, "passkey_login_failed");
    });

    it("answers one generic 401 for an unknown passkey, another origin or RP ID, no user verification, a foreign challenge or another account's user handle", async () => {
      const me = await withPasskey();
      const refusals = [
        await passkeyLogin(new SoftwareAuthenticator(ORIGIN)),
        await passkeyLogin(me.authenticator, { origin: "https://evil.example" }),
        await passkeyLogin(me.authenticator, { rpId: "evil.example" }),
        await passkeyLogin(me.authenticator, { userVerified: false }),
        await passkeyLogin(me.authenticator, { challenge: "Zm9yZWlnbi1jaGFsbGVuZ2UtMTIzNA" }),
        await passkeyLogin(me.authenticator, {
          userHandle: Buffer.from(crypto.randomUUID()).toString("base64url"),
        }),
      ];
      const bodies = new Set(refusals.map((response) => response.body));
      expect(bodies.size).toBe(1);
      expectError(refusals[0]!, 401, "passkey_login_failed");
      expect(refusals.every((response) => h.sessionCookie(response) === undefined)).toBe(true);
      const failures = await h.db
        .selectFrom("audit_events")
        .select("details")
        .where("action", "=", "auth.login_failed")
        .execute();
      expect(
        failures.filter((row) => (row.details as { method?: string }).method === "passkey").length,
      ).toBeGreaterThanOrEqual(6);
    });

    it("refuses an account deactivated everywhere as a password login does (403 account_deactivated)", async () => {
      const me = await withPasskey();
      const member = await h.member(me.company, ["finance"]);
      const memberCookie = await h.login(member.email);
      await h.elevate(memberCookie);
      const authenticator = new SoftwareAuthenticator(ORIGIN);
      expect((await register(memberCookie, authenticator)).statusCode).toBe(201);
      const deactivated = await h.inject(me.cookie, {
        method: "POST",
        url: `/api/companies/${me.companyId}/members/${member.memberId}/deactivate`,
        payload: {},
      });
      expect(deactivated.statusCode, deactivated.body).toBe(200);
      expectError(await passkeyLogin(authenticator), 403, "account_deactivated");
    });
  });

  describe("step-up with a passkey", () => {
    async function startStepUp(cookie: string, companyId: string) {
      const response = await post(cookie, "/api/verification/step-up", { companyId });
      expect(response.statusCode, response.body).toBe(201);
      return response.json();
    }

    it("asks an account with a passkey for it: method passkey, request options, no mail", async () => {
      const me = await withPasskey();
      const mailsBefore = await h.db
        .selectFrom("mail_outbox")
        .select("id")
        .where("to_address", "=", me.email)
        .execute();
      const challenge = await startStepUp(me.cookie, me.companyId);
      expect(challenge).toMatchObject({ method: "passkey", options: { userVerification: "required" } });
      expect(challenge.sentTo).toBeUndefined();
      expect(challenge.options.allowCredentials).toEqual([
        expect.objectContaining({ id: me.authenticator.id }),
      ]);
      const mailsAfter = await h.db
        .selectFrom("mail_outbox")
        .select("id")
        .where("to_address", "=", me.email)
        .execute();
      expect(mailsAfter).toHaveLength(mailsBefore.length);
    });

    it("verifies the assertion: the session is elevated in that company and gets a new token", async () => {
      const me = await withPasskey();
      // A new session without a step-up: with a passkey the password alone would stop at the second step.
      const cookie = h.sessionCookie(await passkeyLogin(me.authenticator))!;
      const challenge = await startStepUp(cookie, me.companyId);
      const verified = await post(cookie, `/api/verification/step-up/${challenge.challengeId}/verify`, {
        assertion: me.authenticator.assert(challenge.options),
      });
      expect(verified.statusCode, verified.body).toBe(200);
      const rotated = h.sessionCookie(verified)!;
      expect(rotated).not.toBe(cookie);
      expect((await h.inject(cookie, { url: "/api/me" })).statusCode).toBe(401);
      // Elevated: an account-level change that needs a fresh verification now passes.
      expect((await post(rotated, "/api/me/passkeys/options")).statusCode).toBe(200);
      const event = await h.db
        .selectFrom("audit_events")
        .select("details")
        .where("action", "=", "step_up.verified")
        .where("actor_account_id", "=", me.id)
        .executeTakeFirstOrThrow();
      expect(event.details).toMatchObject({ method: "passkey" });
    });

    it("needs the answer its method takes (400), and refuses a replay, another account's passkey and a missing UV", async () => {
      const me = await withPasskey();
      // A new session without a step-up: with a passkey the password alone would stop at the second step.
      const cookie = h.sessionCookie(await passkeyLogin(me.authenticator))!;
      const first = await startStepUp(cookie, me.companyId);
      const url = `/api/verification/step-up/${first.challengeId}/verify`;
      expectError(await post(cookie, url, { code: "123456" }), 400, "validation_failed");
      expectError(await post(cookie, url, {}), 400, "validation_failed");

      const stranger = await withPasskey();
      expectError(
        await post(cookie, url, { assertion: stranger.authenticator.assert(first.options) }),
        400,
        "passkey_rejected",
      );
      // The refused answer ended that challenge; a new one is asked for.
      const second = await startStepUp(cookie, me.companyId);
      const noUv = me.authenticator.assert(second.options, { userVerified: false });
      expectError(
        await post(cookie, `/api/verification/step-up/${second.challengeId}/verify`, { assertion: noUv }),
        400,
        "passkey_rejected",
      );

      const third = await startStepUp(cookie, me.companyId);
      const answer = me.authenticator.assert(third.options);
      const ok = await post(cookie, `/api/verification/step-up/${third.challengeId}/verify`, {
        assertion: answer,
      });
      expect(ok.statusCode, ok.body).toBe(200);
      const rotated = h.sessionCookie(ok)!;
      const replay = await post(rotated, `/api/verification/step-up/${third.challengeId}/verify`, {
        assertion: answer,
      });
      expectError(replay, 410, "challenge_expired");
    });

    it("keeps the mailed code for an account without a passkey (method email)", async () => {
      const me = await person();
      const challenge = await startStepUp(me.cookie, me.companyId);
      expect(challenge.method).toBe("email");
      expect(challenge.sentTo).toContain("@");
      expect(challenge.options).toBeUndefined();
    });
  });

  describe("rate limits", () => {
    it("limits every passkey route per client address (429 rate_limited)", async () => {
      const me = await person();
      const routes: { method: "GET" | "POST"; url: string; cookie: string | null }[] = [
        { method: "GET", url: "/api/me/passkeys", cookie: me.cookie },
        { method: "POST", url: "/api/me/passkeys/options", cookie: me.cookie },
        { method: "POST", url: "/api/me/passkeys", cookie: me.cookie },
        { method: "POST", url: "/api/auth/passkey/options", cookie: null },
        { method: "POST", url: "/api/auth/passkey", cookie: null },
      ];
      for (const [index, route] of routes.entries()) {
        const ip = `10.99.1.${index + 1}`;
        let last: Response | undefined;
        for (let i = 0; i <= PASSKEY_REQUESTS_PER_IP_PER_MINUTE; i += 1) {
          last = await h.app.inject({
            method: route.method,
            url: route.url,
            remoteAddress: ip,
            headers: route.cookie ? { cookie: `${h.cookieName}=${route.cookie}` } : {},
            ...(route.method === "POST" ? { payload: {} } : {}),
          });
        }
        expect(last?.statusCode, `${route.method} ${route.url}`).toBe(429);
        expect(last?.headers["retry-after"]).toBeDefined();
      }
    });
  });
});
