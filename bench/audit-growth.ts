// `npm run bench -- --audit-growth [--sizes 100000,1000000,10000000] [--rounds N]`: how the audit
// log page grows with the log. For each size, a fresh database `portal_bench_audit` (migrated) gets
// one company whose events, N in all, are spread evenly over the last 24 months by one set-based
// INSERT … SELECT generate_series into the monthly partitions; then the page query the route runs
// (listAuditEvents, 50 rows) is timed: the first page, and a deep page whose cursor sits halfway
// down the log (the whole log's pages go through audit_company_page, migration 047). Reported: each
// page's p50 and p95 per size, the ratio to the smallest size, and EXPLAIN (ANALYZE) of the
// statement that function runs for both pages at the largest size. Then the filtered views of
// migration 049 (a rare category, the refusals, one member's events, a common category), page and
// count as the route asks them, per size: a rare kind has the same 20 events at every size.
import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import pg from "pg";
import {
  type AuditFilter,
  countAuditEvents,
  listAuditEvents,
  listNamedAuditEvents,
} from "../server/audit/queries.js";
import { openDatabase } from "../server/db/connect.js";
import { migrate } from "../server/db/migrate.js";
import { median } from "./load.js";
import { AUDIT_PARTITIONS_SQL } from "./seed.js";

const PAGE = 50;
/** Events of the rare kinds at every size: a category, the refusals, one member's. */
const RARE = 20;

/** The filtered views timed at each size (page and count, as the route asks them). */
const FILTERS: [string, Omit<AuditFilter, "companyId">][] = [
  ["a rare category", { action: { category: "security" } }],
  ["refusals", { outcome: "denied" }],
  ["one member's events", { target: { type: "member", id: "7" } }],
  ["a common category", { action: { category: "member" } }],
];

function option(argv: string[], name: string): string | undefined {
  const at = argv.indexOf(name);
  return at >= 0 ? argv[at + 1] : undefined;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
}

async function recreate(adminUrl: string, name: string, create = true) {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    if (create) await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
}

