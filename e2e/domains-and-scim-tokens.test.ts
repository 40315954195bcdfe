// Browser test of SPEC §6.3's settings: on Company settings → Security the Admin adds a domain,
// publishes the TXT record shown (to a DNS server on loopback), verifies it through the Email
// Verification window, then creates a SCIM token (shown once, copyable) that the SCIM server takes.
import { AxeBuilder } from "@axe-core/playwright";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DnsServer, startDnsServer } from "../test/support/dns-server.js";
import { logIn, openSection, passEmailVerificationIfAsked } from "./support/pages.js";
import { launchBrowser, type Portal, startPortal } from "./support/portal.js";

describe("verified domains and SCIM tokens in Chromium", () => {
  let dns: DnsServer;
  let portal: Portal;
  let browser: Browser;
  beforeAll(async () => {
    dns = await startDnsServer();
    portal = await startPortal("pglite", "127.0.0.1", { DNS_SERVERS: `127.0.0.1:${dns.port}` });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await portal?.close();
    await dns?.close();
  });

  it("the Admin adds and verifies a domain, then creates a SCIM token shown once", async () => {
    const page = await (await browser.newContext()).newPage();
    const admin = portal.credentials("admin");
    await logIn(page, portal.url, admin.email, admin.password);
    await openSection(page, "Security");
    const domains = page.getByRole("region", { name: "Domains" });
    await domains.getByRole("heading", { name: "Domains" }).waitFor();

    await domains.getByRole("textbox", { name: "Domain" }).fill("Payments.Example");
    await domains.getByRole("button", { name: "Add domain" }).click();
    await passEmailVerificationIfAsked(
      page,
      (to) => portal.latestMail(to),
      admin.email,
      async () => (await domains.getByRole("cell", { name: "payments.example" }).count()) > 0,
    );
    const row = domains.getByRole("row").filter({ hasText: "payments.example" });
    await row.getByText("Pending").waitFor();
    const record = (await row.locator("code").textContent()) ?? "";
    expect(record).toMatch(/^portal-verification=[0-9a-f]{32}$/);

    // Not published yet: the page says so and the domain stays pending.
    await row.getByRole("button", { name: "Verify payments.example" }).click();
    await page.getByText(/No TXT record "portal-verification=/).waitFor();
    await row.getByText("Pending").waitFor();

    dns.setRecords({ "payments.example": { TXT: [record] } });
    await row.getByRole("button", { name: "Verify payments.example" }).click();
    await row.getByText("Verified").waitFor();
    expect(await row.getByRole("button", { name: "Verify payments.example" }).count()).toBe(0);

    const tokens = page.getByRole("region", { name: "SCIM tokens" });
    await tokens.getByRole("textbox", { name: "Token name" }).fill("Okta");
    await tokens.getByRole("button", { name: "Create token" }).click();
    await passEmailVerificationIfAsked(
      page,
      (to) => portal.latestMail(to),
      admin.email,
      async () => (await tokens.getByText(/Copy the token "Okta" now/).count()) > 0,
    );
    const token = (await tokens.getByLabel("New SCIM token").textContent()) ?? "";
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await tokens.getByRole("row").filter({ hasText: "Okta" }).getByText("Active").waitFor();

    // Both sections, the one-time token notice shown, have no serious or critical axe-core finding.
    const results = await new AxeBuilder({ page }).analyze();
    const serious = results.violations
      .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
      .flatMap((violation) => violation.nodes.map((node) => `${violation.id}: ${node.target.join(" ")}`));
    expect(serious).toEqual([]);

    // The token is the SCIM server's credential for this company.
    const scim = await fetch(`${portal.url}/scim/v2/Users?count=1`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(scim.status).toBe(200);

    // Dismissed, it is gone from the page for good: the list never shows it.
    await tokens.getByRole("button", { name: "I have copied it" }).click();
    await expect.poll(() => page.getByText(token).count()).toBe(0);
    await page.context().close();
  });
});
