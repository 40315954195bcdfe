// Browser test of web/src/components/ReducedMotion.tsx: for a person whose system asks for reduced
// motion, a window opens and a select's list drops without moving; for anyone else they move as
// Ant Design draws them. Every class the window and the list wear from their first frame is kept by
// a MutationObserver set up before the click, so the test never races the motion it looks for.
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { logIn, openSection } from "./support/pages.js";
import { usePortalAndBrowser } from "./support/portal.js";

/**
 * From now on, keeps in the page every class name given to a window or a select's list: each
 * change's old value as well as the new, since a callback runs after several changes at once on a
 * busy machine.
 */
async function recordClasses(page: Page) {
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { __classesSeen: string[] }).__classesSeen = seen;
    const WATCHED = ".ant-modal, .ant-select-dropdown";
    const keep = (node: Node) => {
      if (!(node instanceof Element)) return;
      for (const element of [node, ...node.querySelectorAll(WATCHED)]) {
        if (element.matches(WATCHED)) seen.push(element.className);
      }
    };
    new MutationObserver((records) => {
      for (const record of records) {
        if (
          record.type === "attributes" &&
          record.target instanceof Element &&
          record.target.matches(WATCHED)
        ) {
          seen.push(record.oldValue ?? "");
        }
        if (record.type === "attributes") keep(record.target);
        for (const node of record.addedNodes) keep(node);
      }
    }).observe(document.body, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeOldValue: true,
      attributeFilter: ["class"],
    });
  });
}

/**
 * Waits until the element's motion in is over. A window and a list can be used from their first step;
 * on a fast machine the test otherwise closed the window, and read the list's recording, before
 * their active step (CI on 7 December).
 */
async function motionOver(page: Page, selector: string) {
  await page.waitForFunction((watched) => {
    const element = document.querySelector(watched);
    return element !== null && !/-(appear|enter)\b/.test(element.className);
  }, selector);
}

const classesSeen = (page: Page) =>
  page.evaluate(() => (window as unknown as { __classesSeen: string[] }).__classesSeen);

/**
 * The classes rc-motion gives an element while it moves in (ant-zoom-appear-active…). Without motion
 * it still passes through the first step, "prepare", where a window takes its origin and a list its
 * place, for a frame at most and at its final place after; the steps that move are start and active.
 */
const MOVING_IN = /\bant-[a-z-]+-(appear|enter)-(start|active)\b/;

describe("the portal's windows and lists move only for those who have not asked for reduced motion", () => {
  const held = usePortalAndBrowser();

  async function openInviteAndRoleList(reducedMotion: "reduce" | "no-preference"): Promise<string[]> {
    const page = await (await held.browser.newContext({ reducedMotion })).newPage();
    const admin = held.portal.credentials("admin");
    await logIn(page, held.portal.url, admin.email, admin.password);
    await openSection(page, "Member list");
    await page.locator(".ant-table-tbody tr.ant-table-row").first().waitFor();
    await recordClasses(page);
    await page.getByRole("button", { name: "Invite new member" }).click();
    const invite = page.getByRole("dialog", { name: "Invite new member" });
    await invite.getByLabel("Email address").waitFor();
    await motionOver(page, ".ant-modal");
    await page.keyboard.press("Escape");
    await invite.waitFor({ state: "hidden" });
    await page.getByLabel("Member Role").click();
    await page.locator(".ant-select-dropdown:visible").getByTitle("Finance", { exact: true }).waitFor();
    await motionOver(page, ".ant-select-dropdown:not(.ant-select-dropdown-hidden)");
    const seen = await classesSeen(page);
    await page.context().close();
    return seen;
  }

  it("with prefers-reduced-motion: reduce, the Invite window and the role list appear without motion", async () => {
    const seen = await openInviteAndRoleList("reduce");
    expect(seen.some((name) => name.includes("ant-modal"))).toBe(true);
    expect(seen.some((name) => name.includes("ant-select-dropdown"))).toBe(true);
    expect(seen.filter((name) => MOVING_IN.test(name))).toEqual([]);
  });

  it("without that preference, the Invite window zooms in and the role list slides down", async () => {
    // The control of the case above: the recording sees motion where there is some.
    const zooms = (classes: string[]) =>
      classes.some((name) => name.includes("ant-modal") && /\bant-zoom-(appear|enter)-active\b/.test(name));
    const slides = (classes: string[]) =>
      classes.some(
        (name) => name.includes("ant-select-dropdown") && /\bant-slide-up-(appear|enter)-active\b/.test(name),
      );
    const seen = await openInviteAndRoleList("no-preference");
    expect(zooms(seen)).toBe(true);
    expect(slides(seen)).toBe(true);
  });
});