export async function runAuditGrowth(argv: string[], log: (line: string) => void): Promise<void> {
  const sizes = (option(argv, "--sizes") ?? "100000,1000000").split(",").map(Number);
  const rounds = Number(option(argv, "--rounds") ?? 200);
  const adminUrl = process.env.BENCH_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const name = "portal_bench_audit";
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const results: {
    size: number;
    first: number[];
    deep: number[];
    seedSeconds: number;
    filtered: number[][];
  }[] = [];
  const plans: string[] = [];
  for (const [index, size] of sizes.entries()) {
    await recreate(adminUrl, name);
    const database = await openDatabase({ url: url.toString(), poolSize: 2 });
    try {
      await migrate(database);
      const companyId = randomUUID();
      const started = Date.now();
      await sql.raw(AUDIT_PARTITIONS_SQL).execute(database.db);
      // Evenly over 24 months back from now; a few other companies' events interleave.
      await sql`INSERT INTO audit_events (occurred_at, company_id, actor_account_id, actor_email, action, outcome,
                                          target_type, target_id, details, ip, user_agent, request_id)
                SELECT now() - (g.i * (interval '730 days' / ${size}::int)),
                       CASE WHEN g.i % 10 = 0 THEN gen_random_uuid() ELSE ${companyId}::uuid END,
                       ${companyId}::uuid, 'admin@bench.test',
                       CASE WHEN g.i % ${size / RARE} = 7 THEN 'security.policy_changed'
                            ELSE (ARRAY['member.roles_changed','invitation.created','auth.login_succeeded','member.deactivated','role.updated'])[(g.i % 5) + 1] END,
                       CASE WHEN g.i % ${size / RARE} = 7 THEN 'denied' ELSE 'success' END,
                       'member', (g.i % ${size / RARE})::text, '{"bench":true}'::jsonb, '127.0.0.1', 'bench-audit-growth', NULL
                  FROM generate_series(1, ${size}::int) AS g(i)`.execute(database.db);
      await sql`VACUUM (ANALYZE) audit_events`.execute(database.db);
      const seedSeconds = (Date.now() - started) / 1000;
      const filter = { companyId };
      const half = await sql<{ occurred_at: Date; id: string }>`
        SELECT occurred_at, id FROM audit_events WHERE company_id = ${companyId}::uuid
         ORDER BY occurred_at DESC, id DESC OFFSET ${Math.floor((size * 9) / 20)} LIMIT 1`.execute(
        database.db,
      );
      const cursor = half.rows[0];
      if (!cursor) throw new Error("no deep cursor");
      const after: [Date, string] = [cursor.occurred_at, cursor.id];
      const time = async (deep: boolean) => {
        const t = process.hrtime.bigint();
        const rows = await listAuditEvents(database.db, filter, deep ? after : null, PAGE);
        if (rows.length !== PAGE) throw new Error(`page of ${rows.length}`);
        return Number(process.hrtime.bigint() - t) / 1e6;
      };
      for (let i = 0; i < 20; i += 1) await time(i % 2 === 0);
      const first: number[] = [];
      const deep: number[] = [];
      for (let i = 0; i < rounds; i += 1) {
        first.push(await time(false));
        deep.push(await time(true));
      }
      const filtered: number[][] = [];
      for (const [, partial] of FILTERS) {
        const view = { companyId, ...partial };
        const timeView = async () => {
          const t = process.hrtime.bigint();
          await Promise.all([
            listNamedAuditEvents(database.db, view, null, PAGE + 1),
            countAuditEvents(database.db, view, 1_000),
          ]);
          return Number(process.hrtime.bigint() - t) / 1e6;
        };
        for (let i = 0; i < 10; i += 1) await timeView();
        const times: number[] = [];
        for (let i = 0; i < rounds / 2; i += 1) times.push(await timeView());
        filtered.push(times);
      }
      results.push({ size, first, deep, seedSeconds, filtered });
      log(
        `audit growth ${size.toLocaleString("en")} events (seeded in ${seedSeconds.toFixed(1)} s): first page p50 ${median(first).toFixed(2)} ms, deep page p50 ${median(deep).toFixed(2)} ms`,
      );
      if (index === sizes.length - 1) {
        for (const [label, keyset] of [
          ["first page", sql``],
          [
            "deep page",
            sql`AND occurred_at <= ${after[0]} AND (occurred_at, id) < (${after[0]}, ${after[1]}::uuid)`,
          ],
        ] as const) {
          const plan = await sql<{ "QUERY PLAN": string }>`
            EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
            SELECT id, occurred_at, action, outcome, actor_account_id, actor_email, target_type, target_id,
                   details, ip, user_agent, request_id
              FROM audit_events WHERE company_id = ${companyId}::uuid ${keyset}
             ORDER BY occurred_at DESC, id DESC LIMIT ${PAGE}`.execute(database.db);
          plans.push(`EXPLAIN (ANALYZE) ${label} at ${size.toLocaleString("en")} events:`);
          plans.push(...plan.rows.map((row) => `  ${row["QUERY PLAN"]}`));
        }
      }
    } finally {
      await database.close();
    }
  }
  const base = results[0];
  log("");
  log("| events | first page p50 (ms) | p95 | deep page p50 (ms) | p95 | first ×smallest | deep ×smallest |");
  log("|---:|---:|---:|---:|---:|---:|---:|");
  for (const r of results) {
    const ratio = (now: number[], then: number[] | undefined) =>
      (then ? median(now) / median(then) : 1).toFixed(2);
    log(
      `| ${r.size.toLocaleString("en")} | ${median(r.first).toFixed(2)} | ${percentile(r.first, 95).toFixed(2)} | ${median(r.deep).toFixed(2)} | ${percentile(r.deep, 95).toFixed(2)} | ${ratio(r.first, base?.first)} | ${ratio(r.deep, base?.deep)} |`,
    );
  }
  log("");
  log(
    `Filtered views, page and count together (the route's two statements), p50 ms (×smallest); ${RARE} events of each rare kind at every size:`,
  );
  log("");
  log(`| events | ${FILTERS.map(([label]) => label).join(" | ")} |`);
  log(`|---:|${FILTERS.map(() => "---:").join("|")}|`);
  for (const r of results) {
    const cells = r.filtered.map((times, i) => {
      const then = base?.filtered[i];
      return `${median(times).toFixed(2)} (${(then ? median(times) / median(then) : 1).toFixed(2)})`;
    });
    log(`| ${r.size.toLocaleString("en")} | ${cells.join(" | ")} |`);
  }
  log("");
  for (const line of plans) log(line);
  await recreate(adminUrl, name, false);
}
