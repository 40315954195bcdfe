// SPEC 6.2 and 6.7: the security policy page shows who has no second factor, and an Admin's Home
// counts them and names a few. Each member row carries a copy of its account's flag (migration 048),
// kept by triggers, and both pages read the company's active members without a factor from a partial
// index of those rows, instead of joining every member of the company to its account: in a company
// where nearly everyone has a factor, that join walked the whole company to find the few.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadHomeSummary } from "../server/home/service.js";
import { findMembershipOfAccount } from "../server/scim/queries.js";
import {
  countMembersWithoutSecondFactor,
  listMembersWithoutSecondFactor,
} from "../server/security-policy/queries.js";
import { readSecurityPolicy } from "../server/security-policy/service.js";
import { type BulkMember, insertMembers } from "./support/bulk-members.js";
import { testDatabaseKinds } from "./support/databases.js";
import { describePlan, explainAnalyze, recordingStatements } from "./support/explain.js";
import { createHarness, type Harness } from "./support/harness.js";
import { holdTransaction, outlastDeadlocks } from "./support/held-transaction.js";
import { givePasskey } from "./support/second-factor.js";
import { totpCodeAt } from "./support/second-factors.js";

const MEMBERS = 3_000;
const WITHOUT = 10;

describe.each(testDatabaseKinds)("SPEC 6.2 and 6.7: who has no second factor, on %s", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind);
  });
  afterAll(() => h?.close());

  const copies = async (accountId: string) =>
    (
      await sql<{ company_id: string; has_second_factor: boolean }>`
        SELECT company_id, has_second_factor FROM members WHERE account_id = ${accountId} ORDER BY company_id`.execute(
        h.db,
      )
    ).rows;

  it("keeps every membership's copy of its account's factor, whoever writes the member row", async () => {
    const first = await h.company("Factor Copy One");
    const second = await h.company("Factor Copy Two");
    const third = await h.company("Factor Copy Three");
    const person = await h.member(first, ["finance"]);
    await h.db.insertInto("members").values({ company_id: second.id, account_id: person.id }).execute();
    expect((await copies(person.id)).map((row) => row.has_second_factor)).toEqual([false, false]);

    // A confirmed factor reaches every company the account is in.
    const factor = await givePasskey(h.db, person.id, h.clock.now());
    expect((await copies(person.id)).map((row) => row.has_second_factor)).toEqual([true, true]);
    for (const company of [first, second]) {
      const listed = await listMembersWithoutSecondFactor(h.db, company.id, 10);
      expect(listed.map((row) => row.member_id)).toEqual([company.admin.memberId]);
      expect(await countMembersWithoutSecondFactor(h.db, company.id, 10)).toBe(1);
    }

    // A membership made afterwards starts with the account's flag, whatever the writer passed, and a
    // writer cannot set the copy apart from the account.
    await h.db
      .insertInto("members")
      .values({ company_id: third.id, account_id: person.id, has_second_factor: false })
      .execute();
    await sql`UPDATE members SET has_second_factor = false WHERE account_id = ${person.id}`.execute(h.db);
    expect((await copies(person.id)).map((row) => row.has_second_factor)).toEqual([true, true, true]);

    // The factor removed: the person is listed again everywhere.
    await h.db.deleteFrom("mfa_factors").where("id", "=", factor).execute();
    expect((await copies(person.id)).map((row) => row.has_second_factor)).toEqual([false, false, false]);
    const listed = await listMembersWithoutSecondFactor(h.db, first.id, 10);
    expect(listed.map((row) => row.member_id).sort()).toEqual(
      [first.admin.memberId, (await findMembershipOfAccount(h.db, first.id, person.id)) as string].sort(),
    );
  });

  it("lists them in the order the account's name and email gave, and counts them up to the cap", async () => {
    const company = await h.company("Factor Order Co");
    const tag = company.id.slice(0, 6);
    // Names that sort differently by case, by accent and only by email; "Äpfel" sorts before "ßtraße"
    // as written and after it lowercased.
    const names = [
      "bo",
      "Bo",
      "Åsa",
      "asa",
      "Zoë",
      "zed",
      "Émile",
      "emile",
      "Ada",
      "ada",
      "Ada",
      "李雷",
      "Ω",
    ];
    names.push("Äpfel", "ßtraße");
    const people: BulkMember[] = names.map((name, n) => ({
      email: `${String.fromCharCode(122 - n)}${n}.${tag}@order.example`,
      name,
      joinedAt: h.clock.now(),
      lastActiveAt: null,
      roleId: company.roleIds.operations,
    }));
    const ids = await insertMembers(h.db, company.id, people);
    // One with a factor and one deactivated are not listed.
    const accountOf = async (memberId: string) =>
      (
        await h.db
          .selectFrom("members")
          .select("account_id")
          .where("id", "=", memberId)
          .executeTakeFirstOrThrow()
      ).account_id;
    await givePasskey(h.db, await accountOf(ids[0] as string), h.clock.now());
    await sql`UPDATE members SET status = 'deactivated', deactivated_at = now() WHERE id = ${ids[1]}`.execute(
      h.db,
    );

    // What the page read before migration 048, from the account.
    const fromAccounts = await sql<{ member_id: string; name: string; email: string }>`
      SELECT m.id AS member_id, a.name, a.email FROM members m JOIN accounts a ON a.id = m.account_id
       WHERE m.company_id = ${company.id} AND m.status = 'active' AND NOT a.has_second_factor
       ORDER BY lower(a.name), a.email`.execute(h.db);
    expect(fromAccounts.rows).toHaveLength(names.length - 2 + 1);
    expect(await listMembersWithoutSecondFactor(h.db, company.id, 100)).toEqual(fromAccounts.rows);
    expect(await listMembersWithoutSecondFactor(h.db, company.id, 4)).toEqual(fromAccounts.rows.slice(0, 4));
    for (const cap of [0, 3, 11, 12, 100]) {
      expect(await countMembersWithoutSecondFactor(h.db, company.id, cap), `cap ${cap}`).toBe(
        Math.min(fromAccounts.rows.length, cap + 1),
      );
    }
  });

  it("reads the few without a factor from the index, not every member of the company", async () => {
    const company = await h.company("Mostly Factor Co");
    const tag = company.id.slice(0, 6);
    const ids = await insertMembers(
      h.db,
      company.id,
      Array.from({ length: MEMBERS }, (_, n) => ({
        email: `m${n}.${tag}@mostly.example`,
        name: `Person ${n}`,
        joinedAt: h.clock.now(),
        lastActiveAt: null,
        roleId: company.roleIds.finance,
      })),
    );
    // Everyone but WITHOUT members (and the Admin) has a factor, as "Require two-factor
    // authentication" brings about.
    const withFactor = ids.slice(WITHOUT);
    await sql`UPDATE accounts SET has_second_factor = true
               WHERE id IN (SELECT account_id FROM members WHERE id = ANY(${withFactor}::uuid[]))`.execute(
      h.db,
    );
    await sql`VACUUM ANALYZE members`.execute(h.db);

    const { db: recorded, sent } = recordingStatements(h.db);
    const home = await loadHomeSummary(
      recorded,
      company.id,
      ["members.view", "members.invite"],
      h.clock.now(),
    );
    const policy = await readSecurityPolicy(recorded, company.id);
    expect(home.membersWithoutSecondFactor).toMatchObject({ total: WITHOUT + 1, totalExact: true });
    expect(home.membersWithoutSecondFactor.sample).toHaveLength(5);
    expect(policy.membersWithoutSecondFactor).toHaveLength(WITHOUT + 1);
    expect(home.membersWithoutSecondFactor.sample).toEqual(policy.membersWithoutSecondFactor.slice(0, 5));

    const statements = sent.filter((query) => query.sql.includes("has_second_factor"));
    // Home's count and names, the policy page's list.
    expect(statements).toHaveLength(3);
    for (const statement of statements) {
      const plan = await explainAnalyze(h.db, statement);
      const described = describePlan(plan);
      expect(
        plan.some((node) => node["Relation Name"] === "accounts"),
        described,
      ).toBe(false);
      for (const node of plan.filter((n) => n["Relation Name"] === "members")) {
        expect(node["Actual Rows"] * node["Actual Loops"], described).toBeLessThanOrEqual(WITHOUT + 1);
      }
    }
  }, 120_000);
});

