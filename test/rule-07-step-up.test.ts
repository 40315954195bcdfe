// Rule 7: step-up ("Email Verification"). Codes of 6 digits go to the stored alternate (else primary)
// email, are stored hashed, valid 10 minutes, single use, 5 wrong tries per challenge, 100 consecutive
// failures per account, 60 s between codes, 10 codes an hour; a verification elevates its own session
// for 10 minutes and rotates its token. Codes are read from the outbox, as a mailbox would.
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VERIFICATION_REQUESTS_PER_IP_PER_MINUTE } from "../server/verification/routes.js";
import { ROWS } from "./permission-matrix/table.js";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness } from "./support/harness.js";

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const STEP_UP = "/api/verification/step-up";
const verifyUrl = (challengeId: string) => `${STEP_UP}/${challengeId}/verify`;
const ALTERNATE = "/api/me/alternate-email";
const UNKNOWN_CHALLENGE = "00000000-0000-4000-8000-00000000abcd";
// "Resend code": a new code even while the pending one is valid (a reopened window reuses it).
const RESEND = { resend: true };

type Response = LightMyRequestResponse;

/** A different, well-formed code. */
function wrong(code: string, offset = 1): string {
  return String((Number(code) + offset) % 1_000_000).padStart(6, "0");
}

describe.each(testDatabaseKinds)("rule 7: step-up verification on %s", (kind) => {
  let h: Harness;
  let ipCounter = 0;

  beforeAll(async () => {
    h = await createHarness(kind);
  });
  afterAll(() => h?.close());

  // Each request from its own client address, so the per-IP route limit stays out of the way
  // of the per-account limits under test (it has a test of its own below).
  function post(cookie: string | null, url: string, payload?: unknown, ip?: string): Promise<Response> {
    ipCounter += 1;
    return h.app.inject({
      method: "POST",
      url,
      remoteAddress: ip ?? `10.7.${(ipCounter >> 8) & 255}.${ipCounter & 255}`,
      headers: cookie ? { cookie: `${h.cookieName}=${cookie}` } : {},
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });
  }

  /** A fresh account with an active membership, logged in. */
  async function person() {
    const company = await h.company(`Step Co ${Math.random().toString(36).slice(2, 8)}`);
    const cookie = await h.login(company.admin.email);
    return { id: company.admin.id, email: company.admin.email, cookie };
  }

  /** The code in the newest code mail to an address. */
  async function codeMailedTo(address: string): Promise<string> {
    const row = await h.db
      .selectFrom("mail_outbox")
      .select(["text_body"])
      .where("to_address", "=", address)
      .where("kind", "in", ["step_up_code", "alternate_email_code"])
      .orderBy("seq", "desc")
      .executeTakeFirstOrThrow();
    // After "is": the greeting names the person, and a name may hold six digits too.
    const match = /\bis (\d{6})\b/.exec(row.text_body);
    if (!match?.[1]) throw new Error("no code in the mail");
    return match[1];
  }

  async function startStepUp(cookie: string, body: object = {}) {
    const response = await post(cookie, STEP_UP, body);
    expect(response.statusCode, response.body).toBe(201);
    return response.json() as {
      challengeId: string;
      sentTo: string;
      expiresAt: string;
      resendAvailableAt: string;
    };
  }

  /** Passes a step-up; returns the rotated session cookie. */
  async function elevate(cookie: string, email: string): Promise<string> {
    const { challengeId } = await startStepUp(cookie);
    const response = await post(cookie, verifyUrl(challengeId), { code: await codeMailedTo(email) });
    expect(response.statusCode, response.body).toBe(200);
    return h.sessionCookie(response)!;
  }

  async function challengeRow(id: string) {
    return h.db
      .selectFrom("verification_challenges")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
  }

  async function failureCount(accountId: string): Promise<number> {
    const row = await h.db
      .selectFrom("verification_throttle")
      .select("consecutive_failures")
      .where("account_id", "=", accountId)
      .executeTakeFirst();
    return row?.consecutive_failures ?? 0;
  }

  function expectError(response: Response, status: number, code: string) {
    expect(response.statusCode, response.body).toBe(status);
    expect(response.json().error.code).toBe(code);
  }

  describe("rule 7: sending a code", () => {
    it("mails a 6-digit code to the primary email when no alternate is set; stores only its hash", async () => {
      const me = await person();
      const before = h.clock.now().getTime();
      const sent = await startStepUp(me.cookie);
      const [local, domain] = me.email.split("@") as [string, string];
      expect(sent.sentTo).toBe(`${local[0]}***${local.at(-1)}@${domain}`);
      expect(Date.parse(sent.expiresAt) - before).toBe(10 * MINUTE);
      expect(Date.parse(sent.resendAvailableAt) - before).toBe(60 * SECOND);

      const mail = await h.db
        .selectFrom("mail_outbox")
        .selectAll()
        .where("to_address", "=", me.email)
        .where("kind", "=", "step_up_code")
        .executeTakeFirstOrThrow();
      expect(mail.is_sensitive).toBe(true);
      const code = await codeMailedTo(me.email);
      expect(code).toMatch(/^\d{6}$/);
      expect(mail.subject).not.toContain(code);
      const row = await challengeRow(sent.challengeId);
      expect(row).toMatchObject({ purpose: "step_up", target_email: me.email, attempts: 0 });
      expect(row.code_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(JSON.stringify(row)).not.toContain(code);
    });

    it("sends the code to the stored alternate email, never to an address in the request", async () => {
      const me = await person();
      const alternate = `alt.${me.id.slice(0, 8)}@example.org`;
      await h.db
        .updateTable("accounts")
        .set({ alternate_email: alternate })
        .where("id", "=", me.id)
        .execute();
      const smuggled = await post(me.cookie, STEP_UP, { email: "attacker@evil.test" });
      expectError(smuggled, 400, "validation_failed");
      const polluted = await post(me.cookie, STEP_UP, { email: ["attacker@evil.test", me.email] });
      expectError(polluted, 400, "validation_failed");

      const sent = await startStepUp(me.cookie);
      expect(sent.sentTo).toBe(`a***${alternate.split("@")[0]!.at(-1)}@example.org`);
      const recipients = await h.db
        .selectFrom("mail_outbox")
        .select("to_address")
        .where("kind", "=", "step_up_code")
        .where("to_address", "in", [alternate, me.email, "attacker@evil.test"])
        .execute();
      expect(recipients.map((r) => r.to_address)).toEqual([alternate]);
    });

    it("waits 60 s between codes (429 rate_limited with Retry-After); a new code voids the old one", async () => {
      const me = await person();
      const first = await startStepUp(me.cookie);
      const firstCode = await codeMailedTo(me.email);

      const tooSoon = await post(me.cookie, STEP_UP, RESEND);
      expectError(tooSoon, 429, "rate_limited");
      expect(tooSoon.headers["retry-after"]).toBe("60");
      expect(tooSoon.json().error.details).toMatchObject({ reason: "cooldown" });
      h.clock.advance(59 * SECOND);
      const stillTooSoon = await post(me.cookie, STEP_UP, RESEND);
      expectError(stillTooSoon, 429, "rate_limited");
      expect(stillTooSoon.headers["retry-after"]).toBe("1");
      h.clock.advance(1 * SECOND);
      const second = await startStepUp(me.cookie, RESEND);
      const secondCode = await codeMailedTo(me.email);

      expect((await challengeRow(first.challengeId)).voided_at).not.toBeNull();
      const replaced = await post(me.cookie, verifyUrl(first.challengeId), { code: firstCode });
      expectError(replaced, 410, "challenge_expired");
      expect(replaced.json().error.message).toMatch(/newer code/);
      const ok = await post(me.cookie, verifyUrl(second.challengeId), { code: secondCode });
      expect(ok.statusCode, ok.body).toBe(200);
    });

    it("sends at most 10 codes per account in a rolling hour", async () => {
      const me = await person();
      const start = h.clock.now().getTime();
      let last: { resendAvailableAt: string } | undefined;
      for (let i = 0; i < 10; i += 1) {
        last = await startStepUp(me.cookie, RESEND);
        h.clock.advance(61 * SECOND);
      }
      // The 10th answer already says when the next code may go: when the first leaves the hour.
      expect(Date.parse(last!.resendAvailableAt)).toBe(start + 60 * MINUTE);
      const eleventh = await post(me.cookie, STEP_UP, RESEND);
      expectError(eleventh, 429, "rate_limited");
      expect(eleventh.json().error.details).toMatchObject({ reason: "hourly_cap" });
      expect(eleventh.headers["retry-after"]).toBe(String(3600 - 610));
      h.clock.advance((3600 - 610 - 1) * SECOND);
      expectError(await post(me.cookie, STEP_UP, RESEND), 429, "rate_limited");
      h.clock.advance(1 * SECOND);
      await startStepUp(me.cookie, RESEND);
      const refusals = await h.db
        .selectFrom("audit_events")
        .select("details")
        .where("actor_account_id", "=", me.id)
        .where("action", "=", "step_up.code_refused")
        .execute();
      expect(refusals.length).toBe(2);
    });

    it("sends exactly one code when requests race", async () => {
      const me = await person();
      const responses = await Promise.all(Array.from({ length: 6 }, () => post(me.cookie, STEP_UP, RESEND)));
      const statuses = responses.map((r) => r.statusCode).sort();
      expect(statuses).toEqual([201, 429, 429, 429, 429, 429]);
      const mails = await h.db
        .selectFrom("mail_outbox")
        .select("id")
        .where("to_address", "=", me.email)
        .execute();
      expect(mails.length).toBe(1);
    });

    it("needs a session and takes only an optional company id and resend flag", async () => {
      const me = await person();
      expectError(await post(null, STEP_UP, {}), 401, "unauthenticated");
      expectError(await post(me.cookie, STEP_UP, { purpose: "x" }), 400, "validation_failed");
      expectError(await post(me.cookie, STEP_UP, { companyId: "x" }), 400, "validation_failed");
      expectError(await post(me.cookie, STEP_UP, { resend: "yes" }), 400, "validation_failed");
      expectError(await post(me.cookie, STEP_UP, []), 400, "validation_failed");
    });
  });

  describe("rule 7: verifying a code", () => {
    it("elevates the session for 10 minutes and rotates its token: the old cookie stops working", async () => {
      const me = await person();
      const sessionsBefore = (await h.inject(me.cookie, { url: "/api/me/sessions" })).json().items;
      const { challengeId } = await startStepUp(me.cookie);
      const response = await post(me.cookie, verifyUrl(challengeId), { code: await codeMailedTo(me.email) });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json()).toEqual({
        verifiedUntil: new Date(h.clock.now().getTime() + 10 * MINUTE).toISOString(),
      });

      const rotated = response.cookies.find((c) => c.name === h.cookieName);
      expect(rotated).toMatchObject({ httpOnly: true, sameSite: "Lax", path: "/" });
      expect(rotated!.value).not.toBe(me.cookie);
      expectError(await h.inject(me.cookie, { url: "/api/me" }), 401, "unauthenticated");
      const sessionsAfter = await h.inject(rotated!.value, { url: "/api/me/sessions" });
      expect(sessionsAfter.statusCode).toBe(200);
      // The same session row, with a new token: nothing else about the session changed.
      expect(sessionsAfter.json().items.map((s: { id: string }) => s.id)).toEqual(
        sessionsBefore.map((s: { id: string }) => s.id),
      );
    });

    it("accepts a code once", async () => {
      const me = await person();
      const { challengeId } = await startStepUp(me.cookie);
      const code = await codeMailedTo(me.email);
      const first = await post(me.cookie, verifyUrl(challengeId), { code });
      expect(first.statusCode).toBe(200);
      const cookie = h.sessionCookie(first)!;
      const again = await post(cookie, verifyUrl(challengeId), { code });
      expectError(again, 410, "challenge_expired");
      expect(again.json().error.message).toMatch(/already used/);
    });

    it("expires a code 10 minutes after it was sent (injected clock)", async () => {
      const me = await person();
      const first = await startStepUp(me.cookie);
      const firstCode = await codeMailedTo(me.email);
      h.clock.advance(10 * MINUTE - 1);
      const justInTime = await post(me.cookie, verifyUrl(first.challengeId), { code: firstCode });
      expect(justInTime.statusCode, justInTime.body).toBe(200);
      const cookie = h.sessionCookie(justInTime)!;

      const second = await startStepUp(cookie);
      const secondCode = await codeMailedTo(me.email);
      h.clock.advance(10 * MINUTE);
      const late = await post(cookie, verifyUrl(second.challengeId), { code: secondCode });
      expectError(late, 410, "challenge_expired");
      expect(late.json().error.message).toMatch(/expired/);
    });

    it("locks a challenge at the 5th wrong try, even against the right code afterwards", async () => {
      const me = await person();
      const { challengeId } = await startStepUp(me.cookie);
      const code = await codeMailedTo(me.email);
      for (const attemptsLeft of [4, 3, 2, 1]) {
        const response = await post(me.cookie, verifyUrl(challengeId), { code: wrong(code, attemptsLeft) });
        expectError(response, 400, "invalid_code");
        expect(response.json().error.details).toEqual({ attemptsLeft });
      }
      expectError(
        await post(me.cookie, verifyUrl(challengeId), { code: wrong(code, 9) }),
        429,
        "too_many_attempts",
      );
      expectError(await post(me.cookie, verifyUrl(challengeId), { code }), 429, "too_many_attempts");
      const row = await challengeRow(challengeId);
      expect(row.attempts).toBe(5);
      expect(row.locked_at).not.toBeNull();
      expect(row.consumed_at).toBeNull();

      h.clock.advance(61 * SECOND);
      const fresh = await startStepUp(me.cookie);
      const ok = await post(me.cookie, verifyUrl(fresh.challengeId), { code: await codeMailedTo(me.email) });
      expect(ok.statusCode).toBe(200);
    });

    it("counts consecutive failures per account across codes: a new code does not reset it, a success does", async () => {
      const me = await person();
      const first = await startStepUp(me.cookie);
      const firstCode = await codeMailedTo(me.email);
      for (let i = 1; i <= 3; i += 1)
        await post(me.cookie, verifyUrl(first.challengeId), { code: wrong(firstCode, i) });
      expect(await failureCount(me.id)).toBe(3);

      h.clock.advance(61 * SECOND);
      const second = await startStepUp(me.cookie, RESEND);
      expect(await failureCount(me.id)).toBe(3);
      const secondCode = await codeMailedTo(me.email);
      for (let i = 1; i <= 2; i += 1) {
        const response = await post(me.cookie, verifyUrl(second.challengeId), { code: wrong(secondCode, i) });
        // The challenge's own tries start afresh; the account's count does not.
        expect(response.json().error.details).toEqual({ attemptsLeft: 5 - i });
      }
      expect(await failureCount(me.id)).toBe(5);

      const ok = await post(me.cookie, verifyUrl(second.challengeId), { code: secondCode });
      expect(ok.statusCode).toBe(200);
      expect(await failureCount(me.id)).toBe(0);
    });

    it("after 100 consecutive failures refuses verifies and new codes for 30 minutes, then allows them again", async () => {
      const me = await person();
      // 21 codes, spaced so that no rolling hour holds more than 10: 3 + 19×5 + 2 = 100 wrong tries.
      const wrongTriesPerCode = [3, ...Array.from({ length: 19 }, () => 5), 2];
      let last: Response | undefined;
      let lastChallenge = "";
      let lastCode = "";
      for (const [index, tries] of wrongTriesPerCode.entries()) {
        if (index > 0) h.clock.advance(6 * MINUTE + SECOND);
        const { challengeId } = await startStepUp(me.cookie, RESEND);
        const code = await codeMailedTo(me.email);
        for (let i = 1; i <= tries; i += 1)
          last = await post(me.cookie, verifyUrl(challengeId), { code: wrong(code, i) });
        [lastChallenge, lastCode] = [challengeId, code];
        if (index === 0) expect(await failureCount(me.id)).toBe(3);
      }
      // The 100th failure was only the 2nd try of its challenge: the account lock answers, not the challenge's.
      expectError(last!, 429, "too_many_attempts");
      expect(last!.headers["retry-after"]).toBe(String(30 * 60));
      expect(last!.json().error.details).toMatchObject({ reason: "account_locked" });

      const rightButLocked = await post(me.cookie, verifyUrl(lastChallenge), { code: lastCode });
      expectError(rightButLocked, 429, "too_many_attempts");
      h.clock.advance(61 * SECOND);
      const newCode = await post(me.cookie, STEP_UP, {});
      expectError(newCode, 429, "rate_limited");
      expect(newCode.json().error.details).toMatchObject({ reason: "account_locked" });
      expect(Number(newCode.headers["retry-after"])).toBe(30 * 60 - 61);

      const lockEvents = await h.db
        .selectFrom("audit_events")
        .select(["details"])
        .where("actor_account_id", "=", me.id)
        .where("action", "=", "step_up.locked")
        .execute();
      expect(lockEvents.filter((e) => (e.details as { scope?: string }).scope === "account")).toHaveLength(1);
      expect(lockEvents.filter((e) => (e.details as { scope?: string }).scope === "challenge")).toHaveLength(
        19,
      );

      h.clock.advance(30 * MINUTE - 61 * SECOND);
      const again = await startStepUp(me.cookie);
      const ok = await post(me.cookie, verifyUrl(again.challengeId), { code: await codeMailedTo(me.email) });
      expect(ok.statusCode, ok.body).toBe(200);
    });

    it("lets exactly one of several concurrent right codes through", async () => {
      const me = await person();
      const { challengeId } = await startStepUp(me.cookie);
      const code = await codeMailedTo(me.email);
      const responses = await Promise.all(
        Array.from({ length: 8 }, () => post(me.cookie, verifyUrl(challengeId), { code })),
      );
      const statuses = responses.map((r) => r.statusCode);
      expect(statuses.filter((s) => s === 200)).toHaveLength(1);
      // The others lost the race: the challenge was used (410), or the token they carried was
      // already rotated away before the guard saw them (401).
      for (const status of statuses.filter((s) => s !== 200)) expect([401, 410]).toContain(status);
      const verified = await h.db
        .selectFrom("audit_events")
        .select("id")
        .where("actor_account_id", "=", me.id)
        .where("action", "=", "step_up.verified")
        .execute();
      expect(verified).toHaveLength(1);
    });

    it("never counts more than 5 wrong tries on a challenge, however many race", async () => {
      const me = await person();
      const { challengeId } = await startStepUp(me.cookie);
      const code = await codeMailedTo(me.email);
      const responses = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          post(me.cookie, verifyUrl(challengeId), { code: wrong(code, i + 1) }),
        ),
      );
      const statuses = responses.map((r) => r.statusCode).sort();
      expect(statuses).toEqual([...Array(4).fill(400), ...Array(8).fill(429)]);
      expect((await challengeRow(challengeId)).attempts).toBe(5);
      expect(await failureCount(me.id)).toBe(5);
    });

    it("answers 404 for a challenge of another session, another account, another purpose or none", async () => {
      const me = await person();
      const otherSession = await h.login(me.email);
      const stranger = await person();
      const { challengeId } = await startStepUp(me.cookie);
      const code = await codeMailedTo(me.email);
      expectError(await post(otherSession, verifyUrl(challengeId), { code }), 404, "not_found");
      expectError(await post(stranger.cookie, verifyUrl(challengeId), { code }), 404, "not_found");
      expectError(await post(me.cookie, verifyUrl(UNKNOWN_CHALLENGE), { code }), 404, "not_found");
      expectError(
        await post(me.cookie, "/api/me/alternate-email/verify", { challengeId, code }),
        404,
        "not_found",
      );
      // None of those was a guess at this challenge's code.
      expect((await challengeRow(challengeId)).attempts).toBe(0);
      const ok = await post(me.cookie, verifyUrl(challengeId.toUpperCase()), { code });
      expect(ok.statusCode, ok.body).toBe(200);
    });

    it("takes the code only as a string of exactly 6 digits (400 validation_failed, no try counted)", async () => {
      const me = await person();
      const { challengeId } = await startStepUp(me.cookie);
      const code = await codeMailedTo(me.email);
      const confusions: unknown[] = [
        { code: Number(code) },
        { code: null },
        { code: [code] },
        { code: { $ne: "" } },
        { code: true },
        { code: "" },
        { code: code.slice(0, 5) },
        { code: `${code}0` },
        { code: ` ${code}` },
        { code: `${code}\n` },
        { code: "12345a" },
        { code: "１２３４５６" },
        {},
        { code, extra: 1 },
        [code],
      ];
      for (const payload of confusions) {
        const response = await post(me.cookie, verifyUrl(challengeId), payload);
        expect(response.statusCode, JSON.stringify(payload)).toBe(400);
        expect(response.json().error.code).toMatch(/^(validation_failed|invalid_json)$/);
      }
      expectError(await post(me.cookie, verifyUrl("not-a-uuid"), { code }), 400, "validation_failed");
      expect((await challengeRow(challengeId)).attempts).toBe(0);
      expect(await failureCount(me.id)).toBe(0);
      expect((await post(me.cookie, verifyUrl(challengeId), { code })).statusCode).toBe(200);
    });

    it("limits verification requests per client address (429 rate_limited)", async () => {
      const me = await person();
      const statuses: number[] = [];
      for (let i = 0; i <= VERIFICATION_REQUESTS_PER_IP_PER_MINUTE; i += 1) {
        const response = await post(
          me.cookie,
          verifyUrl(UNKNOWN_CHALLENGE),
          { code: "000000" },
          "198.51.100.7",
        );
        statuses.push(response.statusCode);
      }
      expect(statuses.slice(0, -1).every((s) => s === 404)).toBe(true);
      expect(statuses.at(-1)).toBe(429);
    });

    it("records codes sent, failures, locks and verifications in the audit log, never a code", async () => {
      const me = await person();
      const codes: string[] = [];
      const first = await startStepUp(me.cookie);
      codes.push(await codeMailedTo(me.email));
      for (let i = 1; i <= 5; i += 1) {
        // Audit rows are ordered by time: one millisecond apart keeps their order certain.
        h.clock.advance(1);
        await post(me.cookie, verifyUrl(first.challengeId), { code: wrong(codes[0]!, i) });
      }
      h.clock.advance(61 * SECOND);
      const second = await startStepUp(me.cookie);
      codes.push(await codeMailedTo(me.email));
      h.clock.advance(1);
      const ok = await post(me.cookie, verifyUrl(second.challengeId), { code: codes[1] });
      expect(ok.statusCode).toBe(200);

      const events = await h.db
        .selectFrom("audit_events")
        .selectAll()
        .where("actor_account_id", "=", me.id)
        .where("action", "like", "step_up.%")
        .orderBy("occurred_at")
        .execute();
      expect(events.map((e) => e.action)).toEqual([
        "step_up.code_sent",
        "step_up.failed",
        "step_up.failed",
        "step_up.failed",
        "step_up.failed",
        "step_up.locked",
        "step_up.code_sent",
        "step_up.verified",
      ]);
      for (const event of events) {
        expect(event.ip).not.toBeNull();
        expect(event.request_id).not.toBeNull();
        expect(event.target_type).toBe("verification_challenge");
        const text = JSON.stringify(event);
        for (const code of codes) expect(text).not.toContain(code);
      }
    });
  });

  describe("rule 7: the step-up requirement", () => {
    it("answers 403 step_up_required on an opted-in route without a verification, and records it", async () => {
      const me = await person();
      const response = await post(me.cookie, ALTERNATE, { email: "new.alternate@example.org" });
      expectError(response, 403, "step_up_required");
      const denied = await h.db
        .selectFrom("audit_events")
        .select(["details", "outcome"])
        .where("actor_account_id", "=", me.id)
        .where("action", "=", "access.denied")
        .executeTakeFirstOrThrow();
      expect(denied.outcome).toBe("denied");
      expect(denied.details).toMatchObject({ reason: "step_up_required" });
      const mails = await h.db
        .selectFrom("mail_outbox")
        .select("id")
        .where("to_address", "=", "new.alternate@example.org")
        .execute();
      expect(mails).toHaveLength(0);
    });

    it("opens the route for 10 minutes after a verification, then asks again", async () => {
      const me = await person();
      const cookie = await elevate(me.cookie, me.email);
      const first = await post(cookie, ALTERNATE, { email: `a1.${me.id.slice(0, 8)}@example.org` });
      expect(first.statusCode, first.body).toBe(201);
      h.clock.advance(10 * MINUTE - 2 * SECOND);
      const stillOpen = await post(cookie, ALTERNATE, { email: `a2.${me.id.slice(0, 8)}@example.org` });
      expect(stillOpen.statusCode, stillOpen.body).toBe(201);
      h.clock.advance(2 * SECOND);
      expectError(
        await post(cookie, ALTERNATE, { email: `a3.${me.id.slice(0, 8)}@example.org` }),
        403,
        "step_up_required",
      );
    });

    it("elevates only the session that verified, not the account's other sessions", async () => {
      const me = await person();
      const other = await h.login(me.email);
      const elevated = await elevate(me.cookie, me.email);
      expectError(
        await post(other, ALTERNATE, { email: `b.${me.id.slice(0, 8)}@example.org` }),
        403,
        "step_up_required",
      );
      const ok = await post(elevated, ALTERNATE, { email: `b.${me.id.slice(0, 8)}@example.org` });
      expect(ok.statusCode, ok.body).toBe(201);
    });

    it("is declared in the access table, and the permission matrix restates it", () => {
      // A route without a row at all is the permission matrix's own failure; here, each row says
      // stepUp: true exactly when its route opted in.
      for (const route of h.app.accessTable) {
        const row = ROWS.find((r) => r.method === route.method && r.route === route.url);
        if (row) expect(row.stepUp ?? false, `${route.method} ${route.url}`).toBe(route.stepUp);
      }
      expect(h.app.accessTable.find((r) => r.url === ALTERNATE && r.method === "POST")?.stepUp).toBe(true);
    });
  });

  describe("rule 7: the alternate email", () => {
    it("is set through a code sent to the new address; step-up codes then go there", async () => {
      const me = await person();
      const cookie = await elevate(me.cookie, me.email);
      const canonical = `alt.${me.id.slice(0, 8)}@example.org`;
      const sent = await post(cookie, ALTERNATE, { email: `  ALT.${me.id.slice(0, 8)}@Example.ORG ` });
      expect(sent.statusCode, sent.body).toBe(201);
      expect(sent.json().sentTo).toBe(`a***${me.id.slice(7, 8)}@example.org`);
      const code = await codeMailedTo(canonical);
      const confirmed = await post(cookie, `${ALTERNATE}/verify`, {
        challengeId: sent.json().challengeId,
        code,
      });
      expect(confirmed.statusCode, confirmed.body).toBe(200);
      expect(confirmed.json()).toEqual({ alternateEmail: canonical });
      expect((await h.inject(cookie, { url: "/api/me" })).json().account.alternateEmail).toBe(canonical);

      const notice = await h.db
        .selectFrom("mail_outbox")
        .select(["to_address", "text_body", "is_sensitive"])
        .where("kind", "=", "alternate_email_changed")
        .where("to_address", "=", me.email)
        .executeTakeFirstOrThrow();
      expect(notice.text_body).not.toContain(code);
      const changed = await h.db
        .selectFrom("audit_events")
        .select("id")
        .where("actor_account_id", "=", me.id)
        .where("action", "=", "alternate_email.changed")
        .execute();
      expect(changed).toHaveLength(1);

      h.clock.advance(61 * SECOND);
      const stepUp = await startStepUp(cookie);
      expect(stepUp.sentTo).toBe(sent.json().sentTo);
      const stepUpCode = await codeMailedTo(canonical);
      expect((await post(cookie, verifyUrl(stepUp.challengeId), { code: stepUpCode })).statusCode).toBe(200);
    });

    it("refuses the account's own primary email, an invalid address and unknown fields, mailing nothing", async () => {
      const me = await person();
      const cookie = await elevate(me.cookie, me.email);
      const mailsBefore = await h.db.selectFrom("mail_outbox").select("id").execute();
      expectError(await post(cookie, ALTERNATE, { email: me.email.toUpperCase() }), 400, "validation_failed");
      expectError(await post(cookie, ALTERNATE, { email: "not an email" }), 400, "validation_failed");
      expectError(
        await post(cookie, ALTERNATE, { email: ["x@example.org", "y@example.org"] }),
        400,
        "validation_failed",
      );
      expectError(
        await post(cookie, ALTERNATE, { email: "x@example.org", verified: true }),
        400,
        "validation_failed",
      );
      expect(await h.db.selectFrom("mail_outbox").select("id").execute()).toHaveLength(mailsBefore.length);
    });

    it("applies the same limits: wrong tries count on the challenge and on the account", async () => {
      const me = await person();
      const cookie = await elevate(me.cookie, me.email);
      const address = `c.${me.id.slice(0, 8)}@example.org`;
      const sent = (await post(cookie, ALTERNATE, { email: address })).json();
      const code = await codeMailedTo(address);
      const response = await post(cookie, `${ALTERNATE}/verify`, {
        challengeId: sent.challengeId,
        code: wrong(code),
      });
      expectError(response, 400, "invalid_code");
      expect(response.json().error.details).toEqual({ attemptsLeft: 4 });
      expect(await failureCount(me.id)).toBe(1);
      expectError(await post(cookie, ALTERNATE, { email: address }), 429, "rate_limited");
      expectError(
        await post(cookie, `${ALTERNATE}/verify`, { challengeId: sent.challengeId, code: Number(code) }),
        400,
        "validation_failed",
      );
      const ok = await post(cookie, `${ALTERNATE}/verify`, { challengeId: sent.challengeId, code });
      expect(ok.statusCode).toBe(200);
      expect(await failureCount(me.id)).toBe(0);
    });
  });
});
