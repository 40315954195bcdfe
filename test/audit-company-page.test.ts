// Rule 11's log read page by page: a company's whole log goes through audit_company_page and
// audit_company_count (migration 047), which keep one generic plan per connection instead of
// planning every partition on every page. They must read what the filtered statement reads: the
// same events in the same order after every cursor (ties of time broken by id), across monthly
// partitions and DEFAULT, never another company's, and the same capped count.
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
import { createHarness, type Harness } from "./support/harness.js";

const PAGE = 7;

describe.each(testDatabaseKinds)("rule 11: a company's whole log, page by page, on %s", (kind) => {
  let h: Harness;
  const companyId = randomUUID();
  const otherId = randomUUID();
  beforeAll(async () => {
    h = await createHarness(kind);
    await ensureAuditPartitions(h.db, h.clock.now());
    // 60 events over four months, in partitions and (far back) DEFAULT, with runs of equal times;
    // another company's events in between.
    const now = h.clock.now().getTime();
    for (let i = 0; i < 60; i += 1) {
      const at = new Date(now - Math.floor(i / 3) * 5 * 24 * 60 * 60_000 - (i % 3 === 2 ? 1_000 : 0));
      for (const company of i % 4 === 0 ? [companyId, otherId] : [companyId]) {
        await sql`INSERT INTO audit_events (occurred_at, company_id, action, outcome, details)
                  VALUES (${at}, ${company}::uuid, 'member.roles_changed', 'success', ${JSON.stringify({ i })}::jsonb)`.execute(
          h.db,
        );
      }
    }
    const farBack = new Date(now - 3 * 365 * 24 * 60 * 60_000);
    await sql`INSERT INTO audit_events (occurred_at, company_id, action, outcome, details)
              VALUES (${farBack}, ${companyId}::uuid, 'member.invited', 'success', '{}'::jsonb)`.execute(
      h.db,
    );
  });
  afterAll(() => h?.close());

  const pages = (filter: AuditFilter, list: typeof listAuditEvents | typeof listNamedAuditEvents) =>
    auditPages(h.db, filter, list, PAGE);

  it("reads the same pages as the filtered statement, newest first, only the company's", async () => {
    const whole: AuditFilter = { companyId };
    // A filter that keeps every event still takes the filtered statement.
    const filtered: AuditFilter = { companyId, from: new Date(0) };
    for (const list of [listAuditEvents, listNamedAuditEvents]) {
      const wholePages = await pages(whole, list);
      expect(wholePages).toEqual(await pages(filtered, list));
      expect(wholePages.flat()).toHaveLength(61);
    }
    const all = await sql<{ id: string }>`
      SELECT id FROM audit_events WHERE company_id = ${companyId}::uuid ORDER BY occurred_at DESC, id DESC`.execute(
      h.db,
    );
    expect((await pages(whole, listAuditEvents)).flat()).toEqual(all.rows.map((row) => row.id));
  });

  it("counts the company's events up to the cap as the filtered statement does", async () => {
    for (const cap of [0, 10, 60, 61, 1_000]) {
      const counted = await countAuditEvents(h.db, { companyId }, cap);
      expect(counted, `cap ${cap}`).toBe(await countAuditEvents(h.db, { companyId, from: new Date(0) }, cap));
      expect(counted).toBe(Math.min(61, cap + 1));
    }
  });

  it("keeps each function's plan generic, whatever the company's size", async () => {
    const settings = await sql<{ proname: string; proconfig: string[] | null }>`
      SELECT proname, proconfig FROM pg_proc
       WHERE proname IN ('audit_company_page', 'audit_company_count') ORDER BY proname`.execute(h.db);
    expect(settings.rows).toEqual([
      { proname: "audit_company_count", proconfig: ["plan_cache_mode=force_generic_plan"] },
      { proname: "audit_company_page", proconfig: ["plan_cache_mode=force_generic_plan"] },
    ]);
  });
});