describe.runIf(testDatabaseKinds.includes("postgres"))(
  "SPEC 6.2: a second factor confirmed beside a change of the member, on postgres",
  () => {
    let h: Harness;
    beforeAll(async () => {
      h = await createHarness("postgres");
    });
    afterAll(() => h?.close());

    // A role change locks the member's row, then (member_standing's trigger) its account's context
    // version (041). Confirming a factor writes the account, its members' copies (048) and that
    // version: the copies must come first, or the two wait for each other.
    it("completes: the member copies are written before the account's context version", async () => {
      const company = await h.company("Factor Beside Roles");
      const member = await h.member(company, ["finance"]);
      const cookie = await h.login(member.email);
      await h.elevate(cookie);
      const started = await h.inject(cookie, { method: "POST", url: "/api/me/mfa/totp", payload: {} });
      expect(started.statusCode, started.body).toBe(201);
      const { secret } = started.json() as { secret: string };

      const roleChange = holdTransaction(h.db, async (trx) => {
        await outlastDeadlocks(trx);
        await trx
          .updateTable("members")
          .set((eb) => ({ version: eb("version", "+", 1) }))
          .where("id", "=", member.memberId)
          .execute();
        return trx;
      });
      const trx = await roleChange.reached;
      const confirmed = h.inject(cookie, {
        method: "POST",
        url: "/api/me/mfa/totp/confirm",
        payload: { code: totpCodeAt(secret, h.clock.now()) },
      });
      await roleChange.blocks(confirmed, "the factor's confirmation");
      await sql`SELECT move_account_context(ARRAY[${member.id}]::uuid[])`.execute(trx);
      roleChange.release();
      await roleChange.done;

      const response = await confirmed;
      expect(response.statusCode, response.body).toBe(200);
      const row = await h.db
        .selectFrom("members")
        .select("has_second_factor")
        .where("id", "=", member.memberId)
        .executeTakeFirstOrThrow();
      expect(row.has_second_factor).toBe(true);
    });
  },
);
