// SPEC §6.7 / §3: the member list sorted on the server by email, name, joined or last active, each
// ascending or descending, ties broken by member id and members who never signed in last; keyset
// cursors that cover every member once in every order, name their order (another order's cursor is
// 400), and page sizes within the limit bounds. Every filter path (walk, collect) gives the same order.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeCursor } from "../server/http/pagination.js";
import { MEMBER_SORT_KEYS, type MemberOrder, type MemberSortKey } from "../server/members/list-order.js";
import { type ListPlan, listMembers } from "../server/members/queries.js";
import { insertMembers } from "./support/bulk-members.js";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness } from "./support/harness.js";

type Item = {
  id: string;
  email: string;
  name: string;
  roles: { key: string | null }[];
  status: string;
  joinedAt: string;
  lastActiveAt: string | null;
};
type Page = { items: Item[]; total: number; totalExact: boolean; nextCursor: string | null };

const BULK = 70;
// Case variants and repeats: the name order ignores ASCII case, and ties fall to the id.
const NAMES = ["alice", "Alice", "bob", "Carol", "carol", "Dave", "zed", "Zed"];
const JOINED = ["2025-01-05T10:00:00.000Z", "2024-06-01T08:30:00.000Z", "2025-11-20T17:45:12.345Z"];
const ACTIVE = ["2026-02-01T09:00:00.000Z", "2026-01-15T12:00:00.000Z", "2026-02-20T23:59:59.999Z"];

const asciiLower = (text: string) => text.replace(/[A-Z]/g, (c) => c.toLowerCase());

function keyOf(item: Item, key: MemberSortKey): string | null {
  if (key === "email") return item.email;
  if (key === "name") return asciiLower(item.name);
  if (key === "joinedAt") return item.joinedAt;
  return item.lastActiveAt;
}

/** The order the server must give: by key (nulls last either way), then by id, both in the direction. */
function sorted(items: Item[], order: MemberOrder): Item[] {
  const sign = order.descending ? -1 : 1;
  const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...items].sort((a, b) => {
    const ka = keyOf(a, order.key);
    const kb = keyOf(b, order.key);
    if (ka === null || kb === null) {
      if (ka !== kb) return ka === null ? 1 : -1;
    } else if (ka !== kb) {
      return sign * compare(ka, kb);
    }
    return sign * compare(a.id, b.id);
  });
}

const ORDERS: MemberOrder[] = MEMBER_SORT_KEYS.flatMap((key) => [
  { key, descending: false },
  { key, descending: true },
]);
const label = (order: MemberOrder) => `${order.key} ${order.descending ? "desc" : "asc"}`;

