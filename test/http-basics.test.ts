// The HTTP ground floor every feature stands on: security headers, health and readiness, the OpenAPI
// document and its UI, the JSON 404, request ids, and configuration that refuses bad values by name.
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../server/config.js";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness, TEST_PASSWORD } from "./support/harness.js";
import { routesFromPrintout } from "./support/routes.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LIBRARY_ROUTE_PREFIX = "/api/docs";
// Served but deliberately left out of the document it serves.
// The OIDC callback is a browser redirect target, not an API a client calls (like /healthz).
const HIDDEN_FROM_OPENAPI = new Set(["GET /api/openapi.json", "GET /api/auth/sso/oidc/callback"]);

function expectSecurityHeaders(response: LightMyRequestResponse, label: string) {
  expect(response.headers["x-content-type-options"], label).toBe("nosniff");
  const csp = String(response.headers["content-security-policy"] ?? "");
  expect(csp, label).toContain("frame-ancestors 'none'");
  expect(csp, label).toContain("default-src 'self'");
  expect(csp, label).not.toMatch(/script-src[^;]*'unsafe-inline'/);
  expect(response.headers["referrer-policy"], label).toMatch(
    /^(no-referrer|same-origin|strict-origin(-when-cross-origin)?)$/,
  );
}

describe.each(testDatabaseKinds)("http basics (%s)", (kind) => {
  let h: Harness;
  let company: Awaited<ReturnType<Harness["company"]>>;
  let cookie: string;

  beforeAll(async () => {
    h = await createHarness(kind);
    company = await h.company();
    cookie = await h.login(company.admin.email);
  });
  afterAll(() => h.close());

  describe("security headers", () => {
    it("are on pages, API successes and API errors alike", async () => {
      const responses: [string, LightMyRequestResponse][] = [
        ["GET /", await h.inject(null, { url: "/" })],
        ["GET /members (a page path)", await h.inject(null, { url: "/members" })],
        ["GET /api/me", await h.inject(cookie, { url: "/api/me" })],
        ["GET /api/me anonymous", await h.inject(null, { url: "/api/me" })],
        ["GET /api/companies/:cid", await h.inject(cookie, { url: `/api/companies/${company.id}` })],
        ["GET /api/no-such-route", await h.inject(null, { url: "/api/no-such-route" })],
        [
          "POST /api/auth/login bad JSON",
          await h.app.inject({
            method: "POST",
            url: "/api/auth/login",
            payload: "{",
            headers: { "content-type": "application/json" },
          }),
        ],
        ["GET /healthz", await h.inject(null, { url: "/healthz" })],
        ["GET /api/docs", await h.inject(null, { url: "/api/docs" })],
      ];
      for (const [label, response] of responses) expectSecurityHeaders(response, label);
    });

    it("are also on the answers the router gives before any route runs", async () => {
      for (const url of ["/api/companies/%E0%A4%A", `/api/companies/${"a".repeat(300)}`]) {
        const response = await h.inject(cookie, { url });
        expect(response.statusCode, url).toBeLessThan(500);
        expectSecurityHeaders(response, url);
        expect(response.headers["x-request-id"], url).toMatch(UUID);
      }
    });

    it("outside production there is no HSTS (plain-HTTP development must keep working)", async () => {
      const response = await h.inject(null, { url: "/healthz" });
      expect(response.headers["strict-transport-security"]).toBeUndefined();
    });
  });

  describe("health", () => {
    it("GET /healthz → 200 {status: ok}", async () => {
      const response = await h.inject(null, { url: "/healthz" });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ status: "ok" });
    });

    it("GET /readyz → 200 with the database and migration checks ok, never cached", async () => {
      const response = await h.inject(null, { url: "/readyz" });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ status: "ready", checks: { database: "ok", migrations: "ok" } });
      expect(response.headers["cache-control"]).toBe("no-store");
    });

    it("GET /readyz → 503 migrations pending while the database lacks a shipped migration", async () => {
      const applied = await h.db
        .selectFrom("schema_migrations" as never)
        .selectAll()
        .execute();
      expect(applied.length).toBeGreaterThan(0);
      await h.db.deleteFrom("schema_migrations" as never).execute();
      try {
        const response = await h.inject(null, { url: "/readyz" });
        expect(response.statusCode).toBe(503);
        expect(response.json()).toEqual({
          status: "not_ready",
          checks: { database: "ok", migrations: "pending" },
        });
      } finally {
        await h.db
          .insertInto("schema_migrations" as never)
          .values(applied as never)
          .execute();
      }
      expect((await h.inject(null, { url: "/readyz" })).statusCode).toBe(200);
    });

    it("health answers need no session and ignore a bad cookie", async () => {
      const response = await h.app.inject({
        method: "GET",
        url: "/readyz",
        headers: { cookie: `${h.cookieName}=not-a-real-token` },
      });
      expect(response.statusCode).toBe(200);
    });
  });

  describe("OpenAPI", () => {
    it("GET /api/openapi.json is OpenAPI 3.1 and lists every /api route the app serves", async () => {
      const response = await h.inject(null, { url: "/api/openapi.json" });
      expect(response.statusCode).toBe(200);
      expect(response.headers["content-type"]).toMatch(/^application\/json/);
      const document = response.json() as {
        openapi: string;
        paths: Record<
          string,
          Record<string, { responses?: Record<string, unknown>; parameters?: { in: string; name: string }[] }>
        >;
      };
      expect(document.openapi).toMatch(/^3\.1\./);

      const served = routesFromPrintout(h.app.printRoutes({ commonPrefix: false }))
        .filter((route) => {
          const [method, path] = route.split(" ") as [string, string];
          return (
            method !== "HEAD" &&
            (path.startsWith("/api") || path.startsWith("/scim/")) &&
            !path.startsWith(LIBRARY_ROUTE_PREFIX)
          );
        })
        .filter((route) => !HIDDEN_FROM_OPENAPI.has(route))
        .map((route) => {
          const [method, path] = route.split(" ") as [string, string];
          return `${method} ${path.replace(/:([A-Za-z]+)/g, "{$1}")}`;
        })
        .sort();
      const documented = Object.entries(document.paths)
        .flatMap(([path, operations]) =>
          Object.keys(operations)
            .filter((method) => method !== "head" && method !== "parameters")
            .map((method) => `${method.toUpperCase()} ${path}`),
        )
        .sort();
      expect(served.length).toBeGreaterThanOrEqual(8);
      expect(documented).toEqual(served);
      expect(Object.keys(document.paths)).toContain("/api/companies/{cid}");

      for (const [path, operations] of Object.entries(document.paths)) {
        for (const [method, operation] of Object.entries(operations)) {
          expect(Object.keys(operation.responses ?? {}).length, `${method} ${path}`).toBeGreaterThan(0);
          for (const name of [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1])) {
            expect(
              operation.parameters?.some((p) => p.in === "path" && p.name === name),
              `${method} ${path} declares path parameter ${name}`,
            ).toBe(true);
          }
        }
      }
    });

    it("GET /api/docs answers 200 HTML", async () => {
      let response = await h.inject(null, { url: "/api/docs" });
      if (response.statusCode >= 300 && response.statusCode < 400) {
        response = await h.inject(null, { url: String(response.headers.location) });
      }
      expect(response.statusCode).toBe(200);
      expect(response.headers["content-type"]).toMatch(/^text\/html/);
      expect(response.body).toMatch(/<html/i);
    });
  });

  describe("not found", () => {
    it.each([
      ["GET", "/api/no/such/route"],
      ["POST", "/api/no/such/route"],
      ["DELETE", "/api/companies"],
      ["GET", `/api/companies/${"0".repeat(8)}/nope`],
      ["GET", "/nope"],
    ])("%s %s → 404 not_found JSON", async (method, url) => {
      const response = await h.inject(cookie, { method, url });
      expect(response.statusCode).toBe(404);
      expect(response.headers["content-type"]).toMatch(/^application\/json/);
      expect(response.json()).toEqual({ error: { code: "not_found", message: expect.any(String) } });
    });
  });

  describe("request ids", () => {
    it("every answer carries a fresh x-request-id UUID, errors included", async () => {
      const ids = new Set<string>();
      for (const response of [
        await h.inject(null, { url: "/healthz" }),
        await h.inject(null, { url: "/api/me" }),
        await h.inject(null, { url: "/api/no/such/route" }),
        await h.inject(cookie, { url: "/api/me" }),
      ]) {
        const id = String(response.headers["x-request-id"]);
        expect(id).toMatch(UUID);
        ids.add(id);
      }
      expect(ids.size).toBe(4);
    });

    it("a client-sent x-request-id is not trusted or echoed", async () => {
      const response = await h.app.inject({
        method: "GET",
        url: "/healthz",
        headers: { "x-request-id": "forged-id<script>" },
      });
      expect(response.headers["x-request-id"]).toMatch(UUID);
    });

    it("the request id in the header is the one the audit log records", async () => {
      const member = await h.member(company, ["finance"]);
      const response = await h.app.inject({
        method: "POST",
        url: "/api/auth/login",
        payload: { email: member.email, password: TEST_PASSWORD },
      });
      expect(response.statusCode).toBe(200);
      const event = await h.db
        .selectFrom("audit_events")
        .select("request_id")
        .where("action", "=", "auth.login_succeeded")
        .where("actor_account_id", "=", member.id)
        .executeTakeFirstOrThrow();
      expect(event.request_id).toBe(response.headers["x-request-id"]);
    });
  });
});

