// SPEC §6.5, SSRF: in production a webhook may not reach private, loopback, link-local or metadata
// addresses, checked on the address connected to. A DNS server on loopback (DNS_SERVERS) answers
// 127.0.0.1, 10.0.0.1, 169.254.169.254, and a rebinding name (public when the URL is saved, loopback
// when the delivery connects); a receiver on loopback proves no connection is ever made.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../server/config.js";
import { hostResolver, isPublicAddress } from "../server/webhooks/address-guard.js";
import { WebhookDispatcher } from "../server/webhooks/dispatcher.js";
import { emitWebhookEvent } from "../server/webhooks/events.js";
import { webhookSender } from "../server/webhooks/sender.js";
import { createWebhookEndpoint, type WebhookDeps } from "../server/webhooks/service.js";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness } from "./support/harness.js";
import { startDnsServer } from "./support/webhook-dns-server.js";
import { type Receiver, startReceiver } from "./support/webhook-receiver.js";

const PRODUCTION_ENV = {
  NODE_ENV: "production",
  DATABASE_URL: "postgres://portal@db.invalid/portal",
  PUBLIC_URL: "https://portal.example.com",
  SMTP_URL: "smtp://mail.invalid",
  MFA_SECRET_KEY: "a".repeat(64),
};

describe("SPEC 6.5: which addresses a production webhook may reach", () => {
  it("refuses private, loopback, link-local, metadata, multicast and reserved addresses", () => {
    for (const address of [
      "127.0.0.1",
      "10.0.0.1",
      "172.16.5.4",
      "192.168.1.1",
      "169.254.169.254",
      "100.64.0.1",
      "0.0.0.0",
      "224.0.0.1",
      "255.255.255.255",
      "::1",
      "::",
      "fe80::1",
      "fd00:ec2::254",
      "ff02::1",
      "::ffff:127.0.0.1",
      "::ffff:10.0.0.1",
    ]) {
      expect(isPublicAddress(address), address).toBe(false);
    }
    for (const address of ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8"]) {
      expect(isPublicAddress(address), address).toBe(true);
    }
  });
});

describe.each(testDatabaseKinds)("SPEC 6.5: SSRF guard in production mode on %s", (kind) => {
  let h: Harness;
  let dns: Awaited<ReturnType<typeof startDnsServer>>;
  let receiver: Receiver;
  let deps: WebhookDeps;
  let company: Awaited<ReturnType<Harness["company"]>>;
  const actor = { accountId: "", email: "" };
  const meta = { ip: null, userAgent: null, requestId: null };

  beforeAll(async () => {
    h = await createHarness(kind);
    receiver = await startReceiver();
    dns = await startDnsServer({
      "loopback.hooks.test": ["127.0.0.1"],
      "private.hooks.test": ["10.0.0.1"],
      "metadata.hooks.test": ["169.254.169.254"],
      // Public when the URL is checked, loopback when the delivery connects.
      "rebind.hooks.test": ["93.184.216.34", "127.0.0.1"],
    });
    const config = loadConfig({ ...PRODUCTION_ENV, DNS_SERVERS: dns.address });
    expect(config.isProduction).toBe(true);
    expect(config.dnsServers).toEqual([dns.address]);
    deps = {
      db: h.db,
      secretKey: config.mfaSecretKey,
      isProduction: config.isProduction,
      resolve: hostResolver(config.dnsServers ?? []),
    };
    company = await h.company("Guarded Co");
    actor.accountId = company.admin.id;
    actor.email = company.admin.email;
  });
  afterAll(async () => {
    dns?.close();
    await receiver?.close();
    await h?.close();
  });

  const ctx = () => ({ companyId: company.id, actor, meta, now: h.clock.now() });

  it("refuses to save a URL naming or resolving to loopback, private or metadata addresses, and http", async () => {
    for (const url of [
      `https://loopback.hooks.test:${receiver.port}/hooks`,
      "https://private.hooks.test/hooks",
      "https://metadata.hooks.test/latest/meta-data/",
      "https://127.0.0.1/hooks",
      "https://[::1]/hooks",
      "https://169.254.169.254/latest/meta-data/",
    ]) {
      await expect(
        createWebhookEndpoint(deps, ctx(), { url, events: ["role.created"] }),
        url,
      ).rejects.toMatchObject({
        code: "webhook_url_not_allowed",
      });
    }
    await expect(
      createWebhookEndpoint(deps, ctx(), { url: "http://rebind.hooks.test/hooks", events: ["role.created"] }),
    ).rejects.toMatchObject({ code: "webhook_url_invalid" });
    expect(dns.asked).toEqual(expect.arrayContaining(["loopback.hooks.test", "metadata.hooks.test"]));
  });

  it("checks the address it connects to: a name that rebinds to loopback after the check is refused at delivery", async () => {
    const saved = await createWebhookEndpoint(deps, ctx(), {
      url: `https://rebind.hooks.test:${receiver.port}/hooks`,
      events: ["role.created"],
    });
    // URLs saved before a change of DNS meet the same check at delivery: saved here without it.
    const unchecked = { ...deps, isProduction: false };
    const hosts = ["loopback.hooks.test", "private.hooks.test", "metadata.hooks.test", "127.0.0.1"];
    for (const host of hosts) {
      await createWebhookEndpoint(unchecked, ctx(), {
        url: `http://${host}:${receiver.port}/hooks`,
        events: ["role.created"],
      });
    }
    await emitWebhookEvent(h.db, {
      companyId: company.id,
      type: "role.created",
      at: h.clock.now(),
      data: {},
    });
    const dispatcher = new WebhookDispatcher({
      db: h.db,
      clock: h.clock,
      secretKey: deps.secretKey,
      send: webhookSender({ resolve: deps.resolve, guard: true }),
    });
    expect(await dispatcher.runOnce()).toEqual({ delivered: 0, failed: 5 });
    const rows = await h.db
      .selectFrom("webhook_deliveries")
      .innerJoin("webhook_endpoints", "webhook_endpoints.id", "webhook_deliveries.endpoint_id")
      .select(["webhook_endpoints.url", "webhook_deliveries.status", "webhook_deliveries.last_error"])
      .where("webhook_deliveries.company_id", "=", company.id)
      .execute();
    const errorOf = (host: string) => rows.find((row) => new URL(row.url).hostname === host)?.last_error;
    expect(saved.url).toContain("rebind.hooks.test");
    expect(errorOf("rebind.hooks.test")).toMatch(
      /rebind\.hooks\.test resolves to 127\.0\.0\.1, an address webhooks may not reach/,
    );
    expect(errorOf("loopback.hooks.test")).toMatch(/127\.0\.0\.1, an address webhooks may not reach/);
    expect(errorOf("private.hooks.test")).toMatch(/10\.0\.0\.1, an address webhooks may not reach/);
    expect(errorOf("metadata.hooks.test")).toMatch(/169\.254\.169\.254, an address webhooks may not reach/);
    expect(errorOf("127.0.0.1")).toMatch(/127\.0\.0\.1, an address webhooks may not reach/);
    expect(rows.every((row) => row.status === "pending")).toBe(true);
    expect(receiver.received).toEqual([]);
  });
});
