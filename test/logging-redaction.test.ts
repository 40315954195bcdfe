// Rule 17 (and SECURITY 55): every log line is one JSON object, so CR/LF in a request cannot forge a
// line, and no password, session token or cookie ever reaches the log, whatever the request carried.
import { createHash } from "node:crypto";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount } from "../server/auth/accounts.js";
import { addMember } from "../server/companies/service.js";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness } from "./support/harness.js";

const PASSWORD = "Quokka-Lantern-Distinct-7731!";
const WRONG_PASSWORD = "Marmoset-Wrong-Secret-9915?";
const BEARER = "bearer-secret-5f1d9a77c2";
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
