// Issue 17 item 2 (rule 13): a JSON body that repeats a key in one object is refused with
// 400 validation_failed naming the key, on every route, instead of the last occurrence winning.
import fc from "fast-check";
import Fastify, { type FastifyError, type FastifyRequest } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findDuplicateKey, mayRepeatAKey, refusingDuplicateKeys } from "../server/http/json-body.js";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness } from "./support/harness.js";

const parse = refusingDuplicateKeys(Fastify().getDefaultJsonParser("error", "error"));

function parseBody(text: string): { value?: unknown; error?: FastifyError } {
  let outcome: { value?: unknown; error?: FastifyError } = {};
  parse({} as FastifyRequest, text, (error, value) => {
    outcome = error ? { error: error as FastifyError } : { value };
  });
  return outcome;
}

// Strings made of the characters that could confuse a scanner: quotes, escapes, braces, colons.
const trickyString = fc.string({
  unit: fc.constantFrom(
    '"',
    "\\",
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "/",
    "~",
    "a",
    "b",
    " ",
    "\n",
    "\u0000",
    "é",
  ),
  maxLength: 8,
});
const key = fc.oneof(trickyString, fc.string({ maxLength: 6 }));
const jsonValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.oneof(trickyString, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean()),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(key, tie("value"), { maxKeys: 5 }),
  ),
})).value;
const indent = fc.constantFrom(undefined, 0, 2, "\t");
const spacing = fc.constantFrom("", " ", "\n  ", "\t", "\r\n");
// Fastify's parser refuses these names on purpose (prototype poisoning), whatever the duplicates.
const isPoisonFree = (text: string) => !text.includes("__proto__") && !text.includes("constructor");

type Node = unknown;
/** Serializes `value`, repeating one key in its `target`-th object (in document order). */
function withRepeatedKey(
  value: Node,
  target: number,
  pick: number,
  repeated: string,
  space = "",
): { text: string; key?: string; pointer?: string } {
  let seen = 0;
  let found: { key: string; pointer: string } | undefined;
  const pointerToken = (token: string) => token.replaceAll("~", "~0").replaceAll("/", "~1");
  function write(node: Node, pointer: string): string {
    if (Array.isArray(node))
      return `[${node.map((item, i) => write(item, `${pointer}/${i}`)).join(`,${space}`)}]`;
    if (node !== null && typeof node === "object") {
      const entries = Object.entries(node as Record<string, unknown>);
      const isTarget = seen === target && entries.length > 0;
      seen += 1;
      const members = entries.map(
        ([k, v]) => `${JSON.stringify(k)}${space}:${space}${write(v, `${pointer}/${pointerToken(k)}`)}`,
      );
      if (isTarget) {
        const [k] = entries[pick % entries.length] as [string, unknown];
        found = { key: k, pointer: `${pointer}/${pointerToken(k)}` };
        members.push(`${JSON.stringify(k)}${space}:${space}${repeated}`);
      }
      return `{${space}${members.join(`,${space}`)}${space}}`;
    }
    return JSON.stringify(node);
  }
  const text = write(value, "");
  return found ? { text, ...found } : { text };
}

