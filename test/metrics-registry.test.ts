// Issue 20 item 7: /metrics is prom-client's exposition, from a registry of each app's own, never
// prom-client's global one: apps built side by side in one process (as tests and the bench do)
// count only their own requests.
import fs from "node:fs";
import path from "node:path";
import { register } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness } from "./support/harness.js";

const METRICS_MODULE = path.resolve(import.meta.dirname, "../server/http/metrics.ts");

function loginFailures(body: string): number {
  return Number(/^portal_login_failures_total\{reason="invalid_credentials"\} (\d+)$/m.exec(body)?.[1] ?? 0);
}

describe("Issue 20 item 7: Prometheus metrics through prom-client, a registry per app", () => {
  it("server/http/metrics.ts leaves the exposition format to prom-client", () => {
    const source = fs.readFileSync(METRICS_MODULE, "utf8");
    expect(source).toMatch(/from "prom-client"/);
    expect(source).not.toMatch(/# (HELP|TYPE) /);
  });

  describe.each(testDatabaseKinds)("two apps in one process (%s)", (kind) => {
    let first: Harness;
    let second: Harness;
    beforeAll(async () => {
      first = await createHarness(kind, { env: { METRICS_ENABLED: "true" } });
      second = await createHarness(kind, { env: { METRICS_ENABLED: "true" } });
    });
    afterAll(async () => {
      await first?.close();
      await second?.close();
    });

    it("count only their own requests, and leave prom-client's global registry empty", async () => {
      const company = await first.company("Metrics Registry Co");
      const refused = await first.app.inject({
        method: "POST",
        url: "/api/auth/login",
        payload: { email: company.admin.email, password: "not the password 1" },
      });
      expect(refused.statusCode).toBe(401);
      expect(loginFailures((await first.app.inject({ url: "/metrics" })).body)).toBe(1);
      expect(loginFailures((await second.app.inject({ url: "/metrics" })).body)).toBe(0);
      expect(await register.metrics()).not.toContain("portal_");
    });
  });
});
