// SPEC §6.7 "works at 390 px wide": every table of the portal on a phone's screen (390 × 844, touch).
// The page never scrolls sideways; a table wider than the screen scrolls inside its own container
// with its first column still in view; each row's actions are on screen and take a tap; the windows
// they open fit the screen. Pages are opened as their roles open them: Admin, then Developer.
import { mkdirSync } from "node:fs";
import type { BrowserContextOptions, Locator, Page } from "playwright-core";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { logIn, openSection, passEmailVerificationIfAsked, setChecked } from "./support/pages.js";
import { usePortalAndBrowser } from "./support/portal.js";

const WIDTH = 390;
const PHONE: BrowserContextOptions = {
  viewport: { width: WIDTH, height: 844 },
  isMobile: true,
  hasTouch: true,
  deviceScaleFactor: 1,
};
/** Where to leave a screenshot of each page, for a person to look at; unset: none is taken. */
const SCREENSHOT_DIR = process.env.PHONE_SCREENSHOT_DIR;

/** How far the document is wider than the screen (0 when it fits). */
function pageOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

/** Waits until no spinner or skeleton is left: the rows are the ones loaded. */
async function settled(page: Page) {
  const busy = page.locator(".ant-spin-spinning, .ant-skeleton");
  await expect.poll(() => busy.count()).toBe(0);
}

/**
 * Whether the element is on screen and the one a tap at its centre reaches (not covered by a pinned
 * column, a header or the edge of a scrolled container).
 */
function isTappable(target: Locator): Promise<boolean> {
  return target.evaluate((element) => {
    const box = element.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) return false;
    if (box.left < 0 || box.right > window.innerWidth + 0.5) return false;
    const x = box.left + box.width / 2;
    const y = box.top + box.height / 2;
    const hit = document.elementFromPoint(x, y);
    return hit !== null && (hit === element || element.contains(hit));
  });
}

/**
 * Every table on the page: scrolled to its right end, its first row's first cell is still on screen
 * and not covered (the first column stays pinned, or the table needs no scrolling at all).
 */
async function expectFirstColumnsInView(page: Page, name: string) {
  const tables = page.locator(".ant-table-wrapper");
  const count = await tables.count();
  expect(count, `${name}: tables`).toBeGreaterThan(0);
  for (let i = 0; i < count; i += 1) {
    const table = tables.nth(i);
    const firstCell = table.locator("tr.ant-table-row").first().locator("td").first();
    if ((await firstCell.count()) === 0) continue;
    await table.evaluate((wrapper) => {
      for (const scroller of wrapper.querySelectorAll<HTMLElement>(".ant-table-content, .ant-table-body")) {
        scroller.scrollLeft = scroller.scrollWidth;
      }
    });
    // Vertically only: scrolling it into view sideways would undo the scroll this check is about.
    await firstCell.evaluate((cell) =>
      window.scrollBy(0, cell.getBoundingClientRect().top - window.innerHeight / 2),
    );
    if (SCREENSHOT_DIR) {
      await page.screenshot({
        path: `${SCREENSHOT_DIR}/${name.replaceAll(/\W+/g, "-")}-table-${i + 1}-scrolled.png`,
      });
    }
    // The cell's own box may reach under a pinned neighbour; its first line of text must not.
    const start = firstCell.locator(":scope > *").first().or(firstCell).first();
    // Polled: a pinned column takes its offset from the widths measured after the last render.
    await expect
      .poll(() => isTappable(start), { message: `${name}: table ${i + 1}'s first column in view` })
      .toBe(true);
    await table.evaluate((wrapper) => {
      for (const scroller of wrapper.querySelectorAll<HTMLElement>(".ant-table-content, .ant-table-body")) {
        scroller.scrollLeft = 0;
      }
    });
  }
}

