// SPEC §6.2 with rule 7: step-up asks for the strongest factor the account has. With an
// authenticator app the answer says `method: "totp"`, nothing is mailed, and the verify call takes
// the app's code under the same rules as a mailed one (5 wrong tries, single use, rotation); an
// account without a factor keeps the mailed code, unchanged.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { strongestStepUpMethod } from "../server/verification/service.js";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness } from "./support/harness.js";
import { enrolTotp, totpCodeSteps } from "./support/second-factors.js";

const STEP_UP = "/api/verification/step-up";
const verifyUrl = (id: string) => `${STEP_UP}/${id}/verify`;

describe("SPEC §6.2: the strongest factor", () => {
  it("is the passkey once one can be verified, else TOTP, else the mailed code", () => {
    expect(strongestStepUpMethod(new Set(["passkey", "totp"]), true)).toBe("passkey");
    expect(strongestStepUpMethod(new Set(["passkey", "totp"]), false)).toBe("totp");
    expect(strongestStepUpMethod(new Set(["totp"]), true)).toBe("totp");
    expect(strongestStepUpMethod(new Set(["passkey"]), false)).toBe("email");
    expect(strongestStepUpMethod(new Set(), true)).toBe("email");
  });
});

describe.each(testDatabaseKinds)("SPEC §6.2: step-up by a factor (%s)", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind);
  });
  afterAll(() => h?.close());

  async function withTotp() {
    const company = await h.company(`Factor Step Co ${Math.random().toString(36).slice(2, 8)}`);
    const enrolling = await h.login(company.admin.email);
    const { secret } = await enrolTotp(h, enrolling);
    // A new full session, through the second step, that has not stepped up.
    const login = await h.app.inject({
      method: "POST",
      url: "/api/auth/login",
      payload: { email: company.admin.email, password: "correct horse battery staple 42" },
    });
    const done = await h.inject(h.sessionCookie(login)!, {
      method: "POST",
      url: "/api/auth/mfa/totp",
      payload: { code: totpCodeSteps(h, secret, 0) },
    });
    h.clock.advance(30_000);
    return { company, email: company.admin.email, secret, cookie: h.sessionCookie(done)! };
  }
  const mailCount = async () =>
    Number(
      (
        await h.db
          .selectFrom("mail_outbox")
          .select((eb) => eb.fn.countAll<string>().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it("asks for the authenticator app (method totp), mails nothing, and elevates on its code", async () => {
    const me = await withTotp();
    const invite = {
      method: "POST",
      url: `/api/companies/${me.company.id}/invitations`,
      payload: { email: "new.person@example.com", roleIds: [me.company.roleIds.finance], acceptTerms: true },
    };
    expect((await h.inject(me.cookie, invite)).json().error.code).toBe("step_up_required");
    const mailsBefore = await mailCount();
    const started = await h.inject(me.cookie, {
      method: "POST",
      url: STEP_UP,
      payload: { companyId: me.company.id },
    });
    expect(started.statusCode, started.body).toBe(201);
    const body = started.json();
    expect(body).toMatchObject({ method: "totp", challengeId: expect.any(String) });
    expect(body.sentTo).toBeUndefined();
    expect(await mailCount()).toBe(mailsBefore);

    const verified = await h.inject(me.cookie, {
      method: "POST",
      url: verifyUrl(body.challengeId),
      payload: { code: totpCodeSteps(h, me.secret, 0) },
    });
    expect(verified.statusCode, verified.body).toBe(200);
    const rotated = h.sessionCookie(verified)!;
    expect(rotated).not.toBe(me.cookie);
    const sent = await h.inject(rotated, invite);
    expect(sent.statusCode, sent.body).toBe(201);
  });

  it("refuses a reused step, counts wrong codes (5 per challenge) and never accepts a mailed-style guess", async () => {
    const me = await withTotp();
    const start = async () =>
      (
        await h.inject(me.cookie, { method: "POST", url: STEP_UP, payload: { companyId: me.company.id } })
      ).json().challengeId as string;
    const code = totpCodeSteps(h, me.secret, 0);
    let challengeId = await start();
    const ok = await h.inject(me.cookie, { method: "POST", url: verifyUrl(challengeId), payload: { code } });
    expect(ok.statusCode).toBe(200);
    me.cookie = h.sessionCookie(ok)!;

    // The same code again, on a new challenge: its step was used.
    challengeId = await start();
    const reused = await h.inject(me.cookie, {
      method: "POST",
      url: verifyUrl(challengeId),
      payload: { code },
    });
    expect(reused.statusCode).toBe(400);
    expect(reused.json().error).toMatchObject({ code: "invalid_code", details: { attemptsLeft: 4 } });
    const wrong = String((Number(code) + 7) % 1_000_000).padStart(6, "0");
    for (let left = 3; left >= 1; left -= 1) {
      const response = await h.inject(me.cookie, {
        method: "POST",
        url: verifyUrl(challengeId),
        payload: { code: wrong },
      });
      expect(response.json().error.details).toEqual({ attemptsLeft: left });
    }
    const fifth = await h.inject(me.cookie, {
      method: "POST",
      url: verifyUrl(challengeId),
      payload: { code: wrong },
    });
    expect(fifth.statusCode).toBe(429);
    expect(fifth.json().error.code).toBe("too_many_attempts");
    // Locked: even the next step's right code does not pass this challenge.
    const late = await h.inject(me.cookie, {
      method: "POST",
      url: verifyUrl(challengeId),
      payload: { code: totpCodeSteps(h, me.secret, 1) },
    });
    expect(late.statusCode).toBe(429);
  });

  it("reuses the pending challenge when the window reopens, and re-points it at the new company", async () => {
    const me = await withTotp();
    const first = (
      await h.inject(me.cookie, { method: "POST", url: STEP_UP, payload: { companyId: me.company.id } })
    ).json();
    const again = (await h.inject(me.cookie, { method: "POST", url: STEP_UP, payload: {} })).json();
    expect(again.challengeId).toBe(first.challengeId);
    // No cooldown applies: nothing is mailed.
    const resent = await h.inject(me.cookie, { method: "POST", url: STEP_UP, payload: { resend: true } });
    expect(resent.statusCode).toBe(201);
    expect(resent.json().method).toBe("totp");
  });

  it("keeps the mailed code for an account without a factor, and returns to it when the factor goes", async () => {
    const company = await h.company("Mail Step Co");
    const cookie = await h.login(company.admin.email);
    const mailed = await h.inject(cookie, {
      method: "POST",
      url: STEP_UP,
      payload: { companyId: company.id },
    });
    expect(mailed.statusCode).toBe(201);
    expect(mailed.json()).toMatchObject({ method: "email", sentTo: expect.stringContaining("*") });

    const me = await withTotp();
    await h.elevate(me.cookie);
    const [factor] = (await h.inject(me.cookie, { url: "/api/me/mfa" })).json().items;
    expect(
      (await h.inject(me.cookie, { method: "DELETE", url: `/api/me/mfa/${factor.id}` })).statusCode,
    ).toBe(204);
    const afterRemoval = await h.inject(me.cookie, {
      method: "POST",
      url: STEP_UP,
      payload: { resend: true },
    });
    expect(afterRemoval.statusCode, afterRemoval.body).toBe(201);
    expect(afterRemoval.json().method).toBe("email");
  });
});
