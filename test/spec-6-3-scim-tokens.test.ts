// SPEC §6.3, SCIM tokens: named, shown once, stored only as their hash, revocable at once, audited;
// a token names one company and opens nothing of another, and nothing outside /scim/v2/.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashSecretToken } from "../server/access/tokens.js";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness } from "./support/harness.js";
import { scim, scimToken } from "./support/scim.js";

describe.each(testDatabaseKinds)("SPEC 6.3: SCIM tokens on %s", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind);
  });
  afterAll(() => h?.close());

  const tokensUrl = (companyId: string) => `/api/companies/${companyId}/scim-tokens`;

  it("shows a new token once, keeps only its hash, lists it without the secret, and audits by name", async () => {
    const company = await h.company("Token Life Co");
    const cookie = await h.login(company.admin.email);
    const unverified = await h.inject(cookie, {
      method: "POST",
      url: tokensUrl(company.id),
      payload: { name: "Okta" },
    });
    expect(unverified.statusCode).toBe(403);
    expect(unverified.json().error.code).toBe("step_up_required");

    await h.elevate(cookie, company.id);
    const created = await h.inject(cookie, {
      method: "POST",
      url: tokensUrl(company.id),
      payload: { name: " Okta " },
    });
    expect(created.statusCode, created.body).toBe(201);
    const { id, name, token } = created.json();
    expect(name).toBe("Okta");
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const row = await h.db
      .selectFrom("scim_tokens")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    expect(row.token_hash).toBe(hashSecretToken(token));
    expect(JSON.stringify(row)).not.toContain(token);

    const listed = await h.inject(cookie, { url: tokensUrl(company.id) });
    expect(listed.statusCode).toBe(200);
    expect(listed.json().items).toEqual([
      expect.objectContaining({
        id,
        name: "Okta",
        status: "active",
        createdBy: company.admin.email,
        lastUsedAt: null,
      }),
    ]);
    expect(listed.body).not.toContain(token);

    // It works, and its use is recorded (no secret in the list, still).
    expect((await scim(h, token, { url: "/scim/v2/Users" })).statusCode).toBe(200);
    const used = (await h.inject(cookie, { url: tokensUrl(company.id) })).json().items[0];
    expect(used.lastUsedAt).toBe(h.clock.now().toISOString());

    const events = await h.db
      .selectFrom("audit_events")
      .select(["action", "actor_account_id", "details"])
      .where("company_id", "=", company.id)
      .where("action", "like", "scim.%")
      .execute();
    expect(events).toEqual([
      expect.objectContaining({ action: "scim.token_created", actor_account_id: company.admin.id }),
    ]);
    expect(events[0]?.details).toMatchObject({ name: "Okta" });
    const allAudit = await h.db.selectFrom("audit_events").select("details").execute();
    expect(JSON.stringify(allAudit)).not.toContain(token);
  });

  it("revokes a token: its very next request gets 401, and the revocation is audited", async () => {
    const company = await h.company("Token Revoke Co");
    const cookie = await h.login(company.admin.email);
    await h.elevate(cookie, company.id);
    const { id, token } = (
      await h.inject(cookie, { method: "POST", url: tokensUrl(company.id), payload: { name: "Entra ID" } })
    ).json();
    expect((await scim(h, token, { url: "/scim/v2/Users" })).statusCode).toBe(200);

    const revoked = await h.inject(cookie, { method: "DELETE", url: `${tokensUrl(company.id)}/${id}` });
    expect(revoked.statusCode).toBe(204);
    const refused = await scim(h, token, { url: "/scim/v2/Users" });
    expect(refused.statusCode).toBe(401);
    expect(refused.headers["content-type"]).toMatch(/^application\/scim\+json/);
    expect(refused.headers["www-authenticate"]).toMatch(/^Bearer/);
    expect(refused.json()).toEqual({
      schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
      status: "401",
      detail: expect.any(String),
    });
    const again = await h.inject(cookie, { method: "DELETE", url: `${tokensUrl(company.id)}/${id}` });
    expect(again.statusCode).toBe(404);
    const listed = (await h.inject(cookie, { url: tokensUrl(company.id) })).json().items;
    expect(listed).toEqual([
      expect.objectContaining({ id, status: "revoked", revokedAt: h.clock.now().toISOString() }),
    ]);
    const event = await h.db
      .selectFrom("audit_events")
      .select(["actor_account_id", "details"])
      .where("company_id", "=", company.id)
      .where("action", "=", "scim.token_revoked")
      .executeTakeFirstOrThrow();
    expect(event).toMatchObject({ actor_account_id: company.admin.id, details: { name: "Entra ID" } });
  });

  it("lets no other company's token touch this company's users or groups, and no token open the JSON API", async () => {
    const mine = await h.company("Token Owner Co");
    const theirs = await h.company("Token Stranger Co");
    const member = await h.member(mine, ["finance"]);
    const strangerToken = await scimToken(h.db, theirs.id, "Stranger IdP", h.clock.now());

    const list = await scim(h, strangerToken, { url: "/scim/v2/Users?count=100" });
    expect(list.json().Resources.map((u: { id: string }) => u.id)).toEqual([theirs.admin.memberId]);
    for (const request of [
      { url: `/scim/v2/Users/${member.memberId}` },
      {
        method: "PATCH",
        url: `/scim/v2/Users/${member.memberId}`,
        body: {
          schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
          Operations: [{ op: "replace", value: { active: false } }],
        },
      },
      { method: "DELETE", url: `/scim/v2/Users/${member.memberId}` },
      { url: `/scim/v2/Groups/${mine.roleIds.admin}` },
      {
        method: "PATCH",
        url: `/scim/v2/Groups/${mine.roleIds.admin}`,
        body: {
          schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
          Operations: [{ op: "remove", path: `members[value eq "${mine.admin.memberId}"]` }],
        },
      },
    ]) {
      const response = await scim(h, strangerToken, request);
      expect(response.statusCode, `${request.method ?? "GET"} ${request.url}`).toBe(404);
    }
    // Their own Admin group cannot take in this company's member either.
    const cross = await scim(h, strangerToken, {
      method: "PATCH",
      url: `/scim/v2/Groups/${theirs.roleIds.admin}`,
      body: {
        schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        Operations: [{ op: "add", path: "members", value: [{ value: member.memberId }] }],
      },
    });
    expect(cross.statusCode).toBe(400);
    const standing = await h.db
      .selectFrom("members")
      .select("status")
      .where("id", "=", member.memberId)
      .executeTakeFirstOrThrow();
    expect(standing.status).toBe("active");
    expect(
      await h.db
        .selectFrom("member_roles")
        .select("role_id")
        .where("member_id", "=", member.memberId)
        .execute(),
    ).toEqual([{ role_id: mine.roleIds.finance }]);

    // A SCIM token is no session, and a session no SCIM token.
    const asSession = await h.app.inject({
      url: `/api/companies/${theirs.id}/roles`,
      headers: { authorization: `Bearer ${strangerToken}` },
    });
    expect(asSession.statusCode).toBe(401);
    const cookie = await h.login(theirs.admin.email);
    expect((await h.inject(cookie, { url: "/scim/v2/Users" })).statusCode).toBe(401);
    for (const authorization of [
      "",
      "Bearer",
      `Basic ${strangerToken}`,
      `Bearer ${strangerToken}x`,
      "Bearer a b",
    ]) {
      const response = await h.app.inject({ url: "/scim/v2/Users", headers: { authorization } });
      expect(response.statusCode, authorization).toBe(401);
    }
  });

  it("is security.manage's: other roles get 403, other companies 404, and a name is required", async () => {
    const company = await h.company("Token Guard Co");
    const finance = await h.member(company, ["finance"]);
    const financeCookie = await h.login(finance.email);
    expect((await h.inject(financeCookie, { url: tokensUrl(company.id) })).statusCode).toBe(403);
    const stranger = await h.company("Token Guard Stranger Co");
    const strangerCookie = await h.login(stranger.admin.email);
    expect((await h.inject(strangerCookie, { url: tokensUrl(company.id) })).statusCode).toBe(404);
    const cookie = await h.login(company.admin.email);
    await h.elevate(cookie, company.id);
    for (const payload of [{}, { name: "" }, { name: "bad\nname" }, { name: "Okta", token: "mine" }]) {
      const response = await h.inject(cookie, { method: "POST", url: tokensUrl(company.id), payload });
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
    }
  });
});
