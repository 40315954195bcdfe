// SPEC §6.3, SAML 2.0 login end to end over HTTP, with a real IdP (samlify, test/support/saml-idp.ts):
// the AuthnRequest it reads, the signed response posted cross-site to our ACS, the completion in the
// browser that started the login, and the just-in-time member with mapped roles. Then the flow's
// attacks: an unknown InResponseTo, a replayed assertion (also two copies at once), an IdP-initiated
// response unless the company allows it, a response planted in another browser, an assertion for
// another company, and an IdP claiming an email of another company's domain.
import { randomBytes } from "node:crypto";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { serviceProviderUrls } from "../server/sso/saml/service-provider.js";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness } from "./support/harness.js";
import { createTestIdp, type ResponseOptions } from "./support/saml-idp.js";

const IDP_ORIGIN = "https://idp.saml.test";
const SAML_COOKIE = "portal_saml";

describe.each(testDatabaseKinds)("SPEC 6.3: SAML login on %s", (kind) => {
  let h: Harness;
  const idp = createTestIdp({ ssoUrl: `${IDP_ORIGIN}/sso` });
  let company: Awaited<ReturnType<Harness["company"]>>;
  let sp: ReturnType<typeof serviceProviderUrls>;
  let domain: string;

  beforeAll(async () => {
    h = await createHarness(kind);
  });
  afterAll(() => h?.close());

  /** A company with a verified domain and an enabled SAML connection to the test IdP. */
  async function samlCompany(name: string, options: { allowIdpInitiated?: boolean } = {}) {
    const made = await h.company(name);
    const madeDomain = `${name.toLowerCase().replace(/[^a-z]/g, "")}-${randomBytes(3).toString("hex")}.test`;
    await h.db
      .insertInto("company_domains")
      .values({
        company_id: made.id,
        domain: madeDomain,
        verification_token: randomBytes(16).toString("hex"),
        verified_at: h.clock.now(),
        created_at: h.clock.now(),
      })
      .execute();
    await h.db
      .insertInto("sso_connections")
      .values({
        company_id: made.id,
        protocol: "saml",
        enabled: true,
        saml_idp_entity_id: idp.entityId,
        saml_idp_sso_url: idp.ssoUrl,
        saml_idp_certificate: idp.certificate,
        saml_allow_idp_initiated: options.allowIdpInitiated ?? false,
        groups_attribute: "groups",
        updated_at: h.clock.now(),
        updated_by: made.admin.id,
      })
      .execute();
    await h.db
      .insertInto("sso_group_mappings")
      .values([
        { company_id: made.id, group_name: "Finance Team", role_id: made.roleIds.finance },
        { company_id: made.id, group_name: "Ops", role_id: made.roleIds.operations },
      ])
      .execute();
    return { company: made, domain: madeDomain, sp: serviceProviderUrls(h.config.publicUrl, made.id) };
  }

  beforeEach(async () => {
    ({ company, domain, sp } = await samlCompany(`Acme ${randomBytes(2).toString("hex")}`));
  });

  const cookieOf = (response: LightMyRequestResponse, name: string) =>
    response.cookies.find((c) => c.name === name && c.value !== "")?.value;

  /** The browser asks to log in: our redirect to the IdP, and the browser's SAML cookie. */
  async function start(companyId = company.id) {
    const response = await h.app.inject({
      method: "GET",
      url: `/api/auth/sso/saml/login?companyId=${companyId}`,
    });
    expect(response.statusCode, response.body).toBe(302);
    const browser = cookieOf(response, SAML_COOKIE);
    expect(browser).toBeDefined();
    const request = await idp.readAuthnRequest(response.headers.location as string, sp);
    return { browser: browser as string, requestId: request.id, authnRequest: request };
  }

  /** The IdP's page posts the response to our ACS, cross-site, as the HTTP-POST binding does. */
  function postToAcs(samlResponse: string, options: { acsCompanyId?: string; cookie?: string } = {}) {
    return h.app.inject({
      method: "POST",
      url: `/api/auth/sso/saml/acs?companyId=${options.acsCompanyId ?? company.id}`,
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        origin: IDP_ORIGIN,
        "sec-fetch-site": "cross-site",
        ...(options.cookie ? { cookie: `${SAML_COOKIE}=${options.cookie}` } : {}),
      },
      payload: new URLSearchParams({ SAMLResponse: samlResponse, RelayState: "" }).toString(),
    });
  }

  /** The browser follows the ACS's redirect with (or without) its SAML cookie. */
  function complete(browser: string | undefined) {
    return h.app.inject({
      method: "GET",
      url: "/api/auth/sso/saml/complete",
      headers: browser ? { cookie: `${SAML_COOKIE}=${browser}` } : {},
    });
  }

  function respond(overrides: Partial<ResponseOptions> & { inResponseTo: string | null }) {
    return idp.response({
      sp,
      nameId: `ada@${domain}`,
      attributes: { displayName: "Ada Lovelace", groups: ["Finance Team", "Ops", "Unmapped"] },
      issuedAt: h.clock.now(),
      ...overrides,
    });
  }

  async function lastRefusal(companyId = company.id) {
    return h.db
      .selectFrom("audit_events")
      .select(["action", "outcome", "details"])
      .where("company_id", "=", companyId)
      .where("action", "=", "sso.login_refused")
      .orderBy("occurred_at", "desc")
      .orderBy("id", "desc")
      .limit(1)
      .executeTakeFirst();
  }

  const refusedWith = (response: LightMyRequestResponse, reason: string) => {
    expect(response.statusCode, response.body).toBe(303);
    expect(response.headers.location).toBe(`${h.config.publicUrl}/login?sso_error=${reason}`);
    expect(h.sessionCookie(response)).toBeUndefined();
  };

  it("logs a new person in just in time, with the roles their groups map to", async () => {
    const { browser, requestId, authnRequest } = await start();
    expect(authnRequest.issuer).toBe(sp.entityId);
    expect(authnRequest.acsUrl).toBe(sp.acsUrl);
    const accepted = await postToAcs(await respond({ inResponseTo: requestId }));
    expect(accepted.statusCode, accepted.body).toBe(303);
    expect(accepted.headers.location).toBe("/api/auth/sso/saml/complete");
    expect(h.sessionCookie(accepted)).toBeUndefined();

    const done = await complete(browser);
    expect(done.statusCode, done.body).toBe(303);
    expect(done.headers.location).toBe(`${h.config.publicUrl}/`);
    const session = h.sessionCookie(done);
    expect(session).toBeDefined();
    const me = (await h.inject(session as string, { url: "/api/me" })).json();
    expect(me.account).toMatchObject({ email: `ada@${domain}`, name: "Ada Lovelace" });
    const membership = me.memberships.find((m: { companyId: string }) => m.companyId === company.id);
    expect(membership.status).toBe("active");
    expect(membership.roles.map((r: { key: string }) => r.key).sort()).toEqual(["finance", "operations"]);
    const joined = await h.db
      .selectFrom("audit_events")
      .select("details")
      .where("company_id", "=", company.id)
      .where("action", "=", "sso.member_joined")
      .executeTakeFirstOrThrow();
    expect(joined.details).toMatchObject({ protocol: "saml", email: `ada@${domain}` });

    // The completion works once: the same browser cookie again is an expired sign-in.
    refusedWith(await complete(browser), "expired");
  });

  it("re-applies the mapping at the next SAML login", async () => {
    const first = await start();
    await postToAcs(await respond({ inResponseTo: first.requestId }));
    expect(h.sessionCookie(await complete(first.browser))).toBeDefined();
    const second = await start();
    await postToAcs(await respond({ inResponseTo: second.requestId, attributes: { groups: ["Ops"] } }));
    const session = h.sessionCookie(await complete(second.browser)) as string;
    const me = (await h.inject(session, { url: "/api/me" })).json();
    const membership = me.memberships.find((m: { companyId: string }) => m.companyId === company.id);
    expect(membership.roles.map((r: { key: string }) => r.key)).toEqual(["operations"]);
  });

  it("refuses a response to a request this portal never sent (unknown InResponseTo), and audits it", async () => {
    const { browser } = await start();
    const response = await postToAcs(await respond({ inResponseTo: `_${randomBytes(20).toString("hex")}` }));
    refusedWith(response, "expired");
    expect(await lastRefusal()).toMatchObject({
      outcome: "denied",
      details: { reason: "expired", protocol: "saml", check: "in_response_to_unknown" },
    });
    refusedWith(await complete(browser), "expired");
  });

  it("refuses a response once its request has expired (15 minutes)", async () => {
    const { browser, requestId } = await start();
    h.clock.advance(16 * 60_000);
    refusedWith(await postToAcs(await respond({ inResponseTo: requestId })), "expired");
    refusedWith(await complete(browser), "expired");
  });

  it("refuses a replayed assertion, after it logged in once", async () => {
    const { browser, requestId } = await start();
    const response = await respond({ inResponseTo: requestId });
    expect((await postToAcs(response)).headers.location).toBe("/api/auth/sso/saml/complete");
    expect(h.sessionCookie(await complete(browser))).toBeDefined();
    refusedWith(await postToAcs(response), "invalid_response");
    expect((await lastRefusal())?.details).toMatchObject({ check: "assertion_replayed" });
  });

  it("accepts one of two copies of an assertion posted at once", async () => {
    const { requestId } = await start();
    const response = await respond({ inResponseTo: requestId });
    const answers = await Promise.all([postToAcs(response), postToAcs(response), postToAcs(response)]);
    const accepted = answers.filter((a) => a.headers.location === "/api/auth/sso/saml/complete");
    expect(accepted).toHaveLength(1);
    const used = await h.db
      .selectFrom("saml_used_assertions")
      .select("assertion_id")
      .where("company_id", "=", company.id)
      .execute();
    expect(used).toHaveLength(1);
  });

  it("refuses an IdP-initiated response unless the company allows it, then logs in with it once", async () => {
    refusedWith(await postToAcs(await respond({ inResponseTo: null })), "invalid_response");
    expect((await lastRefusal())?.details).toMatchObject({ check: "idp_initiated_not_allowed" });

    await h.db
      .updateTable("sso_connections")
      .set({ saml_allow_idp_initiated: true })
      .where("company_id", "=", company.id)
      .execute();
    const unsolicited = await respond({ inResponseTo: null });
    const accepted = await postToAcs(unsolicited);
    expect(accepted.headers.location).toBe("/api/auth/sso/saml/complete");
    const browser = cookieOf(accepted, SAML_COOKIE);
    expect(browser).toBeDefined();
    expect(h.sessionCookie(await complete(browser))).toBeDefined();
    refusedWith(await postToAcs(unsolicited), "invalid_response");
  });

  it("does not log in a browser that did not start the login (a response planted in another browser)", async () => {
    // The attacker starts a login in their browser and signs in at the IdP as themselves...
    const attacker = await start();
    const theirs = await respond({ inResponseTo: attacker.requestId, nameId: `mallory@${domain}` });
    // ...then makes the victim's browser, which has its own login in flight, post it.
    const victim = await start();
    const posted = await postToAcs(theirs, { cookie: victim.browser });
    expect(posted.headers.location).toBe("/api/auth/sso/saml/complete");
    refusedWith(await complete(victim.browser), "expired");
    refusedWith(await complete(undefined), "expired");
  });

  it("refuses an assertion made for another company's SP at this company's ACS", async () => {
    const other = await samlCompany(`Other ${randomBytes(2).toString("hex")}`);
    const { requestId } = await start();
    const forOther = await idp.response({
      sp: other.sp,
      nameId: `ada@${domain}`,
      inResponseTo: requestId,
      issuedAt: h.clock.now(),
    });
    refusedWith(await postToAcs(forOther), "invalid_response");
    expect((await lastRefusal())?.details).toMatchObject({ check: "audience_mismatch" });
  });

  it("refuses an unsigned response and one signed by another key, and audits the check that failed", async () => {
    const { requestId } = await start();
    refusedWith(
      await postToAcs(await respond({ inResponseTo: requestId, signedBy: "none" })),
      "invalid_response",
    );
    expect((await lastRefusal())?.details).toMatchObject({ check: "signature_invalid" });
    refusedWith(
      await postToAcs(await respond({ inResponseTo: requestId, signedBy: "attacker" })),
      "invalid_response",
    );
    expect((await lastRefusal())?.details).toMatchObject({ check: "signature_invalid" });
  });

  it("refuses an IdP claiming an email of another company's verified domain", async () => {
    const other = await samlCompany(`Victim ${randomBytes(2).toString("hex")}`);
    const { browser, requestId } = await start();
    const accepted = await postToAcs(
      await respond({ inResponseTo: requestId, nameId: `ceo@${other.domain}` }),
    );
    expect(accepted.headers.location).toBe("/api/auth/sso/saml/complete");
    refusedWith(await complete(browser), "domain_not_verified");
    expect(await lastRefusal()).toMatchObject({
      details: { reason: "domain_not_verified", protocol: "saml" },
    });
    const account = await h.db
      .selectFrom("accounts")
      .select("id")
      .where("email", "=", `ceo@${other.domain}`)
      .executeTakeFirst();
    expect(account).toBeUndefined();
  });

  it("starts from the login page's SSO request for an email of the verified domain, and completes", async () => {
    const started = await h.app.inject({
      method: "POST",
      url: "/api/auth/sso/start",
      payload: { email: `grace@${domain}` },
    });
    expect(started.statusCode, started.body).toBe(200);
    const redirectUrl = started.json().redirectUrl as string;
    expect(redirectUrl.startsWith(`${idp.ssoUrl}?SAMLRequest=`)).toBe(true);
    const browser = cookieOf(started, SAML_COOKIE) as string;
    const { id } = await idp.readAuthnRequest(redirectUrl, sp);
    await postToAcs(await respond({ inResponseTo: id, nameId: `grace@${domain}` }));
    expect(h.sessionCookie(await complete(browser))).toBeDefined();
  });

  it("tells the Admin the company's own SAML entity id, ACS and metadata URLs", async () => {
    const admin = await h.login(company.admin.email);
    const settings = await h.inject(admin, { url: `/api/companies/${company.id}/sso` });
    expect(settings.statusCode, settings.body).toBe(200);
    expect(settings.json().serviceProvider).toMatchObject({
      samlEntityId: sp.entityId,
      samlAcsUrl: sp.acsUrl,
      samlMetadataUrl: sp.metadataUrl,
    });
  });

  it("answers 404 for a login at a company without an enabled SAML connection", async () => {
    const plain = await h.company("No SSO Co");
    const response = await h.app.inject({
      method: "GET",
      url: `/api/auth/sso/saml/login?companyId=${plain.id}`,
    });
    expect(response.statusCode).toBe(404);
    await h.db
      .updateTable("sso_connections")
      .set({ enabled: false })
      .where("company_id", "=", company.id)
      .execute();
    const disabled = await h.app.inject({
      method: "GET",
      url: `/api/auth/sso/saml/login?companyId=${company.id}`,
    });
    expect(disabled.statusCode).toBe(404);
  });

  it("serves the SP metadata for the company and refuses a form field sent twice", async () => {
    const metadata = await h.app.inject({
      method: "GET",
      url: `/api/auth/sso/saml/metadata?companyId=${company.id}`,
    });
    expect(metadata.statusCode).toBe(200);
    expect(metadata.headers["content-type"]).toMatch(/^application\/samlmetadata\+xml/);
    expect(metadata.body).toContain(sp.acsUrl);
    const twice = await h.app.inject({
      method: "POST",
      url: `/api/auth/sso/saml/acs?companyId=${company.id}`,
      headers: { "content-type": "application/x-www-form-urlencoded" },
      payload: "SAMLResponse=AAAA&SAMLResponse=BBBB",
    });
    expect(twice.statusCode).toBe(400);
  });
});
