// A roles change allowed as it stands is written in one statement, without holding the company
// lock across round trips (the optimistic path of members/change-plan.ts). These tests hold that write to
// its condition: it happens only if the company's roles, the actor and the target are still what
// the change was decided on, re-checked under their row locks; otherwise nothing is written and
// nothing is recorded, and the locked path decides (rules 2, 4, 6 and 11 are tested through it).
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuditEvent } from "../server/audit/writer.js";
import { type DecidedOn, loadChange, updateMember, writeMemberRoles } from "../server/members/queries.js";
import { changeMemberRoles } from "../server/members/service.js";
import { lockCompany } from "../server/roles/queries.js";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness } from "./support/harness.js";
import { holdTransaction } from "./support/held-transaction.js";

type Company = Awaited<ReturnType<Harness["company"]>>;

function event(h: Harness, targetId: string): AuditEvent {
  return {
    action: "member.roles_changed",
    outcome: "success",
    target: { type: "member", id: targetId },
    meta: { ip: null, userAgent: null, requestId: null },
    at: h.clock.now(),
  };
}

/** What a change by the company's first Admin on `targetId` is decided on, read as the service reads it. */
async function decidedOn(h: Harness, company: Company, targetId: string): Promise<DecidedOn> {
  const state = await loadChange(h.db, company.id, company.admin.memberId, targetId, [], false);
  return {
    actorMemberId: company.admin.memberId,
    actorVersion: state.actorVersion as number,
    targetVersion: state.target?.version as number,
    rolesVersion: state.rolesVersion,
  };
}

/** The unlocked write of Operations in place of the target's roles, on condition of `decided`. */
function writeOperations(h: Harness, company: Company, targetId: string, decided: DecidedOn) {
  return writeMemberRoles(
    h.db,
    company.id,
    targetId,
    [company.roleIds.operations],
    event(h, targetId),
    decided,
  );
}

async function roleKeysOf(h: Harness, memberId: string): Promise<string[]> {
  const rows = await h.db
    .selectFrom("member_roles")
    .innerJoin("roles", "roles.id", "member_roles.role_id")
    .select("roles.key")
    .where("member_roles.member_id", "=", memberId)
    .execute();
  return rows.map((row) => row.key as string).sort();
}

async function eventsOn(h: Harness, memberId: string): Promise<number> {
  const row = await h.db
    .selectFrom("audit_events")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("target_id", "=", memberId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe.each(testDatabaseKinds)("a roles change written without the company lock, on %s", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind);
  });
  afterAll(() => h?.close());

  it("is written, with its audit event, when nothing it was decided on has moved", async () => {
    const co = await h.company("Unlocked Co");
    const target = await h.member(co, ["finance"]);
    const written = await writeOperations(h, co, target.memberId, await decidedOn(h, co, target.memberId));
    expect(written).toMatchObject({ id: target.memberId, version: 2, roles: [{ key: "operations" }] });
    expect(await roleKeysOf(h, target.memberId)).toEqual(["operations"]);
    expect(await eventsOn(h, target.memberId)).toBe(1);
  });

  it("is how the service makes an allowed change: no transaction, no company lock held across round trips", async () => {
    const co = await h.company("Service Co");
    const target = await h.member(co, ["finance"]);
    const lockedPathRan = new Error("the locked path ran");
    // The service's database handle, on which opening a transaction (the locked path) throws.
    const db = new Proxy(h.db, {
      get(real, key) {
        if (key === "transaction") return () => ({ execute: () => Promise.reject(lockedPathRan) });
        const value = Reflect.get(real, key);
        return typeof value === "function" ? value.bind(real) : value; // Kysely's private fields
      },
    });
    const ctx = {
      db,
      companyId: co.id,
      actor: {
        accountId: co.admin.id,
        email: co.admin.email,
        name: "Moved Co Admin",
        memberId: co.admin.memberId,
      },
      meta: { ip: null, userAgent: null, requestId: null },
      now: h.clock.now(),
    };
    const changed = await changeMemberRoles(ctx, target.memberId, {
      roleIds: [co.roleIds.operations],
      version: 1,
    });
    expect(changed).toMatchObject({ version: 2, roles: [{ key: "operations" }] });
    expect(await eventsOn(h, target.memberId)).toBe(1);
    // Demoting an Admin could cost the company its last one: that takes the locked path.
    const admin = await h.member(co, ["admin"]);
    await expect(
      changeMemberRoles(ctx, admin.memberId, { roleIds: [co.roleIds.finance], version: 1 }),
    ).rejects.toBe(lockedPathRan);
  });

  it("writes and records nothing when the target, the actor, the actor's status or the company's roles moved", async () => {
    const co = await h.company("Moved Co");
    const target = await h.member(co, ["finance"]);
    const moves: [string, (decided: DecidedOn) => Promise<DecidedOn>][] = [
      ["the target changed", async (d) => ({ ...d, targetVersion: d.targetVersion - 1 })],
      ["the actor changed", async (d) => ({ ...d, actorVersion: d.actorVersion - 1 })],
      [
        "a role of the company changed",
        async (d) => {
          await h.db
            .updateTable("roles")
            .set({ description: "Edited meanwhile" })
            .where("id", "=", co.roleIds.operations)
            .execute();
          return d;
        },
      ],
      [
        "a role's permissions changed, its row untouched",
        async (d) => {
          await h.db
            .deleteFrom("role_permissions")
            .where("role_id", "=", co.roleIds.operations)
            .where("permission", "=", "transactions.view")
            .execute();
          return d;
        },
      ],
      [
        "the actor was deactivated",
        async () => {
          await updateMember(h.db as never, co.admin.memberId, {
            status: "deactivated",
            deactivatedAt: h.clock.now(),
          });
          return decidedOn(h, co, target.memberId);
        },
      ],
    ];
    for (const [move, apply] of moves) {
      const stale = await apply(await decidedOn(h, co, target.memberId));
      const written = await writeOperations(h, co, target.memberId, stale);
      expect(written, move).toBeUndefined();
    }
    expect(await roleKeysOf(h, target.memberId)).toEqual(["finance"]);
    const member = await h.db
      .selectFrom("members")
      .select("version")
      .where("id", "=", target.memberId)
      .executeTakeFirstOrThrow();
    expect(member.version).toBe(1);
    expect(await eventsOn(h, target.memberId)).toBe(0);
  });
});

