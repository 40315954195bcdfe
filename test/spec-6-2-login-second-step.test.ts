// SPEC §6.2, the login's second step: after the password, an account with a factor gets a session
// good only for finishing the login (TOTP or recovery code); every other route answers 401 to it.
// Five wrong codes end it, wrong codes count on the known-device lockout (rule 14), the right code
// rotates the session, and the answers for wrong passwords say nothing of factors.
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashSecretToken } from "../server/access/tokens.js";
import { deviceCookieName } from "../server/app.js";
import { LOGIN_LOCK_AFTER_FAILURES } from "../server/auth/lockout.js";
import { SECOND_STEP_LIFETIME_MS, SECOND_STEP_MAX_FAILURES } from "../server/auth/second-step.js";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness, TEST_PASSWORD } from "./support/harness.js";
import { enrolTotp, totpCodeSteps } from "./support/second-factors.js";

const TOTP = "/api/auth/mfa/totp";
const RECOVERY = "/api/auth/mfa/recovery";

describe.each(testDatabaseKinds)("SPEC §6.2: the login's second step (%s)", (kind) => {
  let h: Harness;
  let ipCounter = 0;
  beforeAll(async () => {
    h = await createHarness(kind);
  });
  afterAll(() => h?.close());

  /** Each request from its own address: the per-IP login delays stay out of these tests. */
  function send(
    cookies: Record<string, string | undefined>,
    request: { method?: "GET" | "POST" | "PUT" | "DELETE"; url: string; payload?: unknown },
  ) {
    ipCounter += 1;
    const pairs = Object.entries(cookies).filter(([, value]) => value !== undefined);
    return h.app.inject({
      method: request.method ?? "POST",
      url: request.url,
      remoteAddress: `10.9.${(ipCounter >> 8) & 255}.${ipCounter & 255}`,
      headers: pairs.length ? { cookie: pairs.map(([n, v]) => `${n}=${v}`).join("; ") } : {},
      ...(request.payload !== undefined ? { payload: request.payload as object } : {}),
    });
  }
  const device = () => deviceCookieName(h.config);
  const sessionOf = (response: LightMyRequestResponse) => h.sessionCookie(response);
  const deviceOf = (response: LightMyRequestResponse) =>
    response.cookies.find((c) => c.name === device() && c.value !== "")?.value;

  /** An Admin of a new company with an authenticator app; their enrolling session is logged out. */
  async function personWithTotp() {
    const company = await h.company(`Second Step Co ${Math.random().toString(36).slice(2, 8)}`);
    const cookie = await h.login(company.admin.email);
    const enrolled = await enrolTotp(h, cookie);
    await h.inject(cookie, { method: "POST", url: "/api/auth/logout" });
    return { company, email: company.admin.email, accountId: company.admin.id, ...enrolled };
  }

  async function passwordStep(email: string, deviceCookie?: string, password = TEST_PASSWORD) {
    const response = await send(
      { [device()]: deviceCookie },
      { url: "/api/auth/login", payload: { email, password } },
    );
    return { response, cookie: sessionOf(response) };
  }

  it("answers {mfaRequired, methods} to the right password, with a short session that is not logged in", async () => {
    const me = await personWithTotp();
    const { response, cookie } = await passwordStep(me.email);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({ mfaRequired: true, methods: ["totp", "recovery_code"] });
    expect(cookie).toBeDefined();
    // No known-device cookie before the second step has passed.
    expect(deviceOf(response)).toBeUndefined();
    const row = await h.db
      .selectFrom("sessions")
      .select(["stage", "expires_at", "created_at"])
      .where("token_hash", "=", hashSecretToken(cookie!))
      .executeTakeFirstOrThrow();
    expect(row.stage).toBe("second_step");
    expect(row.expires_at.getTime() - row.created_at.getTime()).toBe(SECOND_STEP_LIFETIME_MS);
    expect(SECOND_STEP_LIFETIME_MS).toBeLessThanOrEqual(10 * 60_000);
  });

  it("refuses the second-step session on every other route (401), and lets it log out", async () => {
    const me = await personWithTotp();
    const { cookie } = await passwordStep(me.email);
    const session = { [h.cookieName]: cookie };
    for (const request of [
      { method: "GET" as const, url: "/api/me" },
      { method: "GET" as const, url: "/api/me/sessions" },
      { method: "GET" as const, url: "/api/me/mfa" },
      { method: "GET" as const, url: "/api/companies" },
      { method: "GET" as const, url: `/api/companies/${me.company.id}` },
      { method: "GET" as const, url: `/api/companies/${me.company.id}/members` },
      { method: "POST" as const, url: "/api/verification/step-up", payload: { companyId: me.company.id } },
      { method: "POST" as const, url: "/api/me/mfa/totp", payload: {} },
      { method: "POST" as const, url: "/api/me/mfa/recovery-codes", payload: {} },
      {
        method: "POST" as const,
        url: "/api/me/password",
        payload: { currentPassword: TEST_PASSWORD, newPassword: "an entirely new passphrase 99" },
      },
    ]) {
      const response = await send(session, request);
      expect(response.statusCode, `${request.method} ${request.url}: ${response.body}`).toBe(401);
      expect(response.json().error.code).toBe("unauthenticated");
    }
    // Time does not turn it into a full session either.
    h.clock.advance(SECOND_STEP_LIFETIME_MS + 1000);
    expect(
      (await send(session, { url: TOTP, payload: { code: totpCodeSteps(h, me.secret, 0) } })).statusCode,
    ).toBe(401);
    const again = await passwordStep(me.email);
    const logout = await send({ [h.cookieName]: again.cookie }, { url: "/api/auth/logout" });
    expect(logout.statusCode).toBe(204);
    const gone = await h.db
      .selectFrom("sessions")
      .select("id")
      .where("token_hash", "=", hashSecretToken(again.cookie!))
      .execute();
    expect(gone).toEqual([]);
  });

  it("refuses a full session on the second-step routes (401)", async () => {
    const company = await h.company("Full Session Co");
    const cookie = await h.login(company.admin.email);
    for (const url of [TOTP, RECOVERY]) {
      const response = await send({ [h.cookieName]: cookie }, { url, payload: { code: "123456" } });
      expect(response.statusCode, url).toBe(401);
    }
    expect((await send({ [h.cookieName]: cookie }, { method: "GET", url: "/api/me" })).statusCode).toBe(200);
  });

  it("logs in with the TOTP code: a new session token, the body of GET /api/me, a known device", async () => {
    const me = await personWithTotp();
    const { cookie } = await passwordStep(me.email);
    const done = await send(
      { [h.cookieName]: cookie },
      { url: TOTP, payload: { code: totpCodeSteps(h, me.secret, 0) } },
    );
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json().account.email).toBe(me.email);
    expect(done.json().memberships).toHaveLength(1);
    const full = sessionOf(done);
    expect(full).toBeDefined();
    expect(full).not.toBe(cookie);
    expect(deviceOf(done)).toBeDefined();
    // The second-step token is dead; the new one is a full session.
    expect((await send({ [h.cookieName]: cookie }, { method: "GET", url: "/api/me" })).statusCode).toBe(401);
    expect((await send({ [h.cookieName]: full }, { method: "GET", url: "/api/me" })).statusCode).toBe(200);
    const logins = await h.db
      .selectFrom("audit_events")
      .select("details")
      .where("actor_account_id", "=", me.accountId)
      .where("action", "=", "auth.login_succeeded")
      .execute();
    // The enrolling login had no second step; this one names its factor.
    expect(
      logins.map((e) => JSON.stringify(e.details)).filter((d) => d.includes('"secondFactor":"totp"')),
    ).toHaveLength(1);
  });

  it("lists a session waiting for the second step among the person's sessions, flagged: someone knows the password", async () => {
    const me = await personWithTotp();
    const pending = await passwordStep(me.email);
    const other = await passwordStep(me.email);
    const done = await send(
      { [h.cookieName]: other.cookie },
      { url: TOTP, payload: { code: totpCodeSteps(h, me.secret, 0) } },
    );
    expect(done.statusCode, done.body).toBe(200);
    const full = sessionOf(done);
    const listed = await send({ [h.cookieName]: full }, { method: "GET", url: "/api/me/sessions" });
    expect(listed.statusCode, listed.body).toBe(200);
    const items: { id: string; current: boolean; secondStepPending?: true }[] = listed.json().items;
    const pendingId = (
      await h.db
        .selectFrom("sessions")
        .select("id")
        .where("token_hash", "=", hashSecretToken(pending.cookie!))
        .executeTakeFirstOrThrow()
    ).id;
    expect(items.find((item) => item.id === pendingId)).toMatchObject({
      current: false,
      secondStepPending: true,
    });
    const current = items.find((item) => item.current);
    expect(current).toBeDefined();
    expect(current).not.toHaveProperty("secondStepPending");
    // The person ends it like any other session.
    const ended = await send(
      { [h.cookieName]: full },
      { method: "DELETE", url: `/api/me/sessions/${pendingId}` },
    );
    expect(ended.statusCode, ended.body).toBe(204);
    expect(
      (await send({ [h.cookieName]: pending.cookie }, { url: TOTP, payload: { code: "000000" } })).statusCode,
    ).toBe(401);
  });

  it("ends the second-step session at the fifth wrong code (401): the person logs in again", async () => {
    const me = await personWithTotp();
    const { cookie } = await passwordStep(me.email);
    const right = totpCodeSteps(h, me.secret, 0);
    const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, "0");
    for (let attempt = 1; attempt < SECOND_STEP_MAX_FAILURES; attempt += 1) {
      const response = await send({ [h.cookieName]: cookie }, { url: TOTP, payload: { code: wrong } });
      expect(response.statusCode, response.body).toBe(400);
      expect(response.json().error).toMatchObject({
        code: "invalid_code",
        details: { attemptsLeft: SECOND_STEP_MAX_FAILURES - attempt },
      });
    }
    const fifth = await send({ [h.cookieName]: cookie }, { url: RECOVERY, payload: { code: "wrong-code" } });
    expect(fifth.statusCode, fifth.body).toBe(401);
    // Even the right code is too late now.
    const late = await send({ [h.cookieName]: cookie }, { url: TOTP, payload: { code: right } });
    expect(late.statusCode).toBe(401);
    const again = await passwordStep(me.email);
    const done = await send({ [h.cookieName]: again.cookie }, { url: TOTP, payload: { code: right } });
    expect(done.statusCode, done.body).toBe(200);
  });

  it("counts wrong codes on the device's login failures (rule 14): ten in a row lock that device", async () => {
    const me = await personWithTotp();
    // A known device of the account: it logged in fully once.
    const first = await passwordStep(me.email);
    const full = await send(
      { [h.cookieName]: first.cookie },
      { url: TOTP, payload: { code: totpCodeSteps(h, me.secret, 0) } },
    );
    const knownDevice = deviceOf(full)!;
    expect(knownDevice).toBeDefined();
    h.clock.advance(30_000);
    const right = totpCodeSteps(h, me.secret, 0);
    const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, "0");
    let failures = 0;
    while (failures < LOGIN_LOCK_AFTER_FAILURES) {
      const { cookie } = await passwordStep(me.email, knownDevice);
      for (let i = 0; i < SECOND_STEP_MAX_FAILURES && failures < LOGIN_LOCK_AFTER_FAILURES; i += 1) {
        const response = await send(
          { [h.cookieName]: cookie, [device()]: knownDevice },
          { url: TOTP, payload: { code: wrong } },
        );
        expect([400, 401]).toContain(response.statusCode);
        failures += 1;
      }
    }
    // The device is locked now: the right password is refused there for 30 minutes...
    const locked = await passwordStep(me.email, knownDevice);
    expect(locked.response.statusCode, locked.response.body).toBe(429);
    expect(locked.response.json().error.code).toBe("rate_limited");
    // ...while another browser of the person (an unknown device) still gets through.
    const elsewhere = await passwordStep(me.email);
    expect(elsewhere.response.statusCode).toBe(200);
    const done = await send({ [h.cookieName]: elsewhere.cookie }, { url: TOTP, payload: { code: right } });
    expect(done.statusCode, done.body).toBe(200);
    const lockEvents = await h.db
      .selectFrom("audit_events")
      .select("action")
      .where("target_id", "=", me.accountId)
      .where("action", "in", ["auth.second_step_failed", "auth.login_locked"])
      .execute();
    expect(lockEvents.filter((e) => e.action === "auth.second_step_failed")).toHaveLength(
      LOGIN_LOCK_AFTER_FAILURES - 1,
    );
    expect(lockEvents.filter((e) => e.action === "auth.login_locked")).toHaveLength(1);
  });

  it("answers a wrong password for an account with a factor exactly as for an unknown email", async () => {
    const me = await personWithTotp();
    const known = await passwordStep(me.email, undefined, "not the password at all");
    const unknown = await passwordStep("nobody.at.all@example.com", undefined, "not the password at all");
    expect(known.response.statusCode).toBe(401);
    expect(unknown.response.statusCode).toBe(401);
    expect(known.response.body).toBe(unknown.response.body);
    expect(known.cookie).toBeUndefined();
    expect(Object.keys(known.response.headers).sort()).toEqual(Object.keys(unknown.response.headers).sort());
    // And an account without a factor logs in directly, as before.
    const plain = await h.company("No Factor Co");
    const direct = await passwordStep(plain.admin.email);
    expect(direct.response.json().account.email).toBe(plain.admin.email);
  });
});
