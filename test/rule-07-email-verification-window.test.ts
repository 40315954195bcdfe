// SPEC §6.1: the Email Verification window, cancelled and reopened, reuses the pending challenge
// instead of being refused for a minute; the answer says where the code went (masked) and when.
// "Resend code" still sends a new code within rule 7's limits and voids the old one.
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness } from "./support/harness.js";

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const STEP_UP = "/api/verification/step-up";
const verifyUrl = (challengeId: string) => `${STEP_UP}/${challengeId}/verify`;

type Challenge = {
  challengeId: string;
  sentTo: string;
  sentAt: string;
  expiresAt: string;
  resendAvailableAt: string;
};

describe.each(testDatabaseKinds)(
  "Issue 17 item 11: the Email Verification window reuses the pending code (%s)",
  (kind) => {
    let h: Harness;

    beforeAll(async () => {
      h = await createHarness(kind);
    });
    afterAll(() => h?.close());

    async function person() {
      const company = await h.company(`Window Co ${Math.random().toString(36).slice(2, 8)}`);
      const cookie = await h.login(company.admin.email);
      return { id: company.admin.id, email: company.admin.email, companyId: company.id, cookie };
    }

    function ask(cookie: string, payload: object): Promise<LightMyRequestResponse> {
      return h.inject(cookie, { method: "POST", url: STEP_UP, payload });
    }

    async function open(cookie: string, companyId: string): Promise<Challenge> {
      const response = await ask(cookie, { companyId });
      expect(response.statusCode, response.body).toBe(201);
      return response.json();
    }

    async function codeMails(address: string) {
      return h.db
        .selectFrom("mail_outbox")
        .select("text_body")
        .where("to_address", "=", address)
        .where("kind", "=", "step_up_code")
        .orderBy("seq", "asc")
        .execute();
    }

    async function latestCode(address: string): Promise<string> {
      const mails = await codeMails(address);
      return /\bis (\d{6})\b/.exec(mails.at(-1)!.text_body)![1]!;
    }

    it("reopened within 60 s: the same challenge, no new mail, and the first code still verifies", async () => {
      const me = await person();
      const sentAt = h.clock.now();
      const first = await open(me.cookie, me.companyId);
      const code = await latestCode(me.email);
      const [local, domain] = me.email.split("@") as [string, string];
      expect(first.sentTo).toBe(`${local[0]}***${local.at(-1)}@${domain}`);
      expect(first.sentAt).toBe(sentAt.toISOString());

      h.clock.advance(20 * SECOND);
      const reopened = await open(me.cookie, me.companyId);
      expect(reopened).toEqual({
        challengeId: first.challengeId,
        // SPEC §6.2: the answer says how to verify; an account without a factor gets a mailed code.
        method: "email",
        sentTo: first.sentTo,
        sentAt: sentAt.toISOString(),
        expiresAt: first.expiresAt,
        resendAvailableAt: new Date(sentAt.getTime() + MINUTE).toISOString(),
      });
      expect(await codeMails(me.email)).toHaveLength(1);

      const verified = await h.inject(me.cookie, {
        method: "POST",
        url: verifyUrl(reopened.challengeId),
        payload: { code },
      });
      expect(verified.statusCode, verified.body).toBe(200);
    });

    it("reopened later, while the code is valid and has tries left, still the same challenge", async () => {
      const me = await person();
      const first = await open(me.cookie, me.companyId);
      const code = await latestCode(me.email);
      const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, "0");
      const miss = await h.inject(me.cookie, {
        method: "POST",
        url: verifyUrl(first.challengeId),
        payload: { code: wrong },
      });
      expect(miss.json().error.details).toEqual({ attemptsLeft: 4 });

      h.clock.advance(5 * MINUTE);
      const reopened = await open(me.cookie, me.companyId);
      expect(reopened.challengeId).toBe(first.challengeId);
      // The cooldown is over: the window may offer "Resend code" at once.
      expect(reopened.resendAvailableAt).toBe(h.clock.now().toISOString());
      expect(await codeMails(me.email)).toHaveLength(1);
      // The wrong try still counts: reopening is not a way around the 5 tries.
      const again = await h.inject(me.cookie, {
        method: "POST",
        url: verifyUrl(reopened.challengeId),
        payload: { code: wrong },
      });
      expect(again.json().error.details).toEqual({ attemptsLeft: 3 });
    });

    it("an explicit resend keeps rule 7's cooldown, then sends a new code that voids the old one", async () => {
      const me = await person();
      const first = await open(me.cookie, me.companyId);
      const firstCode = await latestCode(me.email);

      h.clock.advance(30 * SECOND);
      const tooSoon = await ask(me.cookie, { companyId: me.companyId, resend: true });
      expect(tooSoon.statusCode, tooSoon.body).toBe(429);
      expect(tooSoon.json().error).toMatchObject({ code: "rate_limited", details: { reason: "cooldown" } });
      expect(tooSoon.headers["retry-after"]).toBe("30");

      h.clock.advance(30 * SECOND);
      const resent = await ask(me.cookie, { companyId: me.companyId, resend: true });
      expect(resent.statusCode, resent.body).toBe(201);
      expect(resent.json().challengeId).not.toBe(first.challengeId);
      expect(resent.json().sentAt).toBe(h.clock.now().toISOString());
      expect(await codeMails(me.email)).toHaveLength(2);

      const old = await h.inject(me.cookie, {
        method: "POST",
        url: verifyUrl(first.challengeId),
        payload: { code: firstCode },
      });
      expect(old.statusCode).toBe(410);
      expect(old.json().error.details).toEqual({ reason: "replaced" });
      // And a reopened window now hands back the new code's challenge.
      expect((await open(me.cookie, me.companyId)).challengeId).toBe(resent.json().challengeId);
    });

    it("a used, locked or expired code is not reused: a new one is sent, within the limits", async () => {
      const me = await person();
      const used = await open(me.cookie, me.companyId);
      const ok = await h.inject(me.cookie, {
        method: "POST",
        url: verifyUrl(used.challengeId),
        payload: { code: await latestCode(me.email) },
      });
      const cookie = h.sessionCookie(ok)!;
      // The used code was sent less than a minute ago: a new one waits for the cooldown.
      const refused = await ask(cookie, { companyId: me.companyId });
      expect(refused.statusCode).toBe(429);
      h.clock.advance(MINUTE);
      const locked = await open(cookie, me.companyId);
      expect(locked.challengeId).not.toBe(used.challengeId);
      const code = await latestCode(me.email);
      for (let i = 1; i <= 5; i += 1) {
        await h.inject(cookie, {
          method: "POST",
          url: verifyUrl(locked.challengeId),
          payload: { code: String((Number(code) + i) % 1_000_000).padStart(6, "0") },
        });
      }
      h.clock.advance(MINUTE);
      const afterLock = await open(cookie, me.companyId);
      expect(afterLock.challengeId).not.toBe(locked.challengeId);
      h.clock.advance(10 * MINUTE);
      const afterExpiry = await open(cookie, me.companyId);
      expect(afterExpiry.challengeId).not.toBe(afterLock.challengeId);
      expect(await codeMails(me.email)).toHaveLength(4);
    });

    it("belongs to the session that asked: another session of the account gets no one else's code", async () => {
      const me = await person();
      const first = await open(me.cookie, me.companyId);
      const other = await h.login(me.email);
      const elsewhere = await ask(other, { companyId: me.companyId });
      expect(elsewhere.statusCode).toBe(429);
      expect(JSON.stringify(elsewhere.json())).not.toContain(first.challengeId);
    });

    it("windows opened together get one challenge and one mail", async () => {
      const me = await person();
      const responses = await Promise.all(
        Array.from({ length: 5 }, () => ask(me.cookie, { companyId: me.companyId })),
      );
      expect(responses.map((r) => r.statusCode)).toEqual([201, 201, 201, 201, 201]);
      expect(new Set(responses.map((r) => r.json().challengeId)).size).toBe(1);
      expect(await codeMails(me.email)).toHaveLength(1);
    });

    it("says the masked alternate address when the code went there", async () => {
      const me = await person();
      const alternate = `backup.${me.id.slice(0, 6)}@example.org`;
      await h.db
        .updateTable("accounts")
        .set({ alternate_email: alternate })
        .where("id", "=", me.id)
        .execute();
      const sent = await open(me.cookie, me.companyId);
      expect(sent.sentTo).toBe(`b***${alternate.split("@")[0]!.at(-1)}@example.org`);
      expect(JSON.stringify(sent)).not.toContain(alternate);
      expect(await codeMails(alternate)).toHaveLength(1);
    });
  },
);
