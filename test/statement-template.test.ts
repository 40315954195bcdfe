// A statement compiled once per shape (server/db/statement-template.ts) sends each argument once,
// however often the statement uses it: the guard's statement, which every request with a session
// runs, uses its time in many places and its company in two. A request naming no company reads
// none of the company's part of it, and loads the same context.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadRequestContext, sessionPolicyOf } from "../server/access/session-queries.js";
import { statementTemplate } from "../server/db/statement-template.js";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness } from "./support/harness.js";
import { recording } from "./support/recording.js";

const twice = statementTemplate(
  (shape: string, n: number, word: string) => sql<{ sum: number; doubled: string; seven: number }>`
    SELECT ${n}::int + ${n}::int + ${n}::int AS sum, ${word}::text || ${word}::text AS doubled,
           ${shape === "with a constant" ? sql`${7}::int` : sql`0`} AS seven`,
  2,
);

describe.each(testDatabaseKinds)("statements compiled once per shape on %s", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind);
  });
  afterAll(async () => {
    await h?.close();
  });

  it("sends each argument once however often the statement uses it, and each constant in its place", async () => {
    const { db, sent } = recording(h.db);

    const first = await twice.execute(db, "with a constant", 4, "ab");
    const second = await twice.execute(db, "with a constant", 5, "cd");
    const plain = await twice.execute(db, "plain", 6, "ef");

    expect(first.rows).toEqual([{ sum: 12, doubled: "abab", seven: 7 }]);
    expect(second.rows).toEqual([{ sum: 15, doubled: "cdcd", seven: 7 }]);
    expect(plain.rows).toEqual([{ sum: 18, doubled: "efef", seven: 0 }]);
    expect(sent.map((query) => query.parameters)).toEqual([
      [4, "ab", 7],
      [5, "cd", 7],
      [6, "ef"],
    ]);
    // One text per shape, with no placeholder past its parameters.
    expect(sent[1]?.sql).toBe(sent[0]?.sql);
    expect(sent[0]?.sql.match(/\$\d+/g)).toEqual(["$1", "$1", "$1", "$2", "$2", "$3"]);
  });

  it("leaves a statement whose text holds another dollar sign as it was compiled", async () => {
    const priced = statementTemplate(
      (_shape: string, n: number) => sql<{ sum: number; price: string }>`
        SELECT ${n}::int + ${n}::int AS sum, '$' || 'USD' AS price`,
      1,
    );
    const { db, sent } = recording(h.db);

    const result = await priced.execute(db, "only", 3);

    expect(result.rows).toEqual([{ sum: 6, price: "$USD" }]);
    expect(sent[0]?.parameters).toEqual([3, 3]);
  });

  it("the guard's statement sends the time, the company and the token once each, and loads the same context", async () => {
    const co = await h.company("Placeholders Co");
    const person = await h.member(co, ["finance"]);
    const token = await h.login(person.email);
    const { db, sent } = recording(h.db);
    const policy = sessionPolicyOf(h.config);
    const load = async (companyId: string | null, withMemberships: boolean) => {
      sent.length = 0;
      const context = await loadRequestContext(db, token, companyId, h.clock.now(), policy, {
        withMemberships,
      });
      return { context, guard: sent.find((query) => query.sql.includes("s.token_hash")) };
    };

    for (const withMemberships of [false, true]) {
      const { context, guard } = await load(co.id, withMemberships);
      expect(context?.accountId).toBe(person.id);
      expect(context?.membership).toMatchObject({ companyId: co.id, roleKeys: ["finance"] });
      expect(guard?.parameters).toHaveLength(3);
      expect(guard?.parameters).toContain(co.id);
      if (withMemberships) expect(context?.memberships?.map((m) => m.companyId)).toEqual([co.id]);
    }

    // A request naming no company reads none of a company's part: no company, and no time unless
    // the memberships' standing needs it.
    const alone = await load(null, false);
    expect(alone.context).toMatchObject({ accountId: person.id, membership: null, companyStepUpUntil: null });
    expect(alone.guard?.parameters).toHaveLength(1);
    expect(alone.guard?.sql).not.toMatch(/session_elevations|member_activity/);
    const withMemberships = await load(null, true);
    expect(withMemberships.context?.membership).toBeNull();
    expect(withMemberships.context?.memberships).toMatchObject([
      { companyId: co.id, roles: [{ key: "finance" }], status: "active" },
    ]);
    expect(withMemberships.guard?.parameters).toHaveLength(2);
  });
});
