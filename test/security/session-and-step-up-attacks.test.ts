// Attack suite, sessions and step-up (SECURITY §2 scenarios 9-13): a deactivated member's old session,
// a demoted Admin's other session, and email verification brute force, replay, expiry and skipping,
// against a real server over HTTP on every configured database.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashSecretToken } from "../../server/access/tokens.js";
import { ROWS, SPEC_ROLE_PERMISSIONS } from "../permission-matrix/table.js";
import { testDatabaseKinds } from "../support/databases.js";
import { expectAudited, expectRefused, expectUnchanged } from "./support/expect.js";
import {
  type Client,
  type Company,
  type LiveServer,
  startLiveServer,
  TEST_PASSWORD,
  uniqueEmail,
} from "./support/live-server.js";

const MINUTE = 60_000;

describe.each(testDatabaseKinds)("sessions and step-up under attack (%s)", (kind) => {
  let s: LiveServer;
  let company: Company;

  beforeAll(async () => {
    s = await startLiveServer(kind);
    company = await s.company("Session Target Co");
  });
  afterAll(() => s?.close());

  async function verified(email: string): Promise<Client> {
    const client = await s.login(email);
    await s.elevate(client);
    return client;
  }

  async function stepUpUntil(client: Client): Promise<Date | null> {
    const row = await s.db
      .selectFrom("sessions")
      .select("step_up_until")
      .where("token_hash", "=", hashSecretToken(client.cookie!))
      .executeTakeFirst();
    return row?.step_up_until ?? null;
  }

  const wrongCodes = (right: string) =>
    Array.from({ length: 6 }, (_, i) => String((Number(right) + 1 + i * 7919) % 1_000_000).padStart(6, "0"));

  it("deactivated member: the old session loses the company on its next request; a sole membership ends the session", async () => {
    // Mallory belongs to this company and another; Trent only to this one.
    const mallory = await s.member(company, ["admin"]);
    const elsewhere = await s.company("Mallory Elsewhere Co");
    await s.member(elsewhere, ["finance"], mallory);
    const trent = await s.member(company, ["finance"]);
    const malloryClient = await verified(mallory.email);
    const trentClient = await s.login(trent.email);
    const admin = await verified(company.admin.email);
    for (const person of [mallory, trent]) {
      const response = await admin.post(
        `/api/companies/${company.id}/members/${person.memberId}/deactivate`,
        {},
      );
      expect(response.status, response.text).toBe(200);
    }

    const mark = s.mark();
    const before = await s.snapshot();
    // Mallory's still-verified session tries to read and to act in the company she was removed from.
    expectRefused(await malloryClient.get(`/api/companies/${company.id}/members`), 404, "not_found");
    expectRefused(
      await malloryClient.post(
        `/api/companies/${company.id}/members/${company.admin.memberId}/deactivate`,
        {},
      ),
      404,
      "not_found",
    );
    expectRefused(
      await malloryClient.post(`/api/companies/${company.id}/invitations`, {
        email: uniqueEmail("revenge"),
        roleIds: [company.roleIds.admin],
        acceptTerms: true,
      }),
      404,
      "not_found",
    );
    // Trent had nothing else: his session ended with the deactivation, and logging in is refused.
    expectRefused(await trentClient.get(`/api/companies/${company.id}/transactions`), 401, "unauthenticated");
    expectRefused(
      await s.client().post("/api/auth/login", { email: trent.email, password: TEST_PASSWORD }),
      403,
      "account_deactivated",
    );
    await expectUnchanged(s, before);
    expect((await malloryClient.get(`/api/companies/${elsewhere.id}/transactions`)).status).toBe(200);
    await expectAudited(
      s,
      mark,
      "access.denied",
      3,
      (e) => e.actor_account_id === mallory.id && e.details.reason === "not_found",
    );
    await expectAudited(s, mark, "auth.login_refused", 1, (e) => e.actor_account_id === trent.id);
  });

  it("demoted admin: another open session loses the Admin rights on its very next request", async () => {
    const bob = await s.member(company, ["admin"]);
    const quiet = await s.login(bob.email);
    const busy = await verified(bob.email);
    const victim = await s.member(company, ["operations"]);
    const admin = await verified(company.admin.email);
    const demoted = await admin.put(`/api/companies/${company.id}/members/${bob.memberId}/roles`, {
      roleIds: [company.roleIds.finance],
      version: 1,
    });
    expect(demoted.status, demoted.text).toBe(200);

    const mark = s.mark();
    const before = await s.snapshot();
    expectRefused(
      await busy.post(`/api/companies/${company.id}/invitations`, {
        email: uniqueEmail("friend"),
        roleIds: [company.roleIds.admin],
        acceptTerms: true,
      }),
      403,
      "forbidden",
    );
    expectRefused(
      await busy.post(`/api/companies/${company.id}/members/${victim.memberId}/deactivate`, {}),
      403,
      "forbidden",
    );
    expectRefused(
      await busy.put(`/api/companies/${company.id}/members/${bob.memberId}/roles`, {
        roleIds: [company.roleIds.admin],
        version: 2,
      }),
      403,
      "forbidden",
    );
    expectRefused(await quiet.get(`/api/companies/${company.id}/members`), 403, "forbidden");
    await expectUnchanged(s, before);
    expect(await s.memberRoleKeys(bob.memberId)).toEqual(["finance"]);
    await expectAudited(
      s,
      mark,
      "access.denied",
      4,
      (e) => e.actor_account_id === bob.id && e.details.reason === "forbidden",
    );
    // Finance's own pages still open: the session is alive, only its rights changed.
    expect((await quiet.get(`/api/companies/${company.id}/settlements`)).status).toBe(200);
  });

  it("step-up brute force: the 5th wrong code locks the challenge, even against the right code; a new code keeps the count", async () => {
    const person = await s.member(company, ["admin"]);
    const client = await s.login(person.email);
    const { challengeId, code } = await s.requestCode(client);
    const verify = (value: string, id = challengeId) =>
      client.post(`/api/verification/step-up/${id}/verify`, { code: value });

    const mark = s.mark();
    const before = await s.snapshot();
    const wrong = wrongCodes(code);
    for (let i = 0; i < 4; i += 1) {
      const response = await verify(wrong[i]!);
      expectRefused(response, 400, "invalid_code");
      expect(response.body.error.details.attemptsLeft).toBe(4 - i);
    }
    expectRefused(await verify(wrong[4]!), 429, "too_many_attempts");
    expectRefused(await verify(code), 429, "too_many_attempts");
    await expectUnchanged(s, before);
    expect(await stepUpUntil(client)).toBeNull();
    expectRefused(
      await client.post(`/api/companies/${company.id}/invitations`, {
        email: uniqueEmail("x"),
        roleIds: [company.roleIds.finance],
        acceptTerms: true,
      }),
      403,
      "step_up_required",
    );
    await expectAudited(s, mark, "step_up.failed", 5, (e) => e.actor_account_id === person.id);
    await expectAudited(s, mark, "step_up.locked", 1, (e) => e.details.scope === "challenge");

    // A fresh code (after the resend wait) does not reset the account's count of failures.
    s.clock.advance(61_000);
    const next = await s.requestCode(client);
    expectRefused(await verify(wrongCodes(next.code)[0]!, next.challengeId), 400, "invalid_code");
    const throttle = await s.db
      .selectFrom("verification_throttle")
      .select("consecutive_failures")
      .where("account_id", "=", person.id)
      .executeTakeFirstOrThrow();
    expect(throttle.consecutive_failures).toBe(6);
  });

  it("step-up replay: a used code, the pre-rotation cookie and another session's challenge are refused", async () => {
    const person = await s.member(company, ["admin"]);
    const client = await s.login(person.email);
    const other = await s.login(person.email);
    const { challengeId, code } = await s.requestCode(client);
    const oldCookie = client.cookie!;
    const verified = await client.post(`/api/verification/step-up/${challengeId}/verify`, { code });
    expect(verified.status, verified.text).toBe(200);
    expect(client.cookie).not.toBe(oldCookie);

    const mark = s.mark();
    const before = await s.snapshot();
    const replay = await client.post(`/api/verification/step-up/${challengeId}/verify`, { code });
    expectRefused(replay, 410, "challenge_expired");
    expect(replay.body.error.details.reason).toBe("used");
    // The same code from the account's other session: a challenge belongs to the session that asked.
    expectRefused(
      await other.post(`/api/verification/step-up/${challengeId}/verify`, { code }),
      404,
      "not_found",
    );
    // The cookie from before the verification no longer opens anything.
    const stale = s.client();
    stale.cookie = oldCookie;
    expectRefused(await stale.get("/api/me"), 401, "unauthenticated");
    expectRefused(
      await stale.post(`/api/companies/${company.id}/members/${company.admin.memberId}/deactivate`, {}),
      401,
      "unauthenticated",
    );
    await expectUnchanged(s, before);
    expect(await stepUpUntil(other)).toBeNull();
    await expectAudited(s, mark, "step_up.failed", 1, (e) => e.details.reason === "used");
    await expectAudited(s, mark, "step_up.failed", 1, (e) => e.details.reason === "unknown_challenge");
  });

  it("step-up expiry: a code at minute 11 is refused, and a verification older than 10 minutes no longer opens actions", async () => {
    const person = await s.member(company, ["admin"]);
    const client = await s.login(person.email);
    const { challengeId, code } = await s.requestCode(client);
    s.clock.advance(11 * MINUTE);

    const mark = s.mark();
    const before = await s.snapshot();
    const late = await client.post(`/api/verification/step-up/${challengeId}/verify`, { code });
    expectRefused(late, 410, "challenge_expired");
    expect(late.body.error.details.reason).toBe("expired");
    await expectUnchanged(s, before);
    expect(await stepUpUntil(client)).toBeNull();
    await expectAudited(s, mark, "step_up.failed", 1, (e) => e.details.reason === "expired");

    // A verification made now opens guarded actions for 10 minutes, and not one minute more.
    await s.stepUp(client, company.id);
    const target = await s.member(company, ["operations"]);
    const roleChange = (roles: string[], version: number) =>
      client.put(`/api/companies/${company.id}/members/${target.memberId}/roles`, {
        roleIds: roles,
        version,
      });
    expect((await roleChange([company.roleIds.finance], 1)).status).toBe(200);
    s.clock.advance(10 * MINUTE + 1_000);
    const afterMark = s.mark();
    const afterBefore = await s.snapshot();
    expectRefused(await roleChange([company.roleIds.operations], 2), 403, "step_up_required");
    await expectUnchanged(s, afterBefore);
    await expectAudited(s, afterMark, "access.denied", 1, (e) => e.details.reason === "step_up_required");
  });

  // The actions an Admin may take (webhooks.manage is the Developer's: the permission matrix proves
  // its step-up with a Developer).
  const STEP_UP_ROWS = ROWS.filter(
    (row) =>
      row.stepUp && (!row.requires.includes(".") || SPEC_ROLE_PERMISSIONS.admin.includes(row.requires)),
  );
  // Account-level changes (the alternate email) take a step-up from any company (SPEC §6.2).
  const COMPANY_STEP_UP_ROWS = STEP_UP_ROWS.filter((row) => row.route.includes(":cid"));

  /** What the step-up-guarded actions of the target company act on. */
  async function guardedActionTargets(label: string) {
    const target = await s.member(company, ["operations"]);
    const role = await s.customRole(company, `Skippable role ${label}`, ["transactions.view"]);
    const pending = await s.db
      .selectFrom("invitations")
      .select("id")
      .where("company_id", "=", company.id)
      .where("status", "=", "pending")
      .executeTakeFirst();
    return {
      companyId: company.id,
      otherSessionId: "00000000-0000-4000-8000-000000000000",
      customRoleId: role.id,
      invitationToResend: pending?.id ?? "00000000-0000-4000-8000-000000000001",
      invitationToRevoke: pending?.id ?? "00000000-0000-4000-8000-000000000001",
      customMemberId: target.memberId,
      deactivatedMemberId: target.memberId,
      // No endpoint: the webhook routes are refused before any id is looked up.
      webhookId: "00000000-0000-4000-8000-000000000002",
      webhookDeliveryId: "00000000-0000-4000-8000-000000000003",
      webhookToDeleteId: "00000000-0000-4000-8000-000000000004",
    };
  }

  /** Sends each step-up-guarded action of the target company; every one must answer step_up_required. */
  async function expectEveryGuardedActionRefused(
    client: Client,
    context: Awaited<ReturnType<typeof guardedActionTargets>>,
    rows = STEP_UP_ROWS,
  ) {
    for (const row of rows) {
      const request = row.request?.(context) ?? { url: row.route.replace(":cid", company.id) };
      const response = await client.request(row.method, request.url, { json: request.payload ?? {} });
      expectRefused(response, 403, "step_up_required");
    }
  }

  it(`step-up skipping: each of the ${STEP_UP_ROWS.length} guarded actions without a verification answers 403 step_up_required`, async () => {
    const client = await s.login(company.admin.email);
    const targets = await guardedActionTargets("skipping");
    const mark = s.mark();
    const before = await s.snapshot();
    await expectEveryGuardedActionRefused(client, targets);
    // Out of order: verifying a challenge that was never issued does not elevate anything either.
    expectRefused(
      await client.post("/api/verification/step-up/00000000-0000-4000-8000-00000000abcd/verify", {
        code: "000000",
      }),
      404,
      "not_found",
    );
    await expectUnchanged(s, before);
    expect(await stepUpUntil(client)).toBeNull();
    await expectAudited(
      s,
      mark,
      "access.denied",
      STEP_UP_ROWS.length,
      (e) => e.actor_account_id === company.admin.id && e.details.reason === "step_up_required",
    );
  });

  it(`Issue 17 item 8: a step-up in another company of the account opens none of the ${COMPANY_STEP_UP_ROWS.length} guarded actions here`, async () => {
    // Eve is Admin here and in a company of her own, where she passes a real email verification.
    const eve = await s.member(company, ["admin"]);
    const own = await s.company("Eve Own Co");
    await s.member(own, ["admin"], eve);
    const client = await s.login(eve.email);
    await s.stepUp(client, own.id);
    const ownRole = await client.post(`/api/companies/${own.id}/roles`, {
      name: "Elevated there",
      permissions: ["transactions.view"],
    });
    expect(ownRole.status, ownRole.text).toBe(201);

    const targets = await guardedActionTargets("elsewhere");
    const mark = s.mark();
    const before = await s.snapshot();
    await expectEveryGuardedActionRefused(client, targets, COMPANY_STEP_UP_ROWS);
    await expectUnchanged(s, before);
    await expectAudited(
      s,
      mark,
      "access.denied",
      COMPANY_STEP_UP_ROWS.length,
      (e) => e.actor_account_id === eve.id && e.details.reason === "step_up_required",
    );
  });
});
