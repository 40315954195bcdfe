// A real portal for browser tests: the app on an ephemeral port over a fresh database with the
// demo company seeded (passwords known to the test), plus headless Debian Chromium via Playwright.
import net from "node:net";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { buildApp } from "../../server/app.js";
import { loadConfig } from "../../server/config.js";
import { type DemoCredentials, seedDemoIfEmpty } from "../../server/demo/seed.js";
import { openTestDatabase, type TestDatabaseKind } from "../../test/support/databases.js";
import { watchBrowser } from "./diagnostics.js";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

/** A port the system has just handed out and released, for a server that must know its URL before listening. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * `publicHost`: the host name of PUBLIC_URL and of the address pages use. WebAuthn needs a domain
 * for its RP ID (an IP address is refused), so the passkey tests use "localhost".
 */
export async function startPortal(
  kind: TestDatabaseKind = "pglite",
  publicHost = "127.0.0.1",
  /** More of the environment, e.g. DNS_SERVERS pointing at a test's DNS server. */
  env: Record<string, string> = {},
) {
  const database = await openTestDatabase(kind);
  let n = 0;
  const demo = (await seedDemoIfEmpty(
    database.db,
    new Date(),
    () => `e2e demo passphrase number ${++n}`,
  )) as DemoCredentials[];
  // PUBLIC_URL is the origin the browser uses, port included: the only Origin the CSRF check accepts.
  const port = await freePort();
  const config = loadConfig({ NODE_ENV: "test", PUBLIC_URL: `http://${publicHost}:${port}`, ...env });
  const app = await buildApp({ database, config });
  const listening = await app.listen({ port, host: "127.0.0.1" });
  const address = listening.replace("127.0.0.1", publicHost);
  return {
    url: address,
    demo,
    credentials(roleKey: DemoCredentials["roleKey"]) {
      const found = demo.find((c) => c.roleKey === roleKey);
      if (!found) throw new Error(`no demo member for ${roleKey}`);
      return found;
    },
    database,
    /** The newest mail to an address in the development mailbox (the embedded outbox). */
    async latestMail(to: string): Promise<{ subject: string; text: string }> {
      const response = await fetch(`${address}/api/dev/outbox?to=${encodeURIComponent(to)}&limit=1`);
      const body = (await response.json()) as { items: { subject: string; text: string }[] };
      const mail = body.items[0];
      if (!mail) throw new Error(`no mail to ${to}`);
      return mail;
    },
    async close() {
      await app.close();
      await database.dispose();
    },
  };
}

/** A headless Chromium whose pages a failed test describes (support/diagnostics.ts). */
export async function launchBrowser(): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
    ],
  });
  return watchBrowser(browser);
}

export type Portal = Awaited<ReturnType<typeof startPortal>>;

/** A portal and a Chromium for the tests of one describe block: started before them, closed after. */
export function usePortalAndBrowser(): { readonly portal: Portal; readonly browser: Browser } {
  const held = {} as { portal: Portal; browser: Browser };
  beforeAll(async () => {
    held.portal = await startPortal();
    held.browser = await launchBrowser();
  });
  afterAll(async () => {
    await held.browser?.close();
    await held.portal?.close();
  });
  return held;
}
