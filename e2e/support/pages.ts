// What the browser tests do again and again, written once: logging in through the login page,
// reading the left menu, finding a 6-digit code in a mail and passing the Email Verification window.
import type { Locator, Page } from "playwright-core";
import { expect } from "vitest";

/** The code a mail gives ("… is 123456"): a greeting naming a company of digits cannot be taken for it. */
export const codeIn = (text: string) => /\bis (\d{6})\b/.exec(text)?.[1] ?? "";

/** Logs in through the login page; waits for the portal when `expectPortal` (the default). */
export async function logIn(
  page: Page,
  baseUrl: string,
  email: string,
  password: string,
  expectPortal = true,
) {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in", exact: true }).click();
  if (expectPortal) await page.waitForURL(/\/c\/[0-9a-f-]{36}/);
}

/**
 * Whether `isDone` comes true within `timeout` ms, asked every 100 ms; unlike expect.poll, a no is
 * an answer rather than a failure.
 */
async function comesTrue(isDone: () => Promise<boolean>, timeout: number): Promise<boolean> {
  const until = Date.now() + timeout;
  for (;;) {
    if (await isDone()) return true;
    if (Date.now() >= until) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Does `act` (a click) until `isDone` shows it took, three tries at most, each given 3 s to show.
 * A click is lost when the page draws the element under the pointer again between the press and
 * the release (the click then goes to what both share): on a machine loaded by the whole suite a
 * list or window can still be settling then. A person would click again; so does this. Only for
 * acts whose effect `isDone` can tell, so that a slow effect is never doubled.
 */
export async function clickUntil(act: () => Promise<void>, isDone: () => Promise<boolean>, what: string) {
  for (let attempt = 1; attempt <= 3; attempt++) {
    if (await isDone()) return;
    // Said in the test's output, so that a page that starts losing clicks shows before it fails.
    if (attempt > 1) console.warn(`click ${attempt - 1} to ${what} did not take; clicking again`);
    await act();
    if (await comesTrue(isDone, 3_000)) return;
  }
  throw new Error(`three clicks to ${what} did not take`);
}

/**
 * Ticks (or unticks) a checkbox or radio with a click (or `press`, a tap on a phone), as a person
 * does, and waits until it shows so.
 */
export async function setChecked(
  box: Locator,
  wanted = true,
  press: (target: Locator) => Promise<void> = (target) => target.click(),
): Promise<void> {
  await clickUntil(
    () => press(box),
    async () => (await box.isChecked()) === wanted,
    `${wanted ? "tick" : "untick"} ${box}`,
  );
}

/**
 * Picks `option` in the Ant Design select whose box is `field` (found by its label), and waits until
 * the select shows it chosen.
 */
export async function chooseOption(page: Page, field: Locator, option: string): Promise<void> {
  const select = field.locator("xpath=ancestor::div[contains(concat(' ', @class, ' '), ' ant-select ')][1]");
  const list = page.locator(".ant-select-dropdown:visible");
  await clickUntil(
    async () => {
      if (!(await list.isVisible())) await field.click();
      await list.getByTitle(option, { exact: true }).click();
    },
    async () =>
      (
        await select
          .locator(".ant-select-selection-item")
          .evaluateAll((items) => items.map((item) => item.getAttribute("title")))
      ).includes(option),
    `choose ${option}`,
  );
}

export async function menuLabels(page: Page): Promise<string[]> {
  const items = page.getByRole("menuitem");
  await items.first().waitFor();
  return (await items.allTextContents()).map((text) => text.trim()).filter(Boolean);
}

/**
 * Passes the Email Verification window, open or about to open on `page`, with the code mailed to
 * `email` (read through `latestMail`, the development mailbox); waits until the window is gone.
 */
export async function passEmailVerification(
  page: Page,
  latestMail: (to: string) => Promise<{ text: string }>,
  email: string,
) {
  const verification = page.getByRole("dialog", { name: "Email Verification" });
  await verification.waitFor();
  // The window says where the code went once the server has mailed it: only then is it in the box.
  await verification.getByText(/Enter the verification code sent to/).waitFor();
  await verification.getByLabel("Verification code").fill(codeIn((await latestMail(email)).text));
  await verification.getByRole("button", { name: "Verify" }).click();
  await verification.waitFor({ state: "hidden" });
}

/**
 * After a guarded action: waits until `isDone`, passing the Email Verification window on the way
 * when it opens (a session that verified in the last 10 minutes is not asked again).
 */
export async function passEmailVerificationIfAsked(
  page: Page,
  latestMail: (to: string) => Promise<{ text: string }>,
  email: string,
  isDone: () => Promise<boolean>,
) {
  const verification = page.getByRole("dialog", { name: "Email Verification" });
  await expect
    .poll(async () => (await verification.isVisible()) || (await isDone()), { timeout: 15_000 })
    .toBe(true);
  if (await verification.isVisible()) await passEmailVerification(page, latestMail, email);
  await expect.poll(isDone, { timeout: 15_000 }).toBe(true);
}

/**
 * Whether an Ant Design window has begun to close: its leave motion has started, or it is gone.
 * Asked two frames after the dismissal, by when a closing window has rendered its first leave
 * step, so no wait as long as the motion is needed.
 */
export async function isClosing(page: Page, dialog: Locator): Promise<boolean> {
  await page.evaluate(
    () => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))),
  );
  if (!(await dialog.isVisible())) return true;
  return dialog.evaluate((element) => /-leave\b/.test(element.className));
}

/** The id of the company whose portal the page is on (its address, /c/<id>/…), or undefined. */
export function companyIdOf(page: Page): string | undefined {
  return /\/c\/([0-9a-f-]{36})/.exec(page.url())?.[1];
}

/**
 * Shows the portal menu: on a screen narrower than 768 px it sits in a drawer, opened by the top
 * bar's Menu button; on a wider one it is always there. True when it opened the drawer.
 */
export async function showMenu(page: Page): Promise<boolean> {
  const menuButton = page.getByRole("button", { name: "Menu", exact: true });
  await page.getByRole("menuitem").or(menuButton).first().waitFor();
  if (!(await menuButton.isVisible())) return false;
  await menuButton.click();
  await page.getByRole("menuitem").first().waitFor();
  return true;
}

/**
 * Opens a section of the portal through its menu, as a person on this screen would. The menu's
 * drawer, once closed, gives the focus back to the Menu button: this waits for that, so that a test
 * that focuses something on the page next keeps it.
 */
export async function openSection(page: Page, label: string): Promise<void> {
  const inDrawer = await showMenu(page);
  await page.getByRole("menuitem", { name: label }).click();
  if (inDrawer) {
    await page
      .locator(".ant-drawer")
      .filter({ has: page.getByRole("menu") })
      .waitFor({ state: "hidden" });
  }
}
