// Browser test of SPEC §6.5's Developer Center: the Developer adds a webhook endpoint through the
// Email Verification window and sees its secret once, reads the delivery log of a real receiver on
// loopback, redelivers, rotates the secret, disables and deletes the endpoint; the signature
// verification snippet is on the page.
import { describe, expect, it } from "vitest";
import { systemClock } from "../server/clock.js";
import { loadConfig } from "../server/config.js";
import { hostResolver } from "../server/webhooks/address-guard.js";
import { WebhookDispatcher } from "../server/webhooks/dispatcher.js";
import { emitWebhookEvent } from "../server/webhooks/events.js";
import { webhookSender } from "../server/webhooks/sender.js";
import { startReceiver, verifyPortalSignature } from "../test/support/webhook-receiver.js";
import { logIn, openSection, passEmailVerificationIfAsked, setChecked } from "./support/pages.js";
import { usePortalAndBrowser } from "./support/portal.js";

describe("webhook endpoints in the Developer Center in Chromium", () => {
  const held = usePortalAndBrowser();

  it("the Developer adds an endpoint, sees its deliveries, redelivers, rotates, disables and deletes it", async () => {
    const receiver = await startReceiver();
    const page = await (await held.browser.newContext()).newPage();
    const developer = held.portal.credentials("developer");
    await logIn(page, held.portal.url, developer.email, developer.password);
    await openSection(page, "Developer Center");
    await page.getByRole("heading", { name: "Webhook endpoints" }).waitFor();
    await page
      .getByLabel("Signature verification snippet")
      .getByText("timingSafeEqual", { exact: false })
      .first()
      .waitFor();

    await page.getByLabel("Endpoint URL").fill(receiver.url);
    await setChecked(page.getByRole("checkbox", { name: "role.created" }));
    await page.getByRole("button", { name: "Add endpoint" }).click();
    const shownOnce = page.getByText(/Signing secret of .*shown only once/);
    await passEmailVerificationIfAsked(
      page,
      (to) => held.portal.latestMail(to),
      developer.email,
      async () => (await shownOnce.count()) > 0,
    );
    const secret = (await page.getByLabel("Signing secret").first().textContent())?.trim() ?? "";
    expect(secret).toMatch(/^whsec_/);
    const endpoints = page.getByRole("table", { name: "Webhook endpoints" });
    await endpoints.getByText(receiver.url).waitFor();

    // An event of the company, delivered by the worker every instance runs.
    const { db } = held.portal.database;
    const companyId = new URL(page.url()).pathname.split("/")[2]!;
    await emitWebhookEvent(db, {
      companyId,
      type: "role.created",
      at: new Date(),
      data: { name: "From e2e" },
    });
    const dispatcher = new WebhookDispatcher({
      db,
      clock: systemClock,
      secretKey: loadConfig({ NODE_ENV: "test" }).mfaSecretKey,
      send: webhookSender({ resolve: hostResolver([]), guard: false }),
    });
    expect(await dispatcher.runOnce()).toEqual({ delivered: 1, failed: 0 });
    const [hook] = receiver.received;
    expect(verifyPortalSignature(hook!.signature, hook!.body, [secret], Math.floor(Date.now() / 1000))).toBe(
      true,
    );

    await page.getByRole("button", { name: `Deliveries of ${receiver.url}` }).click();
    const deliveries = page.getByRole("table", { name: "Deliveries" });
    await deliveries.getByText("delivered").waitFor();
    await deliveries.getByText("200").waitFor();
    await deliveries.getByRole("button", { name: /^Redeliver role\.created/ }).click();
    await page.getByText("The event was queued again").waitFor();
    await deliveries.getByText("pending").waitFor();

    await page.getByRole("button", { name: `Rotate the secret of ${receiver.url}` }).click();
    await page.getByText(/The previous secret keeps signing until/).waitFor();
    const rotated = (await page.getByLabel("Signing secret").first().textContent())?.trim() ?? "";
    expect(rotated).toMatch(/^whsec_/);
    expect(rotated).not.toBe(secret);

    await page.getByRole("button", { name: `Disable ${receiver.url}` }).click();
    await page.getByText("The endpoint was disabled").waitFor();
    await endpoints.getByText("Disabled", { exact: true }).waitFor();

    await page.getByRole("button", { name: `Delete ${receiver.url}` }).click();
    await page.getByRole("button", { name: "Delete", exact: true }).click();
    await page.getByText("The endpoint was deleted").waitFor();
    await endpoints.getByText("No webhook endpoints yet").waitFor();
    await page.context().close();
    await receiver.close();
  });
});
