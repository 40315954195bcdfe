// SPEC §6.2, TOTP: enrolment needs a fresh verification and shows the secret once (sealed at rest);
// a code from the app confirms it. Codes are RFC 6238 (SHA-1, 6 digits, 30 s), one step either side
// of now, and a step once accepted is refused again: wrong, reused, earlier and out-of-window codes.
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../server/config.js";
import { openSecret } from "../server/mfa/secret-box.js";
import { matchingTotpStep, totpStepAt } from "../server/mfa/totp.js";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness } from "./support/harness.js";
import {
  enrolTotp,
  passwordStep,
  startOfNextStep,
  totpCodeAt,
  totpCodeSteps,
} from "./support/second-factors.js";

const TOTP = "/api/auth/mfa/totp";

describe("SPEC §6.2: TOTP codes as RFC 6238 fixes them", () => {
  const secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
  const now = new Date("2026-03-02T09:00:15Z");
  const step = totpStepAt(now);
  const codeOf = (offset: number) => totpCodeAt(secret, new Date(now.getTime() + offset * 30_000));

  it("accepts the current step and one either side, not two", () => {
    expect(matchingTotpStep(secret, codeOf(0), now, null)).toBe(step);
    expect(matchingTotpStep(secret, codeOf(-1), now, null)).toBe(step - 1);
    expect(matchingTotpStep(secret, codeOf(1), now, null)).toBe(step + 1);
    expect(matchingTotpStep(secret, codeOf(-2), now, null)).toBeNull();
    expect(matchingTotpStep(secret, codeOf(2), now, null)).toBeNull();
  });

  it("refuses a step already accepted, and any earlier one", () => {
    expect(matchingTotpStep(secret, codeOf(0), now, step)).toBeNull();
    expect(matchingTotpStep(secret, codeOf(-1), now, step)).toBeNull();
    expect(matchingTotpStep(secret, codeOf(1), now, step)).toBe(step + 1);
  });

  it("refuses what is not six digits", () => {
    expect(matchingTotpStep(secret, `${codeOf(0)}0`, now, null)).toBeNull();
    expect(matchingTotpStep(secret, "abcdef", now, null)).toBeNull();
  });

  it("needs MFA_SECRET_KEY in production, and refuses a key that is not 32 bytes", () => {
    const production = {
      NODE_ENV: "production",
      DATABASE_URL: "postgres://db.internal/portal",
      PUBLIC_URL: "https://portal.example",
      SMTP_URL: "smtp://mail.internal:587",
    };
    expect(() => loadConfig(production)).toThrow(ConfigError);
    expect(() => loadConfig({ ...production, MFA_SECRET_KEY: "too short" })).toThrow(/MFA_SECRET_KEY/);
    const key = loadConfig({
      ...production,
      MFA_SECRET_KEY: Buffer.alloc(32, 7).toString("base64"),
    }).mfaSecretKey;
    expect(key).toEqual(Buffer.alloc(32, 7));
    expect(loadConfig({ NODE_ENV: "development" }).mfaSecretKey).toHaveLength(32);
  });
});

