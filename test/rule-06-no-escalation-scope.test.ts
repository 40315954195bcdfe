// Rule 6 extended to merchant account scope (SPEC §6.4): nobody grants an account outside their own
// scope, Admins included. A restricted Admin cannot give `all` (nor leave it as the default), cannot
// invite, change or resend beyond their accounts (403 grant_exceeds_own, recorded, nothing written),
// and an invitation whose inviter has since lost an account it offers dies at acceptance (410).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness } from "./support/harness.js";

const TOKEN_IN_LINK = /#token=([A-Za-z0-9_-]{43})\b/;

describe.each(testDatabaseKinds)("rule 6: no escalation through merchant account scope on %s", (kind) => {
  let h: Harness;
  let company: Awaited<ReturnType<Harness["company"]>>;
  let owner: string;
  let restrictedAdmin: Awaited<ReturnType<Harness["member"]>>;
  let cookie: string;
  let first: string;
  let second: string;
  let third: string;
  let counter = 0;

  const base = () => `/api/companies/${company.id}`;
  const restricted = (...ids: string[]) => ({ kind: "restricted", merchantAccountIds: ids });
  const freshEmail = () => {
    counter += 1;
    return `scope.rule6.${counter}.${Date.now().toString(36)}@example.com`;
  };
  const changeRoles = (as: string, memberId: string, payload: Record<string, unknown>) =>
    h.inject(as, { method: "PUT", url: `${base()}/members/${memberId}/roles`, payload });
  const invite = (as: string, payload: Record<string, unknown>) =>
    h.inject(as, {
      method: "POST",
      url: `${base()}/invitations`,
      payload: { roleIds: [company.roleIds.operations], acceptTerms: true, ...payload },
    });

  beforeAll(async () => {
    h = await createHarness(kind);
    company = await h.company("Scope Escalation Co");
    const now = h.clock.now();
    await h.db
      .insertInto("merchant_accounts")
      .values([
        { company_id: company.id, name: "Second", reference: "S-2", created_at: new Date(now.getTime() + 1) },
        { company_id: company.id, name: "Third", reference: "S-3", created_at: new Date(now.getTime() + 2) },
      ])
      .execute();
    owner = await h.login(company.admin.email);
    await h.elevate(owner);
    const listed: { id: string; name: string }[] = (
      await h.inject(owner, { url: `${base()}/merchant-accounts` })
    ).json().items;
    const named = (name: string) => listed.find((item) => item.name === name)?.id as string;
    [first, second, third] = [named("Scope Escalation Co"), named("Second"), named("Third")];

    // An Admin by role, restricted to the first two accounts.
    restrictedAdmin = await h.member(company, ["operations"]);
    const made = await changeRoles(owner, restrictedAdmin.memberId, {
      roleIds: [company.roleIds.admin],
      scope: restricted(first, second),
    });
    expect(made.statusCode, made.body).toBe(200);
    cookie = await h.login(restrictedAdmin.email);
    await h.elevate(cookie);
  });
  afterAll(() => h?.close());

  async function refusals(action: string) {
    return h.db
      .selectFrom("audit_events")
      .select(["details", "outcome"])
      .where("company_id", "=", company.id)
      .where("action", "=", action)
      .orderBy("occurred_at", "desc")
      .execute();
  }

  it("lets a restricted Admin grant within their own accounts", async () => {
    const target = await h.member(company, ["operations"]);
    const narrowed = await changeRoles(cookie, target.memberId, {
      roleIds: [company.roleIds.finance],
      scope: restricted(second),
    });
    expect(narrowed.statusCode, narrowed.body).toBe(200);
    expect(narrowed.json().scope).toEqual(restricted(second));
    const invited = await invite(cookie, { email: freshEmail(), scope: restricted(first, second) });
    expect(invited.statusCode, invited.body).toBe(201);
    expect(invited.json().scope.kind).toBe("restricted");
    expect([...invited.json().scope.merchantAccountIds].sort()).toEqual([first, second].sort());
  });

  it("refuses a restricted Admin giving `all` or an account beyond theirs in a role change, recorded", async () => {
    const target = await h.member(company, ["operations"]);
    await changeRoles(owner, target.memberId, {
      roleIds: [company.roleIds.operations],
      scope: restricted(first),
    });
    for (const [scope, beyond] of [
      [{ kind: "all" }, "all"],
      [restricted(third), [third]],
      [restricted(first, third), [third]],
    ] as const) {
      const response = await changeRoles(cookie, target.memberId, {
        roleIds: [company.roleIds.finance],
        scope,
      });
      expect(response.statusCode, JSON.stringify(scope)).toBe(403);
      expect(response.json().error.code).toBe("grant_exceeds_own");
      expect(response.json().error.details).toEqual({ merchantAccountsBeyondOwn: beyond });
      const [recorded] = await refusals("member.roles_change_refused");
      expect(recorded).toMatchObject({ outcome: "denied", details: { reason: "grant_exceeds_own" } });
    }
    // Nothing was written: the target keeps its role and scope.
    const after = (await h.inject(owner, { url: `${base()}/members/${target.memberId}` })).json();
    expect(after.scope).toEqual(restricted(first));
    expect(after.roles.map((role: { key: string }) => role.key)).toEqual(["operations"]);
  });

  it("refuses a restricted Admin's invitation with the default scope (all) or beyond theirs, recorded", async () => {
    for (const scope of [undefined, { kind: "all" }, restricted(third), restricted(second, third)]) {
      const email = freshEmail();
      const response = await invite(cookie, { email, ...(scope ? { scope } : {}) });
      expect(response.statusCode, JSON.stringify(scope)).toBe(403);
      expect(response.json().error.code).toBe("grant_exceeds_own");
      const recorded = (await refusals("invitation.create_refused")).find(
        (event) => (event.details as { email?: string }).email === email,
      );
      expect(recorded).toMatchObject({ outcome: "denied", details: { reason: "grant_exceeds_own", email } });
      const written = await h.db.selectFrom("invitations").select("id").where("email", "=", email).execute();
      expect(written).toEqual([]);
    }
  });

  it("refuses a restricted Admin resending or revoking an invitation that offers more than their scope", async () => {
    const wide = await invite(owner, { email: freshEmail(), scope: restricted(third) });
    expect(wide.statusCode).toBe(201);
    // Past the resend cooldown (the step-ups made before it are renewed).
    h.clock.advance(10 * 60_000);
    await h.elevate(cookie);
    await h.elevate(owner);
    const resend = await h.inject(cookie, {
      method: "POST",
      url: `${base()}/invitations/${wide.json().id}/resend`,
      payload: {},
    });
    expect(resend.statusCode, resend.body).toBe(403);
    expect(resend.json().error.code).toBe("grant_exceeds_own");
    const revoke = await h.inject(cookie, {
      method: "DELETE",
      url: `${base()}/invitations/${wide.json().id}`,
    });
    expect(revoke.statusCode).toBe(403);
    const owned = await h.inject(owner, { method: "DELETE", url: `${base()}/invitations/${wide.json().id}` });
    expect(owned.statusCode).toBe(204);
  });

  it("revokes at acceptance an invitation whose inviter no longer reaches an account it offers", async () => {
    const inviter = await h.member(company, ["operations"]);
    await changeRoles(owner, inviter.memberId, {
      roleIds: [company.roleIds.admin],
      scope: restricted(second),
    });
    const inviterCookie = await h.login(inviter.email);
    await h.elevate(inviterCookie);
    const email = freshEmail();
    const sent = await invite(inviterCookie, { email, scope: restricted(second) });
    expect(sent.statusCode, sent.body).toBe(201);
    // The inviter is moved to another account before the link is used.
    await changeRoles(owner, inviter.memberId, {
      roleIds: [company.roleIds.admin],
      scope: restricted(first),
    });
    const mail = await h.db
      .selectFrom("mail_outbox")
      .select("text_body")
      .where("to_address", "=", email)
      .executeTakeFirstOrThrow();
    const token = TOKEN_IN_LINK.exec(mail.text_body)?.[1];
    const accepted = await h.inject(null, {
      method: "POST",
      url: `/api/invitations/${token}/accept`,
      payload: { name: "Late Invitee", password: "a long enough passphrase 9" },
    });
    expect(accepted.statusCode, accepted.body).toBe(410);
    expect(accepted.json().error.code).toBe("invitation_revoked");
    const member = await h.db.selectFrom("members").select("id").where("email", "=", email).execute();
    expect(member).toEqual([]);
  });

  it("lets an Admin of all accounts grant any scope, and nobody restrict themselves (rule 5)", async () => {
    const target = await h.member(company, ["operations"]);
    const all = await changeRoles(owner, target.memberId, {
      roleIds: [company.roleIds.finance],
      scope: restricted(third),
    });
    expect(all.statusCode).toBe(200);
    const self = await changeRoles(cookie, restrictedAdmin.memberId, {
      roleIds: [company.roleIds.admin],
      scope: restricted(first),
    });
    expect(self.statusCode).toBe(403);
    expect(self.json().error.code).toBe("self_modification");
  });
});
