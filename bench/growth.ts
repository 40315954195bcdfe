// `npm run bench -- --growth [--growth-sizes 1000,10000]`: how cost grows with a company's size.
// Companies of 1,000, 10,000 and 1,000,000 members (bench/growth-seed.ts) beside the bench data
// set's 100,000-member company; at each size the S3 member page's p50 (50 connections, the first
// five keyset pages), the S4c1 searches' p99 (one at a time) and each term's p50. Writes
// bench/results/growth.json.
import path from "node:path";
import pg from "pg";
import { ensureGrowthCompanies, GROWTH_SIZES } from "./growth-seed.js";
import { type LoadPlan, type Measurement, measure, median } from "./load.js";
import { ROOT, startPortal } from "./processes.js";
import { type Target, targetLines, writeResults } from "./report.js";
import { memberPages, portalLogin, SEARCH_TERMS, searchRequests } from "./scenarios.js";
import { ADMIN_EMAIL, BENCH_PASSWORD, BIG_COMPANY_NAME } from "./seed.js";

export type GrowthRow = {
  members: number;
  companyId: string;
  /** Seconds the company took to seed in this run (null: it was there already). */
  seedSeconds: number | null;
  s3: { rps: number; p50: number; p99: number };
  s4c1: { p50: number; p99: number };
  /** Each search term's p50 one at a time, ms (older results have none). */
  s4c1Terms?: Record<string, number>;
};

/** Rounds of every search term for the per-term p50s (the warm-up is S4c1's own run before them). */
const TERM_ROUNDS = 21;

/** The sizes of `--growth-sizes a,b,c`, else all of GROWTH_SIZES. */
export function growthSizes(argv: readonly string[]): number[] {
  const index = argv.indexOf("--growth-sizes");
  if (index === -1) return [...GROWTH_SIZES];
  const sizes = (argv[index + 1] ?? "").split(",").map(Number);
  if (sizes.length === 0 || sizes.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new Error("--growth-sizes takes member counts separated by commas, e.g. 1000,10000");
  }
  return sizes;
}

/** The targets of issue #21 on the growth table; a size not measured fails its target. */
export function growthTargets(rows: readonly GrowthRow[]): Target[] {
  const at = (members: number) => rows.find((r) => r.members === members);
  const s3Small = at(1_000)?.s3.p50;
  const s3Large = at(1_000_000)?.s3.p50;
  const searchMid = at(100_000)?.s4c1.p99;
  const searchLarge = at(1_000_000)?.s4c1.p99;
  return [
    {
      id: "S3",
      description: `p50 at 1,000,000 members ≤ 1.5 × p50 at 1,000${s3Small === undefined || s3Large === undefined ? ": not measured" : ""}`,
      actual: s3Large ?? Number.NaN,
      limit: s3Small === undefined ? Number.NaN : 1.5 * s3Small,
      pass: s3Small !== undefined && s3Large !== undefined && s3Large <= 1.5 * s3Small,
    },
    {
      id: "S4c1",
      description: `p99 at 1,000,000 members ≤ 2 × p99 at 100,000${searchMid === undefined || searchLarge === undefined ? ": not measured" : ""}`,
      actual: searchLarge ?? Number.NaN,
      limit: searchMid === undefined ? Number.NaN : 2 * searchMid,
      pass: searchMid !== undefined && searchLarge !== undefined && searchLarge <= 2 * searchMid,
    },
  ];
}

export function growthTable(rows: readonly GrowthRow[]): string {
  const lines = [
    "| members | S3 req/s | S3 p50 ms | S3 p99 ms | S4c1 p50 ms | S4c1 p99 ms | seeded in |",
    "|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const row of rows) {
    lines.push(
      `| ${row.members.toLocaleString("en-US")} | ${Math.round(row.s3.rps)} | ${row.s3.p50.toFixed(1)} | ${row.s3.p99.toFixed(1)} | ${row.s4c1.p50.toFixed(1)} | ${row.s4c1.p99.toFixed(1)} | ${row.seedSeconds === null ? "" : `${row.seedSeconds.toFixed(1)} s`} |`,
    );
  }
  return lines.join("\n");
}

