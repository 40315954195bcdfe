// Rule 2 for what a server holds of GET /api/me (migration 041): the memberships it answers with are,
// at every request, what a fresh read of the database says, whatever changed in between and however
// it was written (the changes below are plain SQL, as any writer's would be: the database's triggers
// move the versions, not the services). A server that holds them reads only the session, its account
// and the versions until something moves.
import fc from "fast-check";
import { type Kysely, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadRequestContext, sessionPolicyOf } from "../server/access/session-queries.js";
import type { App } from "../server/app.js";
import type { DB } from "../server/db/schema.js";
import { replacePermissions } from "../server/roles/queries.js";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness } from "./support/harness.js";

type Company = Awaited<ReturnType<Harness["company"]>>;

/** A change of something GET /api/me answers with, as the fast-check model draws it. */
type Change =
  | {
      kind: "roles";
      roles: ("finance" | "developer" | "data_analytics" | "custom")[];
      expiresInMinutes: number | null;
    }
  | { kind: "status"; active: boolean }
  | { kind: "second membership"; present: boolean }
  | { kind: "rename company"; which: 0 | 1; name: string }
  | { kind: "rename role"; name: string }
  | { kind: "role permissions"; permissions: string[] }
  | { kind: "policy"; requireMfa: boolean; idleMinutes: number | null }
  | { kind: "second factor"; has: boolean }
  | { kind: "time"; seconds: number }
  | { kind: "scope"; accounts: (0 | 1)[] | null }
  | { kind: "step-up"; minutes: number | null }
  | { kind: "nothing" };

const CUSTOM_PERMISSIONS = ["transactions.view", "settlements.view", "insights.view", "members.view"];

const changeArbitrary: fc.Arbitrary<Change> = fc.oneof(
  fc.record({
    kind: fc.constant("roles" as const),
    roles: fc.subarray(["finance", "developer", "data_analytics", "custom"] as const),
    expiresInMinutes: fc.option(fc.integer({ min: 1, max: 3 }), { nil: null }),
  }),
  fc.record({ kind: fc.constant("status" as const), active: fc.boolean() }),
  fc.record({ kind: fc.constant("second membership" as const), present: fc.boolean() }),
  fc.record({
    kind: fc.constant("rename company" as const),
    which: fc.constantFrom(0 as const, 1 as const),
    name: fc.constantFrom("Renamed Co", "Another Name", "Third Co"),
  }),
  fc.record({
    kind: fc.constant("rename role" as const),
    name: fc.constantFrom("Auditor", "Reviewer", "Ops lead"),
  }),
  fc.record({ kind: fc.constant("role permissions" as const), permissions: fc.subarray(CUSTOM_PERMISSIONS) }),
  fc.record({
    kind: fc.constant("policy" as const),
    requireMfa: fc.boolean(),
    idleMinutes: fc.constantFrom(null, 5, 15, 60),
  }),
  fc.record({ kind: fc.constant("second factor" as const), has: fc.boolean() }),
  fc.record({ kind: fc.constant("time" as const), seconds: fc.integer({ min: 0, max: 120 }) }),
  fc.record({
    kind: fc.constant("scope" as const),
    accounts: fc.option(fc.subarray([0, 1] as (0 | 1)[]), { nil: null }),
  }),
  fc.record({
    kind: fc.constant("step-up" as const),
    minutes: fc.option(fc.integer({ min: 1, max: 3 }), { nil: null }),
  }),
  fc.constant({ kind: "nothing" as const }),
);

