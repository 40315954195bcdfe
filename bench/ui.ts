// The web app as a person meets it: Chromium (playwright-core, /usr/bin/chromium) against the
// production build served by the real server on PostgreSQL, with the member list of a company of
// UI_COMPANY_MEMBERS members (bench/growth-seed.ts). Each figure is the median of 5:
//   U1  the member list's first render: from the navigation's start to the first row shown,
//   U2  a next-page click: from the arrival of the page's answer (Resource Timing's responseEnd) to
//       the table showing the new first row (a MutationObserver, both on the page's clock),
//   U3  the JavaScript the login page loads, gzipped: the script files Chromium fetched for /login.
import fs from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { type Browser, chromium, type Page } from "playwright-core";
// @ts-expect-error: a plain ES module script shared with `npm start`
import { buildWebIfStale } from "../scripts/build-web.mjs";
import { ensureUiDataSet, UI_COMPANY_MEMBERS } from "./growth-seed.js";
import { median } from "./load.js";
import { startPortal } from "./processes.js";
import { portalLogin } from "./scenarios.js";
import { ADMIN_EMAIL, BENCH_PASSWORD } from "./seed.js";
import { loginPageJs, WEB_DIST } from "./web-size.js";

export const UI_ROUNDS = 5;

export type UiFigures = {
  firstRenderMs: number;
  nextPageMs: number;
  loginJsGzipBytes: number;
  /** The same figure from the build manifest (entry + the login page's chunk and their imports). */
  manifestLoginJsGzipBytes: number;
  loginJsFiles: number;
  rounds: { firstRenderMs: number[]; nextPageMs: number[] };
  members: number;
};

const CHROMIUM_PATH = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const ROW = "tr.ant-table-row[data-row-key]";

// Installed before any script of the page runs: notes on the page's clock when the table's first
// row first appears, and whenever the first row's key changes after that.
const OBSERVER = `(() => {
  const marks = { firstRow: null, changes: [] };
  window.__benchRows = marks;
  let lastKey = null;
  const look = () => {
    const row = document.querySelector(${JSON.stringify(ROW)});
    if (!row) return;
    const key = row.getAttribute("data-row-key");
    if (key === lastKey) return;
    const now = performance.now();
    if (marks.firstRow === null) marks.firstRow = now;
    else marks.changes.push({ key, at: now });
    lastKey = key;
  };
  new MutationObserver(look).observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ["data-row-key"] });
})();`;

type Marks = { firstRow: number | null; changes: { key: string; at: number }[] };

async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-dev-shm-usage",
    ],
  });
}

async function newPage(browser: Browser, cookie?: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  // The session rides on every request as a header: the production session cookie is __Host-
  // (Secure), which a browser does not store for a plain-HTTP origin.
  if (cookie) await context.setExtraHTTPHeaders({ cookie });
  await context.addInitScript(OBSERVER);
  return context.newPage();
}

const marksOf = (page: Page) =>
  page.evaluate(() => (window as unknown as { __benchRows: Marks }).__benchRows);

/** U1: a fresh browser context (nothing cached) opens the member list; ms to the first row. */
async function firstRender(browser: Browser, listUrl: string, cookie: string) {
  const page = await newPage(browser, cookie);
  try {
    await page.goto(listUrl);
    await page.locator(ROW).first().waitFor({ state: "visible", timeout: 30_000 });
    const marks = await marksOf(page);
    if (marks.firstRow === null) throw new Error("the member list's first row was not observed");
    return marks.firstRow;
  } finally {
    await page.context().close();
  }
}