/** Each term's p50 per size: which search makes S4c1's p99 at each size. */
export function growthTermTable(rows: readonly GrowthRow[]): string {
  const lines = [
    `| members | ${SEARCH_TERMS.join(" | ")} |`,
    `|---:|${SEARCH_TERMS.map(() => "---:").join("|")}|`,
  ];
  for (const row of rows) {
    const terms = row.s4c1Terms ?? {};
    const cells = SEARCH_TERMS.map((term) => (terms[term] === undefined ? "" : terms[term].toFixed(1)));
    lines.push(`| ${row.members.toLocaleString("en-US")} | ${cells.join(" | ")} |`);
  }
  return lines.join("\n");
}

/**
 * Each search term's p50 one at a time (ms), from rounds that ask every term once each, so that a
 * host slowing down meanwhile touches every term alike.
 */
async function termLatencies(baseUrl: string, companyId: string, cookie: string, rounds: number) {
  const requests = searchRequests(companyId, cookie);
  const times: number[][] = requests.map(() => []);
  for (let round = 0; round < rounds; round += 1) {
    for (const [i, request] of requests.entries()) {
      const started = performance.now();
      const response = await fetch(`${baseUrl}${request.path}`, { headers: request.headers });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`${request.path} answered ${response.status}`);
      times[i]?.push(performance.now() - started);
    }
  }
  return Object.fromEntries(SEARCH_TERMS.map((term, i) => [term, median(times[i] ?? [])]));
}

/** The bench data set's 100,000-member company, when this database has it. */
async function bigCompany(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const row = await client.query<{ id: string }>("SELECT id FROM companies WHERE name = $1", [
      BIG_COMPANY_NAME,
    ]);
    return row.rows[0]?.id ?? null;
  } finally {
    await client.end();
  }
}

export async function runGrowth(options: {
  databaseUrl: string;
  sizes: number[];
  plan: LoadPlan;
  log: (line: string) => void;
}): Promise<{ rows: GrowthRow[]; targets: Target[] }> {
  const { log, plan } = options;
  const seeded = await ensureGrowthCompanies(options.databaseUrl, options.sizes, log);
  const companies = [...seeded].map(([members, c]) => ({ members, ...c }));
  const big = await bigCompany(options.databaseUrl);
  if (big) companies.push({ members: 100_000, companyId: big, seedSeconds: null });
  companies.sort((a, b) => a.members - b.members);
  const portal = await startPortal(options.databaseUrl);
  const rows: GrowthRow[] = [];
  try {
    const { cookie } = await portalLogin(portal.baseUrl, ADMIN_EMAIL, BENCH_PASSWORD);
    const headers = { cookie };
    for (const company of companies) {
      const pages = await memberPages(portal.baseUrl, company.companyId, cookie, 5);
      const s3: Measurement = await measure(
        portal.baseUrl,
        pages.map((p) => ({ method: "GET", path: p, headers })),
        plan,
        portal.process.pid,
      );
      const s4c1 = await measure(portal.baseUrl, searchRequests(company.companyId, cookie), {
        ...plan,
        connections: 1,
      });
      const s4c1Terms = await termLatencies(portal.baseUrl, company.companyId, cookie, TERM_ROUNDS);
      const unexpected = s3.unexpected + s4c1.unexpected;
      if (unexpected > 0) throw new Error(`${company.members} members: ${unexpected} unexpected answers`);
      const row: GrowthRow = {
        members: company.members,
        companyId: company.companyId,
        seedSeconds: company.seedSeconds,
        s3: { rps: s3.rps, p50: s3.p50, p99: s3.p99 },
        s4c1: { p50: s4c1.p50, p99: s4c1.p99 },
        s4c1Terms,
      };
      rows.push(row);
      log(
        `${company.members.toLocaleString("en-US").padStart(9)} members: S3 ${Math.round(s3.rps)} req/s p50 ${s3.p50.toFixed(1)} ms p99 ${s3.p99.toFixed(1)} ms; S4c1 p50 ${s4c1.p50.toFixed(1)} ms p99 ${s4c1.p99.toFixed(1)} ms`,
      );
    }
  } finally {
    await portal.stop();
  }
  const targets = growthTargets(rows);
  const file = path.join(ROOT, "bench", "results", "growth.json");
  writeResults({ startedAt: new Date().toISOString(), plan, rows, targets }, file);
  console.log(
    `\n${growthTable(rows)}\n\nS4c1 per term, p50 ms one at a time:\n\n${growthTermTable(rows)}\n\n${targetLines({ targets })}`,
  );
  return { rows, targets };
}
