// Issue 17 item 5 (SPEC §6.1): outside production the server listens on 127.0.0.1 unless HOST says
// otherwise, and the development mailbox (reset links, invitation tokens, codes) answers loopback
// peers only: any other peer gets the 404 of an absent path, whatever X-Forwarded-For claims.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../server/config.js";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness } from "./support/harness.js";

const LOOPBACK_PEERS = ["127.0.0.1", "127.0.0.53", "::1", "::ffff:127.0.0.1"];
const OTHER_PEERS = ["10.0.0.5", "192.168.1.20", "203.0.113.9", "::ffff:10.0.0.5", "2001:db8::1", "fe80::1"];
const ABSENT = { error: { code: "not_found", message: expect.any(String) } };

describe("Issue 17 item 5: Outside production the development mailbox is served on every interface", () => {
  it("listens on 127.0.0.1 by default outside production, on every interface in production, else on HOST", () => {
    const production = {
      NODE_ENV: "production",
      DATABASE_URL: "postgres://portal@db/portal",
      PUBLIC_URL: "https://portal.example.com",
      SMTP_URL: "smtp://mail.example.com",
      MFA_SECRET_KEY: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    };
    expect(loadConfig({}).host).toBe("127.0.0.1");
    expect(loadConfig({ NODE_ENV: "development" }).host).toBe("127.0.0.1");
    expect(loadConfig({ NODE_ENV: "test" }).host).toBe("127.0.0.1");
    expect(loadConfig(production).host).toBe("0.0.0.0");
    expect(loadConfig({ NODE_ENV: "development", HOST: "0.0.0.0" }).host).toBe("0.0.0.0");
    expect(loadConfig({ ...production, HOST: "10.1.2.3" }).host).toBe("10.1.2.3");
  });

  describe.each(testDatabaseKinds)("the mailbox and the peer's address (%s)", (kind) => {
    let h: Harness;
    let behindProxy: Harness;
    beforeAll(async () => {
      h = await createHarness(kind);
      behindProxy = await createHarness(kind, { env: { TRUST_PROXY: "true" } });
    });
    afterAll(async () => {
      await h?.close();
      await behindProxy?.close();
    });

    const outbox = (
      harness: Harness,
      remoteAddress: string,
      url = "/api/dev/outbox",
      forwardedFor?: string,
    ) =>
      harness.app.inject({
        method: "GET",
        url,
        remoteAddress,
        ...(forwardedFor ? { headers: { "x-forwarded-for": forwardedFor } } : {}),
      });

    it("answers a loopback peer", async () => {
      for (const peer of LOOPBACK_PEERS) {
        const response = await outbox(h, peer);
        expect(response.statusCode, peer).toBe(200);
        expect(response.json().items, peer).toBeInstanceOf(Array);
      }
    });

    it("answers any other peer as if the path were absent, even before reading its query", async () => {
      const absent = await outbox(h, "10.0.0.5", "/api/dev/no-such-path");
      expect(absent.statusCode).toBe(404);
      for (const peer of OTHER_PEERS) {
        for (const url of ["/api/dev/outbox", "/api/dev/outbox?limit=5", "/api/dev/outbox?limit=oops"]) {
          const response = await outbox(h, peer, url);
          expect(response.statusCode, `${peer} ${url}`).toBe(404);
          expect(response.json(), `${peer} ${url}`).toEqual(ABSENT);
          expect(response.json()).toEqual(absent.json());
        }
      }
    });

    it("with TRUST_PROXY=true, an X-Forwarded-For naming 127.0.0.1 does not make a remote peer local", async () => {
      const remote = await outbox(behindProxy, "203.0.113.9", "/api/dev/outbox", "127.0.0.1");
      expect(remote.statusCode).toBe(404);
      expect(remote.json()).toEqual(ABSENT);
      const viaProxy = await outbox(behindProxy, "10.0.0.5", "/api/dev/outbox", "127.0.0.1, ::1");
      expect(viaProxy.statusCode).toBe(404);
      // A loopback peer is answered whatever it forwards.
      const local = await outbox(behindProxy, "127.0.0.1", "/api/dev/outbox", "203.0.113.9");
      expect(local.statusCode).toBe(200);
    });
  });
});