describe.each(testDatabaseKinds)("SPEC §6.2: TOTP enrolment and codes (%s)", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind);
  });
  afterAll(() => h?.close());

  async function person() {
    const company = await h.company(`Totp Co ${Math.random().toString(36).slice(2, 8)}`);
    const cookie = await h.login(company.admin.email);
    return { company, email: company.admin.email, accountId: company.admin.id, cookie };
  }

  it("needs a fresh verification to start, shows the secret once and seals it at rest", async () => {
    const me = await person();
    const refused = await h.inject(me.cookie, { method: "POST", url: "/api/me/mfa/totp", payload: {} });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe("step_up_required");

    await h.elevate(me.cookie);
    const started = await h.inject(me.cookie, {
      method: "POST",
      url: "/api/me/mfa/totp",
      payload: { name: "Work phone" },
    });
    expect(started.statusCode, started.body).toBe(201);
    const { secret, otpauthUrl } = started.json() as { secret: string; otpauthUrl: string };
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const url = new URL(otpauthUrl);
    expect(url.protocol).toBe("otpauth:");
    expect(url.host).toBe("totp");
    expect(url.searchParams.get("secret")).toBe(secret);
    expect(url.searchParams.get("algorithm")).toBe("SHA1");
    expect(url.searchParams.get("digits")).toBe("6");
    expect(url.searchParams.get("period")).toBe("30");

    const row = await h.db
      .selectFrom("mfa_factors")
      .select(["totp_secret_sealed", "confirmed_at", "name"])
      .where("account_id", "=", me.accountId)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ confirmed_at: null, name: "Work phone" });
    expect(row.totp_secret_sealed).not.toContain(secret);
    expect(openSecret(h.config.mfaSecretKey, row.totp_secret_sealed!, me.accountId)).toBe(secret);
    // Bound to its account: the sealed value moved to another account does not open.
    expect(() => openSecret(h.config.mfaSecretKey, row.totp_secret_sealed!, me.company.id)).toThrow();

    // Not a factor until confirmed: the list is empty and the login needs no second step.
    expect((await h.inject(me.cookie, { url: "/api/me/mfa" })).json()).toEqual({ items: [] });
    expect((await passwordStep(h, me.email)).response.json().account.email).toBe(me.email);
  });

  it("confirms with a code from the app: the factor is listed, audited and mailed; a wrong code is refused", async () => {
    const me = await person();
    const noSetup = await h.inject(me.cookie, {
      method: "POST",
      url: "/api/me/mfa/totp/confirm",
      payload: { code: "123456" },
    });
    expect(noSetup.statusCode).toBe(404);
    await h.elevate(me.cookie);
    const { secret } = (
      await h.inject(me.cookie, { method: "POST", url: "/api/me/mfa/totp", payload: {} })
    ).json();
    const right = totpCodeAt(secret, h.clock.now());
    const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, "0");
    const refused = await h.inject(me.cookie, {
      method: "POST",
      url: "/api/me/mfa/totp/confirm",
      payload: { code: wrong },
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.code).toBe("invalid_code");

    const confirmed = await h.inject(me.cookie, {
      method: "POST",
      url: "/api/me/mfa/totp/confirm",
      payload: { code: right },
    });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.json().recoveryCodes).toHaveLength(10);
    const list = (await h.inject(me.cookie, { url: "/api/me/mfa" })).json();
    expect(list.items).toEqual([
      {
        id: expect.any(String),
        type: "totp",
        name: "Authenticator app",
        createdAt: h.clock.now().toISOString(),
        lastUsedAt: h.clock.now().toISOString(),
      },
    ]);
    const account = await h.db
      .selectFrom("accounts")
      .select("has_second_factor")
      .where("id", "=", me.accountId)
      .executeTakeFirstOrThrow();
    expect(account.has_second_factor).toBe(true);

    const actions = await h.db
      .selectFrom("audit_events")
      .select(["action", "details"])
      .where("actor_account_id", "=", me.accountId)
      .where("action", "like", "mfa.%")
      .execute();
    expect(actions.map((a) => a.action).sort()).toEqual([
      "mfa.totp_confirm_failed",
      "mfa.totp_confirmed",
      "mfa.totp_enrolment_started",
    ]);
    const audited = JSON.stringify(actions);
    expect(audited).not.toContain(secret);
    for (const code of confirmed.json().recoveryCodes as string[]) expect(audited).not.toContain(code);
    const mails = await h.db
      .selectFrom("mail_outbox")
      .select(["subject", "text_body"])
      .where("to_address", "=", me.email)
      .where("kind", "=", "second_factor_changed")
      .execute();
    expect(mails).toHaveLength(1);
    expect(mails[0]!.text_body).toContain("An authenticator app");
    expect(mails[0]!.text_body).not.toContain(secret);
  });

  it("at login: accepts one step either side of now, refuses two steps off, a reused step and an earlier one", async () => {
    const me = await person();
    const { secret } = await enrolTotp(h, me.cookie);
    startOfNextStep(h);
    h.clock.advance(15_000);
    const secondStep = async () => (await passwordStep(h, me.email)).cookie!;
    const attempt = (cookie: string, code: string) =>
      h.inject(cookie, { method: "POST", url: TOTP, payload: { code } });

    // Out of the window: two steps behind (an expired code) and two ahead.
    let cookie = await secondStep();
    expect((await attempt(cookie, totpCodeSteps(h, secret, -2))).statusCode).toBe(400);
    expect((await attempt(cookie, totpCodeSteps(h, secret, 2))).statusCode).toBe(400);
    // One step behind passes.
    const previous = totpCodeSteps(h, secret, -1);
    expect((await attempt(cookie, previous)).statusCode).toBe(200);

    // The same code again, at once: refused (a step is accepted once).
    cookie = await secondStep();
    expect((await attempt(cookie, previous)).statusCode).toBe(400);
    // The current step is later than the one used: accepted.
    const current = totpCodeSteps(h, secret, 0);
    expect((await attempt(cookie, current)).statusCode).toBe(200);

    // Now the previous step is earlier than the last accepted one: refused though in the window.
    cookie = await secondStep();
    expect((await attempt(cookie, previous)).statusCode).toBe(400);
    expect((await attempt(cookie, current)).statusCode).toBe(400);
    // One step ahead (a phone whose clock runs fast) passes.
    expect((await attempt(cookie, totpCodeSteps(h, secret, 1))).statusCode).toBe(200);
    // Time moves on: a fresh step works again.
    h.clock.advance(60_000);
    cookie = await secondStep();
    expect((await attempt(cookie, totpCodeSteps(h, secret, 0))).statusCode).toBe(200);
  });

  it("two logins racing with one code: exactly one wins", async () => {
    const me = await person();
    const { secret } = await enrolTotp(h, me.cookie);
    const first = (await passwordStep(h, me.email)).cookie!;
    const second = (await passwordStep(h, me.email)).cookie!;
    const code = totpCodeSteps(h, secret, 0);
    const answers = await Promise.all(
      [first, second].map((cookie) => h.inject(cookie, { method: "POST", url: TOTP, payload: { code } })),
    );
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 400]);
  });

  it("names and removes a factor only with a fresh verification; the last one takes the recovery codes along", async () => {
    const me = await person();
    await enrolTotp(h, me.cookie);
    const [factor] = (await h.inject(me.cookie, { url: "/api/me/mfa" })).json().items;
    h.clock.advance(11 * 60_000);
    for (const request of [
      { method: "PATCH", url: `/api/me/mfa/${factor.id}`, payload: { name: "Old phone" } },
      { method: "DELETE", url: `/api/me/mfa/${factor.id}` },
    ]) {
      const refused = await h.inject(me.cookie, request);
      expect(refused.statusCode, request.method).toBe(403);
      expect(refused.json().error.code).toBe("step_up_required");
    }
    await h.elevate(me.cookie);
    const renamed = await h.inject(me.cookie, {
      method: "PATCH",
      url: `/api/me/mfa/${factor.id}`,
      payload: { name: "Old phone" },
    });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(renamed.json().items[0].name).toBe("Old phone");
    const badName = await h.inject(me.cookie, {
      method: "PATCH",
      url: `/api/me/mfa/${factor.id}`,
      payload: { name: "Phone\u202E" },
    });
    expect(badName.statusCode).toBe(400);

    // Another account's factor is not found, as an unknown id.
    const other = await person();
    await enrolTotp(h, other.cookie);
    const [otherFactor] = (await h.inject(other.cookie, { url: "/api/me/mfa" })).json().items;
    expect(
      (await h.inject(me.cookie, { method: "DELETE", url: `/api/me/mfa/${otherFactor.id}` })).statusCode,
    ).toBe(404);

    const removed = await h.inject(me.cookie, { method: "DELETE", url: `/api/me/mfa/${factor.id}` });
    expect(removed.statusCode, removed.body).toBe(204);
    expect((await h.inject(me.cookie, { url: "/api/me/mfa" })).json().items).toEqual([]);
    const codes = await h.db
      .selectFrom("mfa_recovery_codes")
      .select("id")
      .where("account_id", "=", me.accountId)
      .execute();
    expect(codes).toEqual([]);
    // Without a factor the password logs in again directly.
    expect((await passwordStep(h, me.email)).response.json().account.email).toBe(me.email);
    const removedMail = await h.db
      .selectFrom("mail_outbox")
      .select("text_body")
      .where("to_address", "=", me.email)
      .where("kind", "=", "second_factor_changed")
      .execute();
    expect(removedMail.map((m) => m.text_body).join("\n")).toContain('"Old phone" was removed');
  });
});