/** U2: on one open member list, UI_ROUNDS clicks on "Next page"; ms from each answer to its rows. */
async function nextPages(browser: Browser, listUrl: string, cookie: string, companyId: string) {
  const page = await newPage(browser, cookie);
  const gaps: number[] = [];
  try {
    await page.goto(listUrl);
    await page.locator(ROW).first().waitFor({ state: "visible", timeout: 30_000 });
    const listApi = `/api/companies/${companyId}/members`;
    for (let i = 0; i < UI_ROUNDS; i += 1) {
      const before = (await marksOf(page)).changes.length;
      await page.evaluate(() => performance.clearResourceTimings());
      const answer = page.waitForResponse(
        (response) => response.url().includes(listApi) && response.url().includes("cursor="),
      );
      await page.getByRole("button", { name: "Next page" }).click();
      const response = await answer;
      await response.finished();
      await page.waitForFunction(
        (count) => (window as unknown as { __benchRows: Marks }).__benchRows.changes.length > count,
        before,
        { timeout: 30_000 },
      );
      const gap = await page.evaluate(
        ({ url, count }) => {
          const entry = performance
            .getEntriesByType("resource")
            .filter((e) => e.name === url)
            .at(-1) as PerformanceResourceTiming | undefined;
          const change = (window as unknown as { __benchRows: Marks }).__benchRows.changes[count];
          return entry && change ? change.at - entry.responseEnd : null;
        },
        { url: response.url(), count: before },
      );
      if (gap === null) throw new Error("the next page's answer or its rows were not observed");
      gaps.push(gap);
    }
    return gaps;
  } finally {
    await page.context().close();
  }
}

/** U3: the script files a fresh context fetched for /login, each gzipped from web/dist. */
async function loginPageScripts(browser: Browser, baseUrl: string) {
  const page = await newPage(browser);
  const scripts = new Set<string>();
  page.on("response", (response) => {
    if (response.request().resourceType() === "script") scripts.add(new URL(response.url()).pathname);
  });
  try {
    await page.goto(`${baseUrl}/login`, { waitUntil: "networkidle" });
    await page.getByRole("button", { name: "Log in", exact: true }).waitFor();
    let bytes = 0;
    for (const script of scripts) bytes += gzipSync(fs.readFileSync(path.join(WEB_DIST, script))).length;
    return { bytes, files: scripts.size };
  } finally {
    await page.context().close();
  }
}

export async function runUiScenario(options: { databaseUrl: string; log: (line: string) => void }) {
  const { log } = options;
  buildWebIfStale();
  const dataSet = await ensureUiDataSet(options.databaseUrl, log);
  const portal = await startPortal(dataSet.url);
  const browser = await launch();
  try {
    const { cookie } = await portalLogin(portal.baseUrl, ADMIN_EMAIL, BENCH_PASSWORD);
    const listUrl = `${portal.baseUrl}/c/${dataSet.companyId}/account/members`;
    // One visit first, unmeasured: the server's and PostgreSQL's caches warm, as for any user after the first.
    await firstRender(browser, listUrl, cookie);
    const renders: number[] = [];
    for (let i = 0; i < UI_ROUNDS; i += 1) renders.push(await firstRender(browser, listUrl, cookie));
    const gaps = await nextPages(browser, listUrl, cookie, dataSet.companyId);
    const login = await loginPageScripts(browser, portal.baseUrl);
    const figures: UiFigures = {
      firstRenderMs: median(renders),
      nextPageMs: median(gaps),
      loginJsGzipBytes: login.bytes,
      manifestLoginJsGzipBytes: loginPageJs().gzipBytes,
      loginJsFiles: login.files,
      rounds: { firstRenderMs: renders, nextPageMs: gaps },
      members: UI_COMPANY_MEMBERS,
    };
    const ms = (values: number[]) => values.map((v) => v.toFixed(0)).join("/");
    log(`U1  member list first render ${figures.firstRenderMs.toFixed(0)} ms (${ms(renders)})`);
    log(`U2  next page after its answer ${figures.nextPageMs.toFixed(1)} ms (${ms(gaps)})`);
    log(
      `U3  login page JavaScript ${(login.bytes / 1024).toFixed(1)} KB gzipped in ${login.files} files (manifest: ${(figures.manifestLoginJsGzipBytes / 1024).toFixed(1)} KB)`,
    );
    return figures;
  } finally {
    await browser.close();
    await portal.stop();
  }
}
