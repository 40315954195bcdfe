// Rule 17 (and SECURITY 55): every log line is one JSON object, so CR/LF in a request cannot forge a
// line, and no password, session token or cookie ever reaches the log, whatever the request carried.
import { createHash } from "node:crypto";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount } from "../server/auth/accounts.js";
import { addMember } from "../server/companies/service.js";
import { inviteMember } from "../server/invitations/service.js";
import { memoryThrottleStore } from "../server/ratelimit/throttle-store.js";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness } from "./support/harness.js";

const PASSWORD = "Quokka-Lantern-Distinct-7731!";
const WRONG_PASSWORD = "Marmoset-Wrong-Secret-9915?";
const BEARER = "bearer-secret-5f1d9a77c2";
const SESSION_POLICY = { idleMs: 30 * 60_000, absoluteMs: 12 * 3_600_000 };
const FORGED = '{"level":30,"msg":"forged line","forged":true}';

function collectingStream() {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  return { stream, text: () => chunks.join("") };
}

describe.each(testDatabaseKinds)(
  "rule 17: log lines are one JSON object each and hold no secret (%s)",
  (kind) => {
    let h: Harness;
    let log: ReturnType<typeof collectingStream>;
    let token: string;
    const secrets: string[] = [PASSWORD, WRONG_PASSWORD, BEARER];

    beforeAll(async () => {
      log = collectingStream();
      h = await createHarness(kind, { env: { LOG_LEVEL: "info" }, logStream: log.stream });
      const company = await h.company("Logging Co");
      const email = "log.tester@example.com";
      await h.db.transaction().execute(async (trx) => {
        const account = await createAccount(trx, {
          email,
          name: "Log Tester",
          password: PASSWORD,
          now: h.clock.now(),
        });
        await addMember(trx, {
          companyId: company.id,
          accountId: account.id,
          roleIds: [company.roleIds.admin],
          invitedBy: null,
          now: h.clock.now(),
        });
      });

      const success = await h.app.inject({
        method: "POST",
        url: "/api/auth/login",
        payload: { email, password: PASSWORD },
      });
      expect(success.statusCode).toBe(200);
      token = h.sessionCookie(success)!;
      secrets.push(token, createHash("sha256").update(token).digest("hex"));

      const failure = await h.app.inject({
        method: "POST",
        url: "/api/auth/login",
        payload: { email, password: WRONG_PASSWORD },
      });
      expect(failure.statusCode).toBe(401);

      // Requests that carry the cookie (and other credentials) in their headers.
      const withCookie = await h.app.inject({
        method: "GET",
        url: `/api/companies/${company.id}`,
        headers: {
          cookie: `theme=dark; ${h.cookieName}=${token}; other=1`,
          authorization: `Bearer ${BEARER}`,
        },
      });
      expect(withCookie.statusCode).toBe(200);
      const refused = await h.app.inject({
        method: "POST",
        url: "/api/auth/logout",
        headers: { cookie: `${h.cookieName}=${token}`, origin: "https://evil.example" },
      });
      expect(refused.statusCode).toBe(403);

      // Bad requests with CR/LF in a name-like field, a field name, the path and the query string.
      const crlfEmail = await h.app.inject({
        method: "POST",
        url: "/api/auth/login",
        payload: { email: `Victim Name\r\n${FORGED}\n@example.com`, password: `${PASSWORD}\r\n${FORGED}` },
      });
      expect(crlfEmail.statusCode).toBeGreaterThanOrEqual(400);
      expect(crlfEmail.statusCode).toBeLessThan(500);
      const crlfField = await h.app.inject({
        method: "POST",
        url: "/api/auth/login",
        payload: JSON.stringify({
          email: "a@example.com",
          password: "x",
          [`name\r\n${FORGED}`]: "Eve\r\nEvil",
        }),
        headers: { "content-type": "application/json" },
      });
      expect(crlfField.statusCode).toBe(400);
      const crlfPath = await h.inject(token, {
        url: `/api/companies/x%0D%0A${encodeURIComponent(FORGED)}?name=${encodeURIComponent(`a\r\n${FORGED}`)}`,
      });
      expect(crlfPath.statusCode).toBe(404);
      const crlfQuery = await h.inject(token, {
        url: `/api/me?token=${token}&password=${encodeURIComponent(PASSWORD)}&x=${encodeURIComponent(`\r\n${FORGED}`)}`,
      });
      expect(crlfQuery.statusCode).toBe(200);

      const logout = await h.inject(token, { method: "POST", url: "/api/auth/logout" });
      expect(logout.statusCode).toBe(204);
      // Response logs are written when the response finishes; let them land.
      await new Promise((resolve) => setImmediate(resolve));
    });
    afterAll(() => h.close());

    const lines = () =>
      log
        .text()
        .split("\n")
        .filter((line) => line.length > 0);

    it("logs at info level at all (so the checks below are not vacuous)", () => {
      const urls = lines().map((line) => (JSON.parse(line) as { req?: { url?: string } }).req?.url);
      expect(urls).toContain("/api/auth/login");
      expect(urls).toContain("/api/auth/logout");
      expect(lines().length).toBeGreaterThanOrEqual(16);
    });

    it("every line is exactly one JSON object, so CR/LF cannot forge a line", () => {
      expect(log.text().endsWith("\n")).toBe(true);
      for (const line of lines()) {
        const parsed = JSON.parse(line) as unknown;
        expect(parsed !== null && typeof parsed === "object" && !Array.isArray(parsed), line).toBe(true);
        const entry = parsed as Record<string, unknown>;
        expect(typeof entry.level, line).toBe("number");
        expect(entry.forged, line).toBeUndefined();
        expect(entry.msg, line).not.toBe("forged line");
        expect(line).not.toContain("\r");
      }
    });

    it("never contains the password, the session token, its hash, the cookie or an Authorization header", () => {
      const text = log.text();
      for (const secret of secrets) expect(text).not.toContain(secret);
      expect(text).not.toContain(`${h.cookieName}=`);
      expect(text).not.toContain(encodeURIComponent(PASSWORD));
    });

    it("logs requests by method, path and IP only: no headers, no query string, no body", () => {
      for (const line of lines()) {
        const entry = JSON.parse(line) as { req?: Record<string, unknown>; body?: unknown };
        if (entry.req) {
          expect(Object.keys(entry.req).sort(), line).toEqual(["ip", "method", "url"]);
          expect(String(entry.req.url), line).not.toMatch(/\?(?!\[query\]$)/);
        }
        expect(entry.body, line).toBeUndefined();
      }
    });

    describe("the logger the app configures", () => {
      it("keeps CR/LF in a logged name or message inside its one JSON line", () => {
        const before = lines().length;
        h.app.log.info({ memberName: `Eve\r\n${FORGED}` }, `renamed to Eve\r\n${FORGED}`);
        const added = lines().slice(before);
        expect(added).toHaveLength(1);
        const entry = JSON.parse(added[0]!) as Record<string, unknown>;
        expect(entry.memberName).toBe(`Eve\r\n${FORGED}`);
        expect(entry.forged).toBeUndefined();
      });

      it("redacts password, token and code fields at any depth, not only one level down", () => {
        const before = log.text().length;
        h.app.log.info(
          {
            password: "top-level-password-1",
            token: "top-level-token-2",
            code: "code-value-907163",
            body: { password: "one-down-password-3", newPassword: "one-down-password-4" },
            request: { body: { password: "two-down-password-5", currentPassword: "two-down-password-6" } },
          },
          "an object holding secrets",
        );
        const written = log.text().slice(before);
        expect(written).toContain("an object holding secrets");
        for (const secret of [
          "top-level-password-1",
          "top-level-token-2",
          "code-value-907163",
          "one-down-password-3",
          "one-down-password-4",
          "two-down-password-5",
          "two-down-password-6",
        ]) {
          expect(written).not.toContain(secret);
        }
      });
    });
  },
);

