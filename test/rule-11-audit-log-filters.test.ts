// Rule 11's log, filtered: by action or category, by outcome, by the member an event was done to
// (the member's page), by an actor's email. Migrations 049's and 053's indexes read each filter's own
// events in the log's order, and a category is merged from one range per action. They must read
// what a plain test of every event reads: the same events in the same order after every cursor,
// never another company's, and the same capped count; and a filter with few events among many must
// not walk the company's whole log.
import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureAuditPartitions } from "../server/audit/partitions.js";
import {
  type AuditFilter,
  countAuditEvents,
  listAuditEvents,
  listNamedAuditEvents,
} from "../server/audit/queries.js";
import { auditPages } from "./support/audit-pages.js";
import { testDatabaseKinds } from "./support/databases.js";
import { describePlan, explainAnalyze, recordingStatements, rowsRead } from "./support/explain.js";
import { createHarness, type Harness } from "./support/harness.js";

const PAGE = 6;
// Rows a rare filter's statement may read among the crowded company's 3,006 events (a walk reads them all).
const READ_AT_MOST = 60;
const DAY = 24 * 60 * 60_000;

// Actions of three categories (one of them named like the start of another), outcomes, targets.
const KINDS = [
  { action: "member.invited", outcome: "success" },
  { action: "member.roles_changed", outcome: "success" },
  { action: "member.roles_changed", outcome: "denied" },
  { action: "member.deactivated", outcome: "failure" },
  { action: "role.created", outcome: "success" },
  { action: "roles.imported", outcome: "success" },
  { action: "security.policy_changed", outcome: "denied" },
] as const;

