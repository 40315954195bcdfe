// Browser test of the member list's first render (issue #21, U1): opened by its address, the page
// asks for its first page of members while its own code is still on the way, under the key the
// page reads, so the page shows those rows without asking again; and it asks for the words of every
// section (the i18n catalogues) at once, not ten at a time as i18next reads them.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { companyIdOf, logIn } from "./support/pages.js";
import { usePortalAndBrowser } from "./support/portal.js";

describe("the member list's first render", () => {
  const held = usePortalAndBrowser();

  /** A fresh browser context with the Admin logged in, on the portal of their company. */
  async function adminInPortal() {
    const context = await held.browser.newContext();
    const page = await context.newPage();
    const admin = held.portal.credentials("admin");
    await logIn(page, held.portal.url, admin.email, admin.password, false);
    await page.waitForURL(/\/c\/[0-9a-f-]{36}/);
    const companyId = companyIdOf(page);
    expect(companyId).toBeDefined();
    return { context, page, companyId };
  }

  it("asks for the first page before the page's code arrives, and only once", async () => {
    const { context, page, companyId } = await adminInPortal();

    const memberRequests: string[] = [];
    let sawMembersRequest: () => void = () => undefined;
    const membersRequested = new Promise<void>((resolve) => {
      sawMembersRequest = resolve;
    });
    page.on("request", (request) => {
      const url = new URL(request.url());
      if (url.pathname === `/api/companies/${companyId}/members`) {
        memberRequests.push(url.search);
        sawMembersRequest();
      }
    });
    // The page's chunk is held back until the list was asked for: without the early request the
    // page would wait for its code forever and never show a row.
    await page.route(/\/assets\/MemberListPage-[^/]+\.js$/, async (route) => {
      await membersRequested;
      await route.continue();
    });

    await page.goto(`${held.portal.url}/c/${companyId}/account/members`);
    await page.locator("tr.ant-table-row[data-row-key]").first().waitFor({ timeout: 30_000 });
    expect(memberRequests).toEqual(["?limit=20"]);
    await context.close();
  });

  it("asks for every section's words at once, beside the page's code", async () => {
    const manifest = JSON.parse(
      fs.readFileSync(
        path.resolve(import.meta.dirname, "..", "web", "dist", ".vite", "manifest.json"),
        "utf8",
      ),
    ) as Record<string, { file: string }>;
    const catalogues = new Set(
      Object.entries(manifest)
        .filter(([source]) => source.startsWith("src/i18n/locales/en/"))
        .map(([, chunk]) => `/${chunk.file}`),
    );
    expect(catalogues.size).toBeGreaterThan(10);
    const { context, page, companyId } = await adminInPortal();

    const asked = new Set<string>();
    let sawEvery: () => void = () => undefined;
    const everyCatalogueAsked = new Promise<void>((resolve) => {
      sawEvery = resolve;
    });
    page.on("request", (request) => {
      const { pathname } = new URL(request.url());
      if (!catalogues.has(pathname)) return;
      asked.add(pathname);
      if (asked.size === catalogues.size) sawEvery();
    });
    // Each catalogue is held back until all of them were asked for. i18next alone reads ten at a
    // time and asks for the next once one is here: the page would then wait for its words forever.
    await page.route(
      (url) => catalogues.has(url.pathname),
      async (route) => {
        await everyCatalogueAsked;
        await route.continue();
      },
    );

    await page.goto(`${held.portal.url}/c/${companyId}/account/members`);
    await page.locator("tr.ant-table-row[data-row-key]").first().waitFor({ timeout: 30_000 });
    await context.close();
  });
});