describe.each(testDatabaseKinds)("rule 2: the memberships a server holds for GET /api/me on %s", (kind) => {
  let h: Harness;
  let counted: App;
  // The SQL text of each statement the counted instance sends.
  const sent: string[] = [];
  const take = () => sent.splice(0);
  // A new handle for each fresh read: a server holds memberships per database handle.
  const freshHandle = (): Kysely<DB> =>
    h.db.withPlugin({ transformQuery: (args) => args.node, transformResult: async (args) => args.result });
  const policy = () => sessionPolicyOf(h.config);

  beforeAll(async () => {
    h = await createHarness(kind);
    counted = await h.anotherInstance(
      h.db.withPlugin({
        transformQuery: (args) => {
          sent.push(h.db.getExecutor().compileQuery(args.node, args.queryId).sql);
          return args.node;
        },
        transformResult: async (args) => args.result,
      }),
    );
  });
  afterAll(() => h?.close());

  const me = (app: App, token: string) =>
    app.inject({ method: "GET", url: "/api/me", cookies: { [h.cookieName]: token } });

  it("reads only the session, its account and the versions while nothing moved, and all again after a change", async () => {
    const company = await h.company("Held Co");
    const person = await h.member(company, ["finance"]);
    const token = await h.login(person.email);
    expect((await me(counted, token)).statusCode).toBe(200);
    take();

    expect((await me(counted, token)).statusCode).toBe(200);
    const held = take();
    expect(held).toHaveLength(1);
    expect(held[0]).toMatch(/account_context_versions/);
    expect(held[0]).not.toMatch(/json_agg/);

    // Another instance (the harness's app) changes the roles: the next request here reads them all.
    await h.db
      .updateTable("member_roles")
      .set({ role_id: company.roleIds.developer })
      .where("member_id", "=", person.memberId)
      .execute();
    const after = await me(counted, token);
    const read = take();
    expect(read.some((statement) => /json_agg/.test(statement))).toBe(true);
    expect(after.json().memberships[0].roles.map((role: { key: string }) => role.key)).toEqual(["developer"]);
  });

  it("decides a request in a company from the held standing until it moves, then from a fresh read", async () => {
    const company = await h.company("Held Standing Co");
    const person = await h.member(company, ["finance"]);
    const token = await h.login(person.email);
    const transactions = () =>
      counted.inject({
        method: "GET",
        url: `/api/companies/${company.id}/transactions`,
        cookies: { [h.cookieName]: token },
      });
    expect((await transactions()).statusCode).toBe(200);
    take();

    expect((await transactions()).statusCode).toBe(200);
    const [guard] = take();
    expect(guard).toMatch(/account_context_versions/);
    expect(guard).not.toMatch(/member_standing/);

    // Another instance makes the member a Developer, who may not see transactions: refused at once.
    await h.db
      .updateTable("member_roles")
      .set({ role_id: company.roleIds.developer })
      .where("member_id", "=", person.memberId)
      .execute();
    expect((await transactions()).statusCode).toBe(403);
    expect(take().some((statement) => /member_standing/.test(statement))).toBe(true);
  });

  it("answers with what a fresh read says after any sequence of changes, however they were written", async () => {
    const first = await h.company("First Held Co");
    const second = await h.company("Second Held Co");
    const custom = await h.db
      .insertInto("roles")
      .values({ company_id: first.id, key: null, name: "Auditor" })
      .returning("id")
      .executeTakeFirstOrThrow();
    const person = await h.member(first, ["finance"]);
    const token = await h.login(person.email);
    const roleIds = { ...first.roleIds, custom: custom.id };
    const merchantAccounts = await h.db
      .insertInto("merchant_accounts")
      .values([
        { company_id: first.id, name: "Held EU", reference: "HELD-EU" },
        { company_id: first.id, name: "Held US", reference: "HELD-US" },
      ])
      .returning("id")
      .execute();
    const sessionId = (
      await h.db
        .selectFrom("sessions")
        .select("id")
        .where("account_id", "=", person.id)
        .executeTakeFirstOrThrow()
    ).id;
    // One handle holds contexts across the whole run, as a server does; every fresh read gets its own.
    const holding = freshHandle();

    const apply = async (change: Change, companies: [Company, Company]) => {
      const now = h.clock.now();
      switch (change.kind) {
        case "roles":
          await h.db.transaction().execute(async (trx) => {
            await trx.deleteFrom("member_roles").where("member_id", "=", person.memberId).execute();
            if (change.roles.length === 0) return;
            await trx
              .insertInto("member_roles")
              .values(
                change.roles.map((role, i) => ({
                  company_id: first.id,
                  member_id: person.memberId,
                  role_id: roleIds[role],
                  // The first role expires when asked to; the others stay.
                  expires_at:
                    i === 0 && change.expiresInMinutes !== null
                      ? new Date(now.getTime() + change.expiresInMinutes * 60_000)
                      : null,
                })),
              )
              .execute();
          });
          return;
        case "status":
          await h.db
            .updateTable("members")
            .set({
              status: change.active ? "active" : "deactivated",
              deactivated_at: change.active ? null : now,
            })
            .where("id", "=", person.memberId)
            .execute();
          return;
        case "second membership":
          if (change.present) {
            await sql`INSERT INTO members (company_id, account_id, status, joined_at)
                      VALUES (${second.id}, ${person.id}, 'active', ${now})
                      ON CONFLICT DO NOTHING`.execute(h.db);
          } else {
            await h.db
              .deleteFrom("members")
              .where("company_id", "=", second.id)
              .where("account_id", "=", person.id)
              .execute();
          }
          return;
        case "rename company":
          await h.db
            .updateTable("companies")
            .set({ name: change.name })
            .where("id", "=", companies[change.which].id)
            .execute();
          return;
        case "rename role":
          await h.db.updateTable("roles").set({ name: change.name }).where("id", "=", custom.id).execute();
          return;
        case "role permissions":
          await h.db.transaction().execute((trx) => replacePermissions(trx, custom.id, change.permissions));
          return;
        case "policy":
          await sql`INSERT INTO company_security_policies (company_id, require_mfa, session_idle_minutes, updated_at)
                    VALUES (${first.id}, ${change.requireMfa}, ${change.idleMinutes}, ${now})
                    ON CONFLICT (company_id) DO UPDATE
                      SET require_mfa = EXCLUDED.require_mfa, session_idle_minutes = EXCLUDED.session_idle_minutes`.execute(
            h.db,
          );
          return;
        case "second factor":
          await h.db
            .updateTable("accounts")
            .set({ has_second_factor: change.has })
            .where("id", "=", person.id)
            .execute();
          return;
        case "time":
          h.clock.advance(change.seconds * 1_000);
          return;
        case "scope":
          await h.db.transaction().execute(async (trx) => {
            await trx
              .deleteFrom("member_merchant_accounts")
              .where("member_id", "=", person.memberId)
              .execute();
            await trx
              .updateTable("members")
              .set({ scope_kind: change.accounts === null ? "all" : "restricted" })
              .where("id", "=", person.memberId)
              .execute();
            if (change.accounts && change.accounts.length > 0) {
              await trx
                .insertInto("member_merchant_accounts")
                .values(
                  change.accounts.map((i) => ({
                    company_id: first.id,
                    member_id: person.memberId,
                    merchant_account_id: merchantAccounts[i]?.id as string,
                  })),
                )
                .execute();
            }
          });
          return;
        case "step-up":
          await h.db.deleteFrom("session_elevations").where("session_id", "=", sessionId).execute();
          if (change.minutes !== null) {
            await h.db
              .insertInto("session_elevations")
              .values({
                session_id: sessionId,
                company_id: first.id,
                verified_until: new Date(now.getTime() + change.minutes * 60_000),
              })
              .execute();
          }
          return;
        case "nothing":
          return;
      }
    };
    // The context of a request naming each company, and naming none, as held and as read afresh.
    const contexts = async (db: Kysely<DB>) => {
      const load = (companyId: string | null, withMemberships: boolean) =>
        loadRequestContext(db, token, companyId, h.clock.now(), policy(), { withMemberships });
      return JSON.parse(
        JSON.stringify({
          me: await load(null, true),
          first: await load(first.id, false),
          second: await load(second.id, false),
        }),
      );
    };

    await fc.assert(
      fc.asyncProperty(fc.array(changeArbitrary, { minLength: 1, maxLength: 12 }), async (changes) => {
        for (const change of changes) {
          await apply(change, [first, second]);
          const answer = await me(h.app, token);
          const fresh = await contexts(freshHandle());
          expect(fresh.me, JSON.stringify(change)).not.toBeNull();
          expect(answer.statusCode).toBe(200);
          expect(answer.json().memberships, JSON.stringify(change)).toEqual(fresh.me.memberships);
          expect(await contexts(holding), JSON.stringify(change)).toEqual(fresh);
        }
      }),
      { numRuns: 100 },
    );
  });

  it("ends a session held here at the idle timeout a company's new policy sets", async () => {
    const company = await h.company("Idle Held Co");
    const person = await h.member(company, ["finance"]);
    const token = await h.login(person.email);
    expect((await me(counted, token)).statusCode).toBe(200);
    expect((await me(counted, token)).statusCode).toBe(200);

    await sql`INSERT INTO company_security_policies (company_id, require_mfa, session_idle_minutes, updated_at)
              VALUES (${company.id}, false, 5, ${h.clock.now()})`.execute(h.db);
    h.clock.advance(6 * 60_000);

    expect((await me(counted, token)).statusCode).toBe(401);
  });
});