describe.each(testDatabaseKinds)(
  "Issue 17 item 7: an invitation token in the path is never logged, whatever its case, encoding or status (%s)",
  (kind) => {
    let h: Harness;
    let log: ReturnType<typeof collectingStream>;
    let token: string;
    let adminCookie: string;
    const statuses: number[] = [];

    beforeAll(async () => {
      log = collectingStream();
      h = await createHarness(kind, { env: { LOG_LEVEL: "info" }, logStream: log.stream });
      const company = await h.company("Redaction Co");
      adminCookie = await h.login(company.admin.email);
      const { acceptUrl } = await inviteMember(
        {
          auth: { db: h.db, clock: h.clock, throttle: memoryThrottleStore(), sessionPolicy: SESSION_POLICY },
          publicUrl: h.config.publicUrl,
          ttlHours: h.config.invitationTtlHours,
        },
        {
          companyId: company.id,
          actor: null,
          email: "invited.redaction@example.com",
          roleIds: [company.roleIds.finance],
          acceptTerms: true,
          meta: { ip: null, userAgent: null, requestId: null },
        },
      );
      token = new URL(acceptUrl).hash.replace("#token=", "");
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);

      const slash = "%2F";
      const paths = [
        `/api/invitations/${token}`,
        `/api/Invitations/${token}`,
        `/API/INVITATIONS/${token}`,
        `/api/invitations/${token}/accept`,
        `/API/INVITATIONS/${token}/accept`,
        `/api/invitations${slash}${token}`,
        `/api/Invitations${slash}${token}${slash}accept`,
        `/api%2Finvitations%2F${token}`,
        `/api/invitations%252F${token}`,
        `/api/%69nvitations/${token}`,
        `//api//invitations//${token}`,
        `/api/invitations/${token}?lang=en`,
        `/invitations/${token}`,
        `/api/invitations/${token}x`,
        `/api/invitations/${token.slice(0, 20)}%ZZ${token.slice(20)}`,
      ];
      for (const path of paths) {
        for (const method of ["GET", "POST"] as const) {
          const response = await h.app.inject({
            method,
            url: path,
            ...(method === "POST" ? { payload: { name: "x" } } : {}),
          });
          statuses.push(response.statusCode);
        }
      }
      // A refused cross-site state change carrying a session is audited with its path.
      const crossSite = await h.inject(adminCookie, {
        method: "POST",
        url: `/api/Invitations/${token}/accept`,
        payload: {},
        headers: { origin: "https://evil.example" },
      });
      expect(crossSite.statusCode).toBe(403);
      await new Promise((resolve) => setImmediate(resolve));
    });
    afterAll(() => h.close());

    it("the requests reached the log with several statuses, 404 among them (so the check is not vacuous)", () => {
      expect(new Set(statuses).size).toBeGreaterThanOrEqual(3);
      expect(statuses).toContain(404);
      expect(statuses).toContain(200);
      const urls = log
        .text()
        .split("\n")
        .filter((line) => line.length > 0)
        .map((line) => (JSON.parse(line) as { req?: { url?: string } }).req?.url)
        .filter((url): url is string => url !== undefined);
      expect(urls).toContain("/api/Invitations/[redacted]");
      expect(urls).toContain("/API/INVITATIONS/[redacted]/accept");
    });

    it("no log line holds the token, nor any long piece of it", () => {
      const text = log.text();
      expect(text).not.toContain(token);
      for (let start = 0; start + 12 <= token.length; start += 4) {
        expect(text).not.toContain(token.slice(start, start + 12));
      }
    });

    it("the audit record of the refused request holds no token either", async () => {
      const events = await h.db
        .selectFrom("audit_events")
        .selectAll()
        .where("action", "=", "security.csrf_rejected")
        .execute();
      expect(events.length).toBeGreaterThanOrEqual(1);
      expect(JSON.stringify(events)).not.toContain(token.slice(0, 12));
    });
  },
);
