// Rule 13: bad input never yields a 500. Malformed JSON, wrong types, unknown fields, oversized or
// non-JSON bodies and cross-site state changes each get a 4xx in the one error model; then a property
// test throws random bodies, query strings and path parameters at every route of the app, and checks
// that no 4xx among them changed a business table (test/security/support/state.ts).
import fc from "fast-check";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSession } from "../server/access/session-queries.js";
import { hashSecretToken } from "../server/access/tokens.js";
import { ROWS } from "./permission-matrix/table.js";
import { changedTables, type StateSnapshot, snapshotState } from "./security/support/state.js";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness } from "./support/harness.js";
import { routesFromPrintout } from "./support/routes.js";

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
type RouteSpec = { method: Method; url: string };

// Every route the app serves under /api outside production (HEAD twins and the Swagger UI library
// routes aside). A test below compares this list with app.printRoutes() and the guard's accessTable,
// so a new route forces an update here, and with it the property test that fuzzes every route.
// The permission matrix's table is the one list of API routes; the fuzzing below covers each.
const API_ROUTES: RouteSpec[] = ROWS.map((row) => ({ method: row.method, url: row.route }));
const OTHER_ROUTES: RouteSpec[] = [
  { method: "GET", url: "/healthz" },
  { method: "GET", url: "/readyz" },
];
const ALL_ROUTES = [...API_ROUTES, ...OTHER_ROUTES];
const LIBRARY_ROUTE_PREFIX = "/api/docs";

type RequestCase = {
  asAdmin: boolean;
  body: string | undefined;
  contentType: string | undefined;
  origin: string | undefined;
  query: string;
  params: string[];
  ip: string;
};

