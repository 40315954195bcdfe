// member_standing (migration 009), which the per-request guard reads instead of aggregating a
// member's roles, always equals what member_roles and role_permissions say: after any sequence of
// role assignments, role permission edits, additions and removals of members, and (on PostgreSQL)
// when members join with a role while its permissions are being edited.
import fc from "fast-check";
import { type Kysely, sql, type Transaction } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PERMISSION_KEYS } from "../server/access/permissions.js";
import { addMember } from "../server/companies/service.js";
import type { DB } from "../server/db/schema.js";
import { replacePermissions } from "../server/roles/queries.js";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness } from "./support/harness.js";
import { type HeldTransaction, holdTransaction } from "./support/held-transaction.js";

type Standing = { member_id: string; role_ids: string[]; role_keys: string[]; permissions: string[] };

/** The standing of every member of a company, as kept and as recomputed from the source tables. */
async function keptAndRecomputed(db: Kysely<DB>, companyId: string) {
  const kept = await sql<Standing>`
    SELECT s.member_id, s.role_ids::text[] AS role_ids, s.role_keys, s.permissions
      FROM member_standing s JOIN members m ON m.id = s.member_id
     WHERE m.company_id = ${companyId} AND cardinality(s.role_ids) > 0
     ORDER BY s.member_id`.execute(db);
  const recomputed = await sql<Standing>`
    SELECT m.id AS member_id,
           array_agg(DISTINCT mr.role_id ORDER BY mr.role_id)::text[] AS role_ids,
           coalesce(array_agg(DISTINCT r.key ORDER BY r.key) FILTER (WHERE r.key IS NOT NULL), '{}') AS role_keys,
           coalesce((SELECT array_agg(DISTINCT rp.permission ORDER BY rp.permission) FROM member_roles x
                      JOIN role_permissions rp ON rp.role_id = x.role_id WHERE x.member_id = m.id), '{}') AS permissions
      FROM members m JOIN member_roles mr ON mr.member_id = m.id JOIN roles r ON r.id = mr.role_id
     WHERE m.company_id = ${companyId}
     GROUP BY m.id ORDER BY m.id`.execute(db);
  return { kept: kept.rows, recomputed: recomputed.rows };
}

async function customRole(db: Kysely<DB>, companyId: string, name: string, permissions: string[]) {
  const role = await db
    .insertInto("roles")
    .values({ company_id: companyId, key: null, name })
    .returning("id")
    .executeTakeFirstOrThrow();
  await setPermissions(db, role.id, permissions);
  return role.id;
}

async function setPermissions(db: Kysely<DB>, roleId: string, permissions: readonly string[]) {
  await db.transaction().execute(async (trx) => {
    // As the roles service does (under the company lock): edits of one role do not interleave.
    await sql`SELECT id FROM roles WHERE id = ${roleId} FOR UPDATE`.execute(trx);
    await replacePermissions(trx, roleId, permissions);
  });
}

async function setRoles(db: Kysely<DB>, companyId: string, memberId: string, roleIds: readonly string[]) {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom("member_roles").where("member_id", "=", memberId).execute();
    if (roleIds.length > 0) {
      await trx
        .insertInto("member_roles")
        .values(roleIds.map((roleId) => ({ company_id: companyId, member_id: memberId, role_id: roleId })))
        .execute();
    }
  });
}

