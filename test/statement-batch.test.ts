// Statements batched across calls (server/db/statement-batch.ts): the calls of one shape made in one
// turn of the event loop go as one statement, and each call gets exactly the rows it would have had
// alone. The guard's statement is batched so: many requests at once, one round trip.
import fc from "fast-check";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  loadRequestContext,
  type RequestContext,
  sessionPolicyOf,
} from "../server/access/session-queries.js";
import { openDatabase } from "../server/db/connect.js";
import { batchText, statementBatch } from "../server/db/statement-batch.js";
import { statementTemplate } from "../server/db/statement-template.js";
import { MEMBER_SORT_KEYS, type MemberOrder, type MemberPosition } from "../server/members/list-order.js";
import { listPlainPage } from "../server/members/queries.js";
import { insertMembers } from "./support/bulk-members.js";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness } from "./support/harness.js";
import { recording } from "./support/recording.js";

type Row = { n: number; word: string | null; capped: boolean };

// Up to `count` rows per call (none for 0), each carrying the call's word and a constant of the text.
const series = statementTemplate(
  (shape: string, count: number, word: string | null) => sql<Row>`
    SELECT g AS n, ${word}::text || g AS word, ${shape === "capped" ? sql`g <= ${2}::int` : sql`false`} AS capped
      FROM generate_series(1, ${count}::int) g ORDER BY g`,
  2,
);
const batched = statementBatch(series, ["int", "text"]);

describe("a statement's batch text", () => {
  it("reads each argument from the rows of values and keeps the text's constants as parameters", () => {
    const text = batchText({ sql: "SELECT $1::int + $2 + $3 AS x WHERE $1 > 0", slots: [0, null, 1] }, [
      "int",
      "text",
    ]);
    expect(text?.constants).toEqual([1]);
    expect(text?.arrays).toEqual([0, 1]);
    expect(text?.sql.replace(/\s+/g, " ")).toBe(
      "SELECT x.*, batch_values.batch_call FROM (SELECT * FROM unnest($2::int[], $3::text[]) WITH ORDINALITY" +
        " AS u(a0, a1, batch_call) LIMIT $4::int) batch_values CROSS JOIN LATERAL" +
        " (SELECT batch_values.a0::int + $1 + batch_values.a1 AS x WHERE batch_values.a0 > 0) x",
    );
  });

  it("is none for a statement with a dollar sign that is no placeholder, or with no argument", () => {
    expect(batchText({ sql: "SELECT $1::int || '$'", slots: [0] }, ["int"])).toBeNull();
    expect(batchText({ sql: "SELECT $1::int", slots: [null] }, ["int"])).toBeNull();
  });
});

