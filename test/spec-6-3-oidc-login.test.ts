// SPEC §6.3, OpenID Connect single sign-on against a real OpenID provider (oidc-provider) on
// loopback: just-in-time members with roles from groups, mappings re-applied at each login under
// rule 4, every ID-token check (state, nonce, issuer, audience, alg none), an IdP speaking for another
// company's domain, and "Require SSO" with its break-glass Admins.
import { randomBytes } from "node:crypto";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness, TEST_PASSWORD } from "./support/harness.js";
import { startTestIdp, type TestIdp } from "./support/oidc-provider.js";

const PUBLIC_URL = "http://portal.test";
const CALLBACK = `${PUBLIC_URL}/api/auth/sso/oidc/callback`;

let idp: TestIdp;
beforeAll(async () => {
  idp = await startTestIdp({ redirectUris: [CALLBACK] });
});
afterAll(() => idp?.close());

describe.each(testDatabaseKinds)("SPEC 6.3: OpenID Connect login on %s", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind, { env: { PUBLIC_URL } });
  });
  afterAll(() => h?.close());

  type Company = Awaited<ReturnType<Harness["company"]>>;

  /** A company holding a fresh verified domain, with an enabled OIDC connection to the test IdP. */
  async function ssoCompany(
    options: {
      mappings?: (c: Company) => { group: string; roleId: string }[];
      defaultRole?: "developer" | null;
    } = {},
  ) {
    const company = await h.company(`SSO ${randomBytes(3).toString("hex")}`);
    const domain = `sso-${randomBytes(4).toString("hex")}.example`;
    await verifyDomain(company.id, domain);
    const admin = await h.login(company.admin.email);
    await h.elevate(admin, company.id);
    const saved = await h.inject(admin, {
      method: "PUT",
      url: `/api/companies/${company.id}/sso`,
      payload: settings(company, {
        mappings: options.mappings?.(company) ?? [
          { group: "finance-team", roleId: company.roleIds.finance },
          { group: "ops-team", roleId: company.roleIds.operations },
          { group: "admins", roleId: company.roleIds.admin },
        ],
        defaultRoleId:
          options.defaultRole === null ? null : company.roleIds[options.defaultRole ?? "developer"],
      }),
    });
    expect(saved.statusCode, saved.body).toBe(200);
    return { ...company, domain, adminCookie: admin };
  }

  function settings(company: Company, overrides: Record<string, unknown> = {}) {
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
      defaultRoleId: company.roleIds.developer,
      mappings: [],
      requireSso: false,
      breakGlassMemberIds: [],
      version: 0,
      ...overrides,
    };
  }

  async function verifyDomain(companyId: string, domain: string) {
    await h.db
      .insertInto("company_domains")
      .values({
        company_id: companyId,
        domain,
        verification_token: randomBytes(16).toString("hex"),
        verified_at: h.clock.now(),
        created_at: h.clock.now(),
      })
      .execute();
  }

  const flowCookieOf = (response: LightMyRequestResponse) =>
    response.cookies.find((c) => c.name === "portal_sso_oidc")?.value;

  /** The whole redirect login without a browser: start, the IdP's form, the callback. */
  async function ssoLogin(email: string, tamperCallback?: (url: URL) => void) {
    const start = await h.inject(null, { method: "POST", url: "/api/auth/sso/start", payload: { email } });
    expect(start.statusCode, start.body).toBe(200);
    const back = await idp.signIn(start.json().redirectUrl, email);
    expect(back.href.startsWith(CALLBACK)).toBe(true);
    tamperCallback?.(back);
    const callback = await h.app.inject({
      method: "GET",
      url: `${back.pathname}${back.search}`,
      cookies: { portal_sso_oidc: flowCookieOf(start)! },
    });
    expect(callback.statusCode).toBe(303);
    return { location: callback.headers.location as string, session: h.sessionCookie(callback) ?? null };
  }

  async function membershipOf(companyId: string, email: string) {
    return h.db
      .selectFrom("members")
      .innerJoin("accounts", "accounts.id", "members.account_id")
      .select(["members.id", "members.status"])
      .where("members.company_id", "=", companyId)
      .where("accounts.email", "=", email)
      .executeTakeFirst();
  }

  async function roleKeysOf(memberId: string) {
    const rows = await h.db
      .selectFrom("member_roles")
      .innerJoin("roles", "roles.id", "member_roles.role_id")
      .select("roles.key")
      .where("member_roles.member_id", "=", memberId)
      .execute();
    return rows.map((r) => r.key).sort();
  }

  async function lastAudit(companyId: string | null, action: string) {
    let query = h.db.selectFrom("audit_events").selectAll().where("action", "=", action);
    query = companyId ? query.where("company_id", "=", companyId) : query;
    return query.orderBy("occurred_at", "desc").limit(1).executeTakeFirst();
  }

  it("makes a just-in-time member with the mapped roles and a full session, without the secret ever answered", async () => {
    const company = await ssoCompany();
    const read = await h.inject(company.adminCookie, { url: `/api/companies/${company.id}/sso` });
    expect(read.json()).toMatchObject({
      enabled: true,
      hasClientSecret: true,
      verifiedDomains: [company.domain],
      serviceProvider: { oidcRedirectUri: CALLBACK },
    });
    expect(read.body).not.toContain(idp.clientSecret);
    const stored = await h.db
      .selectFrom("sso_connections")
      .select("oidc_client_secret_sealed")
      .where("company_id", "=", company.id)
      .executeTakeFirstOrThrow();
    expect(stored.oidc_client_secret_sealed).not.toContain(idp.clientSecret);
    const changed = await lastAudit(company.id, "sso.settings_changed");
    expect(JSON.stringify(changed?.details)).not.toContain(idp.clientSecret);

    const email = `ada@${company.domain}`;
    idp.addUser({ email, name: "Ada Lovelace", groups: ["finance-team", "unmapped"] });
    const login = await ssoLogin(email);
    expect(login.location).toBe(`${PUBLIC_URL}/`);
    expect(login.session).toBeTruthy();

    const me = await h.inject(login.session, { url: "/api/me" });
    expect(me.statusCode).toBe(200);
    expect(me.json().account).toMatchObject({ email, name: "Ada Lovelace" });
    const membership = me.json().memberships.find((m: { companyId: string }) => m.companyId === company.id);
    expect(membership.roles.map((r: { key: string }) => r.key)).toEqual(["finance"]);
    expect(await lastAudit(company.id, "sso.member_joined")).toMatchObject({ outcome: "success" });
    const succeeded = await h.db
      .selectFrom("audit_events")
      .select("details")
      .where("action", "=", "auth.login_succeeded")
      .where("actor_email", "=", email)
      .executeTakeFirst();
    expect(succeeded?.details).toMatchObject({ method: "sso", protocol: "oidc", companyId: company.id });
  });

  it("re-applies the mapping at each login, gives the default role when no group maps, and refuses without one", async () => {
    const company = await ssoCompany();
    const email = `bo@${company.domain}`;
    idp.addUser({ email, groups: ["finance-team"] });
    await ssoLogin(email);
    const member = (await membershipOf(company.id, email))!;
    expect(await roleKeysOf(member.id)).toEqual(["finance"]);

    idp.addUser({ email, groups: ["ops-team", "finance-team"] });
    expect((await ssoLogin(email)).session).toBeTruthy();
    expect(await roleKeysOf(member.id)).toEqual(["finance", "operations"]);
    const applied = await lastAudit(company.id, "sso.roles_applied");
    expect(applied?.details).toMatchObject({ before: { roles: [{ key: "finance" }] } });

    idp.addUser({ email, groups: ["nothing-mapped"] });
    await ssoLogin(email);
    expect(await roleKeysOf(member.id)).toEqual(["developer"]);

    const strict = await ssoCompany({ defaultRole: null });
    const stranger = `cy@${strict.domain}`;
    idp.addUser({ email: stranger, groups: ["nothing-mapped"] });
    const refused = await ssoLogin(stranger);
    expect(refused.location).toBe(`${PUBLIC_URL}/login?sso_error=no_role_mapped`);
    expect(refused.session).toBeNull();
    expect(await membershipOf(strict.id, stranger)).toBeUndefined();
    expect((await lastAudit(strict.id, "sso.login_refused"))?.details).toMatchObject({
      reason: "no_role_mapped",
    });
  });

  it("never takes Admin from the last active Admin (rule 4): the roles stay, the refusal is audited, the login goes on", async () => {
    const company = await ssoCompany();
    const email = `di@${company.domain}`;
    idp.addUser({ email, groups: ["admins"] });
    await ssoLogin(email);
    const member = (await membershipOf(company.id, email))!;
    expect(await roleKeysOf(member.id)).toEqual(["admin"]);
    // The first Admin leaves: the SSO member is the last active Admin.
    await h.db
      .updateTable("members")
      .set({ status: "deactivated", deactivated_at: h.clock.now() })
      .where("id", "=", company.admin.memberId)
      .execute();

    idp.addUser({ email, groups: ["finance-team"] });
    const login = await ssoLogin(email);
    expect(login.session).toBeTruthy();
    expect(await roleKeysOf(member.id)).toEqual(["admin"]);
    expect((await lastAudit(company.id, "sso.roles_apply_refused"))?.details).toMatchObject({
      reason: "last_admin",
    });
  });

  it("refuses a deactivated member (rule 9) and explains it on the login page", async () => {
    const company = await ssoCompany();
    const email = `ed@${company.domain}`;
    idp.addUser({ email, groups: ["ops-team"] });
    await ssoLogin(email);
    const member = (await membershipOf(company.id, email))!;
    await h.db
      .updateTable("members")
      .set({ status: "deactivated", deactivated_at: h.clock.now() })
      .where("id", "=", member.id)
      .execute();
    const refused = await ssoLogin(email);
    expect(refused).toEqual({ location: `${PUBLIC_URL}/login?sso_error=member_deactivated`, session: null });
  });

  it("refuses an IdP claiming an email of another company's verified domain, and creates nothing", async () => {
    const company = await ssoCompany();
    const other = await h.company("Other Co");
    const otherDomain = `other-${randomBytes(4).toString("hex")}.example`;
    await verifyDomain(other.id, otherDomain);
    const victim = `ceo@${otherDomain}`;
    idp.addUser({ email: victim, groups: ["admins"] });

    // Started for an email of the IdP's own company, signed in at the IdP as the other domain's person.
    const start = await h.inject(null, {
      method: "POST",
      url: "/api/auth/sso/start",
      payload: { email: `anyone@${company.domain}` },
    });
    const back = await idp.signIn(start.json().redirectUrl, victim);
    const callback = await h.app.inject({
      method: "GET",
      url: `${back.pathname}${back.search}`,
      cookies: { portal_sso_oidc: flowCookieOf(start)! },
    });
    expect(callback.headers.location).toBe(`${PUBLIC_URL}/login?sso_error=domain_not_verified`);
    expect(h.sessionCookie(callback)).toBeUndefined();
    const account = await h.db
      .selectFrom("accounts")
      .select("id")
      .where("email", "=", victim)
      .executeTakeFirst();
    expect(account).toBeUndefined();
    expect((await lastAudit(company.id, "sso.login_refused"))?.details).toMatchObject({
      reason: "domain_not_verified",
      email: victim,
    });
  });

  describe("refuses an answer it cannot trust", () => {
    async function refusedCheck(companyId: string) {
      const event = await lastAudit(companyId, "sso.login_refused");
      return String((event?.details as { check?: string } | undefined)?.check);
    }

    it("a callback whose state is not the browser's", async () => {
      const company = await ssoCompany();
      const email = `fa@${company.domain}`;
      idp.addUser({ email, groups: ["ops-team"] });
      const login = await ssoLogin(email, (url) => url.searchParams.set("state", "forged-state-value"));
      expect(login).toEqual({ location: `${PUBLIC_URL}/login?sso_error=invalid_response`, session: null });
      expect(await refusedCheck(company.id)).toBe("state_mismatch");

      // And without the browser's flow cookie at all (another browser, or expired).
      const bare = await h.app.inject({ method: "GET", url: "/api/auth/sso/oidc/callback?code=x&state=y" });
      expect(bare.headers.location).toBe(`${PUBLIC_URL}/login?sso_error=expired`);
    });

    for (const [name, tamper, check] of [
      ["an ID token with another nonce", { claims: { nonce: "not-the-browsers-nonce" } }, /nonce/],
      ["an ID token from another issuer", { claims: { iss: "http://127.0.0.1:1/evil" } }, /iss/],
      ["an ID token for another audience", { claims: { aud: "another-client" } }, /aud/],
      ["an unsigned ID token (alg none)", { header: { alg: "none" } }, /alg|signature|JWS/i],
    ] as const) {
      it(name, async () => {
        const company = await ssoCompany();
        const email = `ga-${randomBytes(2).toString("hex")}@${company.domain}`;
        idp.addUser({ email, groups: ["ops-team"] });
        idp.tamperIdTokens((token) => ({
          header: { ...token.header, ...("header" in tamper ? tamper.header : {}) },
          claims: { ...token.claims, ...("claims" in tamper ? tamper.claims : {}) },
        }));
        try {
          const login = await ssoLogin(email);
          expect(login).toEqual({
            location: `${PUBLIC_URL}/login?sso_error=invalid_response`,
            session: null,
          });
          expect(await refusedCheck(company.id)).toMatch(check);
          expect(await membershipOf(company.id, email)).toBeUndefined();
        } finally {
          idp.tamperIdTokens(null);
        }
        // The same login untampered goes through: the refusal was the check's.
        expect((await ssoLogin(email)).session).toBeTruthy();
      });
    }
  });

  it("routes the login page by the email's domain only: 404 sso_not_available elsewhere", async () => {
    const company = await ssoCompany();
    const known = await h.inject(null, {
      method: "POST",
      url: "/api/auth/sso/start",
      payload: { email: `nobody-yet@${company.domain}` },
    });
    expect(known.statusCode).toBe(200);
    expect(new URL(known.json().redirectUrl).origin).toBe(idp.issuer);
    const unknown = await h.inject(null, {
      method: "POST",
      url: "/api/auth/sso/start",
      payload: { email: "someone@unverified.example" },
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe("sso_not_available");
  });

  it("with Require SSO refuses password login and reset at the verified domain, but lets a break-glass Admin in", async () => {
    const company = await ssoCompany();
    const worker = await h.account(`worker@${company.domain}`);
    const glass = await h.account(`glass@${company.domain}`);
    const { addMember } = await import("../server/companies/queries.js");
    const glassMemberId = await h.db.transaction().execute(async (trx) => {
      await addMember(trx, {
        companyId: company.id,
        accountId: worker.id,
        roleIds: [company.roleIds.finance],
        invitedBy: null,
        now: h.clock.now(),
      });
      return addMember(trx, {
        companyId: company.id,
        accountId: glass.id,
        roleIds: [company.roleIds.admin],
        invitedBy: null,
        now: h.clock.now(),
      });
    });
    const workerMember = (await membershipOf(company.id, worker.email))!;

    // Break-glass members must be active Admins.
    const notAdmin = await h.inject(company.adminCookie, {
      method: "PUT",
      url: `/api/companies/${company.id}/sso`,
      payload: settings(company, { requireSso: true, breakGlassMemberIds: [workerMember.id], version: 1 }),
    });
    expect(notAdmin.statusCode).toBe(400);
    expect(notAdmin.json().error).toMatchObject({
      code: "invalid_sso_settings",
      details: { field: "breakGlassMemberIds" },
    });

    const required = await h.inject(company.adminCookie, {
      method: "PUT",
      url: `/api/companies/${company.id}/sso`,
      payload: settings(company, { requireSso: true, breakGlassMemberIds: [glassMemberId], version: 1 }),
    });
    expect(required.statusCode, required.body).toBe(200);

    const refused = await h.app.inject({
      method: "POST",
      url: "/api/auth/login",
      payload: { email: worker.email, password: TEST_PASSWORD },
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe("sso_required");
    expect(h.sessionCookie(refused)).toBeUndefined();
    // A wrong password learns nothing about the requirement.
    const wrong = await h.app.inject({
      method: "POST",
      url: "/api/auth/login",
      payload: { email: worker.email, password: "not the password at all" },
    });
    expect(wrong.json().error.code).toBe("invalid_credentials");

    await h.app.inject({ method: "POST", url: "/api/auth/password-reset", payload: { email: worker.email } });
    const reset = await lastAudit(null, "password.reset_requested");
    expect(reset?.details).toMatchObject({ mailed: false, reason: "sso_required" });

    expect(await h.login(glass.email)).toBeTruthy();
  });

  it("needs a step-up and the current version to change the settings", async () => {
    const company = await ssoCompany();
    const fresh = await h.login(company.admin.email);
    const unverified = await h.inject(fresh, {
      method: "PUT",
      url: `/api/companies/${company.id}/sso`,
      payload: settings(company, { version: 1 }),
    });
    expect(unverified.json().error.code).toBe("step_up_required");
    const stale = await h.inject(company.adminCookie, {
      method: "PUT",
      url: `/api/companies/${company.id}/sso`,
      payload: settings(company, { version: 0 }),
    });
    expect(stale.statusCode).toBe(409);
    expect((await lastAudit(company.id, "sso.settings_change_refused"))?.details).toMatchObject({
      reason: "conflict",
    });
  });
});