const SESSION_POLICY = { idleMs: 60 * 60_000, absoluteMs: 12 * 3_600_000 };
const SNAKE_CASE = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;
// Stack frames, file positions, dependency paths and SQL: nothing internal may reach a client.
const INTERNALS =
  /\n\s*at |\bat \S+ \(|node_modules|\.[cm]?[jt]s:\d+|\bSELECT\s|\bINSERT\s|\bUPDATE\s|syntax error|relation "|violates|FST_ERR/;
const STACK_OR_DEPENDENCY = /\n\s*at |\bat \S+ \(|node_modules/;

/** Asserts the one error model: exactly {error:{code,message}} plus optional details, nothing internal. */
function expectErrorBody(response: LightMyRequestResponse, expectedCode?: string) {
  // SCIM routes answer RFC 7644's error model (schemas, status, scimType?, detail) in its media type.
  if (String(response.headers["content-type"]).startsWith("application/scim+json")) {
    const scim = response.json() as Record<string, unknown>;
    expect(scim.schemas, response.body).toEqual(["urn:ietf:params:scim:api:messages:2.0:Error"]);
    expect(String(scim.status), response.body).toBe(String(response.statusCode));
    expect(typeof scim.detail, response.body).toBe("string");
    expect(response.body).not.toMatch(INTERNALS);
    return;
  }
  expect(response.headers["content-type"], response.body).toMatch(/^application\/json/);
  const body = response.json() as Record<string, unknown>;
  expect(Object.keys(body), response.body).toEqual(["error"]);
  const { code, message, details, ...rest } = body.error as Record<string, unknown>;
  expect(rest, response.body).toEqual({});
  expect(code, response.body).toEqual(expect.stringMatching(SNAKE_CASE));
  if (expectedCode) expect(code, response.body).toBe(expectedCode);
  expect(typeof message, response.body).toBe("string");
  expect((message as string).length, response.body).toBeGreaterThan(0);
  if (details !== undefined) {
    expect(details !== null && typeof details === "object" && !Array.isArray(details), response.body).toBe(
      true,
    );
  }
  expect(response.body).not.toMatch(INTERNALS);
}

function expectNeverAServerError(response: LightMyRequestResponse) {
  expect(response.statusCode, response.body).toBeLessThan(500);
  if (response.statusCode >= 400) expectErrorBody(response);
  // The OpenAPI document is prose written by us ("… at once (rule 9)" reads like a stack frame).
  if (
    !String(response.headers["content-type"]).startsWith("application/json") ||
    !response.body.startsWith('{"openapi"')
  )
    expect(response.body).not.toMatch(STACK_OR_DEPENDENCY);
}

const HOSTILE_TEXT = [
  "\r\n",
  "line one\r\nSet-Cookie: portal_session=forged",
  '\r\n{"level":60,"msg":"forged"}',
  "<script>alert(1)</script>",
  "' OR 1=1 --",
  "'; DROP TABLE accounts; --",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, meant literally
  "${7*7}{{7*7}}",
  "../../../../etc/passwd",
  "\u0000",
  "a\u0000@example.com",
  "\ud800",
  "\ud800@example.com",
  "\ufeff",
  "\u202eevil",
  "😀".repeat(50),
  "a".repeat(2000),
  "%00%0d%0a",
  "__proto__",
  "constructor",
  "admin@example.com",
  " Admin@Example.COM ",
];
/** encodeURIComponent throws on a lone surrogate; a browser would send U+FFFD instead. */
const wellFormed = (text: string) =>
  text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd");
const hostileString = fc.oneof(
  fc.constantFrom(...HOSTILE_TEXT),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.tuple(fc.constantFrom(...HOSTILE_TEXT), fc.string({ maxLength: 10 })).map(([a, b]) => a + b),
);
const hostileNumber = fc.oneof(
  fc.constantFrom(1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, 2 ** 64, -0, 0.1),
  fc.double(),
  fc.integer(),
);
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  hostileNumber,
  fc.constantFrom(null, true, false, [], {}),
  fc.array(hostileString, { maxLength: 3 }),
  fc.dictionary(hostileString, hostileString, { maxKeys: 3 }),
);
const FIELD_NAMES = [
  "email",
  "password",
  "currentPassword",
  "newPassword",
  "token",
  "code",
  "name",
  "roles",
  "__proto__",
  "constructor",
  "prototype",
  "isAdmin",
  "",
];
const hostileObject = fc
  .array(fc.tuple(fc.oneof(fc.constantFrom(...FIELD_NAMES), hostileString), hostileValue), { maxLength: 5 })
  .map((entries) => {
    // Built by hand so __proto__ becomes a real JSON key, as an attacker would send it.
    const parts = entries.map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value) ?? "null"}`);
    return `{${parts.join(",")}}`;
  });
// Shaped like a login so it reaches the service (argon2, the throttle, the audit log), not only the schema.
const loginShaped = fc
  .record({ email: hostileString, password: hostileString })
  .map((body) => JSON.stringify(body));
const RAW_BODIES = [
  "",
  "{",
  "null",
  "[]",
  '"text"',
  "1e999",
  "123456789012345678901234567890",
  '{"email":1e999,"password":"x"}',
  '{"__proto__":{"isAdmin":true}}',
  '{"constructor":{"prototype":{"isAdmin":true}}}',
  '{"email":"a@example.com","email":"b@example.com","password":"x"}',
  "[".repeat(5000) + "]".repeat(5000),
  `${'{"a":'.repeat(3000)}1${"}".repeat(3000)}`,
  "\ufeff{}",
  "{}\u0000",
];
const rawBody = fc.oneof(
  fc.constantFrom(...RAW_BODIES),
  fc.anything().map((value) => JSON.stringify(value)),
  fc.json(),
  fc.string({ maxLength: 60 }),
  hostileObject,
  loginShaped,
  loginShaped,
);
// Weighted towards requests that pass the CSRF and media-type checks, so most runs reach the
// schema and the service behind it rather than stopping at the door.
const contentType = fc.oneof(
  { arbitrary: fc.constantFrom("application/json", "application/json; charset=utf-8"), weight: 6 },
  {
    arbitrary: fc.constantFrom(
      undefined,
      "APPLICATION/JSON",
      "text/plain",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
      "application/xml",
      "application/json-patch+json",
      "garbage",
    ),
    weight: 2,
  },
);
const origin = fc.oneof(
  { arbitrary: fc.constantFrom(undefined, "http://portal.test"), weight: 6 },
  { arbitrary: fc.constantFrom("https://evil.example", "null"), weight: 1 },
);
const QUERY_KEYS = [
  "to",
  "email",
  "role",
  "status",
  "limit",
  "cursor",
  "cid",
  "sessionId",
  "__proto__",
  "constructor",
  "a[b]",
  "a[]",
];
const queryString = fc
  .array(fc.tuple(fc.oneof(fc.constantFrom(...QUERY_KEYS), hostileString), hostileString), { maxLength: 6 })
  .map((pairs) =>
    pairs.length === 0
      ? ""
      : `?${pairs.map(([k, v]) => `${encodeURIComponent(wellFormed(k))}=${encodeURIComponent(wellFormed(v))}`).join("&")}`,
  );

describe.each(testDatabaseKinds)("rule 13: bad input never yields a 500 (%s)", (kind) => {
  let h: Harness;
  let company: Awaited<ReturnType<Harness["company"]>>;
  let adminCookie: string;
  let outsiderToken: string;
  let outsiderSessionId: string;

  /** A new session for the company's admin, made without a login so fuzzing stays fast. */
  async function freshAdminSession(): Promise<{ token: string; sessionId: string }> {
    return createSession(h.db, {
      accountId: company.admin.id,
      ip: "127.0.0.1",
      userAgent: "rule-13 test",
      now: h.clock.now(),
      policy: SESSION_POLICY,
    });
  }

  async function expectSessionWorks(token: string) {
    const response = await h.inject(token, { url: "/api/me" });
    expect(response.statusCode, response.body).toBe(200);
  }

  beforeAll(async () => {
    h = await createHarness(kind);
    company = await h.company();
    adminCookie = await h.login(company.admin.email);
    const outsider = await h.company("Other Merchant");
    const session = await createSession(h.db, {
      accountId: outsider.admin.id,
      ip: null,
      userAgent: null,
      now: h.clock.now(),
      policy: SESSION_POLICY,
    });
    outsiderToken = session.token;
    outsiderSessionId = session.sessionId;
  });
  afterAll(() => h.close());

  const login = (payload: string, headers: Record<string, string> = {}) =>
    h.app.inject({
      method: "POST",
      url: "/api/auth/login",
      payload,
      headers: { "content-type": "application/json", ...headers },
    });

  describe("malformed and mistyped JSON", () => {
    it.each([
      ["a cut-off object", '{"email":"a@example.com",'],
      ["a trailing comma", '{"email":"a@example.com","password":"x",}'],
      ["single quotes", "{'email':'a@example.com'}"],
      ["a bare word", "hello"],
      ["a __proto__ key", '{"email":"a@example.com","password":"x","__proto__":{"isAdmin":true}}'],
      [
        "a constructor.prototype key",
        '{"email":"a@example.com","password":"x","constructor":{"prototype":{"isAdmin":true}}}',
      ],
    ])("login with %s → 400 invalid_json", async (_label, payload) => {
      const response = await login(payload);
      expect(response.statusCode).toBe(400);
      expectErrorBody(response, "invalid_json");
      expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    });

    it("a deeply nested body → 400, not a stack overflow", async () => {
      for (const payload of [
        "[".repeat(100_000) + "]".repeat(100_000),
        `${'{"a":'.repeat(50_000)}1${"}".repeat(50_000)}`,
      ]) {
        const response = await login(payload);
        expect(response.statusCode).toBe(400);
        expectErrorBody(response);
      }
    });

    it.each([
      ["an array (parameter pollution)", ["a@example.com", "b@example.com"]],
      ["a number", 42],
      ["null", null],
      ["an object (operator injection)", { $ne: "" }],
      ["a boolean", true],
    ])("email as %s → 400 validation_failed naming body.email", async (_label, email) => {
      const response = await login(JSON.stringify({ email, password: "whatever password" }));
      expect(response.statusCode).toBe(400);
      expectErrorBody(response, "validation_failed");
      expect(response.json().error.details.field).toBe("body.email");
    });

    it("password as an array → 400 validation_failed naming body.password", async () => {
      const response = await login(JSON.stringify({ email: "a@example.com", password: ["a", "b"] }));
      expect(response.statusCode).toBe(400);
      expectErrorBody(response, "validation_failed");
      expect(response.json().error.details.field).toBe("body.password");
    });

    it("a number too large for a double is not coerced into a string", async () => {
      const response = await login('{"email":"a@example.com","password":1e999}');
      expect(response.statusCode).toBe(400);
      expectErrorBody(response, "validation_failed");
    });

    it("an unknown field → 400 validation_failed with details.unknownField", async () => {
      const response = await login(JSON.stringify({ email: "a@example.com", password: "x", isAdmin: true }));
      expect(response.statusCode).toBe(400);
      expectErrorBody(response, "validation_failed");
      expect(response.json().error.details.unknownField).toBe("isAdmin");
    });

    it("a missing field → 400 validation_failed", async () => {
      const response = await login(JSON.stringify({ email: "a@example.com" }));
      expect(response.statusCode).toBe(400);
      expectErrorBody(response, "validation_failed");
    });

    it("an empty body on a JSON POST → 400 (with or without a JSON content type)", async () => {
      const declaredJson = await login("");
      expect(declaredJson.statusCode).toBe(400);
      expectErrorBody(declaredJson, "invalid_json");
      const bare = await h.app.inject({ method: "POST", url: "/api/auth/login" });
      expect(bare.statusCode).toBe(400);
      expectErrorBody(bare, "validation_failed");
    });

    it.each(["null", "[]", '"a@example.com"', "42"])(
      "a JSON body that is not an object (%s) → 400",
      async (payload) => {
        const response = await login(payload);
        expect(response.statusCode).toBe(400);
        expectErrorBody(response, "validation_failed");
      },
    );
  });

  describe("text the database cannot store", () => {
    // PostgreSQL text cannot hold U+0000 and jsonb refuses a lone surrogate; both arrive in valid JSON.
    it.each([
      ["a NUL character", "victim\u0000@example.com"],
      ["a lone surrogate", "victim\ud800@example.com"],
    ])("login with an email holding %s → 4xx, not 500", async (_label, email) => {
      const response = await login(JSON.stringify({ email, password: "some password" }), {});
      expect(response.statusCode, response.body).toBeGreaterThanOrEqual(400);
      expect(response.statusCode, response.body).toBeLessThan(500);
      expectErrorBody(response);
    });

    it("login with a password holding a NUL character → 401 invalid_credentials", async () => {
      const response = await login(
        JSON.stringify({ email: "nobody@example.com", password: "pass\u0000word" }),
      );
      expect(response.statusCode).toBe(401);
      expectErrorBody(response, "invalid_credentials");
    });
  });

  describe("size and media type", () => {
    it("a body over 1 MB → 413 payload_too_large", async () => {
      const big = JSON.stringify({ email: "a@example.com", password: "x".repeat(1_100_000) });
      const response = await login(big);
      expect(response.statusCode).toBe(413);
      expectErrorBody(response, "payload_too_large");

      const onLogout = await h.inject(adminCookie, {
        method: "POST",
        url: "/api/auth/logout",
        payload: big,
        headers: { "content-type": "application/json" },
      });
      expect(onLogout.statusCode).toBe(413);
      expectErrorBody(onLogout, "payload_too_large");
      await expectSessionWorks(adminCookie);
    });

    it.each([
      ["text/plain", '{"email":"a@example.com","password":"x"}'],
      ["text/plain; charset=utf-8", '{"email":"a@example.com","password":"x"}'],
      ["application/x-www-form-urlencoded", "email=a%40example.com&password=x"],
      [
        "multipart/form-data; boundary=xyz",
        "--xyz\r\nContent-Disposition: form-data; name=email\r\n\r\na\r\n--xyz--",
      ],
      ["application/xml", "<login/>"],
    ])("login sent as %s → 415 unsupported_media_type", async (type, payload) => {
      const response = await h.app.inject({
        method: "POST",
        url: "/api/auth/login",
        payload,
        headers: { "content-type": type },
      });
      expect(response.statusCode).toBe(415);
      expectErrorBody(response, "unsupported_media_type");
    });

    it("logout sent as text/plain or a form → 415, and the session is still alive", async () => {
      const { token } = await freshAdminSession();
      for (const type of ["text/plain", "application/x-www-form-urlencoded"]) {
        const response = await h.inject(token, {
          method: "POST",
          url: "/api/auth/logout",
          payload: "x=1",
          headers: { "content-type": type },
        });
        expect(response.statusCode).toBe(415);
        expectErrorBody(response, "unsupported_media_type");
      }
      await expectSessionWorks(token);
    });

    it("a body with no content type at all on a state change → 415", async () => {
      const response = await h.app.inject({
        method: "POST",
        url: "/api/auth/login",
        payload: Buffer.from('{"email":"a@example.com","password":"x"}'),
      });
      expect(response.statusCode).toBe(415);
      expectErrorBody(response, "unsupported_media_type");
    });
  });

  describe("DELETE /api/me/sessions/:sessionId", () => {
    it("a session id that is not a UUID → 400 validation_failed", async () => {
      for (const id of ["1", "not-a-uuid", "00000000-0000-0000-0000-00000000000g", "%27%20OR%201%3D1"]) {
        const response = await h.inject(adminCookie, { method: "DELETE", url: `/api/me/sessions/${id}` });
        expect(response.statusCode, id).toBe(400);
        expectErrorBody(response, "validation_failed");
      }
    });

    it("a text/plain body → 415, and nothing is deleted", async () => {
      const { token, sessionId } = await freshAdminSession();
      const response = await h.inject(adminCookie, {
        method: "DELETE",
        url: `/api/me/sessions/${sessionId}`,
        payload: "please",
        headers: { "content-type": "text/plain" },
      });
      expect(response.statusCode).toBe(415);
      expectErrorBody(response, "unsupported_media_type");
      await expectSessionWorks(token);
    });

    it("malformed JSON → 400 invalid_json, and nothing is deleted", async () => {
      const { token, sessionId } = await freshAdminSession();
      const response = await h.inject(adminCookie, {
        method: "DELETE",
        url: `/api/me/sessions/${sessionId}`,
        payload: "{nope",
        headers: { "content-type": "application/json" },
      });
      expect(response.statusCode).toBe(400);
      expectErrorBody(response, "invalid_json");
      await expectSessionWorks(token);
    });

    it("anonymous → 401 unauthenticated", async () => {
      const response = await h.inject(null, {
        method: "DELETE",
        url: `/api/me/sessions/${outsiderSessionId}`,
      });
      expect(response.statusCode).toBe(401);
      expectErrorBody(response, "unauthenticated");
      await expectSessionWorks(outsiderToken);
    });
  });

  describe("GET /api/companies/:cid", () => {
    it("a company id that is not a UUID → 404 for a member, 401 for an anonymous caller", async () => {
      for (const cid of ["1", "acme", "'%20OR%201=1", "%2e%2e%2f"]) {
        const asAdmin = await h.inject(adminCookie, { url: `/api/companies/${cid}` });
        expect(asAdmin.statusCode, cid).toBe(404);
        expectErrorBody(asAdmin, "not_found");
        const anonymous = await h.inject(null, { url: `/api/companies/${cid}` });
        expect(anonymous.statusCode, cid).toBe(401);
        expectErrorBody(anonymous, "unauthenticated");
      }
    });

    it("query-string pollution cannot replace the company named in the path", async () => {
      const other = await h.company("Polluted Co");
      // No route declares a query schema yet, so duplicated and look-alike parameters must be ignored.
      const response = await h.inject(adminCookie, {
        url: `/api/companies/${company.id}?cid=${other.id}&cid=${other.id}&__proto__[cid]=${other.id}`,
      });
      expect(response.statusCode).toBe(200);
      expect(response.json().id).toBe(company.id);
      const listed = await h.inject(adminCookie, { url: "/api/companies?limit=1&limit=2&cursor[]=x" });
      expect(listed.statusCode).toBe(200);
    });

    it("a path with a malformed percent-encoding → 400 in the error model", async () => {
      const response = await h.inject(adminCookie, { url: "/api/companies/%E0%A4%A" });
      expect(response.statusCode).toBe(400);
      expectErrorBody(response);
    });

    it("a path parameter longer than the router accepts → 4xx in the error model", async () => {
      const response = await h.inject(adminCookie, { url: `/api/companies/${"a".repeat(300)}` });
      expect(response.statusCode).toBeGreaterThanOrEqual(400);
      expect(response.statusCode).toBeLessThan(500);
      expectErrorBody(response);
    });
  });

  describe("query strings (GET /api/dev/outbox, the route with a query schema)", () => {
    it.each([
      ["a duplicated string parameter", "to=a%40example.com&to=b%40example.com", "querystring.to"],
      ["a duplicated number parameter", "limit=1&limit=2", "querystring.limit"],
      ["a number that is not one", "limit=abc", "querystring.limit"],
      ["a number out of range", "limit=0", "querystring.limit"],
      ["a number out of range (high)", "limit=101", "querystring.limit"],
      ["an overlong string", `to=${"a".repeat(400)}`, "querystring.to"],
    ])("%s → 400 validation_failed naming the parameter", async (_label, query, field) => {
      const response = await h.inject(null, { url: `/api/dev/outbox?${query}` });
      expect(response.statusCode).toBe(400);
      expectErrorBody(response, "validation_failed");
      expect(response.json().error.details.field).toBe(field);
    });

    it.each(["x=1", "to[]=a", "to[a]=b", "__proto__=1", "constructor=1"])(
      "an unknown parameter (%s) → 400 with details.unknownField",
      async (query) => {
        const response = await h.inject(null, { url: `/api/dev/outbox?${query}` });
        expect(response.statusCode).toBe(400);
        expectErrorBody(response, "validation_failed");
        expect(response.json().error.details.unknownField).toBe(query.split("=")[0]);
      },
    );

    it("well-formed parameters are accepted", async () => {
      const response = await h.inject(null, { url: "/api/dev/outbox?limit=5&to=a%40example.com" });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ items: [] });
    });
  });

  describe("dates and times the server cannot read", () => {
    let everything: string; // Admin and Data Analytics: audit log, transactions and Insights
    beforeAll(async () => {
      const member = await h.member(company, ["admin", "data_analytics"]);
      everything = await h.login(member.email);
    });

    it.each([
      ["audit-events", "from"],
      ["audit-events", "to"],
      ["audit-events/export", "from"],
      ["insights", "from"],
      ["insights", "to"],
      ["transactions", "from"],
    ])("a leap second in %s?%s= → 400 validation_failed, not a 500", async (route, field) => {
      // The date-time format allows second 60, which JavaScript reads as Invalid Date.
      const query = `${field}=${encodeURIComponent("2016-12-31T23:59:60Z")}`;
      const response = await h.inject(everything, { url: `/api/companies/${company.id}/${route}?${query}` });
      expect(response.statusCode).toBe(400);
      expectErrorBody(response, "validation_failed");
      expect(response.json().error.details.field).toBe(`querystring.${field}`);
    });

    it("an ordinary date and time is still accepted", async () => {
      const response = await h.inject(adminCookie, {
        url: `/api/companies/${company.id}/audit-events?from=${encodeURIComponent("2016-12-31T23:59:59Z")}`,
      });
      expect(response.statusCode).toBe(200);
    });
  });

  describe("CSRF: cross-site state changes are refused and change nothing", () => {
    it.each([
      ["Origin: https://evil.example", { origin: "https://evil.example" }],
      ["Origin: null", { origin: "null" }],
      ["Origin on another scheme", { origin: "https://portal.test" }],
      ["Origin on another port", { origin: "http://portal.test:8080" }],
      ["Origin that only starts like ours", { origin: "http://portal.test.evil.example" }],
      ["Sec-Fetch-Site: cross-site", { "sec-fetch-site": "cross-site" }],
      [
        "Sec-Fetch-Site: cross-site with our own Origin",
        { "sec-fetch-site": "cross-site", origin: "http://portal.test" },
      ],
    ])("logout with %s → 403 csrf_rejected, and the session still works", async (_label, headers) => {
      const { token, sessionId } = await freshAdminSession();
      const response = await h.inject(token, { method: "POST", url: "/api/auth/logout", headers });
      expect(response.statusCode).toBe(403);
      expectErrorBody(response, "csrf_rejected");
      expect(h.sessionCookie(response)).toBeUndefined();
      expect(response.headers["set-cookie"]).toBeUndefined();
      await expectSessionWorks(token);
      const logouts = await h.db
        .selectFrom("audit_events")
        .select("id")
        .where("action", "=", "auth.logout")
        .where("target_id", "=", sessionId)
        .execute();
      expect(logouts).toHaveLength(0);
    });

    it("a cross-site DELETE of a session → 403, and that session still works", async () => {
      const { token, sessionId } = await freshAdminSession();
      const response = await h.inject(adminCookie, {
        method: "DELETE",
        url: `/api/me/sessions/${sessionId}`,
        headers: { origin: "https://evil.example" },
      });
      expect(response.statusCode).toBe(403);
      expectErrorBody(response, "csrf_rejected");
      await expectSessionWorks(token);
    });

    it("a cross-site login → 403 csrf_rejected, no session cookie (login CSRF)", async () => {
      const response = await h.app.inject({
        method: "POST",
        url: "/api/auth/login",
        payload: { email: company.admin.email, password: "correct horse battery staple 42" },
        headers: { origin: "https://evil.example" },
      });
      expect(response.statusCode).toBe(403);
      expectErrorBody(response, "csrf_rejected");
      expect(h.sessionCookie(response)).toBeUndefined();
    });

    it("the configured PUBLIC_URL origin is accepted", async () => {
      const { token } = await freshAdminSession();
      const response = await h.inject(token, {
        method: "POST",
        url: "/api/auth/logout",
        headers: { origin: "http://portal.test", "sec-fetch-site": "same-origin" },
      });
      expect(response.statusCode).toBe(204);
      expect((await h.inject(token, { url: "/api/me" })).statusCode).toBe(401);
    });

    describe("Issue 17 item 6: CSRF accepts only PUBLIC_URL's origin", () => {
      it.each([
        ["the request's own Host", "portal.internal:8080", "http://portal.internal:8080"],
        ["PUBLIC_URL's host with another scheme", "portal.test", "https://portal.test"],
        ["PUBLIC_URL's host with a port", "portal.test:8080", "http://portal.test:8080"],
      ])(
        "an Origin equal to %s but not PUBLIC_URL's → 403 csrf_rejected, the session still works",
        async (_case, host, origin) => {
          const { token } = await freshAdminSession();
          const response = await h.inject(token, {
            method: "POST",
            url: "/api/auth/logout",
            headers: { host, origin },
          });
          expect(response.statusCode).toBe(403);
          expectErrorBody(response, "csrf_rejected");
          await expectSessionWorks(token);
        },
      );

      it("PUBLIC_URL's origin passes whatever the Host header says", async () => {
        const { token } = await freshAdminSession();
        const response = await h.inject(token, {
          method: "POST",
          url: "/api/auth/logout",
          headers: { host: "portal.internal:8080", origin: "http://portal.test" },
        });
        expect(response.statusCode).toBe(204);
        expect((await h.inject(token, { url: "/api/me" })).statusCode).toBe(401);
      });
    });

    it("a same-site (not cross-site) fetch with no Origin is accepted", async () => {
      const { token } = await freshAdminSession();
      const response = await h.inject(token, {
        method: "POST",
        url: "/api/auth/logout",
        headers: { "sec-fetch-site": "same-site" },
      });
      expect(response.statusCode).toBe(204);
    });
  });

  describe("GET requests never change state", () => {
    it.each(["GET", "HEAD"])("%s /api/auth/logout is a 4xx and the session still works", async (method) => {
      const { token } = await freshAdminSession();
      const response = await h.inject(token, { method, url: "/api/auth/logout" });
      expect(response.statusCode).toBeGreaterThanOrEqual(400);
      expect(response.statusCode).toBeLessThan(500);
      if (method === "GET") expectErrorBody(response);
      await expectSessionWorks(token);
    });

    it("GET on the session-ending route does not end the session", async () => {
      const response = await h.inject(adminCookie, { url: `/api/me/sessions/${outsiderSessionId}` });
      expect(response.statusCode).toBeGreaterThanOrEqual(400);
      expect(response.statusCode).toBeLessThan(500);
      expectErrorBody(response);
      const { token, sessionId } = await freshAdminSession();
      const own = await h.inject(adminCookie, { url: `/api/me/sessions/${sessionId}` });
      expect(own.statusCode).toBeGreaterThanOrEqual(400);
      await expectSessionWorks(token);
      await expectSessionWorks(outsiderToken);
    });

    it("GET /api/auth/login with credentials in the query string does not log in", async () => {
      const response = await h.app.inject({
        method: "GET",
        url: `/api/auth/login?email=${encodeURIComponent(company.admin.email)}&password=x`,
      });
      expect(response.statusCode).toBeGreaterThanOrEqual(400);
      expect(response.statusCode).toBeLessThan(500);
      expect(h.sessionCookie(response)).toBeUndefined();
    });
  });

  describe("the route list", () => {
    const expected = API_ROUTES.map((r) => `${r.method} ${r.url}`).sort();

    it("matches what the app serves under /api (add a row to the permission matrix table for a new route)", () => {
      const served = routesFromPrintout(h.app.printRoutes({ commonPrefix: false }))
        .filter((route) => {
          const [method, path] = route.split(" ") as [string, string];
          return (
            method !== "HEAD" &&
            (path.startsWith("/api") || path.startsWith("/scim/")) &&
            !path.startsWith(LIBRARY_ROUTE_PREFIX)
          );
        })
        .sort();
      expect(served).toEqual(expected);
    });

    it("matches the guard's table of declared routes", () => {
      const declared = h.app.accessTable.map((route) => `${route.method} ${route.url}`).sort();
      expect(declared).toEqual(expected);
    });
  });

  describe("property: random input on every route", () => {
    /** Replaces each :param with a generated value. */
    function fillPath(template: string, params: string[]): string {
      let index = 0;
      return template.replace(/:[A-Za-z]+/g, () => params[index++] ?? "x");
    }

    const pathParam = () =>
      fc.oneof(
        fc.uuid(),
        fc.constant(company.id),
        fc.constant(company.id.toUpperCase()),
        fc.constant(outsiderSessionId),
        // Well-encoded and within the router's 200-character limit; the next property covers the rest.
        hostileString
          .map((s) => encodeURIComponent(wellFormed(s)))
          .filter((s) => s.length > 0 && s.length <= 190),
      );

    const requestCase = (): fc.Arbitrary<RequestCase> =>
      fc.record({
        asAdmin: fc.boolean(),
        body: fc.option(rawBody, { nil: undefined, freq: 6 }),
        contentType,
        origin,
        query: queryString,
        params: fc.array(pathParam(), { minLength: 2, maxLength: 2 }),
        ip: fc.ipV4(),
      });

    /** Sessions made for single cases, as made; each is ended once its case is checked. */
    const madeSessions: { id: string; token_hash: string; step_up_until: null }[] = [];

    async function send(route: RouteSpec, input: RequestCase) {
      const isStateChange = route.method !== "GET";
      // State changes get a session of their own (a fuzzed logout may succeed); reads share one.
      const fresh = input.asAdmin && isStateChange ? await freshAdminSession() : null;
      if (fresh) {
        madeSessions.push({
          id: fresh.sessionId,
          token_hash: hashSecretToken(fresh.token),
          step_up_until: null,
        });
      }
      const token = input.asAdmin ? (fresh?.token ?? adminCookie) : null;
      const headers: Record<string, string> = {};
      if (input.contentType !== undefined) headers["content-type"] = input.contentType;
      if (input.origin !== undefined) headers.origin = input.origin;
      if (token) headers.cookie = `${h.cookieName}=${token}`;
      return h.app.inject({
        method: route.method,
        url: fillPath(route.url, input.params) + input.query,
        headers,
        remoteAddress: input.ip,
        ...(input.body !== undefined ? { payload: input.body } : {}),
      });
    }

    it.each(ALL_ROUTES.map((r) => [`${r.method} ${r.url}`, r] as const))(
      "%s: random bodies, query strings and path parameters never yield a 500, nor change state on a 4xx",
      async (_name, route) => {
        // The business tables' checksums (test/security/support/state.ts) before a request, kept while
        // nothing changes them; a 4xx must leave every one as it was.
        let baseline: StateSnapshot | null = null;
        await fc.assert(
          fc.asyncProperty(requestCase(), async (input) => {
            // Reused only once a case has shown it unchanged (so a failure, and fast-check's shrinking
            // after it, always compare against a fresh snapshot).
            const before: StateSnapshot = baseline ?? (await snapshotState(h.db));
            baseline = null;
            const response = await send(route, input);
            expectNeverAServerError(response);
            // The case's own session is setup, not an effect of the request: a refused request must leave
            // it as made (not ended, rotated or verified); it is ended before the tables are compared.
            const made = madeSessions.splice(0);
            const madeIds = made.map((session) => session.id);
            const afterwards =
              made.length === 0
                ? []
                : await h.db
                    .selectFrom("sessions")
                    .select(["id", "token_hash", "step_up_until"])
                    .where("id", "in", madeIds)
                    .execute();
            if (made.length > 0) await h.db.deleteFrom("sessions").where("id", "in", madeIds).execute();
            if (response.statusCode >= 400) {
              const detail = `${response.statusCode} ${response.body.slice(0, 200)}`;
              expect(afterwards, `a refused request changed its own session: ${detail}`).toEqual(made);
              expect(changedTables(before, await snapshotState(h.db)), detail).toEqual([]);
              baseline = before;
            }
          }),
          { numRuns: 150 },
        );
        // Nothing a GET was sent changed anything, and another account's session survived every DELETE.
        await expectSessionWorks(adminCookie);
        await expectSessionWorks(outsiderToken);
      },
    );

    const RAW_PATH_FRAGMENTS = [
      "%",
      "%zz",
      "%E0%A4%A",
      "%C0%AF",
      "%00",
      "%2F",
      "..",
      "%2e%2e",
      "%FF",
      "a".repeat(201),
    ];
    const rawSegment = fc
      .array(
        fc.oneof(
          fc.constantFrom(...RAW_PATH_FRAGMENTS),
          fc.string({ unit: fc.constantFrom(..."abcXYZ019-._~!$&'()*+,;=:@%".split("")), maxLength: 12 }),
        ),
        { minLength: 1, maxLength: 4 },
      )
      .map((parts) => parts.join(""));

    it.each(ALL_ROUTES.filter((r) => r.url.includes(":")).map((r) => [`${r.method} ${r.url}`, r] as const))(
      "%s: raw, malformed or overlong path parameters answer a 4xx in the error model",
      async (_name, route) => {
        await fc.assert(
          fc.asyncProperty(fc.boolean(), rawSegment, async (asAdmin, segment) => {
            const response = await h.app.inject({
              method: route.method,
              url: fillPath(route.url, [segment, segment]),
              headers: asAdmin ? { cookie: `${h.cookieName}=${adminCookie}` } : {},
            });
            expectNeverAServerError(response);
          }),
          { numRuns: 100 },
        );
      },
    );
  });
});