describe("http basics in production", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(testDatabaseKinds[0]!, {
      env: {
        NODE_ENV: "production",
        DATABASE_URL: "postgres://unused.invalid/portal",
        PUBLIC_URL: "https://portal.example",
        SMTP_URL: "smtp://unused.invalid:25",
        MFA_SECRET_KEY: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        LOG_LEVEL: "silent",
      },
    });
  });
  afterAll(() => h.close());

  it("sends HSTS and keeps the security headers", async () => {
    const response = await h.inject(null, { url: "/api/me" });
    expect(response.headers["strict-transport-security"]).toMatch(/max-age=\d{7,}/);
    expectSecurityHeaders(response, "production /api/me");
    expect(response.headers["content-security-policy"]).toContain("upgrade-insecure-requests");
  });

  it("has no development mailbox route", async () => {
    const response = await h.inject(null, { url: "/api/dev/outbox" });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe("not_found");
  });

  it("takes the CSRF origin from PUBLIC_URL", async () => {
    const company = await h.company();
    const cookie = await h.login(company.admin.email);
    const foreign = await h.inject(cookie, {
      method: "POST",
      url: "/api/auth/logout",
      headers: { origin: "http://portal.test" },
    });
    expect(foreign.statusCode).toBe(403);
    const own = await h.inject(cookie, {
      method: "POST",
      url: "/api/auth/logout",
      headers: { origin: "https://portal.example" },
    });
    expect(own.statusCode).toBe(204);
  });
});

