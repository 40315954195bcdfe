// What a failed browser test leaves behind: for every page still open, its address, the windows and
// alerts and notices it shows, its last answers from the API and its console errors, written into
// the failure itself, so that a run read only from its log (CI's) says what the page was doing.
import type { Browser, BrowserContext, Page } from "playwright-core";

/** Kept per page: the newest last. */
interface PageLog {
  readonly answers: string[];
  readonly errors: string[];
  /** Requests to the API sent and not answered yet, with when they were sent. */
  readonly pending: Map<object, string>;
}

const KEPT = 25;
const logs = new WeakMap<Page, PageLog>();
const browsers = new Set<Browser>();

function keep(list: string[], line: string) {
  list.push(line);
  if (list.length > KEPT) list.shift();
}

function clock(): string {
  return new Date().toISOString().slice(11, 23);
}

function watchPage(page: Page) {
  if (logs.has(page)) return;
  const log: PageLog = { answers: [], errors: [], pending: new Map() };
  logs.set(page, log);
  const sentAt = new WeakMap<object, number>();
  page.on("request", (request) => {
    const { pathname } = new URL(request.url());
    if (!pathname.startsWith("/api/")) return;
    sentAt.set(request, Date.now());
    log.pending.set(request, `${clock()} ${request.method()} ${pathname}`);
  });
  page.on("response", (response) => {
    const request = response.request();
    // Only requests to the API were given a sending time.
    const started = sentAt.get(request);
    if (started === undefined) return;
    log.pending.delete(request);
    const url = new URL(response.url());
    keep(
      log.answers,
      `${clock()} ${request.method()} ${url.pathname}${url.search} → ${response.status()} ${Date.now() - started} ms`,
    );
  });
  page.on("requestfailed", (request) => {
    if (!sentAt.has(request)) return;
    log.pending.delete(request);
    const url = new URL(request.url());
    keep(
      log.answers,
      `${clock()} ${request.method()} ${url.pathname} failed: ${request.failure()?.errorText}`,
    );
  });
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning") {
      keep(log.errors, `${clock()} console.${message.type()}: ${message.text().slice(0, 300)}`);
    }
  });
  page.on("pageerror", (error) => keep(log.errors, `${clock()} uncaught: ${error.message.slice(0, 300)}`));
}

/** Runs in every page: keeps the last presses and clicks the page received, and on what. */
function recordPresses() {
  const kept: string[] = [];
  (window as unknown as { __pressesSeen: string[] }).__pressesSeen = kept;
  const describe = (target: EventTarget | null) => {
    if (!(target instanceof Element)) return String(target);
    const labelled = target.closest(
      "button, [role=button], label, a, input, [role=menuitem], [role=checkbox]",
    );
    const element = labelled ?? target;
    const name = element.getAttribute("aria-label") ?? element.textContent ?? "";
    return `${element.tagName.toLowerCase()} "${name.replace(/\s+/g, " ").trim().slice(0, 60)}"`;
  };
  for (const type of ["pointerdown", "click"]) {
    window.addEventListener(
      type,
      (event) => {
        const time = new Date().toISOString().slice(11, 23);
        kept.push(`${time} ${type} on ${describe(event.target)}${event.isTrusted ? "" : " (untrusted)"}`);
        if (kept.length > 12) kept.shift();
      },
      { capture: true },
    );
  }
}

async function watchContext(context: BrowserContext) {
  for (const page of context.pages()) watchPage(page);
  context.on("page", watchPage);
  await context.addInitScript(recordPresses);
}

/**
 * Watches every page `browser` opens from now on, for `describeOpenPages`. Its pages ask for reduced
 * motion unless a test says otherwise, so the portal's windows, drawers and lists open without moving
 * (web/src/components/ReducedMotion.tsx). In motion, a window stays still for a frame or two before
 * it zooms in; Playwright found it stable there and pressed its button, which then moved away from
 * under the pointer before the release, and the click was lost (seen in CI and under load here).
 */
export function watchBrowser(browser: Browser): Browser {
  browsers.add(browser);
  browser.on("disconnected", () => browsers.delete(browser));
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options = {}) => {
    const context = await newContext({ reducedMotion: "reduce", ...options });
    await watchContext(context);
    return context;
  };
  const newPage = browser.newPage.bind(browser);
  browser.newPage = async (options = {}) => {
    const page = await newPage({ reducedMotion: "reduce", ...options });
    await watchContext(page.context());
    return page;
  };
  return browser;
}

/** The texts of the elements `selector` finds on `page` that are visible, each cut to 400 characters. */
async function visibleTexts(page: Page, selector: string): Promise<string[]> {
  return page
    .locator(selector)
    .evaluateAll((elements) =>
      elements
        .filter((element) => element.getClientRects().length > 0)
        // biome-ignore lint/performance/useDomNodeTextContent: the words as shown, with their spaces
        .map((element) => (element as HTMLElement).innerText.replace(/\s+/g, " ").trim().slice(0, 400)),
    )
    .catch((error: unknown) => [`(not read: ${String(error).slice(0, 120)})`]);
}

/** Everything the watched browsers' open pages show and did lately, as lines of text. */
export async function describeOpenPages(): Promise<string> {
  const lines: string[] = [];
  for (const browser of browsers) {
    for (const context of browser.contexts()) {
      for (const page of context.pages()) {
        if (page.isClosed()) continue;
        lines.push(`page ${page.url()} at ${clock()}`);
        for (const [what, selector] of [
          ["window", "[role=dialog]"],
          ["alert", "[role=alert]"],
          ["notice", ".ant-message-notice"],
        ] as const) {
          for (const text of await visibleTexts(page, selector)) lines.push(`  ${what}: ${text}`);
        }
        const log = logs.get(page);
        for (const line of log?.answers ?? []) lines.push(`  ${line}`);
        for (const line of log?.pending.values() ?? []) lines.push(`  ${line}: no answer yet`);
        for (const line of log?.errors ?? []) lines.push(`  ${line}`);
        const presses = await page
          .evaluate(() => (window as unknown as { __pressesSeen?: string[] }).__pressesSeen ?? [])
          .catch(() => []);
        for (const line of presses) lines.push(`  ${line}`);
      }
    }
  }
  return lines.join("\n");
}
