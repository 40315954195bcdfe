// A substring search in email order is two or three searches merged into each page (SPEC §3, issue
// #21's growth): the members whose email starts with the term, read as a range of the email index,
// and those who have it further in, gathered or probed for through the trigram index of the email
// past its first character (migration 040); or, where the company has few domains, further in the
// part before the @ (migration 044), with the members of the domains containing the term read as
// ranges of the domain index. Whatever the term, the order, the filters, the page size and where a
// page starts, the pages are every match exactly once, in order, with the right count.
import fc from "fast-check";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  companyEmailDomains,
  countingUse,
  listMembers,
  SEARCH_DOMAINS_MAX,
  searchCount,
  searchParts,
} from "../server/members/queries.js";
import { SEARCH_COUNT_CAP } from "../server/members/service.js";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness } from "./support/harness.js";

type Member = { id: string; email: string; status: "active" | "deactivated"; finance: boolean };
type Page = { items: { email: string }[]; total: number; totalExact: boolean; nextCursor: string | null };

// Pieces that start some emails and sit inside others, overlap one another ("ana" in "anna",
// "nan", "banana") and repeat ("ana.ana"), with LIKE's wildcards among them.
const PIECES = ["ana", "anna", "nan", "banana", "liv", "olivia", "a_n", "n%a"];
const DOMAINS = ["ana.example", "x.example", "banana.example"];

/** The emails of the company: pieces joined, numbered, at a domain; distinct by construction. */
function companyEmails(tag: string): string[] {
  const emails: string[] = [];
  let n = 0;
  for (const first of PIECES) {
    for (const second of PIECES) {
      n += 1;
      emails.push(`${first}.${second}${n}.${tag}@${DOMAINS[n % DOMAINS.length]}`);
    }
  }
  return emails;
}

const byteOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

