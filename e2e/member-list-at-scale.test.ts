// Browser test of the member list at 2,000 members (SPEC §6.7): the column headers sort on the
// server (email, name, joined, last active, both ways), 50 or 100 rows a page, the page on screen
// stays (under a loading indicator) while the next one loads, and the URL holds the search, order,
// page size and page, so a reload shows the same list and Back/Forward step through the pages.
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { insertMembers } from "../test/support/bulk-members.js";
import { holdAnswers } from "./support/held-answers.js";
import { chooseOption, companyIdOf, logIn } from "./support/pages.js";
import { usePortalAndBrowser } from "./support/portal.js";

const BULK = 2_000;
const email = (i: number) => `scale${String(i).padStart(4, "0")}@bulk.example`;
const BASE = Date.parse("2026-01-01T00:00:00Z");
/** The name of member 42: as long as a name may be (200 characters). */
const LONG_NAME = `Maximiliane ${"Longname-".repeat(30)}`.slice(0, 200);

/** The emails in the member table's rows, in order. */
async function shownEmails(page: Page): Promise<string[]> {
  const rows = page.locator(".ant-table-tbody").first().locator("tr.ant-table-row td:first-child a");
  return rows.allTextContents();
}

/** The member table's header of `column`. */
function header(page: Page, column: string) {
  return page.locator(".ant-table").first().getByRole("columnheader", { name: column, exact: true });
}

/** The emails shown once the list has loaded (no page or order loading any more). */
async function settledEmails(page: Page): Promise<string[]> {
  await expect.poll(() => page.locator('[aria-busy="true"]').count()).toBe(0);
  return shownEmails(page);
}

async function firstShown(page: Page): Promise<string | undefined> {
  return (await shownEmails(page))[0];
}