describe.each(testDatabaseKinds)("statements batched across calls on %s", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind);
  });
  afterAll(async () => {
    await h?.close();
  });

  it("answers each call of a turn with the rows it has alone, in one statement", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            shape: fc.constantFrom("capped", "plain"),
            count: fc.integer({ min: 0, max: 4 }),
            word: fc.option(
              fc.string({ maxLength: 6 }).map((word) => word.replaceAll("\u0000", "")),
              {
                nil: null,
              },
            ),
          }),
          { minLength: 1, maxLength: 12 },
        ),
        async (calls) => {
          const alone = [];
          for (const call of calls)
            alone.push((await series.execute(h.db, call.shape, call.count, call.word)).rows);
          const { db, sent } = recording(h.db);

          const together = await Promise.all(
            calls.map((call) => batched.execute(db, call.shape, call.count, call.word)),
          );

          expect(together.map((result) => result.rows)).toEqual(alone);
          const shapes = new Set(calls.map((call) => call.shape));
          const batchedShapes = [...shapes].filter(
            (shape) => calls.filter((c) => c.shape === shape).length > 1,
          );
          expect(sent.filter((query) => query.sql.includes("unnest("))).toHaveLength(batchedShapes.length);
          expect(sent).toHaveLength(shapes.size);
        },
      ),
      { numRuns: 40 },
    );
  });

  it("sends a call alone as the statement itself", async () => {
    const { db, sent } = recording(h.db);

    const result = await batched.execute(db, "capped", 3, "x");

    expect(result.rows).toEqual([
      { n: 1, word: "x1", capped: true },
      { n: 2, word: "x2", capped: true },
      { n: 3, word: "x3", capped: false },
    ]);
    expect(sent.map((query) => query.sql)).toEqual([series.compiled(h.db, "capped")?.sql]);
  });

  it("answers the good calls of a batch that fails, and fails only the bad one", async () => {
    const { db, sent } = recording(h.db);

    const results = await Promise.allSettled([
      batched.execute(db, "plain", 1, "a"),
      batched.execute(db, "plain", 2.5, "bad"),
      batched.execute(db, "plain", 2, "c"),
    ]);

    expect(results[0]).toMatchObject({ status: "fulfilled", value: { rows: [{ word: "a1" }] } });
    expect(results[1]).toMatchObject({ status: "rejected" });
    expect(results[2]).toMatchObject({
      status: "fulfilled",
      value: { rows: [{ word: "c1" }, { word: "c2" }] },
    });
    // The batch, then each call on its own.
    expect(sent).toHaveLength(4);
  });

  it("batches nothing in a transaction, which has its own connection", async () => {
    const { db, sent } = recording(h.db);
    await db.transaction().execute(async (trx) => {
      const results = await Promise.all([
        batched.execute(trx, "plain", 1, "a"),
        batched.execute(trx, "plain", 1, "b"),
      ]);
      expect(results.map((result) => result.rows)).toEqual([
        [{ n: 1, word: "a1", capped: false }],
        [{ n: 1, word: "b1", capped: false }],
      ]);
    });
    expect(sent.some((query) => query.sql.includes("unnest("))).toBe(false);
  });

  it("loads the context of many sessions requesting at once in one guard statement, each its own", async () => {
    const co = await h.company("Batched Guard Co");
    const other = await h.company("Batched Guard Other Co");
    const people = [
      await h.member(co, ["finance"]),
      await h.member(co, ["developer"]),
      await h.member(co, ["admin"]),
      await h.member(other, ["operations"]),
    ];
    const tokens = await Promise.all(people.map((person) => h.login(person.email)));
    const policy = sessionPolicyOf(h.config);
    const summary = (context: RequestContext | null) => ({
      accountId: context?.accountId,
      roleKeys: context?.membership?.roleKeys ?? null,
      memberships: context?.memberships?.map((m) => m.companyId),
    });
    const requests = tokens.flatMap((token) => [
      { token, companyId: co.id, withMemberships: false },
      { token, companyId: null, withMemberships: true },
    ]);
    const oneByOne = [];
    for (const request of requests) {
      const context = await loadRequestContext(
        h.db,
        request.token,
        request.companyId,
        h.clock.now(),
        policy,
        {
          withMemberships: request.withMemberships,
        },
      );
      oneByOne.push(summary(context));
    }
    expect(oneByOne.slice(0, 2)).toEqual([
      { accountId: people[0]?.id, roleKeys: ["finance"], memberships: undefined },
      { accountId: people[0]?.id, roleKeys: null, memberships: [co.id] },
    ]);
    expect(oneByOne[6]).toEqual({ accountId: people[3]?.id, roleKeys: null, memberships: undefined });

    // Twice: the first reads every context again (held per server, each database its own), the
    // second the versions of the contexts held.
    for (const round of ["full", "held"]) {
      const { db, sent } = recording(h.db);
      const together = await Promise.all(
        requests.map((request) =>
          loadRequestContext(db, request.token, request.companyId, h.clock.now(), policy, {
            withMemberships: request.withMemberships,
          }),
        ),
      );
      expect(together.map(summary), round).toEqual(oneByOne);
      const guards = sent.filter((query) => query.sql.includes("s.token_hash"));
      // One statement per shape: in a company, and with memberships.
      expect(guards, round).toHaveLength(2);
      expect(guards.every((query) => query.sql.includes("unnest("))).toBe(true);
    }
  });

  it("answers the member pages asked at once as each alone: every order, first pages and next ones", async () => {
    const co = await h.company("Batched Pages Co");
    const day = 86_400_000;
    await insertMembers(
      h.db,
      co.id,
      Array.from({ length: 40 }, (_, i) => ({
        email: `page${String((i * 7) % 40).padStart(2, "0")}@batch.example`,
        name: ["Ann", "bob", "Émile", "zoë", "Chen"][i % 5] ?? "x",
        joinedAt: new Date(Date.UTC(2026, 0, 1) + (i % 9) * day),
        lastActiveAt: i % 3 === 0 ? null : new Date(Date.UTC(2026, 5, 1) + (i % 11) * day),
        roleId: i % 2 === 0 ? co.roleIds.finance : co.roleIds.operations,
      })),
    );
    type Ask = { status?: "active"; order: MemberOrder; position: MemberPosition | null };
    const asks: Ask[] = [];
    for (const key of MEMBER_SORT_KEYS) {
      for (const descending of [false, true]) {
        const order = { key, descending };
        const first = await listPlainPage(h.db, co.id, undefined, order, null, 30);
        asks.push({ order, position: null });
        for (const row of [first[4], first[17], first[29]]) {
          if (row) asks.push({ order, position: { key: row.sort_key, id: row.id } });
        }
        if (key === "email") asks.push({ status: "active", order, position: null });
      }
    }
    const page = (db: typeof h.db, ask: Ask) =>
      listPlainPage(db, co.id, ask.status, ask.order, ask.position, 8);
    const alone = [];
    for (const ask of asks) alone.push(await page(h.db, ask));
    expect(alone.some((rows) => rows.some((row) => row.last_active_at === null))).toBe(true);
    const { db, sent } = recording(h.db);

    const together = await Promise.all(asks.map((ask) => page(db, ask)));

    expect(together).toEqual(alone);
    // One statement per shape (order, direction, where it starts, status).
    const shapes = new Set(
      asks.map(
        (ask) =>
          `${ask.order.key} ${ask.order.descending} ${ask.position === null ? "first" : ask.position.key === null ? "null" : "key"} ${ask.status}`,
      ),
    );
    const pageStatements = sent.filter((query) =>
      query.sql.includes("LEFT JOIN member_standing ms ON ms.member_id = p.id"),
    );
    expect(shapes.size).toBeLessThan(asks.length);
    expect(pageStatements).toHaveLength(shapes.size);
  });
});