describe.runIf(testDatabaseKinds.includes("postgres"))(
  "a roles change written without the company lock, on postgres, racing other changes",
  () => {
    let h: Harness;
    beforeAll(async () => {
      h = await createHarness("postgres");
    });
    afterAll(() => h?.close());

    it("waits for a change in progress that demotes its actor, then writes nothing", async () => {
      const co = await h.company("Race Co");
      await h.member(co, ["admin"]); // who demotes the actor, leaving the company an Admin
      const target = await h.member(co, ["finance"]);
      const decided = await decidedOn(h, co, target.memberId);

      // Another Admin demotes the actor, as the locked path does, and holds the transaction open.
      const demotion = holdTransaction(h.db, async (trx) => {
        await lockCompany(trx, co.id);
        await writeMemberRoles(
          trx,
          co.id,
          co.admin.memberId,
          [co.roleIds.finance],
          event(h, co.admin.memberId),
        );
      });
      await demotion.reached;
      const write = writeOperations(h, co, target.memberId, decided);
      await demotion.blocks(write, "the unlocked write"); // it waits for the demotion to commit
      demotion.release();
      await demotion.done;
      // Its snapshot predates the demotion; the actor's row, re-checked once locked, does not.
      expect(await write).toBeUndefined();
      expect(await roleKeysOf(h, target.memberId)).toEqual(["finance"]);
      expect(await eventsOn(h, target.memberId)).toBe(0);
    });

    it("lands many admins' opposite role flips at once, with exact counters and no deadlock", async () => {
      const co = await h.company("Flip Co");
      const admins = [co.admin, ...(await Promise.all([1, 2, 3].map(() => h.member(co, ["admin"]))))];
      const cookies = await Promise.all(admins.map((admin) => h.login(admin.email)));
      await Promise.all(cookies.map((cookie) => h.elevate(cookie)));
      const keys = ["finance", "operations"] as const;
      const members = await Promise.all(
        Array.from({ length: 24 }, (_, i) => h.member(co, [keys[i % 2] as (typeof keys)[number]])),
      );
      const responses = await Promise.all(
        members.map((member, i) =>
          h.inject(cookies[i % cookies.length] as string, {
            method: "PUT",
            url: `/api/companies/${co.id}/members/${member.memberId}/roles`,
            payload: { roleIds: [co.roleIds[keys[(i + 1) % 2] as (typeof keys)[number]]], version: 1 },
          }),
        ),
      );
      expect(responses.map((response) => response.statusCode)).toEqual(members.map(() => 200));
      for (const [i, member] of members.entries()) {
        expect(await roleKeysOf(h, member.memberId)).toEqual([keys[(i + 1) % 2]]);
        expect(await eventsOn(h, member.memberId)).toBe(1);
      }
      const counters = await sql<{ key: string; counted: number; actual: number }>`
        SELECT r.key, c.active AS counted,
               (SELECT count(*)::int FROM member_roles mr JOIN members m ON m.id = mr.member_id
                 WHERE mr.role_id = r.id AND m.status = 'active') AS actual
          FROM roles r JOIN member_role_counts c ON c.role_id = r.id
         WHERE r.company_id = ${co.id}`.execute(h.db);
      for (const row of counters.rows) expect(row.counted, row.key).toBe(row.actual);
    });
  },
);