/** The page fits the screen's width, and so does every table on it (which may scroll inside). */
async function expectFitsPhone(page: Page, name: string) {
  await settled(page);
  if (SCREENSHOT_DIR) {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: `${SCREENSHOT_DIR}/${name.replaceAll(/\W+/g, "-")}.png`, fullPage: true });
  }
  expect(
    await page.evaluate(() => document.documentElement.scrollWidth),
    `${name}: page width`,
  ).toBeLessThanOrEqual(WIDTH);
  await expectFirstColumnsInView(page, name);
  expect(await pageOverflow(page), `${name}: page overflow after scrolling its tables`).toBeLessThanOrEqual(
    0,
  );
}

/** A row action: brought into view as a person would scroll to it, on screen, and it takes a tap. */
async function expectActionReachable(button: Locator, name: string) {
  await button.scrollIntoViewIfNeeded();
  expect(await button.isVisible(), `${name}: visible`).toBe(true);
  expect(await button.isEnabled(), `${name}: enabled`).toBe(true);
  expect(await isTappable(button), `${name}: on screen and not covered`).toBe(true);
  // Playwright's own actionability checks (visible, stable, enabled, receives events), without acting.
  await button.tap({ trial: true });
}

/** An open window (modal or drawer) lies within the screen's width once it has moved in. */
async function expectWindowFits(window: Locator, name: string) {
  await window.waitFor();
  const edges = async () => {
    const box = await window.boundingBox();
    return box === null ? null : { left: Math.round(box.x), right: Math.round(box.x + box.width) };
  };
  // Polled: a window slides or zooms in before it rests where it stays.
  await expect
    .poll(async () => {
      const box = await edges();
      return box !== null && box.left >= 0 && box.right <= WIDTH;
    })
    .toBe(true);
  expect(await edges(), `${name}: within the screen`).not.toBeNull();
  expect(
    await pageOverflow(window.page()),
    `${name}: page overflow with the window open`,
  ).toBeLessThanOrEqual(0);
}

/** Opens a section through the menu (in its drawer on a phone) and waits for its first table row. */
async function openTablePage(page: Page, home: string, label: string) {
  await page.goto(home);
  await openSection(page, label);
  await page.locator(".ant-table-tbody tr.ant-table-row").first().waitFor();
}