describe.runIf(testDatabaseKinds.includes("postgres"))("batched guard statements on PostgreSQL", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness("postgres");
  });
  afterAll(async () => {
    await h?.close();
  });

  it("plans a batch once: its generic plan kept, however few requests it carries", async () => {
    const co = await h.company("Planned Batch Co");
    const tokens = [
      await h.login((await h.member(co, ["finance"])).email),
      await h.login((await h.member(co, ["developer"])).email),
    ];
    const policy = sessionPolicyOf(h.config);
    // One connection, whose prepared statements are the ones counted.
    const single = await openDatabase({ url: h.database.url, poolSize: 1 });
    try {
      for (let round = 0; round < 8; round += 1) {
        const contexts = await Promise.all(
          tokens.map((token) => loadRequestContext(single.db, token, co.id, h.clock.now(), policy)),
        );
        expect(contexts.map((context) => context?.membership?.roleKeys)).toEqual([
          ["finance"],
          ["developer"],
        ]);
      }
      const plans = await sql<{ statement: string; generic_plans: string; custom_plans: string }>`
        SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements
         WHERE statement LIKE '%batch_values%'`.execute(single.db);
      // The full read, then the held context's versions: PostgreSQL plans a statement's first five
      // runs for their values, then keeps its generic plan (planned for ten rows of values, a batch
      // of two was planned on every run).
      expect(plans.rows.length).toBeGreaterThan(0);
      const held = plans.rows.find((row) => Number(row.generic_plans) + Number(row.custom_plans) >= 7);
      expect(
        held,
        JSON.stringify(plans.rows.map((row) => [row.custom_plans, row.generic_plans])),
      ).toBeDefined();
      for (const row of plans.rows) expect(Number(row.custom_plans)).toBeLessThanOrEqual(5);
    } finally {
      await single.close();
    }
  });
});