describe.each(testDatabaseKinds)("rule 11: the audit log's filters on %s", (kind) => {
  let h: Harness;
  const companyId = randomUUID();
  const otherId = randomUUID();
  const member = randomUUID();
  const otherMember = randomUUID();
  const actor = randomUUID();
  const actorEmail = "ada@example.com";

  beforeAll(async () => {
    h = await createHarness(kind);
    await ensureAuditPartitions(h.db, h.clock.now());
    // 140 events over four months and (far back) DEFAULT, with runs of equal times; another
    // company's events of every kind in between, with the same member as target.
    const now = h.clock.now().getTime();
    for (let i = 0; i < 140; i += 1) {
      const at = new Date(now - Math.floor(i / 3) * 2.5 * DAY - (i % 3 === 2 ? 1_000 : 0));
      const kindOf = KINDS[(i * 5) % KINDS.length] as (typeof KINDS)[number];
      const target = i % 4 === 0 ? member : i % 4 === 1 ? otherMember : null;
      for (const company of i % 6 === 0 ? [companyId, otherId] : [companyId]) {
        const by = i % 5 === 0 ? actor : null;
        const email = i % 7 === 0 ? actorEmail : i % 7 === 1 ? "grace@example.com" : null;
        await insertEvent(company, at, kindOf.action, kindOf.outcome, target, by, email);
      }
    }
    const farBack = new Date(now - 3 * 365 * DAY);
    await insertEvent(companyId, farBack, "member.roles_changed", "denied", member, actor, actorEmail);
  }, 60_000);
  afterAll(() => h?.close());

  async function insertEvent(
    company: string,
    at: Date,
    action: string,
    outcome: string,
    target: string | null,
    actorId: string | null,
    actorEmailOf: string | null = null,
  ) {
    await sql`INSERT INTO audit_events (occurred_at, company_id, action, outcome, target_type, target_id, actor_account_id,
                                        actor_email)
              VALUES (${at}, ${company}::uuid, ${action}, ${outcome}, ${target ? "member" : null}, ${target},
                      ${actorId}::uuid, ${actorEmailOf})`.execute(h.db);
  }

  const pages = (filter: AuditFilter, list: typeof listAuditEvents | typeof listNamedAuditEvents) =>
    auditPages(h.db, filter, list, PAGE);

  /** The filter's events as a plain test of every event of the company finds them, newest first. */
  async function expected(filter: AuditFilter): Promise<string[]> {
    const { action } = filter;
    const rows = await sql<{ id: string }>`
      SELECT id FROM audit_events
       WHERE company_id = ${filter.companyId}::uuid
         AND (${action && "exact" in action ? action.exact : null}::text IS NULL OR action = ${action && "exact" in action ? action.exact : null})
         AND (${action && "category" in action ? action.category : null}::text IS NULL
              OR split_part(action, '.', 1) = ${action && "category" in action ? action.category : null})
         AND (${filter.outcome ?? null}::text IS NULL OR outcome = ${filter.outcome ?? null})
         AND (${filter.target?.id ?? null}::text IS NULL OR (target_type = 'member' AND target_id = ${filter.target?.id ?? null}))
         AND (${filter.actor && "accountId" in filter.actor ? filter.actor.accountId : null}::uuid IS NULL
              OR actor_account_id = ${filter.actor && "accountId" in filter.actor ? filter.actor.accountId : null})
         AND (${filter.actor && "email" in filter.actor ? filter.actor.email : null}::text IS NULL
              OR actor_email = ${filter.actor && "email" in filter.actor ? filter.actor.email : null})
       ORDER BY occurred_at DESC, id DESC`.execute(h.db);
    return rows.rows.map((row) => row.id);
  }

  const filters: [string, Omit<AuditFilter, "companyId">][] = [
    ["a category", { action: { category: "member" } }],
    ["a category whose name starts another's", { action: { category: "role" } }],
    ["a category of one action", { action: { category: "security" } }],
    ["a category with no events", { action: { category: "webhook" } }],
    ["an exact action", { action: { exact: "member.roles_changed" } }],
    ["refusals", { outcome: "denied" }],
    ["failures", { outcome: "failure" }],
    ["successes", { outcome: "success" }],
    ["a member's events", { target: { type: "member", id: member } }],
    ["a category and an outcome", { action: { category: "member" }, outcome: "denied" }],
    ["a category and an actor", { action: { category: "member" }, actor: { accountId: actor } }],
    ["an actor's email", { actor: { email: actorEmail } }],
    ["an email no actor had", { actor: { email: "nobody@example.com" } }],
    ["an actor's email and an outcome", { actor: { email: actorEmail }, outcome: "denied" }],
    ["a category and an actor's email", { action: { category: "member" }, actor: { email: actorEmail } }],
    ["a category and a member", { action: { category: "member" }, target: { type: "member", id: member } }],
  ];

  it.each(filters)("reads %s page by page as a test of every event does", async (_, partial) => {
    const filter: AuditFilter = { companyId, ...partial };
    const all = await expected(filter);
    for (const list of [listAuditEvents, listNamedAuditEvents]) {
      expect((await pages(filter, list)).flat()).toEqual(all);
    }
    for (const cap of [0, 5, all.length - 1, all.length, 1_000].filter((cap) => cap >= 0)) {
      expect(await countAuditEvents(h.db, filter, cap), `cap ${cap}`).toBe(Math.min(all.length, cap + 1));
    }
  });

  it("finds a few events among many without walking the company's log", async () => {
    const crowded = randomUUID();
    const target = randomUUID();
    const now = h.clock.now().getTime();
    // 3,000 logins by one actor over three weeks of one month's partition, and a handful of rare
    // events among them, each kind by an actor of its own.
    await sql`INSERT INTO audit_events (occurred_at, company_id, action, outcome, actor_account_id, actor_email)
              SELECT ${new Date(now)}::timestamptz + n * interval '10 minutes', ${crowded}::uuid, 'auth.login',
                     'success', ${randomUUID()}::uuid, 'busy@example.com'
                FROM generate_series(1, 3000) n`.execute(h.db);
    for (const n of [10, 1_500, 2_900]) {
      const at = new Date(now + n * 10 * 60_000 + 1_000);
      await insertEvent(crowded, at, "security.policy_changed", "denied", null, null);
      await insertEvent(crowded, at, "member.deactivated", "success", target, null);
      await insertEvent(crowded, at, "auth.login", "success", null, randomUUID(), "rare@example.com");
    }
    await sql`ANALYZE audit_events`.execute(h.db);

    const { db: recorded, sent } = recordingStatements(h.db);
    const rare: Omit<AuditFilter, "companyId">[] = [
      { action: { category: "security" } },
      { action: { exact: "security.policy_changed" } },
      { outcome: "denied" },
      { target: { type: "member", id: target } },
      { action: { category: "member" } },
      { actor: { email: "rare@example.com" } },
    ];
    for (const partial of rare) {
      sent.length = 0;
      const filter: AuditFilter = { companyId: crowded, ...partial };
      expect(await listNamedAuditEvents(recorded, filter, null, PAGE + 1)).toHaveLength(3);
      expect(await countAuditEvents(recorded, filter, 1_000)).toBe(3);
      expect(sent).toHaveLength(2);
      for (const statement of sent) {
        const plan = await explainAnalyze(h.db, statement);
        const read = rowsRead(plan, (name) => name.startsWith("audit_events"));
        expect(read, `${JSON.stringify(partial)}: ${describePlan(plan)}`).toBeLessThanOrEqual(READ_AT_MOST);
      }
    }
  }, 60_000);
});