describe("SPEC 6.7: the member list at 2,000 members, in Chromium", () => {
  const held = usePortalAndBrowser();
  let context: BrowserContext;
  let page: Page;
  let listUrl: string;
  let adminEmail: string;
  let total: number;

  beforeAll(async () => {
    vi.setConfig({ expect: { poll: { timeout: 10_000 } } });
    context = await held.browser.newContext({ viewport: { width: 1440, height: 900 } });
    page = await context.newPage();
    const admin = held.portal.credentials("admin");
    adminEmail = admin.email;
    await logIn(page, held.portal.url, admin.email, admin.password);
    const companyId = companyIdOf(page) ?? "";
    const { db } = held.portal.database;
    const roles = await db
      .selectFrom("roles")
      .select(["id", "key"])
      .where("company_id", "=", companyId)
      .where("key", "in", ["finance", "operations"])
      .execute();
    const roleId = (key: string) => roles.find((role) => role.key === key)?.id ?? "";
    await insertMembers(
      db,
      companyId,
      Array.from({ length: BULK }, (_, i) => ({
        email: email(i),
        name:
          i === 1234
            ? "Aaa First"
            : i === 777
              ? "Zzz Last"
              : i === 42
                ? LONG_NAME
                : `Person ${String(i).padStart(4, "0")}`,
        joinedAt: new Date(BASE - i * 60_000),
        // Every fifth never signed in; the others longer ago the higher their number.
        lastActiveAt: i % 5 === 0 ? null : new Date(BASE - i * 3_600_000),
        roleId: roleId(i % 2 === 0 ? "finance" : "operations"),
      })),
    );
    const counted = await db
      .selectFrom("members")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("company_id", "=", companyId)
      .executeTakeFirstOrThrow();
    total = Number(counted.n);
    listUrl = `${held.portal.url}/c/${companyId}/account/members`;
  });
  afterAll(() => context?.close());

  it("sorts by each column on the server, both ways, and keeps the order in the URL", async () => {
    await page.goto(listUrl);
    await expect.poll(() => shownEmails(page)).toHaveLength(20);
    // Email ascending is the default order; a click on its header turns it around.
    expect(await header(page, "Email").getAttribute("aria-sort")).toBe("ascending");
    await header(page, "Email").click();
    await expect.poll(() => firstShown(page)).toBe(email(BULK - 1));
    expect(new URL(page.url()).searchParams.get("order")).toBe("desc");

    const cases: [column: string, ascending: string, descending: string][] = [
      ["Name", email(1234), email(777)],
      // Seeded members joined before the demo company's people, the highest number first.
      ["Joined", email(BULK - 1), ""],
      // The Admin signed in just now; never-active members come last either way.
      ["Last active", email(BULK - 1), adminEmail],
    ];
    for (const [column, ascending, descending] of cases) {
      await header(page, column).click();
      await expect.poll(() => firstShown(page), { message: `${column} ascending` }).toBe(ascending);
      expect(await header(page, column).getAttribute("aria-sort")).toBe("ascending");
      await header(page, column).click();
      if (descending)
        await expect.poll(() => firstShown(page), { message: `${column} descending` }).toBe(descending);
      else
        await expect
          .poll(() => firstShown(page), { message: `${column} descending` })
          .not.toMatch(/@bulk\.example$/);
      expect(await header(page, column).getAttribute("aria-sort")).toBe("descending");
    }
    const url = new URL(page.url());
    expect([url.searchParams.get("sort"), url.searchParams.get("order")]).toEqual(["lastActiveAt", "desc"]);
  });

  it("shows 50 or 100 members a page and pages through them", async () => {
    await page.goto(`${listUrl}?sort=name`);
    await expect.poll(() => shownEmails(page)).toHaveLength(20);
    const pageSize = page.getByLabel("Members per page");
    await chooseOption(page, pageSize, "50");
    await expect.poll(() => shownEmails(page)).toHaveLength(50);
    expect(new URL(page.url()).searchParams.get("pageSize")).toBe("50");
    await page.getByText(`1–50 of ${total.toLocaleString("en-US")} members`).waitFor();

    await chooseOption(page, pageSize, "100");
    await expect.poll(() => shownEmails(page)).toHaveLength(100);
    const first = await shownEmails(page);
    expect(first[0]).toBe(email(1234));
    await page.getByRole("button", { name: "Next page" }).click();
    await page.getByText(`101–200 of ${total.toLocaleString("en-US")} members`).waitFor();
    await expect.poll(() => firstShown(page)).not.toBe(first[0]);
    const second = await settledEmails(page);
    expect(second).toHaveLength(100);
    expect(second.filter((shown) => first.includes(shown))).toEqual([]);
  });

  it("keeps the page on screen, under a loading indicator, while the next page loads", async () => {
    await page.goto(`${listUrl}?sort=joinedAt`);
    await expect.poll(() => shownEmails(page)).toHaveLength(20);
    const before = await shownEmails(page);
    const next = await holdAnswers(page, /\/api\/companies\/[^/]+\/members\?.*cursor=/);
    await page.getByRole("button", { name: "Next page" }).click();
    await expect.poll(() => next.heldUrls().length).toBe(1);
    // The next page is answered but held back: the rows shown are still the first page's.
    expect(await shownEmails(page)).toEqual(before);
    expect(await page.locator('[aria-busy="true"] .ant-spin-spinning').count()).toBeGreaterThan(0);
    // The footer still counts the rows shown.
    expect(await page.getByText(`1–20 of ${total.toLocaleString("en-US")} members`).count()).toBe(1);
    await next.release();
    await expect.poll(() => firstShown(page)).not.toBe(before[0]);
    await page.getByText(`21–40 of ${total.toLocaleString("en-US")} members`).waitFor();
    expect(await shownEmails(page)).toHaveLength(20);
    expect(await page.locator('[aria-busy="true"]').count()).toBe(0);
  });

  it("restores the search, order, page size and page from the URL after a reload, Back and Forward", async () => {
    await page.goto(listUrl);
    await expect.poll(() => shownEmails(page)).toHaveLength(20);
    await page.getByLabel("Member Email").fill("scale1");
    await chooseOption(page, page.getByLabel("Member Role"), "Finance");
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await header(page, "Name").click();
    await expect.poll(() => header(page, "Name").getAttribute("aria-sort")).toBe("ascending");
    await header(page, "Name").click();
    await chooseOption(page, page.getByLabel("Members per page"), "50");
    await expect.poll(() => new URL(page.url()).searchParams.get("pageSize")).toBe("50");
    // scale1000 … scale1998 with Finance (even numbers): 500 members, by name descending.
    await expect.poll(() => settledEmails(page)).toHaveLength(50);
    const firstPage = await shownEmails(page);
    expect(firstPage[0]).toBe(email(1998));
    await page.getByRole("button", { name: "Next page" }).click();
    await expect.poll(() => firstShown(page)).toBe(email(1898));
    const secondPage = await settledEmails(page);
    expect(secondPage).toHaveLength(50);
    const secondUrl = page.url();

    await page.reload();
    await expect.poll(() => shownEmails(page)).toEqual(secondPage);
    expect(page.url()).toBe(secondUrl);
    expect(await page.getByLabel("Member Email").inputValue()).toBe("scale1");
    expect(await page.locator(".ant-form-item", { hasText: "Member Role" }).textContent()).toContain(
      "Finance",
    );
    expect(await header(page, "Name").getAttribute("aria-sort")).toBe("descending");
    await page.getByText(`51–100 of 500 members`).waitFor();

    await page.goBack();
    await expect.poll(() => shownEmails(page)).toEqual(firstPage);
    await page.goForward();
    await expect.poll(() => shownEmails(page)).toEqual(secondPage);
    await page.getByRole("button", { name: "Previous page" }).click();
    await expect.poll(() => shownEmails(page)).toEqual(firstPage);
  });

  it("cuts a long name at 390 px, and shows it whole on keyboard focus and on hover", async () => {
    const phone = await held.browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      storageState: await context.storageState(),
    });
    try {
      const small = await phone.newPage();
      await small.goto(`${listUrl}?email=${encodeURIComponent(email(42))}`);
      const name = small.locator(".ant-table-tbody .truncated-text", { hasText: "Maximiliane" });
      await name.waitFor();
      expect(await name.evaluate((element) => element.scrollWidth > element.clientWidth)).toBe(true);
      const tooltip = small.getByRole("tooltip").filter({ hasText: LONG_NAME });
      await name.focus();
      await tooltip.waitFor();
      await name.blur();
      await tooltip.waitFor({ state: "hidden" });
      await name.hover();
      await tooltip.waitFor();
    } finally {
      await phone.close();
    }
  });
});
