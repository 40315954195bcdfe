// A search matching more members than the planner's estimate lets the page gather (SPEC §3, issue
// #21's growth): the order's index is probed for a page, as far as twice the estimated matches,
// and when the matches cluster past the probe (a term inside the emails that sort last, past
// hundreds of thousands of others), every match is gathered and sorted instead. Either way the
// pages are the order's, with the count capped. In email order these are the matches further into
// the email; those that start with the term are a range (member-search-starts-and-inside.test.ts).
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  estimateMatchingMembers,
  type ListPlan,
  likePattern,
  listMembers,
  PROBE_MIN_ROWS,
  probeRowsFor,
  searchParts,
} from "../server/members/queries.js";
import { SEARCH_COLLECT_MAX_ESTIMATE, SEARCH_COUNT_CAP } from "../server/members/service.js";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness } from "./support/harness.js";

type Page = {
  items: { id: string; email: string }[];
  total: number;
  totalExact: boolean;
  nextCursor: string | null;
};

// Past the estimate's threshold, and sorting after more members than the probe for them reads.
const LATE = SEARCH_COLLECT_MAX_ESTIMATE + 500;
const EARLY = probeRowsFor(LATE * 1.1) + 1_000;

describe.each(testDatabaseKinds)("member search with clustered matches on %s", (kind) => {
  let h: Harness;
  let companyId: string;
  let cookie: string;
  let emails: string[];

  beforeAll(async () => {
    h = await createHarness(kind);
    const co = await h.company("Clustered Co");
    companyId = co.id;
    cookie = await h.login(co.admin.email);
    const tag = co.id.slice(0, 8);
    // EARLY members whose emails sort first and do not contain "late", then LATE who do.
    await sql`
      INSERT INTO accounts (email, name, password_hash)
      SELECT CASE WHEN i <= ${EARLY}::int THEN 'aa' || i || '.' || ${tag} || '@example.net'
                  ELSE 'zz' || i || '.late.' || ${tag} || '@example.net' END,
             'Person ' || i, 'not-a-hash'
        FROM generate_series(1, ${EARLY + LATE}::int) i`.execute(h.db);
    // And a few whose email starts with "late", between the two: in email order the page merges
    // them with the matches further in, which a probe of the order misses.
    await sql`
      INSERT INTO accounts (email, name, password_hash)
      SELECT 'late' || i || '.' || ${tag} || '@example.net', 'Starts ' || i, 'not-a-hash'
        FROM generate_series(1, 5) i`.execute(h.db);
    await sql`
      INSERT INTO members (company_id, account_id)
      SELECT ${companyId}::uuid, id FROM accounts WHERE email LIKE ${`%.${tag}@example.net`}`.execute(h.db);
    await sql`ANALYZE members`.execute(h.db);
    emails = (
      await sql<{ email: string }>`SELECT email FROM members WHERE company_id = ${companyId}
                                    ORDER BY email COLLATE "C"`.execute(h.db)
    ).rows.map((row) => row.email);
  }, 180_000);
  afterAll(async () => {
    await h?.close();
  });

  /** listMembers for a substring search, from the start of `key`'s ascending order. */
  const listed = (term: string, key: "email" | "name", limit: number, plan: ListPlan, probeRows?: number) =>
    listMembers(
      h.db,
      { companyId, emailPattern: likePattern(term, "substring") },
      { key, descending: false },
      null,
      limit,
      plan,
      undefined,
      probeRows,
    );

  // What the service estimates in email order: the matches further into the email.
  const estimate = (term: string) => estimateMatchingMembers(h.db, searchParts({ companyId }, term).inside);

  async function pages(query: string, count: number): Promise<{ seen: string[]; first: Page }> {
    const seen: string[] = [];
    let first: Page | undefined;
    let cursor: string | null = null;
    for (let i = 0; i < count; i += 1) {
      const response = await h.inject(cookie, {
        url: `/api/companies/${companyId}/members?${query}&limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      });
      expect(response.statusCode, response.body).toBe(200);
      const body: Page = response.json();
      first ??= body;
      seen.push(...body.items.map((m) => m.email));
      cursor = body.nextCursor;
    }
    return { seen, first: first as Page };
  }

  it("the probe reads at most its rows: matches past them give a short page, which proves nothing", async () => {
    const probe = (rows: number) => listed("late", "email", 21, "probe", rows);
    // The company's Admin and the EARLY members sort before the first match.
    const before = emails.findIndex((e) => e.includes("late"));
    expect(before).toBeGreaterThan(EARLY - 1);
    expect(await probe(PROBE_MIN_ROWS)).toEqual([]);
    expect(await probe(before)).toEqual([]);
    // One row further and the first match is in it; far enough, and the page is full.
    expect((await probe(before + 1)).map((row) => row.email)).toEqual([emails[before]]);
    expect(await probe(before + 100)).toHaveLength(21);
    const dense = await listed("example", "email", 21, "probe");
    expect(dense.map((row) => row.email)).toEqual(emails.slice(0, 21));
  });

  it("pages a broad search whose matches lie past the probe in email order, from every match", async () => {
    const expected = await estimate("late");
    expect(expected).toBeGreaterThan(SEARCH_COLLECT_MAX_ESTIMATE);
    expect(probeRowsFor(expected)).toBeLessThan(EARLY);
    const late = emails.filter((email) => email.includes("late"));
    const { seen, first } = await pages("email=late", 3);
    expect(seen).toEqual(late.slice(0, 150));
    expect(first).toMatchObject({ total: SEARCH_COUNT_CAP, totalExact: false });
  });

  it("pages a broad search whose matches the probe finds at once, in email and in name order", async () => {
    expect(await estimate("example")).toBeGreaterThan(SEARCH_COLLECT_MAX_ESTIMATE);
    const { seen, first } = await pages("email=example", 3);
    expect(seen).toEqual(emails.slice(0, 150));
    expect(first).toMatchObject({ total: SEARCH_COUNT_CAP, totalExact: false });
    // The name order through the probe gives what gathering every match gives.
    const byName = await pages("email=example&sort=name", 3);
    const collected = await listed("example", "name", 150, "collect");
    expect(byName.seen).toEqual(collected.map((row) => row.email));
  });
});