describe("SPEC §6.7: every table at 390 × 844, in Chromium on a touch screen", () => {
  const held = usePortalAndBrowser();
  let page: Page;
  let home: string;
  const adminEmail = () => held.portal.credentials("admin").email;
  const latestMail = (to: string) => held.portal.latestMail(to);

  beforeAll(async () => {
    vi.setConfig({ expect: { poll: { timeout: 10_000 } } });
    page = await (await held.browser.newContext(PHONE)).newPage();
    const admin = held.portal.credentials("admin");
    await logIn(page, held.portal.url, admin.email, admin.password);
    home = page.url();
  });

  it("the member list and its invitations: the Invite dialog fits, rows keep their actions in reach", async () => {
    await openTablePage(page, home, "Member list");
    await page.getByRole("button", { name: "Invite new member" }).tap();
    const invite = page.getByRole("dialog", { name: "Invite new member" });
    await expectWindowFits(invite, "Invite new member");
    await invite.getByLabel("Email address").fill("phone.colleague@example.com");
    await setChecked(invite.getByRole("checkbox", { name: "Finance" }), true, (target) => target.tap());
    await invite.getByRole("button", { name: "Next" }).tap();
    await setChecked(invite.getByRole("checkbox", { name: /I confirm/ }));
    await expectWindowFits(invite, "Invite new member, confirmation");
    await invite.getByRole("button", { name: "Send Invitation" }).tap();
    const invitationRow = page
      .locator("section[aria-labelledby='invitations-title'] tr.ant-table-row")
      .filter({ hasText: "phone.colleague@example.com" });
    await passEmailVerificationIfAsked(
      page,
      latestMail,
      adminEmail(),
      async () => (await invitationRow.count()) > 0,
    );
    await invite.waitFor({ state: "hidden" });

    await expectFitsPhone(page, "Member list");
    const memberRow = page
      .locator(".ant-table-tbody")
      .first()
      .locator("tr.ant-table-row", { hasText: "finance@demo-merchant.example" });
    for (const action of ["Change Role", "Deactivate"]) {
      await expectActionReachable(memberRow.getByRole("button", { name: action }), `member row ${action}`);
    }
    for (const action of ["Resend", "Revoke"]) {
      await expectActionReachable(
        invitationRow.getByRole("button", { name: action }),
        `invitation row ${action}`,
      );
    }

    await memberRow.getByRole("button", { name: "Change Role" }).tap();
    const changeRole = page.getByRole("dialog", { name: /Change Role/ });
    await expectWindowFits(changeRole, "Change Role");
    await changeRole.getByRole("button", { name: "Cancel" }).tap();
    await changeRole.waitFor({ state: "hidden" });

    await memberRow.getByRole("button", { name: "Deactivate" }).tap();
    const deactivate = page.getByRole("dialog", { name: "Deactivate member" });
    await expectWindowFits(deactivate, "Deactivate member");
    await deactivate.getByRole("button", { name: "Cancel" }).tap();
    await deactivate.waitFor({ state: "hidden" });

    await invitationRow.getByRole("button", { name: "Revoke" }).tap();
    const revoke = page.getByRole("dialog", { name: "Revoke invitation" });
    await expectWindowFits(revoke, "Revoke invitation");
    await revoke.getByRole("button", { name: "Cancel" }).tap();
    await revoke.waitFor({ state: "hidden" });
  });

  it("Roles: the editor fits, and a custom role's Edit and Delete are in reach", async () => {
    await openTablePage(page, home, "Roles");
    await page.getByRole("button", { name: "Create role" }).tap();
    const editor = page.getByRole("dialog", { name: /role/i });
    await expectWindowFits(editor, "role editor");
    await editor.getByLabel("Role name").fill("Phone Support");
    await editor.getByRole("checkbox", { name: "View transactions" }).tap();
    await editor.getByRole("button", { name: "Create" }).tap();
    await editor.waitFor({ state: "hidden" });
    const row = page.locator("tr.ant-table-row", { hasText: "Phone Support" });
    await row.waitFor();
    await expectFitsPhone(page, "Roles");
    for (const action of ["Edit", "Delete"]) {
      await expectActionReachable(row.getByRole("button", { name: action }), `role row ${action}`);
    }
  });

  for (const section of ["Audit log", "Transactions", "Settlements"]) {
    it(`${section}: the page fits, the table scrolls inside with its first column in view`, async () => {
      await openTablePage(page, home, section);
      await expectFitsPhone(page, section);
    });
  }

  it("the profile's sessions: the page fits and each other session's action is in reach", async () => {
    // A second session of the same person, so the list has a session to sign out.
    const other = await (await held.browser.newContext(PHONE)).newPage();
    const admin = held.portal.credentials("admin");
    await logIn(other, held.portal.url, admin.email, admin.password);
    await page.goto(`${held.portal.url}/profile`);
    await page.locator(".ant-table-tbody tr.ant-table-row").nth(1).waitFor();
    await expectFitsPhone(page, "Profile");
    const action = page.locator(".ant-table-tbody tr.ant-table-row").getByRole("button").first();
    await expectActionReachable(action, "session row action");
    await other.context().close();
  });

  it("Developer Center: API keys and webhooks fit", async () => {
    const developerPage = await (await held.browser.newContext(PHONE)).newPage();
    const developer = held.portal.credentials("developer");
    await logIn(developerPage, held.portal.url, developer.email, developer.password);
    await openTablePage(developerPage, developerPage.url(), "Developer Center");
    await expectFitsPhone(developerPage, "Developer Center");
    await developerPage.context().close();
  });
});