describe.each(testDatabaseKinds)("SPEC 6.7 member list sorting on %s", (kind) => {
  let h: Harness;
  let companyId: string;
  let financeRoleId: string;
  let admin: string;
  /** Every member of the company as the list shows them. */
  let everyone: Item[];

  beforeAll(async () => {
    h = await createHarness(kind);
    const company = await h.company("Sort Co");
    companyId = company.id;
    financeRoleId = company.roleIds.finance;
    admin = await h.login(company.admin.email);
    await insertMembers(
      h.db,
      company.id,
      Array.from({ length: BULK }, (_, i) => ({
        email: `bulk${String(i).padStart(3, "0")}@sort.example`,
        name: NAMES[i % NAMES.length] ?? "x",
        joinedAt: new Date(JOINED[i % JOINED.length] ?? ""),
        // Every fourth never signed in.
        lastActiveAt: i % 4 === 0 ? null : new Date(ACTIVE[i % ACTIVE.length] ?? ""),
        roleId: i % 2 === 0 ? company.roleIds.finance : company.roleIds.operations,
      })),
    );
    // A deactivated one among them, for the status filter.
    await sql`UPDATE members SET status = 'deactivated', deactivated_at = now()
               WHERE company_id = ${companyId} AND email IN ('bulk003@sort.example', 'bulk010@sort.example')`.execute(
      h.db,
    );
    const first = await get("?limit=100");
    expect(first.nextCursor).toBeNull();
    everyone = first.items;
    expect(everyone).toHaveLength(BULK + 1);
  });
  afterAll(() => h?.close());

  async function get(query: string): Promise<Page> {
    const response = await h.inject(admin, { url: `/api/companies/${companyId}/members${query}` });
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  }

  async function status(query: string) {
    const response = await h.inject(admin, { url: `/api/companies/${companyId}/members${query}` });
    return { status: response.statusCode, body: response.json() };
  }

  /** Follows nextCursor to the end; checks each page's size on the way. */
  async function walkAll(query: string, limit: number): Promise<Item[]> {
    const seen: Item[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Page = await get(
        `?${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      );
      if (page.nextCursor !== null) expect(page.items).toHaveLength(limit);
      seen.push(...page.items);
      cursor = page.nextCursor;
      expect(++pages).toBeLessThan(100);
    } while (cursor !== null);
    return seen;
  }

  const queryOf = (order: MemberOrder) => `sort=${order.key}&order=${order.descending ? "desc" : "asc"}`;

  it.each(ORDERS.map((order) => [label(order), order] as const))(
    "sorts by %s through keyset pages, ties by id, never-active last, every member once",
    async (_label, order) => {
      for (const limit of [7, 20]) {
        const walked = await walkAll(queryOf(order), limit);
        expect(new Set(walked.map((m) => m.id)).size).toBe(walked.length);
        expect(walked.map((m) => m.id)).toEqual(sorted(everyone, order).map((m) => m.id));
      }
    },
  );

  it("sorts by email ascending by default, the order it always had", async () => {
    const page = await get("");
    expect(page.items).toHaveLength(20);
    expect(page.items.map((m) => m.id)).toEqual(
      sorted(everyone, { key: "email", descending: false })
        .slice(0, 20)
        .map((m) => m.id),
    );
  });

  it("serves pages of 20, 50 and 100 and refuses a limit outside 1..100", async () => {
    for (const limit of [20, 50, 100]) {
      const page = await get(`?sort=name&limit=${limit}`);
      expect(page.items).toHaveLength(Math.min(limit, BULK + 1));
      expect(page.total).toBe(BULK + 1);
    }
    for (const limit of ["0", "101", "-1", "twenty"]) {
      const answer = await status(`?sort=name&limit=${limit}`);
      expect(answer.status, limit).toBe(400);
      expect(answer.body.error.code).toBe("validation_failed");
    }
  });

  it("refuses an unknown sort or order with 400", async () => {
    for (const query of ["?sort=password", "?sort=role", "?sort=name&order=sideways", "?order=up"]) {
      const answer = await status(query);
      expect(answer.status, query).toBe(400);
      expect(answer.body.error.code).toBe("validation_failed");
    }
  });

  it("refuses a cursor of another sort or direction, or one that is not a cursor, with 400", async () => {
    const nameCursor = (await get("?sort=name&limit=5")).nextCursor;
    const emailCursor = (await get("?limit=5")).nextCursor;
    const activeCursor = (await get("?sort=lastActiveAt&order=desc&limit=5")).nextCursor;
    expect(nameCursor && emailCursor && activeCursor).toBeTruthy();
    const refused = [
      `?sort=email&cursor=${nameCursor}`,
      `?sort=name&order=desc&cursor=${nameCursor}`,
      `?sort=joinedAt&cursor=${nameCursor}`,
      `?sort=name&cursor=${emailCursor}`,
      `?cursor=${activeCursor}`,
      `?sort=lastActiveAt&cursor=${activeCursor}`,
      "?cursor=not-a-cursor",
      `?cursor=${encodeCursor([everyone[0]?.id ?? ""])}`,
      // A missing key is only last activity's (never signed in).
      `?sort=name&cursor=${Buffer.from(JSON.stringify(["name:asc", null, everyone[0]?.id])).toString("base64url")}`,
      `?sort=joinedAt&cursor=${encodeCursor(["joinedAt:asc", "yesterday", everyone[0]?.id ?? ""])}`,
    ];
    for (const query of refused) {
      const answer = await status(query);
      expect(answer.status, query).toBe(400);
      expect(answer.body.error.code).toBe("validation_failed");
    }
    const other = await status(`?sort=email&cursor=${nameCursor}`);
    expect(other.body.error.message).toContain("another sort order");
  });

  it("sorts a filtered list the same way: role, status and email search, each path", async () => {
    const filters: [string, (m: Item) => boolean][] = [
      [`role=${financeRoleId}`, (m) => m.roles.some((r) => r.key === "finance")],
      [
        "role=finance&status=active",
        (m) => m.roles.some((r) => r.key === "finance") && m.status === "active",
      ],
      ["status=active", (m) => m.status === "active"],
      ["status=deactivated", (m) => m.status === "deactivated"],
      ["email=bulk0", (m) => m.email.startsWith("bulk0")],
      ["email=k01", (m) => m.email.includes("k01")],
    ];
    for (const order of ORDERS) {
      for (const [filter, keep] of filters) {
        const walked = await walkAll(`${queryOf(order)}&${filter}`, 6);
        expect(
          walked.map((m) => m.id),
          `${label(order)} ${filter}`,
        ).toEqual(sorted(everyone.filter(keep), order).map((m) => m.id));
      }
    }
  });

  it("walks and collects a filtered list in the same order, page after page", async () => {
    const filter = { companyId, roleId: financeRoleId };
    for (const order of ORDERS) {
      const byPlan: Record<ListPlan, string[]> = { walk: [], collect: [], probe: [], holders: [] };
      for (const plan of ["walk", "collect", "probe", "holders"] as const) {
        let position: { key: string | null; id: string } | null = null;
        for (let pages = 0; pages < 50; pages++) {
          const rows = await listMembers(h.db, filter, order, position, 4, plan);
          byPlan[plan].push(...rows.map((row) => row.id));
          const last = rows[rows.length - 1];
          if (rows.length < 4 || !last) break;
          position = { key: last.sort_key, id: last.id };
        }
      }
      const expected = sorted(
        everyone.filter((m) => m.roles.some((r) => r.key === "finance")),
        order,
      ).map((m) => m.id);
      expect(byPlan.walk, label(order)).toEqual(expected);
      expect(byPlan.collect, label(order)).toEqual(expected);
      expect(byPlan.holders, label(order)).toEqual(expected);
      // Without an email pattern there is nothing to probe for: the probe walks.
      expect(byPlan.probe, label(order)).toEqual(expected);
    }
  });

  it("follows an account's new name in the name order", async () => {
    const target = everyone.find((m) => m.email === "bulk005@sort.example");
    if (!target) throw new Error("no bulk005");
    await sql`UPDATE accounts SET name = 'Aaron' WHERE email = ${target.email}`.execute(h.db);
    const first = (await get("?sort=name&limit=1")).items[0];
    expect(first?.email).toBe(target.email);
    expect(first?.name).toBe("Aaron");
    const stored = await sql<{ name: string }>`SELECT name FROM members WHERE id = ${target.id}`.execute(
      h.db,
    );
    expect(stored.rows[0]?.name).toBe("Aaron");
    await sql`UPDATE accounts SET name = ${target.name} WHERE email = ${target.email}`.execute(h.db);
  });
});
