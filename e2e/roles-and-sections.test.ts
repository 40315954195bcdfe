// Browser tests for the sections each role opens: every predefined role logs in and sees exactly
// the menu entries its permissions open, and Finance downloads a transactions CSV whose rows are
// the ones the API lists for the same filter, or, when the download is no longer allowed, gets a
// message or the login page instead of a refusal saved as a file.
import fs from "node:fs";
import { describe, expect, it } from "vitest";
import type { PredefinedRoleKey } from "../server/access/permissions.js";
import { logIn, menuLabels } from "./support/pages.js";
import { usePortalAndBrowser } from "./support/portal.js";

// SPEC §1, read as menus: what each predefined role must see, in order.
const MENUS: Record<PredefinedRoleKey, string[]> = {
  admin: [
    "Home",
    "Transactions",
    "Settlements",
    "Account",
    "Member list",
    "Roles",
    "Audit log",
    "Company info",
    "Account info",
    "Company settings",
    "Security",
    "Access reviews",
  ],
  finance: ["Home", "Transactions", "Settlements"],
  operations: ["Home", "Transactions"],
  developer: ["Home", "Developer Center"],
  data_analytics: ["Home", "Insights"],
};

const NOT_ALLOWED = "You can no longer download these records. Your roles in this company have changed.";

describe("roles open their sections in Chromium", () => {
  const held = usePortalAndBrowser();

  for (const role of Object.keys(MENUS) as PredefinedRoleKey[]) {
    it(`${role} sees exactly ${MENUS[role].join(", ")}`, async () => {
      const context = await held.browser.newContext();
      const page = await context.newPage();
      await logIn(
        page,
        held.portal.url,
        held.portal.credentials(role).email,
        held.portal.credentials(role).password,
      );
      await expect.poll(() => menuLabels(page)).toEqual(MENUS[role]);
      // Each visible section opens with its content, not an access error.
      for (const entry of MENUS[role].filter((e) => !["Home", "Account", "Company settings"].includes(e))) {
        await page.getByRole("menuitem", { name: entry }).click();
        await expect
          .poll(() => page.getByRole("heading", { name: entry }).count(), { message: entry })
          .toBeGreaterThan(0);
        expect(await page.getByText("You do not have access to this page").count(), entry).toBe(0);
      }
      await context.close();
    });
  }

  it("Finance downloads the failed transactions as a CSV with the rows the API lists", async () => {
    const context = await held.browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    await logIn(
      page,
      held.portal.url,
      held.portal.credentials("finance").email,
      held.portal.credentials("finance").password,
    );
    await page.getByRole("menuitem", { name: "Transactions" }).click();
    await page.getByLabel("Status").click();
    await page.locator('.ant-select-item-option[title="Failed"]').click();
    const download = page.getByRole("link", { name: "Download" });
    await expect.poll(() => download.getAttribute("href")).toContain("status=failed");

    const [file] = await Promise.all([page.waitForEvent("download"), download.click()]);
    expect(file.suggestedFilename()).toMatch(/^transactions-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = fs.readFileSync((await file.path()) as string, "utf8");
    const lines = csv.trimEnd().split("\r\n");
    expect(lines[0]).toBe(
      "id,occurred_at,merchant_reference,amount,currency,payment_method,status,error_code,settlement_batch_id",
    );

    const listed = await page.evaluate(
      async (href) => {
        const url = new URL(href, window.location.origin);
        const ids: string[] = [];
        let cursor: string | null = null;
        do {
          const query: URLSearchParams = new URLSearchParams({
            status: "failed",
            limit: "100",
            ...(cursor ? { cursor } : {}),
          });
          const body: { items: { id: string }[]; nextCursor: string | null } = await (
            await fetch(`${url.pathname.replace(/\/export$/, "")}?${query}`)
          ).json();
          ids.push(...body.items.map((t: { id: string }) => t.id));
          cursor = body.nextCursor;
        } while (cursor);
        return ids;
      },
      (await download.getAttribute("href")) as string,
    );
    const rows = lines.slice(1).map((line) => line.split(","));
    expect(rows.map((r) => r[0])).toEqual(listed);
    expect(rows.every((r) => r[6] === "failed" && (r[7] ?? "").length > 0)).toBe(true);
    await context.close();
  });

  /** Finance on a section with its Download showing, and the names of the files the browser saves. */
  async function financeWithDownload(section: "Transactions" | "Settlements") {
    const context = await held.browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    const downloads: string[] = [];
    page.on("download", (file) => downloads.push(file.suggestedFilename()));
    const { email, password } = held.portal.credentials("finance");
    await logIn(page, held.portal.url, email, password);
    // The rows' merchant-account names load after the rows: a test that ends the session waits for
    // them, or their 401 sends the page to login before its click (Playwright's "networkidle" fires
    // once per document, not after a client-side navigation).
    const accountNames = page.waitForResponse((response) => response.url().includes("/merchant-accounts"));
    await page.getByRole("menuitem", { name: section }).click();
    const download = page.getByRole("link", { name: "Download" });
    await download.waitFor();
    await accountNames;
    return { context, page, download, downloads };
  }

  it("Issue 17 item 12: Finance whose download was taken away after the page loaded gets a message, not a saved refusal", async () => {
    const { context, page, download, downloads } = await financeWithDownload("Transactions");
    // From now on /api/me says what the server would after an Admin took the permission away.
    await page.route("**/api/me", async (route) => {
      const response = await route.fetch();
      const me = await response.json();
      for (const membership of me.memberships) {
        membership.permissions = membership.permissions.filter((p: string) => p !== "transactions.download");
      }
      await route.fulfill({ response, json: me });
    });
    await download.click();
    await expect
      .poll(() => page.getByText(NOT_ALLOWED).count(), { message: "the message" })
      .toBeGreaterThan(0);
    // The page now shows what the member may do: no Download; and no file was saved.
    await expect.poll(() => download.count()).toBe(0);
    expect(downloads).toEqual([]);
    await context.close();
  });

  it("Issue 17 item 12: Finance whose session ended before Download lands on the login page, with no file saved", async () => {
    const { context, page, download, downloads } = await financeWithDownload("Settlements");
    await context.clearCookies();
    await download.click();
    await page.waitForURL(/\/login/);
    expect(downloads).toEqual([]);
    await context.close();
  });

  it("Operations sees transactions but no Download, and the export is refused anyway", async () => {
    const context = await held.browser.newContext();
    const page = await context.newPage();
    await logIn(
      page,
      held.portal.url,
      held.portal.credentials("operations").email,
      held.portal.credentials("operations").password,
    );
    await page.getByRole("menuitem", { name: "Transactions" }).click();
    await expect.poll(() => page.getByRole("heading", { name: "Transactions" }).count()).toBeGreaterThan(0);
    expect(await page.getByRole("link", { name: "Download" }).count()).toBe(0);
    const status = await page.evaluate(async () => {
      const companyId = window.location.pathname.split("/")[2];
      return (await fetch(`/api/companies/${companyId}/transactions/export`)).status;
    });
    expect(status).toBe(403);
    await context.close();
  });
});
