// Rule 7, as amended by issue 17: the elevation holds for the session in the company where it was
// asked, not in the account's other companies. Account-level changes (the alternate email) take a
// step-up from any company (SPEC §6.2). Every step-up here is a real one, its code read from the outbox.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addMember } from "../server/companies/service.js";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness } from "./support/harness.js";

const MINUTE = 60_000;
const STEP_UP = "/api/verification/step-up";

describe.each(testDatabaseKinds)("Issue 17 item 8: one step-up elevates one company only (%s)", (kind) => {
  let h: Harness;

  beforeAll(async () => {
    h = await createHarness(kind);
  });
  afterAll(() => h?.close());

  /** One account that is Admin of two companies, logged in. */
  async function adminOfTwo() {
    const a = await h.company(`Alpha ${Math.random().toString(36).slice(2, 8)}`);
    const b = await h.company(`Beta ${Math.random().toString(36).slice(2, 8)}`);
    await h.db.transaction().execute((trx) =>
      addMember(trx, {
        companyId: b.id,
        accountId: a.admin.id,
        roleIds: [b.roleIds.admin],
        invitedBy: null,
        now: h.clock.now(),
      }),
    );
    const cookie = await h.login(a.admin.email);
    return { a, b, account: a.admin, cookie };
  }

  /** A step-up-guarded action: creating a custom role in the company. */
  function createRole(cookie: string, companyId: string, name: string) {
    return h.inject(cookie, {
      method: "POST",
      url: `/api/companies/${companyId}/roles`,
      payload: { name, permissions: ["transactions.view"] },
    });
  }

  async function latestCode(address: string): Promise<string> {
    const row = await h.db
      .selectFrom("mail_outbox")
      .select("text_body")
      .where("to_address", "=", address)
      .where("kind", "=", "step_up_code")
      .orderBy("seq", "desc")
      .executeTakeFirstOrThrow();
    return /\bis (\d{6})\b/.exec(row.text_body)![1]!;
  }

  it("a step-up in company A opens A's guarded actions and not B's; A keeps working", async () => {
    const { a, b, cookie } = await adminOfTwo();
    const elevated = await h.stepUpByEmail(cookie, a.id);

    const inB = await createRole(elevated, b.id, "Refunds B");
    expect(inB.statusCode, inB.body).toBe(403);
    expect(inB.json().error.code).toBe("step_up_required");
    const denied = await h.db
      .selectFrom("audit_events")
      .select(["company_id", "details"])
      .where("action", "=", "access.denied")
      .where("company_id", "=", b.id)
      .execute();
    expect(denied.map((event) => event.details)).toEqual([
      expect.objectContaining({ reason: "step_up_required" }),
    ]);

    const inA = await createRole(elevated, a.id, "Refunds A");
    expect(inA.statusCode, inA.body).toBe(201);
    const rolesInB = await h.db.selectFrom("roles").select("name").where("company_id", "=", b.id).execute();
    expect(rolesInB.map((role) => role.name)).not.toContain("Refunds B");
  });

  it("a step-up in B as well opens B too, and A stays open until its own 10 minutes end", async () => {
    const { a, b, cookie } = await adminOfTwo();
    const inA = await h.stepUpByEmail(cookie, a.id);
    h.clock.advance(5 * MINUTE);
    const inBoth = await h.stepUpByEmail(inA, b.id);
    expect((await createRole(inBoth, b.id, "B first")).statusCode).toBe(201);
    expect((await createRole(inBoth, a.id, "A first")).statusCode).toBe(201);
    h.clock.advance(5 * MINUTE);
    expect((await createRole(inBoth, a.id, "A late")).json().error?.code).toBe("step_up_required");
    expect((await createRole(inBoth, b.id, "B late")).statusCode).toBe(201);
  });

  it("a step-up named for no company allows account-level changes only", async () => {
    const { a, cookie, account } = await adminOfTwo();
    const accountLevel = await h.stepUpByEmail(cookie);
    expect((await createRole(accountLevel, a.id, "Nowhere")).json().error?.code).toBe("step_up_required");
    const alternate = await h.inject(accountLevel, {
      method: "POST",
      url: "/api/me/alternate-email",
      payload: { email: `alt.${account.id.slice(0, 8)}@example.org` },
    });
    expect(alternate.statusCode, alternate.body).toBe(201);
  });

  it("a step-up in a company also allows account-level changes (SPEC §6.2)", async () => {
    const { b, cookie, account } = await adminOfTwo();
    const inB = await h.stepUpByEmail(cookie, b.id);
    const alternate = await h.inject(inB, {
      method: "POST",
      url: "/api/me/alternate-email",
      payload: { email: `alt2.${account.id.slice(0, 8)}@example.org` },
    });
    expect(alternate.statusCode, alternate.body).toBe(201);
  });

  it("a window reopened in B before the code came back elevates B, not A, with the same code", async () => {
    const { a, b, cookie, account } = await adminOfTwo();
    const askedInA = await h.inject(cookie, { method: "POST", url: STEP_UP, payload: { companyId: a.id } });
    expect(askedInA.statusCode, askedInA.body).toBe(201);
    const code = await latestCode(account.email);
    h.clock.advance(10_000);
    const askedInB = await h.inject(cookie, { method: "POST", url: STEP_UP, payload: { companyId: b.id } });
    expect(askedInB.statusCode, askedInB.body).toBe(201);
    expect(askedInB.json().challengeId).toBe(askedInA.json().challengeId);

    const verified = await h.inject(cookie, {
      method: "POST",
      url: `${STEP_UP}/${askedInB.json().challengeId}/verify`,
      payload: { code },
    });
    expect(verified.statusCode, verified.body).toBe(200);
    // The token still rotates on success.
    const rotated = h.sessionCookie(verified)!;
    expect(rotated).not.toBe(cookie);
    expect((await h.inject(cookie, { url: "/api/me" })).statusCode).toBe(401);
    expect((await createRole(rotated, b.id, "Reopened in B")).statusCode).toBe(201);
    expect((await createRole(rotated, a.id, "Asked first in A")).json().error?.code).toBe("step_up_required");
  });

  it("refuses a step-up for a company the account is not an active member of, mailing nothing", async () => {
    const { b, cookie, account } = await adminOfTwo();
    const stranger = await h.company("Stranger Co");
    // Deactivated in B, still active in A: the session lives on.
    await h.db
      .updateTable("members")
      .set({ status: "deactivated", deactivated_at: h.clock.now() })
      .where("company_id", "=", b.id)
      .where("account_id", "=", account.id)
      .execute();
    const before = await h.db.selectFrom("mail_outbox").select("id").execute();
    for (const companyId of [stranger.id, b.id, "00000000-0000-4000-8000-000000000123"]) {
      const response = await h.inject(cookie, { method: "POST", url: STEP_UP, payload: { companyId } });
      expect(response.statusCode, response.body).toBe(404);
      expect(response.json().error.code).toBe("not_found");
    }
    expect(await h.db.selectFrom("mail_outbox").select("id").execute()).toHaveLength(before.length);
  });

  it("ends with the session: a new login is elevated nowhere", async () => {
    const { a, cookie, account } = await adminOfTwo();
    await h.stepUpByEmail(cookie, a.id);
    const fresh = await h.login(account.email);
    expect((await createRole(fresh, a.id, "New session")).json().error?.code).toBe("step_up_required");
  });
});