describe("Issue 17 item 2: duplicate JSON keys are refused", () => {
  describe("the scanner", () => {
    it("accepts any JSON text without a repeated key, and the parser returns what JSON.parse does", () => {
      fc.assert(
        fc.property(jsonValue, indent, (value, space) => {
          const text = JSON.stringify(value, null, space);
          expect(findDuplicateKey(text)).toBeNull();
          fc.pre(isPoisonFree(text));
          const outcome = parseBody(text);
          expect(outcome.error).toBeUndefined();
          expect(outcome.value).toEqual(JSON.parse(text));
        }),
        { numRuns: 500 },
      );
    });

    it("catches a key repeated in any object, nested or not, and points at it", () => {
      fc.assert(
        fc.property(
          jsonValue,
          fc.nat(20),
          fc.nat(10),
          jsonValue,
          spacing,
          (value, target, pick, again, space) => {
            const repeated = withRepeatedKey(value, target, pick, JSON.stringify(again), space);
            fc.pre(repeated.key !== undefined);
            expect(findDuplicateKey(repeated.text)).toEqual({ key: repeated.key, pointer: repeated.pointer });
            fc.pre(isPoisonFree(repeated.text));
            const outcome = parseBody(repeated.text);
            expect(outcome.error?.statusCode).toBe(400);
            expect(outcome.error?.validation?.[0]?.params).toEqual({ duplicateKey: repeated.key });
          },
        ),
        { numRuns: 500 },
      );
    });

    it.each([
      ['{"a":1,"a":2}', { key: "a", pointer: "/a" }],
      ['{"a":1, "\\u0061" :2}', { key: "a", pointer: "/a" }],
      ['{"a\\"b":"}\\\\","x":"\\"a\\"b\\":","a\\"b":0}', { key: 'a"b', pointer: '/a"b' }],
      ['{"x":{"k":1},"y":{"k":1},"z":[{"k":1},{"k":1,"k":2}]}', { key: "k", pointer: "/z/1/k" }],
      ['{"a/b~":[],"a/b~":{}}', { key: "a/b~", pointer: "/a~1b~0" }],
    ])("%s → %o", (text, expected) => {
      expect(findDuplicateKey(text)).toEqual(expected);
    });

    it("leaves ordinary bodies to the count alone, times and URLs in strings included", () => {
      for (const text of [
        '{"email":"a@example.com","password":"pass: word"}',
        '{ "at" : "2026-03-02T09:00:00Z", "link": "https://portal.example/x?a=b:c", "n": [1, {"k": true}] }',
      ]) {
        expect(mayRepeatAKey(text, JSON.parse(text))).toBe(false);
      }
      expect(mayRepeatAKey('{"a":1,"a":2}', { a: 2 })).toBe(true);
    });

    it.each([
      '{"a":"\\"a\\":1","b":"{\\"a\\":2}"}',
      '{"x":{"a":1},"y":{"a":1}}',
      '[{"a":1},{"a":1}]',
      '{"a":"\\\\","b":"\\\\\\""}',
    ])("%s has no repeated key", (text) => {
      expect(findDuplicateKey(text)).toBeNull();
      expect(parseBody(text).value).toEqual(JSON.parse(text));
    });
  });

  describe.each(testDatabaseKinds)("over HTTP (%s)", (kind) => {
    let h: Harness;
    let company: Awaited<ReturnType<Harness["company"]>>;
    let admin: string;

    beforeAll(async () => {
      h = await createHarness(kind);
      company = await h.company("Duplicate Keys Co");
      admin = await h.login(company.admin.email);
      await h.elevate(admin);
    });
    afterAll(() => h?.close());

    const send = (cookie: string | null, method: "POST" | "PUT", url: string, body: string) =>
      h.app.inject({
        method,
        url,
        payload: body,
        headers: {
          "content-type": "application/json",
          ...(cookie ? { cookie: `${h.cookieName}=${cookie}` } : {}),
        },
      });

    function expectRefusal(response: Awaited<ReturnType<typeof send>>, field: string, key: string) {
      expect(response.statusCode, response.body).toBe(400);
      const { error } = response.json();
      expect(error.code).toBe("validation_failed");
      expect(error.message).toContain(field);
      expect(error.details).toMatchObject({ field, duplicateKey: key });
    }

    it("login: a repeated password is refused and logs no one in", async () => {
      const body = `{"email":"${company.admin.email}","password":"wrong","password":"correct horse battery staple 42"}`;
      const response = await send(null, "POST", "/api/auth/login", body);
      expectRefusal(response, "body.password", "password");
      expect(h.sessionCookie(response)).toBeUndefined();
    });

    it('invite: {"acceptTerms":false,"acceptTerms":true} is refused and invites no one', async () => {
      const body = `{"email":"dup.terms@example.com","roleIds":["${company.roleIds.finance}"],"acceptTerms":false,"acceptTerms":true}`;
      const response = await send(admin, "POST", `/api/companies/${company.id}/invitations`, body);
      expectRefusal(response, "body.acceptTerms", "acceptTerms");
      const invitations = await h.db
        .selectFrom("invitations")
        .select("id")
        .where("company_id", "=", company.id)
        .execute();
      expect(invitations).toHaveLength(0);
    });

    it("roles: a repeated permissions list is refused and creates no role", async () => {
      const body = '{"name":"Viewer","permissions":["transactions.view"],"permissions":["roles.manage"]}';
      const response = await send(admin, "POST", `/api/companies/${company.id}/roles`, body);
      expectRefusal(response, "body.permissions", "permissions");
      const roles = await h.db
        .selectFrom("roles")
        .select("id")
        .where("company_id", "=", company.id)
        .execute();
      expect(roles).toHaveLength(5);
    });

    it("role change: repeated roleIds are refused and the member's roles stay", async () => {
      const member = await h.member(company, ["developer"]);
      const url = `/api/companies/${company.id}/members/${member.memberId}/roles`;
      const body = `{"roleIds":["${company.roleIds.developer}"],"roleIds":["${company.roleIds.admin}"],"version":1}`;
      expectRefusal(await send(admin, "PUT", url, body), "body.roleIds", "roleIds");
      const roles = await h.db
        .selectFrom("member_roles")
        .select("role_id")
        .where("member_id", "=", member.memberId)
        .execute();
      expect(roles.map((r) => r.role_id)).toEqual([company.roleIds.developer]);
    });

    it("a signed-in caller's repeated key is audited as a refused input (rule 11), naming the key", async () => {
      const member = await h.member(company, ["finance"]);
      const url = `/api/companies/${company.id}/members/${member.memberId}/roles`;
      const body = `{"roleIds":["${company.roleIds.finance}"],"roleIds":["${company.roleIds.admin}"]}`;
      expectRefusal(await send(admin, "PUT", url, body), "body.roleIds", "roleIds");
      const events = await h.db
        .selectFrom("audit_events")
        .select(["actor_account_id", "outcome", "details"])
        .where("action", "=", "security.input_rejected")
        .where("actor_account_id", "=", company.admin.id)
        .execute();
      const refusal = events.find(
        (event) => (event.details as { duplicateKey?: string }).duplicateKey === "roleIds",
      );
      expect(refusal).toMatchObject({
        outcome: "denied",
        details: {
          route: "PUT /api/companies/:cid/members/:memberId/roles",
          field: "body.roleIds",
          duplicateKey: "roleIds",
          companyParam: company.id,
        },
      });
      // Without a session there is no one to record: a probe is answered, not logged.
      const before = await h.db.selectFrom("audit_events").select("id").execute();
      await send(
        null,
        "POST",
        "/api/auth/login",
        '{"email":"x@example.com","email":"y@example.com","password":"p"}',
      );
      expect(await h.db.selectFrom("audit_events").select("id").execute()).toHaveLength(before.length);
    });

    it("a key repeated inside a nested object is named by its path", async () => {
      const response = await send(
        null,
        "POST",
        "/api/auth/login",
        '{"email":"a@example.com","password":"x","extra":{"k":1,"k":2}}',
      );
      expectRefusal(response, "body.extra.k", "k");
    });

    it("keeps what the parser refused before: malformed JSON, prototype poisoning, other media types", async () => {
      const malformed = await send(null, "POST", "/api/auth/login", '{"email":');
      expect(malformed.statusCode).toBe(400);
      expect(malformed.json().error.code).toBe("invalid_json");
      for (const poisoned of [
        '{"email":"a@example.com","password":"x","__proto__":{"isAdmin":true}}',
        '{"email":"a@example.com","password":"x","constructor":{"prototype":{"isAdmin":true}}}',
      ]) {
        const response = await send(null, "POST", "/api/auth/login", poisoned);
        expect(response.statusCode, poisoned).toBe(400);
      }
      const form = await h.app.inject({
        method: "POST",
        url: "/api/auth/login",
        payload: "email=a@example.com&password=x",
        headers: { "content-type": "application/x-www-form-urlencoded" },
      });
      expect(form.statusCode).toBe(415);
      const tooLarge = await send(null, "POST", "/api/auth/login", `{"email":"${"a".repeat(1_100_000)}"}`);
      expect(tooLarge.statusCode).toBe(413);
    });
  });
});
