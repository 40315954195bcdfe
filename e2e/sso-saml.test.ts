// Browser test of SPEC §6.3's SAML 2.0 login: Chromium goes from the portal's login page (its
// "Continue with SSO" request, made here as the page makes it) to a real IdP (samlify) served on
// loopback under another site name, signs in there,
// and the IdP's page posts the signed response to our ACS; the person lands in the portal as a new
// member with the role their IdP group maps to. Then a second browser shows that the response alone,
// posted without the login it answers, logs nobody in.
import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serviceProviderUrls } from "../server/sso/saml/service-provider.js";
import { createTestIdp, type TestIdp } from "../test/support/saml-idp.js";
import { menuLabels } from "./support/pages.js";
import { usePortalAndBrowser } from "./support/portal.js";

const DOMAIN = "saml-e2e.example";

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function readForm(request: http.IncomingMessage): Promise<URLSearchParams> {
  return new Promise((resolve, reject) => {
    let body = "";
    request.setEncoding("utf8");
    request.on("data", (chunk: string) => {
      body += chunk;
    });
    request.on("end", () => resolve(new URLSearchParams(body)));
    request.on("error", reject);
  });
}

/**
 * The IdP's two pages: its sign-in form (reached with our AuthnRequest), and the page that posts the
 * signed response to the SP's ACS, as IdPs do with JavaScript off. Served on "localhost" while the
 * portal is "127.0.0.1": another site, so the ACS POST is cross-site as in production.
 */
async function serveIdp(sp: { entityId: string; acsUrl: string }) {
  let idp: TestIdp | null = null;
  const pending = new Map<string, string>();
  const posted: string[] = [];
  const server = http.createServer(async (request, response) => {
    try {
      const url = new URL(request.url ?? "/", "http://localhost");
      response.setHeader("content-type", "text/html; charset=utf-8");
      if (request.method === "GET" && url.pathname === "/sso" && idp) {
        const authnRequest = await idp.readAuthnRequest(`${idp.ssoUrl}${url.search}`, sp);
        const transaction = randomBytes(8).toString("hex");
        pending.set(transaction, authnRequest.id);
        response.end(
          `<!doctype html><html lang="en"><title>Test IdP</title><main><h1>Sign in to the test IdP</h1>` +
            `<form method="post" action="/login"><input type="hidden" name="transaction" value="${transaction}">` +
            `<label>Work email <input name="email" type="email"></label><button>Sign in</button></form></main></html>`,
        );
        return;
      }
      if (request.method === "POST" && url.pathname === "/login" && idp) {
        const form = await readForm(request);
        const inResponseTo = pending.get(form.get("transaction") ?? "");
        const email = form.get("email") ?? "";
        const samlResponse = await idp.response({
          sp,
          nameId: email,
          attributes: { displayName: "Sam Lee", groups: ["Portal Finance"] },
          inResponseTo: inResponseTo ?? null,
          issuedAt: new Date(),
        });
        posted.push(samlResponse);
        response.end(
          `<!doctype html><html lang="en"><title>Test IdP</title><main><h1>Signed in</h1>` +
            `<form method="post" action="${escapeHtml(sp.acsUrl)}">` +
            `<input type="hidden" name="SAMLResponse" value="${escapeHtml(samlResponse)}">` +
            `<button>Continue to the portal</button></form></main></html>`,
        );
        return;
      }
      response.statusCode = 404;
      response.end("not found");
    } catch (error) {
      response.statusCode = 500;
      response.end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  idp = createTestIdp({
    entityId: `http://localhost:${port}/metadata`,
    ssoUrl: `http://localhost:${port}/sso`,
  });
  return {
    idp,
    posted,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe("SAML 2.0 login in Chromium", () => {
  const held = usePortalAndBrowser();
  let served: Awaited<ReturnType<typeof serveIdp>>;
  let companyId: string;

  beforeAll(async () => {
    const db = held.portal.database.db;
    const company = await db.selectFrom("companies").select("id").executeTakeFirstOrThrow();
    companyId = company.id;
    const admin = held.portal.credentials("admin");
    const adminAccount = await db
      .selectFrom("accounts")
      .select("id")
      .where("email", "=", admin.email)
      .executeTakeFirstOrThrow();
    const finance = await db
      .selectFrom("roles")
      .select("id")
      .where("company_id", "=", companyId)
      .where("key", "=", "finance")
      .executeTakeFirstOrThrow();
    served = await serveIdp(serviceProviderUrls(held.portal.url, companyId));
    const now = new Date();
    await db
      .insertInto("company_domains")
      .values({
        company_id: companyId,
        domain: DOMAIN,
        verification_token: randomBytes(16).toString("hex"),
        verified_at: now,
        created_at: now,
      })
      .execute();
    await db
      .insertInto("sso_connections")
      .values({
        company_id: companyId,
        protocol: "saml",
        enabled: true,
        saml_idp_entity_id: served.idp.entityId,
        saml_idp_sso_url: served.idp.ssoUrl,
        saml_idp_certificate: served.idp.certificate,
        groups_attribute: "groups",
        updated_at: now,
        updated_by: adminAccount.id,
      })
      .execute();
    await db
      .insertInto("sso_group_mappings")
      .values({ company_id: companyId, group_name: "Portal Finance", role_id: finance.id })
      .execute();
  });
  afterAll(() => served?.close());

  it("signs a new person in through the IdP and lands them in the portal with their mapped role", async () => {
    const context = await held.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${held.portal.url}/login`);
    // What "Continue with SSO" asks: where this email's domain signs in (and a cookie for the login).
    const redirectUrl = await page.evaluate(async (email) => {
      const response = await fetch("/api/auth/sso/start", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email }),
      });
      return ((await response.json()) as { redirectUrl: string }).redirectUrl;
    }, `sam.lee@${DOMAIN}`);
    await page.goto(redirectUrl);

    await page.getByRole("heading", { level: 1, name: "Sign in to the test IdP" }).waitFor();
    expect(new URL(page.url()).hostname).toBe("localhost");
    await page.getByLabel("Work email").fill(`sam.lee@${DOMAIN}`);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("button", { name: "Continue to the portal" }).click();

    await page.waitForURL(/\/c\/[0-9a-f-]{36}/);
    expect(await menuLabels(page)).toContain("Transactions");
    expect(await menuLabels(page)).not.toContain("Member list");
    const me = await page.evaluate(async () => (await fetch("/api/me")).json());
    expect(me.account.email).toBe(`sam.lee@${DOMAIN}`);
    expect(me.memberships[0].roles.map((role: { key: string }) => role.key)).toEqual(["finance"]);
    await context.close();
  });

  it("logs nobody in from a response posted again in a browser that did not start the login", async () => {
    const context = await held.browser.newContext();
    const page = await context.newPage();
    const replayed = served.posted.at(-1) as string;
    await page.setContent(
      `<form method="post" action="${escapeHtml(serviceProviderUrls(held.portal.url, companyId).acsUrl)}">` +
        `<input type="hidden" name="SAMLResponse" value="${escapeHtml(replayed)}"><button>Post</button></form>`,
    );
    await page.getByRole("button", { name: "Post" }).click();
    await page.waitForURL(/\/login\?sso_error=/);
    expect(new URL(page.url()).searchParams.get("sso_error")).toBe("invalid_response");
    const me = await page.evaluate(async () => (await fetch("/api/me")).status);
    expect(me).toBe(401);
    await context.close();
  });
});