describe.each(testDatabaseKinds)("member search by the start of the email and further in, on %s", (kind) => {
  let h: Harness;
  let companyId: string;
  let cookie: string;
  let members: Member[];
  let tag: string;

  beforeAll(async () => {
    h = await createHarness(kind);
    const co = await h.company("Starts And Inside Co");
    companyId = co.id;
    cookie = await h.login(co.admin.email);
    tag = co.id.slice(0, 6);
    const emails = companyEmails(tag);
    await sql`
      INSERT INTO accounts (email, name, password_hash)
      SELECT e, 'Person ' || e, 'not-a-hash' FROM unnest(${emails}::text[]) e`.execute(h.db);
    await sql`
      INSERT INTO members (company_id, account_id)
      SELECT ${companyId}::uuid, id FROM accounts WHERE email = ANY(${emails}::text[])`.execute(h.db);
    // Every third deactivated, every fourth in Finance: the filters apply to both parts.
    await sql`
      UPDATE members SET status = 'deactivated', deactivated_at = now()
       WHERE company_id = ${companyId} AND email = ANY(${emails.filter((_, i) => i % 3 === 0)}::text[])`.execute(
      h.db,
    );
    await sql`
      INSERT INTO member_roles (company_id, member_id, role_id)
      SELECT ${companyId}::uuid, m.id, ${co.roleIds.finance}::uuid FROM members m
       WHERE m.company_id = ${companyId} AND m.email = ANY(${emails.filter((_, i) => i % 4 === 0)}::text[])`.execute(
      h.db,
    );
    await sql`ANALYZE members`.execute(h.db);
    members = (
      await sql<Member>`
        SELECT m.id, m.email, m.status,
               EXISTS (SELECT 1 FROM member_roles mr WHERE mr.member_id = m.id AND mr.role_id = ${co.roleIds.finance}) AS finance
          FROM members m WHERE m.company_id = ${companyId}`.execute(h.db)
    ).rows.sort((a, b) => byteOrder(a.email, b.email));
    financeRoleId = co.roleIds.finance;
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });
  let financeRoleId: string;

  /**
   * The emails of every page of the member list asked with `query`, following its cursors (stopping
   * once past `expected` rows), and the first page.
   */
  async function pageThrough(session: string, company: string, query: string, expected: number) {
    const seen: string[] = [];
    let cursor: string | null = null;
    let first: Page | undefined;
    do {
      const response = await h.inject(session, {
        url: `/api/companies/${company}/members?${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      });
      expect(response.statusCode, response.body).toBe(200);
      const body: Page = response.json();
      first ??= body;
      seen.push(...body.items.map((m) => m.email));
      cursor = body.nextCursor;
    } while (cursor !== null && seen.length <= expected);
    return { seen, first };
  }

  // Terms: a piece of some email, from three characters up, often one that starts other emails.
  const termOf = fc
    .tuple(fc.nat(), fc.nat(), fc.integer({ min: 3, max: 9 }))
    .map(([which, start, length]) => {
      const email = members[which % members.length]?.email ?? "";
      const from = start % Math.max(1, email.length - 3);
      return email.slice(from, from + length);
    })
    .filter((term) => term.trim() === term && term.length >= 3);
  const filterOf = fc.record({
    status: fc.constantFrom(undefined, "active" as const, "deactivated" as const),
    finance: fc.boolean(),
  });

  const matchesOf = (term: string, filter: { status?: string; finance: boolean }) =>
    members.filter(
      (m) =>
        m.email.includes(term) &&
        (filter.status === undefined || m.status === filter.status) &&
        (!filter.finance || m.finance),
    );

  it("pages every match once, in ascending and descending email order, with the count", async () => {
    await fc.assert(
      fc.asyncProperty(
        termOf,
        filterOf,
        fc.boolean(),
        fc.integer({ min: 1, max: 7 }),
        async (term, filter, descending, limit) => {
          const expected = matchesOf(term, filter).map((m) => m.email);
          if (descending) expected.reverse();
          const query = [
            `email=${encodeURIComponent(term)}`,
            `limit=${limit}`,
            descending ? "order=desc" : "",
            filter.status ? `status=${filter.status}` : "",
            filter.finance ? "role=finance" : "",
          ]
            .filter(Boolean)
            .join("&");
          const { seen, first } = await pageThrough(cookie, companyId, query, expected.length);
          expect(seen).toEqual(expected);
          expect(first).toMatchObject({ total: expected.length, totalExact: true });
        },
      ),
      { numRuns: 40 },
    );
  });

  /**
   * The parts of a search for `term`, as the service asks for them: with the domains apart (for a
   * term without an @) or two parts, as for a company with more domains than SEARCH_DOMAINS_MAX.
   */
  const partsOf = async (
    term: string,
    filter: { status?: "active" | "deactivated"; finance: boolean },
    apart: boolean,
  ) => {
    const domains = apart && !term.includes("@") ? await companyEmailDomains(h.db, companyId) : null;
    if (apart && !term.includes("@")) expect(domains).not.toBeNull();
    return searchParts(
      { companyId, status: filter.status, roleId: filter.finance ? financeRoleId : undefined },
      term,
      domains?.filter((domain) => domain.includes(term)),
    );
  };
  /** Whether `email` is in the part further in, not at its start (nor, apart, in the domain). */
  const isFurtherIn = (email: string, term: string, apart: boolean) =>
    !email.startsWith(term) &&
    (apart && !term.includes("@") ? (email.split("@")[0] ?? "").includes(term) : email.includes(term));

  it("merges the start of the email with the gathered matches further in, from any position, and counts only those", async () => {
    await fc.assert(
      fc.asyncProperty(
        termOf,
        filterOf,
        fc.boolean(),
        fc.integer({ min: 1, max: 7 }),
        fc.nat(),
        fc.boolean(),
        async (term, filter, descending, limit, at, apart) => {
          const { starts, inside, domain } = await partsOf(term, filter, apart);
          const all = members.map((m) => m.email);
          const position = at % 3 === 0 ? null : all[at % all.length];
          const matches = matchesOf(term, filter).map((m) => m.email);
          const ordered = descending ? [...matches].reverse() : matches;
          const after =
            position === undefined || position === null
              ? ordered
              : ordered.filter((email) => (descending ? email < position : email > position));
          const rows = await listMembers(
            h.db,
            inside,
            { key: "email", descending },
            position ? { key: position, id: "00000000-0000-0000-0000-000000000000" } : null,
            limit,
            "collect",
            undefined,
            undefined,
            starts,
            domain,
          );
          expect(rows.map((row) => row.email)).toEqual(after.slice(0, limit));
          // The gathered part is the matches further in, wherever the page starts: never the
          // members whose email starts with the term or (apart) whose domain has it, which are
          // range reads, not gathered.
          const gathered = matches.filter((email) => isFurtherIn(email, term, apart)).length;
          if (rows[0]) expect(rows[0].matches).toBe(gathered);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("merges a probe's matches further in with the start of the email, and says when the probe fell short", async () => {
    await fc.assert(
      fc.asyncProperty(
        termOf,
        filterOf,
        fc.boolean(),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 100 }),
        fc.boolean(),
        fc.constantFrom("index" as const, "test" as const),
        async (term, filter, descending, limit, probeRows, apart, use) => {
          const parts = await partsOf(term, filter, apart);
          const { starts, inside, domain } = parts;
          const ordered = matchesOf(term, filter).map((m) => m.email);
          if (descending) ordered.reverse();
          // The count beside a probe: every part, the further-in one through its index or tested
          // on the email itself (countingUse), the same either way.
          const counted = searchCount(parts, SEARCH_COUNT_CAP, use);
          const probe = (rows: number) =>
            listMembers(
              h.db,
              inside,
              { key: "email", descending },
              null,
              limit,
              "probe",
              counted,
              rows,
              starts,
              domain,
            );
          // A probe reading the whole company is always right; a shorter one is right whenever it
          // says it found a page of matches further in.
          const whole = await probe(members.length + 1);
          expect(whole.map((row) => row.email)).toEqual(ordered.slice(0, limit));
          if (whole[0]) expect(whole[0].extra).toBe(ordered.length);
          const short = await probe(probeRows);
          const furtherIn = short[0]?.inside_rows ?? 0;
          expect(furtherIn).toBeLessThanOrEqual(limit);
          if (furtherIn === limit) expect(short.map((row) => row.email)).toEqual(ordered.slice(0, limit));
          // What it found further in lies within the rows it read of the order.
          const read = members
            .filter(
              (m) =>
                (filter.status === undefined || m.status === filter.status) && (!filter.finance || m.finance),
            )
            .map((m) => m.email);
          if (descending) read.reverse();
          const window = new Set(read.slice(0, probeRows));
          const foundInside = short.filter((row) => isFurtherIn(row.email, term, apart));
          for (const row of foundInside) expect(window.has(row.email)).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("refuses to merge the start of the email into a walk, or into another order", async () => {
    const { starts, inside, domain } = await partsOf("ana", { finance: false }, true);
    expect(domain).toBeDefined();
    const merged = (
      key: "email" | "name",
      plan: "walk" | "collect",
      beside: { starts?: typeof starts; domain?: typeof domain },
    ) =>
      listMembers(
        h.db,
        inside,
        { key, descending: false },
        null,
        5,
        plan,
        undefined,
        undefined,
        beside.starts,
        beside.domain,
      );
    await expect(merged("email", "walk", { starts })).rejects.toThrow(/starts/);
    await expect(merged("name", "collect", { starts })).rejects.toThrow(/starts/);
    // The domains' part is merged only beside the start's.
    await expect(merged("email", "collect", { domain })).rejects.toThrow(/starts/);
  });

  it("counts many matches by walking the email order only where the trigram index would read more", () => {
    // A surname in one email of fifty: 20,000 matches to read, or about 50,000 rows walked.
    expect(countingUse(20_000, 1_000_000, SEARCH_COUNT_CAP)).toBe("index");
    // Half the company: 50,000 matches to read, or about 2,000 rows walked.
    expect(countingUse(50_000, 100_000, SEARCH_COUNT_CAP)).toBe("test");
  });

  it("lists the company's email domains, and none when it has more than the most", async () => {
    // The company's domains: the three of its emails and its admin's.
    const domains = [...new Set(members.map((m) => m.email.split("@")[1] ?? ""))].sort(byteOrder);
    expect(domains).toHaveLength(DOMAINS.length + 1);
    expect(await companyEmailDomains(h.db, companyId)).toEqual(domains);
    expect(await companyEmailDomains(h.db, companyId, domains.length)).toEqual(domains);
    expect(await companyEmailDomains(h.db, companyId, domains.length - 1)).toBeNull();
  });

  it("pages a search in a company with more domains than the most as two parts, every match once", async () => {
    const co = await h.company("Many Domains Co");
    const many = await h.login(co.admin.email);
    const emails = Array.from(
      { length: SEARCH_DOMAINS_MAX + 1 },
      (_, n) => `p${n}.ana.${tag}@d${n}.ana-${n % 3}.example`,
    );
    await sql`
      INSERT INTO accounts (email, name, password_hash)
      SELECT e, 'Person ' || e, 'not-a-hash' FROM unnest(${emails}::text[]) e`.execute(h.db);
    await sql`
      INSERT INTO members (company_id, account_id)
      SELECT ${co.id}::uuid, id FROM accounts WHERE email = ANY(${emails}::text[])`.execute(h.db);
    expect(await companyEmailDomains(h.db, co.id)).toBeNull();
    const all = (
      await sql<{ email: string }>`SELECT email FROM members WHERE company_id = ${co.id}`.execute(h.db)
    ).rows
      .map((row) => row.email)
      .sort(byteOrder);
    // Terms of three characters and more are substrings (shorter ones match the start).
    for (const term of ["ana", "ana-1", "p12", "d6.", "example", `${tag}@d1`]) {
      const expected = all.filter((email) => email.includes(term));
      const query = `email=${encodeURIComponent(term)}&limit=7`;
      const { seen, first } = await pageThrough(many, co.id, query, expected.length);
      expect(seen, term).toEqual(expected);
      expect(first, term).toMatchObject({ total: expected.length, totalExact: true });
    }
  });
});
