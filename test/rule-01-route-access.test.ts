// Rule 1: every API route declares the permission it needs, or is explicitly public, any-session
// or any-member. A route that declares nothing stops the app from starting.
import cookie from "@fastify/cookie";
import Fastify from "fastify";
import { describe, expect, it } from "vitest";
import { guardPlugin, UndeclaredAccessError } from "../server/access/guard.js";
import { PERMISSION_KEYS } from "../server/access/permissions.js";
import { systemClock } from "../server/clock.js";
import { openDatabase } from "../server/db/connect.js";
import { createHarness } from "./support/harness.js";

describe("rule 1: every API route declares its access", () => {
  it("refuses to start an app with an API route that declares nothing", async () => {
    const database = await openDatabase({});
    const app = Fastify();
    await app.register(cookie);
    await app.register(guardPlugin, {
      database,
      clock: systemClock,
      sessionPolicy: { idleMs: 1, absoluteMs: 1 },
      cookieName: "s",
    });
    await expect(
      app.register(async (scope) => {
        scope.get("/api/forgotten", async () => ({ secret: true }));
      }),
    ).rejects.toBeInstanceOf(UndeclaredAccessError);
    await database.close();
  });

  it("declares a known permission or an explicit kind on every route of the real app", async () => {
    const h = await createHarness("pglite");
    try {
      expect(h.app.accessTable.length).toBeGreaterThan(5);
      for (const route of h.app.accessTable) {
        expect(["public", "session", "second_step", "member", "permission", "scim_token"]).toContain(
          route.access.kind,
        );
        // A SCIM bearer token opens the SCIM server and nothing else, and only it opens that.
        expect(route.access.kind === "scim_token", route.url).toBe(route.url.startsWith("/scim/"));
        if (route.access.kind === "permission") expect(PERMISSION_KEYS).toContain(route.access.permission);
      }
      // Company-scoped routes are never merely "session": they need membership at least.
      for (const route of h.app.accessTable.filter((r) => r.url.includes(":cid"))) {
        expect(["member", "permission"], route.url).toContain(route.access.kind);
      }
    } finally {
      await h.close();
    }
  });
});
