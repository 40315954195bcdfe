// Attack suite, tenant isolation (SECURITY §2 scenario 7): an Admin of one company uses another
// company's ids on every route of the permission matrix, against a real server over HTTP on every
// configured database. The answer is the one a company that does not exist gets, and nothing changes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CellContext, ROWS } from "../permission-matrix/table.js";
import { testDatabaseKinds } from "../support/databases.js";
import { expectAudited, expectRefused, expectUnchanged } from "./support/expect.js";
import {
  type Client,
  type Company,
  invite,
  type LiveServer,
  type Person,
  startLiveServer,
  uniqueEmail,
} from "./support/live-server.js";

const NOT_FOUND = { error: { code: "not_found", message: "Not found." } };
const COMPANY_ROWS = ROWS.filter((row) => row.route.includes(":cid"));
const CHILD_ROWS = COMPANY_ROWS.filter((row) => /:(memberId|roleId|invitationId)/.test(row.route));

describe.each(testDatabaseKinds)("cross-tenant access (%s)", (kind) => {
  let s: LiveServer;
  let mine: Company;
  let theirs: Company;
  let theirMember: Person;
  let theirRole: { id: string };
  let theirInvitations: string[];
  let theirAdmin: Client;
  let theirSessionId: string;
  let attacker: Client;

  beforeAll(async () => {
    s = await startLiveServer(kind);
    mine = await s.company("Attacker Co");
    theirs = await s.company("Victim Co");
    theirRole = await s.customRole(theirs, "Victim custom role", ["transactions.view"]);
    theirMember = await s.member(theirs, [theirRole]);
    theirAdmin = await s.login(theirs.admin.email);
    await s.elevate(theirAdmin);
    theirInvitations = [];
    for (let i = 0; i < 2; i += 1) {
      theirInvitations.push((await invite(s, theirAdmin, theirs, uniqueEmail("victim.invitee"))).id);
    }
    const sessions = await theirAdmin.get("/api/me/sessions");
    theirSessionId = sessions.body.items.find((session: { current: boolean }) => session.current).id;
    attacker = await s.login(mine.admin.email);
    await s.elevate(attacker);
  });
  afterAll(() => s?.close());

  /** The matrix's request for a row, with the ids of the context given. */
  function requestFor(row: (typeof ROWS)[number], context: CellContext) {
    const request = row.request?.(context) ?? { url: row.route.replace(":cid", context.companyId) };
    const payload = request.payload ?? (row.method === "GET" ? undefined : {});
    return { url: request.url, payload };
  }

  function theirIds(companyId: string): CellContext {
    return {
      companyId,
      otherSessionId: theirSessionId,
      customRoleId: theirRole.id,
      invitationToResend: theirInvitations[0]!,
      invitationToRevoke: theirInvitations[1]!,
      customMemberId: theirMember.memberId,
      deactivatedMemberId: theirMember.memberId,
      // No endpoint: the webhook routes are refused before any id is looked up.
      webhookId: "00000000-0000-4000-8000-000000000002",
      webhookDeliveryId: "00000000-0000-4000-8000-000000000003",
      webhookToDeleteId: "00000000-0000-4000-8000-000000000004",
    };
  }

  async function send(client: Client, row: (typeof ROWS)[number], context: CellContext) {
    const { url, payload } = requestFor(row, context);
    // A header naming the other tenant changes nothing: the tenant comes from the path and the session.
    const headers = { "x-tenant-id": theirs.id, "x-company-id": theirs.id };
    return client.request(row.method, url, payload === undefined ? { headers } : { json: payload, headers });
  }

  it(`cross-tenant: another company's id on each of the ${COMPANY_ROWS.length} company routes answers 404 like a company that does not exist`, async () => {
    const mark = s.mark();
    const before = await s.snapshot();
    const nowhere = "7c1e3a52-0d4b-4c59-9a8e-2f6d1b0c9e11";
    for (const row of COMPANY_ROWS) {
      const response = await send(attacker, row, theirIds(theirs.id));
      expect(response.status, `${row.method} ${row.route}: ${response.text}`).toBe(404);
      expect(response.body, `${row.method} ${row.route}`).toEqual(NOT_FOUND);
      expect(response.text).not.toContain(theirs.name);
      // Exactly the answer for a company id that exists nowhere.
      const absent = await send(attacker, row, theirIds(nowhere));
      expect({ status: absent.status, body: absent.body }).toEqual({ status: 404, body: NOT_FOUND });
    }
    await expectUnchanged(s, before);
    expect(await s.invitationStatus(theirInvitations[0]!)).toBe("pending");
    await expectAudited(
      s,
      mark,
      "access.denied",
      COMPANY_ROWS.length,
      (e) => e.actor_account_id === mine.admin.id && e.details.companyParam === theirs.id,
    );
  });

  it(`cross-tenant: another company's member, role and invitation ids under one's own company (${CHILD_ROWS.length} routes) answer 404`, async () => {
    const mineTarget = await s.member(mine, ["operations"]);
    const mark = s.mark();
    const before = await s.snapshot();
    for (const row of CHILD_ROWS) {
      const response = await send(attacker, row, theirIds(mine.id));
      expect(response.status, `${row.method} ${row.route}: ${response.text}`).toBe(404);
      expect(response.body).toEqual(NOT_FOUND);
    }
    // Another company's role ids in a body are unknown roles here, never granted.
    expectRefused(
      await attacker.put(`/api/companies/${mine.id}/members/${mineTarget.memberId}/roles`, {
        roleIds: [theirRole.id, theirs.roleIds.admin],
        version: 1,
      }),
      400,
      "validation_failed",
    );
    expectRefused(
      await attacker.post(`/api/companies/${mine.id}/invitations`, {
        email: uniqueEmail("cross"),
        roleIds: [theirs.roleIds.admin],
        acceptTerms: true,
      }),
      400,
      "validation_failed",
    );
    await expectUnchanged(s, before);
    expect(await s.memberRoleKeys(theirMember.memberId)).toEqual([null]);
    expect(await s.invitationStatus(theirInvitations[1]!)).toBe("pending");
    const rows = await s.db.selectFrom("roles").select("id").where("id", "=", theirRole.id).execute();
    expect(rows).toHaveLength(1);
    // Every change attempted on another company's object is recorded as refused.
    for (const action of [
      "member.roles_change_refused",
      "member.deactivate_refused",
      "member.reactivate_refused",
      "role.update_refused",
      "role.delete_refused",
      "invitation.resend_refused",
      "invitation.revoke_refused",
    ]) {
      await expectAudited(
        s,
        mark,
        action,
        1,
        (e) => e.company_id === mine.id && e.details.reason === "not_found",
      );
    }
    await expectAudited(
      s,
      mark,
      "member.roles_change_refused",
      1,
      (e) => e.details.reason === "validation_failed",
    );
    await expectAudited(
      s,
      mark,
      "invitation.create_refused",
      1,
      (e) => e.details.reason === "validation_failed",
    );
  });

  it("cross-tenant: another account's session and verification challenge ids answer 404 and stay theirs", async () => {
    const theirChallenge = await theirAdmin.post("/api/verification/step-up", {});
    expect(theirChallenge.status, theirChallenge.text).toBe(201);
    const challengeId = theirChallenge.body.challengeId;

    const mark = s.mark();
    const before = await s.snapshot();
    expectRefused(await attacker.delete(`/api/me/sessions/${theirSessionId}`), 404, "not_found");
    expectRefused(
      await attacker.post(`/api/verification/step-up/${challengeId}/verify`, { code: "123456" }),
      404,
      "not_found",
    );
    expectRefused(
      await attacker.post("/api/me/alternate-email/verify", { challengeId, code: "123456" }),
      404,
      "not_found",
    );
    await expectUnchanged(s, before);
    expect((await theirAdmin.get("/api/me")).status).toBe(200);
    const attempts = await s.db
      .selectFrom("verification_challenges")
      .select("attempts")
      .where("id", "=", challengeId)
      .executeTakeFirstOrThrow();
    expect(attempts.attempts).toBe(0);
    await expectAudited(s, mark, "step_up.failed", 1, (e) => e.details.reason === "unknown_challenge");
    await expectAudited(
      s,
      mark,
      "alternate_email.failed",
      1,
      (e) => e.details.reason === "unknown_challenge",
    );
  });
});
