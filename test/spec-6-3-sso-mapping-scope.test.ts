// SPEC §6.3 with §6.4: an SSO group → role mapping carries a merchant-account scope (all by default).
// A just-in-time member gets the union of the matched mappings' scopes, re-applied at each login
// under rule 4; the settings API checks the accounts are the company's and holds rule 6 for scope
// (nobody maps an account beyond their own), with refusals audited. Against a real OpenID provider.
import { randomBytes } from "node:crypto";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness } from "./support/harness.js";
import { startTestIdp, type TestIdp } from "./support/oidc-provider.js";

const PUBLIC_URL = "http://portal.test";
const CALLBACK = `${PUBLIC_URL}/api/auth/sso/oidc/callback`;

let idp: TestIdp;
beforeAll(async () => {
  idp = await startTestIdp({ redirectUris: [CALLBACK] });
});
afterAll(() => idp?.close());

type Scope = { kind: "all" } | { kind: "restricted"; merchantAccountIds: string[] };
const restricted = (...ids: string[]): Scope => ({
  kind: "restricted",
  merchantAccountIds: [...ids].sort(),
});

describe.each(testDatabaseKinds)("SPEC 6.3: merchant-account scope from SSO group mappings on %s", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind, { env: { PUBLIC_URL } });
  });
  afterAll(() => h?.close());

  type Company = Awaited<ReturnType<Harness["company"]>>;

  /** A company with a fresh verified domain and three merchant accounts (its default, Europe, Asia). */
  async function scopedCompany() {
    const name = `SSO scope ${randomBytes(3).toString("hex")}`;
    const company = await h.company(name);
    const domain = `scope-${randomBytes(4).toString("hex")}.example`;
    const now = h.clock.now();
    await h.db
      .insertInto("company_domains")
      .values({
        company_id: company.id,
        domain,
        verification_token: randomBytes(16).toString("hex"),
        verified_at: now,
        created_at: now,
      })
      .execute();
    await h.db
      .insertInto("merchant_accounts")
      .values([
        {
          company_id: company.id,
          name: "Europe",
          reference: "EU-1",
          created_at: new Date(now.getTime() + 1),
        },
        { company_id: company.id, name: "Asia", reference: "AS-1", created_at: new Date(now.getTime() + 2) },
      ])
      .execute();
    const admin = await h.login(company.admin.email);
    await h.elevate(admin, company.id);
    const accounts: { id: string; name: string }[] = (
      await h.inject(admin, { url: `/api/companies/${company.id}/merchant-accounts` })
    ).json().items;
    const named = (name: string) => accounts.find((account) => account.name === name)?.id as string;
    return {
      ...company,
      domain,
      adminCookie: admin,
      main: named(name),
      europe: named("Europe"),
      asia: named("Asia"),
    };
  }

  function settings(overrides: Record<string, unknown>) {
    return {
      protocol: "oidc",
      enabled: true,
      oidcIssuer: idp.issuer,
      oidcClientId: idp.clientId,
      oidcClientSecret: idp.clientSecret,
      samlIdpEntityId: null,
      samlSsoUrl: null,
      samlCertificate: null,
      samlAllowIdpInitiated: false,
      groupsAttribute: "groups",
      defaultRoleId: null,
      mappings: [],
      requireSso: false,
      breakGlassMemberIds: [],
      version: 0,
      ...overrides,
    };
  }

  const saveSettings = (cookie: string, company: Company, overrides: Record<string, unknown>) =>
    h.inject(cookie, {
      method: "PUT",
      url: `/api/companies/${company.id}/sso`,
      payload: settings(overrides),
    });

  const flowCookieOf = (response: LightMyRequestResponse) =>
    response.cookies.find((c) => c.name === "portal_sso_oidc")?.value;

  /** The whole redirect login without a browser: start, the IdP's form, the callback. */
  async function ssoLogin(email: string) {
    const start = await h.inject(null, { method: "POST", url: "/api/auth/sso/start", payload: { email } });
    expect(start.statusCode, start.body).toBe(200);
    const back = await idp.signIn(start.json().redirectUrl, email);
    const callback = await h.app.inject({
      method: "GET",
      url: `${back.pathname}${back.search}`,
      cookies: { portal_sso_oidc: flowCookieOf(start) as string },
    });
    expect(callback.statusCode).toBe(303);
    return { location: callback.headers.location as string, session: h.sessionCookie(callback) ?? null };
  }

  async function memberOf(company: { id: string; adminCookie: string }, email: string) {
    const row = await h.db
      .selectFrom("members")
      .select("id")
      .where("company_id", "=", company.id)
      .where("email", "=", email)
      .executeTakeFirstOrThrow();
    const member = await h.inject(company.adminCookie, {
      url: `/api/companies/${company.id}/members/${row.id}`,
    });
    expect(member.statusCode, member.body).toBe(200);
    return member.json() as { id: string; scope: Scope; roles: { key: string }[] };
  }

  async function lastAudit(companyId: string, action: string) {
    return h.db
      .selectFrom("audit_events")
      .select(["details", "outcome"])
      .where("company_id", "=", companyId)
      .where("action", "=", action)
      .orderBy("occurred_at", "desc")
      .limit(1)
      .executeTakeFirst();
  }

  it("SPEC §6.3: JIT scope from group mapping is the union of the matched mappings' scopes, readable back", async () => {
    const company = await scopedCompany();
    const saved = await saveSettings(company.adminCookie, company, {
      mappings: [
        { group: "eu-finance", roleId: company.roleIds.finance, scope: restricted(company.europe) },
        { group: "asia-ops", roleId: company.roleIds.operations, scope: restricted(company.asia) },
        { group: "everything", roleId: company.roleIds.data_analytics, scope: { kind: "all" } },
        // No scope: all accounts, as before mappings had one.
        { group: "developers", roleId: company.roleIds.developer },
      ],
    });
    expect(saved.statusCode, saved.body).toBe(200);
    const byGroup = Object.fromEntries(
      saved.json().mappings.map((m: { group: string; scope: Scope }) => [m.group, m.scope]),
    );
    expect(byGroup).toEqual({
      "eu-finance": restricted(company.europe),
      "asia-ops": restricted(company.asia),
      everything: { kind: "all" },
      developers: { kind: "all" },
    });
    const changed = await lastAudit(company.id, "sso.settings_changed");
    expect(changed?.details).toMatchObject({
      after: {
        mappings: expect.arrayContaining([
          {
            group: "eu-finance",
            roleId: company.roleIds.finance,
            scope: { kind: "restricted", merchantAccountIds: expect.any(Array) },
          },
        ]),
      },
    });

    // One restricted group: that account alone; the member reaches only it.
    const ada = `ada@${company.domain}`;
    idp.addUser({ email: ada, groups: ["eu-finance"] });
    const first = await ssoLogin(ada);
    expect(first.session).toBeTruthy();
    expect((await memberOf(company, ada)).scope).toEqual(restricted(company.europe));
    const seen = await h.inject(first.session, { url: `/api/companies/${company.id}/merchant-accounts` });
    expect(seen.json().items.map((item: { id: string }) => item.id)).toEqual([company.europe]);
    expect((await lastAudit(company.id, "sso.member_joined"))?.details).toMatchObject({
      scope: restricted(company.europe),
    });

    // Two restricted groups: the union of their accounts.
    const bo = `bo@${company.domain}`;
    idp.addUser({ email: bo, groups: ["eu-finance", "asia-ops"] });
    await ssoLogin(bo);
    expect((await memberOf(company, bo)).scope).toEqual(restricted(company.europe, company.asia));

    // A group without a scope (all) among them: all wins.
    const cy = `cy@${company.domain}`;
    idp.addUser({ email: cy, groups: ["eu-finance", "developers"] });
    await ssoLogin(cy);
    expect((await memberOf(company, cy)).scope).toEqual({ kind: "all" });
  });

  it("SPEC §6.3: mapped scope is re-applied at each SSO login and audited; the default role gives all accounts", async () => {
    const company = await scopedCompany();
    const saved = await saveSettings(company.adminCookie, company, {
      defaultRoleId: company.roleIds.developer,
      mappings: [
        { group: "eu", roleId: company.roleIds.finance, scope: restricted(company.europe) },
        { group: "asia", roleId: company.roleIds.finance, scope: restricted(company.asia) },
      ],
    });
    expect(saved.statusCode, saved.body).toBe(200);
    const email = `di@${company.domain}`;
    idp.addUser({ email, groups: ["eu"] });
    await ssoLogin(email);
    const member = await memberOf(company, email);
    expect(member.scope).toEqual(restricted(company.europe));

    // Same role, another account: only the scope changes, and the event says so.
    idp.addUser({ email, groups: ["asia"] });
    const again = await ssoLogin(email);
    expect(again.session).toBeTruthy();
    expect((await memberOf(company, email)).scope).toEqual(restricted(company.asia));
    const applied = await lastAudit(company.id, "sso.roles_applied");
    expect(applied?.details).toMatchObject({
      before: { scope: restricted(company.europe) },
      after: { scope: restricted(company.asia) },
    });
    const seen = await h.inject(again.session, { url: `/api/companies/${company.id}/merchant-accounts` });
    expect(seen.json().items.map((item: { id: string }) => item.id)).toEqual([company.asia]);

    // No group maps: the default role, with all accounts.
    idp.addUser({ email, groups: ["unmapped"] });
    await ssoLogin(email);
    const defaulted = await memberOf(company, email);
    expect(defaulted.scope).toEqual({ kind: "all" });
    expect(defaulted.roles.map((role) => role.key)).toEqual(["developer"]);
  });

  it("SPEC §6.3 with rule 4: the last active Admin keeps roles and scope when the mapping would take Admin, audited", async () => {
    const company = await scopedCompany();
    await saveSettings(company.adminCookie, company, {
      mappings: [
        { group: "admins", roleId: company.roleIds.admin },
        { group: "eu-finance", roleId: company.roleIds.finance, scope: restricted(company.europe) },
      ],
    });
    const email = `ed@${company.domain}`;
    idp.addUser({ email, groups: ["admins"] });
    await ssoLogin(email);
    await h.db
      .updateTable("members")
      .set({ status: "deactivated", deactivated_at: h.clock.now() })
      .where("id", "=", company.admin.memberId)
      .execute();
    const memberId = (
      await h.db
        .selectFrom("members")
        .select("id")
        .where("company_id", "=", company.id)
        .where("email", "=", email)
        .executeTakeFirstOrThrow()
    ).id;

    idp.addUser({ email, groups: ["eu-finance"] });
    const login = await ssoLogin(email);
    expect(login.session).toBeTruthy();
    const refused = await lastAudit(company.id, "sso.roles_apply_refused");
    expect(refused?.details).toMatchObject({
      reason: "last_admin",
      wanted: { scope: restricted(company.europe) },
    });
    const kept = await h.inject(login.session, { url: `/api/companies/${company.id}/members/${memberId}` });
    expect(kept.json().scope).toEqual({ kind: "all" });
    expect(kept.json().roles.map((role: { key: string }) => role.key)).toEqual(["admin"]);
  });

  it("refuses a mapping scope naming an account of another company or none (400), writing nothing, audited", async () => {
    const company = await scopedCompany();
    const other = await scopedCompany();
    for (const scope of [
      restricted(other.europe),
      restricted(company.europe, randomUuid()),
      { kind: "restricted", merchantAccountIds: [] },
    ]) {
      const response = await saveSettings(company.adminCookie, company, {
        mappings: [{ group: "eu", roleId: company.roleIds.finance, scope }],
      });
      expect(response.statusCode, JSON.stringify(scope)).toBe(400);
      expect(response.json().error.code).toBe("validation_failed");
    }
    const unknown = await saveSettings(company.adminCookie, company, {
      mappings: [{ group: "eu", roleId: company.roleIds.finance, scope: restricted(other.asia) }],
    });
    expect(unknown.json().error.details).toMatchObject({
      field: "mappings",
      unknownMerchantAccountIds: [other.asia],
    });
    expect(await lastAudit(company.id, "sso.settings_change_refused")).toMatchObject({
      outcome: "denied",
      details: { reason: "validation_failed", field: "mappings" },
    });
    const stored = await h.db
      .selectFrom("sso_group_mappings")
      .select("group_name")
      .where("company_id", "=", company.id)
      .execute();
    expect(stored).toEqual([]);
  });

  it("rule 6 for scope: a restricted Admin maps only accounts of their own scope, never all (403, audited, nothing written)", async () => {
    const company = await scopedCompany();
    const narrow = await h.member(company, ["operations"]);
    const made = await h.inject(company.adminCookie, {
      method: "PUT",
      url: `/api/companies/${company.id}/members/${narrow.memberId}/roles`,
      payload: { roleIds: [company.roleIds.admin], scope: restricted(company.main, company.europe) },
    });
    expect(made.statusCode, made.body).toBe(200);
    const cookie = await h.login(narrow.email);
    await h.elevate(cookie, company.id);

    for (const [mapping, beyond, defaultRoleId] of [
      [{ scope: restricted(company.asia) }, [company.asia], null],
      [{ scope: restricted(company.europe, company.asia) }, [company.asia], null],
      [{ scope: { kind: "all" } }, "all", null],
      // No scope is all accounts.
      [{}, "all", null],
      // The default role gives all accounts.
      [{ scope: restricted(company.europe) }, "all", company.roleIds.developer],
    ] as const) {
      // Each refusal at its own time, so the latest event is this one.
      h.clock.advance(1000);
      const response = await saveSettings(cookie, company, {
        defaultRoleId,
        mappings: [{ group: "eu", roleId: company.roleIds.finance, ...mapping }],
      });
      expect(response.statusCode, JSON.stringify(mapping)).toBe(403);
      expect(response.json().error).toMatchObject({
        code: "grant_exceeds_own",
        details: { merchantAccountsBeyondOwn: beyond },
      });
      expect(await lastAudit(company.id, "sso.settings_change_refused")).toMatchObject({
        outcome: "denied",
        details: { reason: "grant_exceeds_own", merchantAccountsBeyondOwn: beyond },
      });
    }
    const connection = await h.db
      .selectFrom("sso_connections")
      .select("company_id")
      .where("company_id", "=", company.id)
      .execute();
    expect(connection).toEqual([]);

    // Within their own accounts it is saved, and a login gives exactly that.
    const allowed = await saveSettings(cookie, company, {
      mappings: [{ group: "eu", roleId: company.roleIds.finance, scope: restricted(company.europe) }],
    });
    expect(allowed.statusCode, allowed.body).toBe(200);
    const email = `fi@${company.domain}`;
    idp.addUser({ email, groups: ["eu"] });
    await ssoLogin(email);
    expect((await memberOf(company, email)).scope).toEqual(restricted(company.europe));
  });
});

function randomUuid(): string {
  const hex = randomBytes(16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
