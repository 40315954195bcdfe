// SPEC §6.2, recovery codes: ten per account, shown once, stored only as digests, each single use at
// the login's second step; new codes void the old; a used code is audited and mailed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashRecoveryCode, normalizeRecoveryCode } from "../server/mfa/recovery-codes.js";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness } from "./support/harness.js";
import { enrolTotp, passwordStep } from "./support/second-factors.js";

const RECOVERY = "/api/auth/mfa/recovery";

describe.each(testDatabaseKinds)("SPEC §6.2: recovery codes (%s)", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind);
  });
  afterAll(() => h?.close());

  async function enrolled() {
    const company = await h.company(`Recovery Co ${Math.random().toString(36).slice(2, 8)}`);
    const cookie = await h.login(company.admin.email);
    const factor = await enrolTotp(h, cookie);
    return { email: company.admin.email, accountId: company.admin.id, ...factor };
  }
  const redeem = async (email: string, code: string) => {
    const { cookie } = await passwordStep(h, email);
    return h.inject(cookie!, { method: "POST", url: RECOVERY, payload: { code } });
  };

  it("issues ten distinct codes and stores only their digests", async () => {
    const me = await enrolled();
    expect(me.recoveryCodes).toHaveLength(10);
    expect(new Set(me.recoveryCodes).size).toBe(10);
    for (const code of me.recoveryCodes) expect(code).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
    const rows = await h.db
      .selectFrom("mfa_recovery_codes")
      .select(["code_hash", "used_at"])
      .where("account_id", "=", me.accountId)
      .execute();
    expect(rows).toHaveLength(10);
    const stored = JSON.stringify(rows);
    for (const code of me.recoveryCodes) {
      expect(stored).not.toContain(code);
      expect(stored).not.toContain(normalizeRecoveryCode(code));
    }
    expect(rows.map((r) => r.code_hash).sort()).toEqual(
      me.recoveryCodes.map((code) => hashRecoveryCode(me.accountId, code)).sort(),
    );
  });

  it("logs in once with a code, typed in any case and spacing; the same code a second time is refused", async () => {
    const me = await enrolled();
    const code = me.recoveryCodes[3]!;
    const first = await redeem(me.email, ` ${code.toUpperCase().replace("-", " ")} `);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().account.email).toBe(me.email);
    const second = await redeem(me.email, code);
    expect(second.statusCode).toBe(400);
    expect(second.json().error.code).toBe("invalid_code");
    // Another code still works; the account is told each time, with how many are left.
    expect((await redeem(me.email, me.recoveryCodes[4]!)).statusCode).toBe(200);
    const mails = await h.db
      .selectFrom("mail_outbox")
      .select("text_body")
      .where("to_address", "=", me.email)
      .where("kind", "=", "second_factor_changed")
      .orderBy("seq")
      .execute();
    const texts = mails.map((m) => m.text_body).join("\n");
    expect(texts).toContain("9 unused codes left");
    expect(texts).toContain("8 unused codes left");
    for (const c of me.recoveryCodes) expect(texts).not.toContain(c);
    const used = await h.db
      .selectFrom("audit_events")
      .select("details")
      .where("actor_account_id", "=", me.accountId)
      .where("action", "=", "mfa.recovery_code_used")
      .execute();
    expect(used).toHaveLength(2);
    expect(JSON.stringify(used)).not.toContain(code);
  });

  it("one code, two logins at once: exactly one gets in", async () => {
    const me = await enrolled();
    const code = me.recoveryCodes[0]!;
    const cookies = [(await passwordStep(h, me.email)).cookie!, (await passwordStep(h, me.email)).cookie!];
    const answers = await Promise.all(
      cookies.map((cookie) => h.inject(cookie, { method: "POST", url: RECOVERY, payload: { code } })),
    );
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 400]);
  });

  it("a code of another account does not work", async () => {
    const me = await enrolled();
    const other = await enrolled();
    expect((await redeem(me.email, other.recoveryCodes[0]!)).statusCode).toBe(400);
  });

  it("new codes need a fresh verification and a factor; they void every old code", async () => {
    const me = await enrolled();
    h.clock.advance(11 * 60_000);
    const stale = await h.inject(me.cookie, {
      method: "POST",
      url: "/api/me/mfa/recovery-codes",
      payload: {},
    });
    expect(stale.statusCode).toBe(403);
    expect(stale.json().error.code).toBe("step_up_required");
    await h.elevate(me.cookie);
    const renewed = await h.inject(me.cookie, {
      method: "POST",
      url: "/api/me/mfa/recovery-codes",
      payload: {},
    });
    expect(renewed.statusCode, renewed.body).toBe(200);
    const fresh = renewed.json().recoveryCodes as string[];
    expect(fresh).toHaveLength(10);
    expect(fresh.some((code) => me.recoveryCodes.includes(code))).toBe(false);
    expect((await redeem(me.email, me.recoveryCodes[0]!)).statusCode).toBe(400);
    expect((await redeem(me.email, fresh[0]!)).statusCode).toBe(200);

    const company = await h.company("No Factor Recovery Co");
    const plain = await h.login(company.admin.email);
    await h.elevate(plain);
    const none = await h.inject(plain, { method: "POST", url: "/api/me/mfa/recovery-codes", payload: {} });
    expect(none.statusCode).toBe(409);
    expect(none.json().error.code).toBe("mfa_not_enrolled");
  });
});