describe("configuration (loadConfig)", () => {
  function problemsOf(env: Record<string, string>): string[] {
    try {
      loadConfig(env);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as ConfigError).problems;
    }
    throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
  }

  it("accepts an empty environment with development defaults", () => {
    const config = loadConfig({});
    expect(config.nodeEnv).toBe("development");
    expect(config.port).toBe(3000);
    expect(config.isProduction).toBe(false);
    expect(config.sessionIdleMinutes).toBe(60);
    expect(config.sessionAbsoluteHours).toBe(12);
  });

  it("accepts a complete production environment", () => {
    const config = loadConfig({
      NODE_ENV: "production",
      DATABASE_URL: "postgres://portal@db.internal:5432/portal",
      PUBLIC_URL: "https://portal.example/",
      SMTP_URL: "smtp://mail.internal:587",
      MFA_SECRET_KEY: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
      PORT: "8080",
    });
    expect(config.isProduction).toBe(true);
    expect(config.port).toBe(8080);
    expect(config.publicUrl).toBe("https://portal.example");
    expect(config.publicOrigin).toBe("https://portal.example");
  });

  it.each([
    ["PORT", { PORT: "abc" }],
    ["PORT", { PORT: "70000" }],
    ["PORT", { PORT: "-1" }],
    ["PORT", { PORT: "80.5" }],
    ["DATABASE_URL", { DATABASE_URL: "not a url" }],
    ["DATABASE_URL", { DATABASE_URL: "mysql://db.internal/portal" }],
    ["NODE_ENV", { NODE_ENV: "staging" }],
    ["PUBLIC_URL", { PUBLIC_URL: "ftp://portal.example" }],
    ["REDIS_URL", { REDIS_URL: "http://cache" }],
    ["LOG_LEVEL", { LOG_LEVEL: "loud" }],
    ["SESSION_IDLE_MINUTES", { SESSION_IDLE_MINUTES: "600" }],
    ["SESSION_ABSOLUTE_HOURS", { SESSION_ABSOLUTE_HOURS: "48" }],
  ])("a bad %s is a ConfigError naming it", (name, env) => {
    const problems = problemsOf(env);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(name);
  });

  it("production without DATABASE_URL (or PUBLIC_URL) is a ConfigError naming them", () => {
    const problems = problemsOf({
      NODE_ENV: "production",
      PUBLIC_URL: "https://portal.example",
      SMTP_URL: "smtp://mail.internal:587",
      MFA_SECRET_KEY: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    });
    expect(problems).toEqual([expect.stringContaining("DATABASE_URL")]);
    const both = problemsOf({ NODE_ENV: "production" });
    expect(both.some((p) => p.includes("DATABASE_URL"))).toBe(true);
    expect(both.some((p) => p.includes("PUBLIC_URL"))).toBe(true);
  });

  it("lists every problem at once, each by its variable's name", () => {
    const problems = problemsOf({
      NODE_ENV: "prod",
      PORT: "eighty",
      DATABASE_URL: "mysql://db/portal",
      LOG_LEVEL: "chatty",
    });
    expect(problems).toHaveLength(4);
    for (const name of ["NODE_ENV", "PORT", "DATABASE_URL", "LOG_LEVEL"]) {
      expect(
        problems.filter((p) => p.includes(name)),
        name,
      ).toHaveLength(1);
    }
    const message = (() => {
      try {
        loadConfig({ NODE_ENV: "production", PORT: "99999", DATABASE_URL: "http://db/portal" });
      } catch (error) {
        return (error as Error).message;
      }
      return "";
    })();
    for (const name of ["PORT", "DATABASE_URL", "PUBLIC_URL"]) expect(message).toContain(name);
  });

  it("never echoes a database password into the error", () => {
    const problems = problemsOf({ DATABASE_URL: "mysql://portal:s3cret-db-pass@db/portal" });
    expect(problems.join("\n")).not.toContain("s3cret-db-pass");
  });
});