describe.each(testDatabaseKinds)("member standing on %s", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind);
  });
  afterAll(() => h?.close());

  it("equals the member's roles and their permissions after any sequence of changes", async () => {
    const company = await h.company("Standing Co");
    const members = await Promise.all([1, 2, 3, 4].map(() => h.member(company, ["developer"])));
    const roles = [
      company.roleIds.admin,
      company.roleIds.finance,
      company.roleIds.data_analytics,
      await customRole(h.db, company.id, "Reviewer", ["members.view"]),
      await customRole(h.db, company.id, "Payouts", ["settlements.view", "transactions.view"]),
    ];
    const customRoles = roles.slice(3);
    const memberIndex = fc.integer({ min: 0, max: members.length - 1 });
    const operation = fc.oneof(
      fc.record({
        kind: fc.constant("assign" as const),
        member: memberIndex,
        roles: fc.subarray(roles, { minLength: 1 }),
      }),
      fc.record({
        kind: fc.constant("edit" as const),
        role: fc.constantFrom(...customRoles),
        permissions: fc.subarray([...PERMISSION_KEYS]),
      }),
      fc.record({ kind: fc.constant("replace" as const), member: memberIndex }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 1, maxLength: 6 }), async (operations) => {
        for (const op of operations) {
          if (op.kind === "assign") await setRoles(h.db, company.id, members[op.member]!.memberId, op.roles);
          if (op.kind === "edit") await setPermissions(h.db, op.role, op.permissions);
          if (op.kind === "replace") {
            // A member leaves (its roles go first, by the members trigger) and someone new comes.
            await h.db.deleteFrom("members").where("id", "=", members[op.member]!.memberId).execute();
            members[op.member] = await h.member(company, ["operations"]);
          }
        }
        const { kept, recomputed } = await keptAndRecomputed(h.db, company.id);
        expect(kept).toEqual(recomputed);
      }),
      { numRuns: 30 },
    );
    const orphans = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM member_standing s
       WHERE NOT EXISTS (SELECT 1 FROM members m WHERE m.id = s.member_id)`.execute(h.db);
    expect(orphans.rows[0]?.n).toBe(0);
  });

  it("is refreshed from one generic plan, not planned again for each role change (migration 039)", async () => {
    // A later CREATE OR REPLACE of the function without the setting would drop it silently, and
    // every role change would plan the refresh twice again: nothing but this shows it.
    const config = await sql<{ proconfig: string[] | null }>`
      SELECT proconfig FROM pg_proc WHERE proname = 'refresh_member_standing'`.execute(h.db);
    expect(config.rows).toEqual([{ proconfig: ["plan_cache_mode=force_generic_plan"] }]);
  });

  it("gives the guard a role's new permissions on the holder's next request", async () => {
    const company = await h.company("Standing Guard Co");
    const role = await customRole(h.db, company.id, "Viewer", []);
    const holder = await h.member(company, ["developer"]);
    await setRoles(h.db, company.id, holder.memberId, [role]);
    const cookie = await h.login(holder.email);
    const members = `/api/companies/${company.id}/members`;
    expect((await h.inject(cookie, { url: members })).statusCode).toBe(403);
    await setPermissions(h.db, role, ["members.view"]);
    expect((await h.inject(cookie, { url: members })).statusCode).toBe(200);
    await setPermissions(h.db, role, []);
    expect((await h.inject(cookie, { url: members })).statusCode).toBe(403);
  });
});

// Races need connections of their own: PostgreSQL only (PGlite runs one statement at a time).
describe.runIf(testDatabaseKinds.includes("postgres"))(
  "member standing on postgres, when a member joins with a role while its permissions change",
  () => {
    let h: Harness;
    // The company and custom role the race tests share.
    const race: { company?: Awaited<ReturnType<Harness["company"]>>; role?: string } = {};
    beforeAll(async () => {
      h = await createHarness("postgres");
      race.company = await h.company("Standing Race Co");
      race.role = await customRole(h.db, race.company.id, "Racer", ["members.view"]);
    });
    afterAll(() => h?.close());
    const company = () => race.company!;
    const role = () => race.role!;

    /**
     * Edits the role's permissions with no lock of its own (the roles service also holds the company
     * lock, which alone would keep joins out: this checks the triggers' own locking). Edits that may
     * overlap lock the role first, or their inserts would collide.
     */
    const editIn = async (trx: Transaction<DB>, permissions: string[], lockRole = false) => {
      if (lockRole) await sql`SELECT id FROM roles WHERE id = ${role()} FOR UPDATE`.execute(trx);
      await replacePermissions(trx, role(), permissions);
    };
    const edit = (permissions: string[], lockRole = false) =>
      h.db.transaction().execute((trx) => editIn(trx, permissions, lockRole));

    /** Adds a member with the role as an accepted invitation does (no company lock). */
    const joinIn = (trx: Transaction<DB>, accountId: string) =>
      addMember(trx, {
        companyId: company().id,
        accountId,
        roleIds: [role(), company().roleIds.developer],
        invitedBy: null,
        now: h.clock.now(),
      });
    const join = async () => {
      const account = await h.account();
      await h.db.transaction().execute((trx) => joinIn(trx, account.id));
    };

    /**
     * Holds `first`'s transaction open once its work is done, starts `second`, waits until `second`
     * is blocked on `first`'s locks, then lets `first` commit; both must end with every standing exact.
     */
    async function interleave(first: HeldTransaction<unknown>, second: () => Promise<unknown>, what: string) {
      await first.reached;
      const secondDone = second();
      await first.blocks(secondDone, what);
      first.release();
      await Promise.all([first.done, secondDone]);
      const { kept, recomputed } = await keptAndRecomputed(h.db, company().id);
      expect(kept).toEqual(recomputed);
    }

    it("the edit first: the join waits for it and takes the new permissions", async () => {
      await interleave(
        holdTransaction(h.db, (trx) => editIn(trx, ["audit.view"])),
        () => join(),
        "the join",
      );
    });

    it("the join first: the edit waits for it and reaches the new member too", async () => {
      const account = await h.account();
      await interleave(
        holdTransaction(h.db, (trx) => joinIn(trx, account.id)),
        () => edit(["transactions.view"]),
        "the edit",
      );
    });

    it("stays exact through bursts of joins and edits", async () => {
      const permissionSets = [["members.view"], ["audit.view", "members.view"], ["transactions.view"], []];
      for (let round = 0; round < 3; round += 1) {
        await Promise.all([
          ...Array.from({ length: 8 }, () => join()),
          ...permissionSets.map((permissions) => edit(permissions, true)),
        ]);
        const { kept, recomputed } = await keptAndRecomputed(h.db, company().id);
        expect(kept).toEqual(recomputed);
      }
    });
  },
);