describe.each(testDatabaseKinds)("SPEC §6.2: no secret or code in a log line (%s)", (kind) => {
  it("logs neither the TOTP secret, its codes, the recovery codes nor the second-step cookie", async () => {
    const chunks: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer | string, _encoding, callback) {
        chunks.push(chunk.toString());
        callback();
      },
    });
    const h = await createHarness(kind, { env: { LOG_LEVEL: "info" }, logStream: stream });
    try {
      const company = await h.company("Log Totp Co");
      const cookie = await h.login(company.admin.email);
      await h.elevate(cookie);
      const { secret } = (
        await h.inject(cookie, { method: "POST", url: "/api/me/mfa/totp", payload: {} })
      ).json();
      const enrolCode = totpCodeAt(secret, h.clock.now());
      const confirmed = await h.inject(cookie, {
        method: "POST",
        url: "/api/me/mfa/totp/confirm",
        payload: { code: enrolCode },
      });
      const recoveryCodes = confirmed.json().recoveryCodes as string[];
      h.clock.advance(30_000);
      const secondStep = (await passwordStep(h, company.admin.email)).cookie!;
      const loginCode = totpCodeSteps(h, secret, 0);
      await h.inject(secondStep, { method: "POST", url: TOTP, payload: { code: loginCode } });
      const another = (await passwordStep(h, company.admin.email)).cookie!;
      await h.inject(another, {
        method: "POST",
        url: "/api/auth/mfa/recovery",
        payload: { code: recoveryCodes[0] },
      });
      const text = chunks.join("");
      expect(text.length).toBeGreaterThan(0);
      for (const secretValue of [secret, secondStep, another, ...recoveryCodes]) {
        expect(text).not.toContain(secretValue);
      }
      // Six digits may occur inside longer numbers (times); a code would stand alone.
      for (const code of [enrolCode, loginCode])
        expect(text).not.toMatch(new RegExp(`(?<![0-9])${code}(?![0-9])`));
    } finally {
      await h.close();
    }
  });
});
