// `npm run bench [-- --check] [-- --quick] [-- --reseed]`: seeds (or reuses) the bench database,
// starts the portal, the baselines and the better-auth peer as child processes, drives each with
// autocannon, measures the web app in Chromium and reports one table. --check exits non-zero when
// a target of bench/targets.ts is missed.
// `npm run bench -- --ui [--check]` runs only the web app's scenarios (bench/ui.ts).
// `npm run bench -- --growth [--growth-sizes 1000,10000]` only the growth table (bench/growth.ts), in a
// data set of its own (BENCH_GROWTH_DATABASE_URL, default portal_bench_growth).
// `npm run bench -- --soak [--soak-minutes N]` runs only the soak of bench/soak.ts instead.
// `npm run bench -- --login-timing [--quick]` only times unknown-email against wrong-password logins.
// `npm run bench -- --ab <commit>` only compares GET /api/me's cost with another commit's (bench/ab.ts).
// `npm run bench -- --audit-growth [--sizes …]` only times the audit log page as the log grows (bench/audit-growth.ts).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { runAb } from "./ab.js";
import { runAuditGrowth } from "./audit-growth.js";
import { growthSizes, runGrowth } from "./growth.js";
import { type LoadPlan, type LoadRequest, type Measurement, measure } from "./load.js";
import { runLoginTiming } from "./login-timing.js";
import { type PairedRatio, pairedRatio, pairedText } from "./paired.js";
import { ensurePeerSeeded, signInToPeer } from "./peer-better-auth.js";
import { type Child, freePort, ROOT, startPortal, tsxChild } from "./processes.js";
import {
  cpuText,
  machineInfo,
  machineLine,
  type Report,
  type Row,
  type Target,
  table,
  targetLines,
  updateReadme,
  writeResults,
} from "./report.js";
import {
  coldStart,
  demoAdminCredentials,
  elevateSession,
  exportOnce,
  loadFixtures,
  memberPages,
  mixedRequests,
  newDataDir,
  portalLogin,
  portalSessions,
  searchRequests,
} from "./scenarios.js";
import { databaseUrlFor, ensureSeeded } from "./seed.js";
import { runSoak, soakMinutes } from "./soak.js";
import { evaluateTargets, type Figures } from "./targets.js";
import { runUiScenario, type UiFigures } from "./ui.js";

const args = new Set(process.argv.slice(2));
const isQuick = args.has("--quick");
const isCheck = args.has("--check");
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/portal_bench";
const GROWTH_DATABASE_URL =
  process.env.BENCH_GROWTH_DATABASE_URL ?? databaseUrlFor(DATABASE_URL, "portal_bench_growth");
// Only this database's backends count as the scenarios' PostgreSQL CPU (bench/cpu.ts).
const BENCH_DATABASE = new URL(DATABASE_URL).pathname.slice(1);
const PLAN: LoadPlan = isQuick
  ? { connections: 50, warmupSeconds: 1, runs: 2, runSeconds: 3 }
  : { connections: 50, warmupSeconds: 3, runs: 3, runSeconds: 10 };
const EXPORT_RUNS = 2;
/** The ratio targets' pairs, each measured again in alternating runs (bench/paired.ts). */
const PAIRS = [
  ["S1", "B1"],
  ["S3", "B1"],
  ["S1", "P2"],
  ["S3", "P1"],
  ["S2", "S1"],
] as const;
const PAIRED_PLAN: LoadPlan = { connections: 50, warmupSeconds: 1, runs: 1, runSeconds: isQuick ? 2 : 5 };
const PAIRED_ROUNDS = isQuick ? 2 : 5;
const COLD_STARTS = isQuick ? 2 : 3;
const log = (line: string) => console.log(line);

async function main() {
  if (args.has("--soak")) {
    const soak = await runSoak({
      databaseUrl: DATABASE_URL,
      minutes: soakMinutes(process.argv.slice(2)),
      reseed: args.has("--reseed"),
      log,
    });
    if (!soak.pass) process.exitCode = 1;
    return;
  }
  if (args.has("--audit-growth")) {
    await runAuditGrowth(process.argv.slice(2), log);
    return;
  }
  if (args.has("--ab")) {
    await runAb(process.argv.slice(2), log);
    return;
  }
  if (args.has("--login-timing")) {
    await runLoginTiming({ rounds: isQuick ? 40 : 200, log });
    return;
  }
  if (args.has("--ui")) {
    const ui = await runUiScenario({ databaseUrl: DATABASE_URL, log });
    const targets = evaluateTargets({ rps: {}, p99: {}, ui }, ["ui"]);
    console.log(`\n${targetLines({ targets })}`);
    if (isCheck && targets.some((t) => !t.pass)) process.exitCode = 1;
    return;
  }
  if (args.has("--growth")) {
    const sizes = growthSizes(process.argv.slice(2));
    // A copy of the data set of its own: the growth companies make the bench admin an Admin of three
    // more companies, which would lengthen S1's GET /api/me in the main data set.
    await ensureSeeded(GROWTH_DATABASE_URL, { reseed: args.has("--reseed"), log });
    const growth = await runGrowth({ databaseUrl: GROWTH_DATABASE_URL, sizes, plan: PLAN, log });
    if (isCheck && growth.targets.some((t) => !t.pass)) process.exitCode = 1;
    return;
  }
  const startedAt = new Date();
  const machine = await machineInfo(DATABASE_URL);
  log(
    `machine: ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memory}, Node ${machine.node}, PostgreSQL ${machine.postgres}`,
  );
  log(`data set: ${DATABASE_URL.replace(/\/\/[^@]*@/, "//")}`);
  const seed = await ensureSeeded(DATABASE_URL, { reseed: args.has("--reseed"), log });
  log(
    seed.reused
      ? `reusing the data set seeded ${seed.seededAt} (took ${seed.seconds} s)`
      : `seeded in ${seed.seconds} s`,
  );
  await ensurePeerSeeded(DATABASE_URL, log);
  const fixtures = await loadFixtures(DATABASE_URL, 3_000);

  const children: Child[] = [];
  const rows: Row[] = [];
  const warnings: string[] = [];
  const results: Record<string, Measurement> = {};
  const paired: PairedRatio[] = [];
  const record = (id: string, scenario: string, m: Measurement, note = "") => {
    results[id] = m;
    rows.push({
      id,
      scenario,
      rps: m.rps,
      p50: m.p50,
      p99: m.p99,
      note,
      spread: m.spread,
      unexpected: m.unexpected,
      cpu: m.cpu,
    });
    log(
      `${id.padEnd(3)} ${scenario.padEnd(48)} ${Math.round(m.rps).toString().padStart(6)} req/s  p50 ${m.p50.toFixed(1)} ms  p99 ${m.p99.toFixed(1)} ms  runs ${m.runs.map((r) => Math.round(r.rps)).join("/")}${m.cpu ? `  cpu ${cpuText(m.cpu)} µs` : ""}${
        m.unexpected
          ? `  UNEXPECTED ${m.unexpected} (${Object.entries(m.unexpectedStatuses)
              .map(([status, count]) => `${status}: ${count}`)
              .join(", ")})`
          : ""
      }`,
    );
    if (m.spread > 0.1)
      warnings.push(`${id}: measured runs differ by ${(m.spread * 100).toFixed(0)}% (> 10%)`);
  };
  // A server under test: where to send the load, and the process group whose CPU it costs.
  type Server = { url: string; child?: Child };
  const run = (server: Server, requests: Parameters<typeof measure>[1], plan: LoadPlan = PLAN) =>
    measure(server.url, requests, plan, server.child?.process.pid, BENCH_DATABASE);

  try {
    const [b0Port, b1Port, b2Port, peerPort, coldPort] = (await Promise.all(
      [1, 2, 3, 4, 5].map(() => freePort()),
    )) as [number, number, number, number, number];
    const b0Url = `http://127.0.0.1:${b0Port}`;
    const b1Url = `http://127.0.0.1:${b1Port}`;
    const peerUrl = `http://127.0.0.1:${peerPort}`;
    log("starting the servers");
    const b0 = {
      url: b0Url,
      child: await tsxChild("B0", "bench/baselines.ts", ["b0", String(b0Port)], {}, b0Url),
    };
    const b1 = {
      url: b1Url,
      child: await tsxChild("B1", "bench/baselines.ts", ["b1", String(b1Port), DATABASE_URL], {}, b1Url),
    };
    const b2Url = `http://127.0.0.1:${b2Port}`;
    const b2 = {
      url: b2Url,
      child: await tsxChild("B2", "bench/baselines.ts", ["b2", String(b2Port), DATABASE_URL], {}, (output) =>
        output.includes("ready"),
      ),
    };
    const peer = {
      url: peerUrl,
      child: await tsxChild(
        "better-auth",
        "bench/peer-better-auth.ts",
        [String(peerPort), DATABASE_URL],
        {},
        `${peerUrl}/api/auth/ok`,
      ),
    };
    children.push(b0.child, b1.child, b2.child, peer.child);
    const portalChild = await startPortal(DATABASE_URL);
    children.push(portalChild);
    const portalUrl = portalChild.baseUrl;
    const portal = { url: portalUrl, child: portalChild };

    const sessions = await portalSessions(portalUrl);
    const peerCookie = await signInToPeer(peerUrl);
    const cid = fixtures.companyId;
    const pages = await memberPages(portalUrl, cid, sessions.admin, 5);
    const admin = { cookie: sessions.admin };

    // The scenarios with ratio targets, by id: which server and which requests.
    const scenarios: Record<(typeof PAIRS)[number][number], { server: Server; requests: LoadRequest[] }> = {
      B1: { server: b1, requests: [{ method: "GET", path: "/" }] },
      P1: {
        server: peer,
        requests: [
          {
            method: "GET",
            path: `/api/auth/organization/list-members?organizationId=${cid}&limit=20`,
            headers: { cookie: peerCookie },
          },
        ],
      },
      P2: {
        server: peer,
        requests: [{ method: "GET", path: "/api/auth/get-session", headers: { cookie: peerCookie } }],
      },
      S1: { server: portal, requests: [{ method: "GET", path: "/api/me", headers: admin }] },
      S2: {
        server: portal,
        requests: [
          {
            method: "GET",
            path: `/api/companies/${cid}/members`,
            headers: { cookie: sessions.developer },
            expectStatus: 403,
          },
        ],
      },
      S3: { server: portal, requests: pages.map((p) => ({ method: "GET", path: p, headers: admin })) },
    };
    const runScenario = (id: keyof typeof scenarios) => run(scenarios[id].server, scenarios[id].requests);
    const side = (id: keyof typeof scenarios) => ({
      url: scenarios[id].server.url,
      requests: scenarios[id].requests,
      serverGroup: scenarios[id].server.child?.process.pid,
    });

    record("B0", "bare Fastify, constant JSON", await run(b0, [{ method: "GET", path: "/" }]));
    record("B1", "bare Fastify, SELECT 1 through a pg pool", await runScenario("B1"));
    record("P1", "better-auth: list members of the 100k org (limit 20)", await runScenario("P1"));
    record("P2", "better-auth: get-session", await runScenario("P2"));
    record("S1", "GET /api/me (session + permissions)", await runScenario("S1"));
    record("S2", "refused: a Developer asks for the member list (403)", await runScenario("S2"), "audited");
    record(
      "S3",
      "member list, page of 20, 100k-member company",
      await runScenario("S3"),
      "first 5 pages, keyset",
    );
    record(
      "S4",
      "email substring search, 100k-member company",
      await run(portal, searchRequests(cid, sessions.admin)),
      "8 terms, rare to common",
    );
    // Issue #5's target: the same searches one at a time (-c 1), what an admin typing waits for
    // (S4 adds the wait behind 49 other requests on two shared cores: issue #7's throughput).
    record(
      "S4c1",
      "the same searches, one at a time (-c 1)",
      await run(portal, searchRequests(cid, sessions.admin), { ...PLAN, connections: 1 }),
      "a search's own latency, without queueing (issue #5)",
    );
    // The ratio targets again, from alternating runs of the two sides (bench/paired.ts), before S5:
    // its role changes rewrite member rows, and the pages' index-only walks slow down after them.
    for (const [id, base] of PAIRS) {
      const pair = await pairedRatio(
        `${id}/${base}`,
        side(id),
        side(base),
        PAIRED_PLAN,
        PAIRED_ROUNDS,
        BENCH_DATABASE,
      );
      paired.push(pair);
      log(`${pair.key.padEnd(6)} alternating runs: ${pairedText(pair)}`);
    }

    await elevateSession(DATABASE_URL, sessions.admin, cid);
    const mixed = await run(portal, mixedRequests(pages, sessions.admin, fixtures));
    record(
      "S5",
      "S3 with 5% role changes",
      mixed,
      `reads ${Math.round(mixed.kinds.read?.rps ?? 0)}/s p99 ${(mixed.kinds.read?.p99 ?? 0).toFixed(1)} ms; writes ${Math.round(mixed.kinds.write?.rps ?? 0)}/s p50 ${(mixed.kinds.write?.p50 ?? 0).toFixed(1)} ms p99 ${(mixed.kinds.write?.p99 ?? 0).toFixed(1)} ms`,
    );

    // What one admin team produces: a few connections, each p99 against B1's at the same count.
    const FEW: LoadPlan = { ...PLAN, connections: 4 };
    record("B1c4", "B1 at 4 connections", await run(b1, [{ method: "GET", path: "/" }], FEW));
    // No target: the least a committed write costs on this host, beside S5c4's writes.
    record(
      "B2c4",
      "bare Fastify, one committed write (a row and a log line), 4 connections",
      await run(b2, [{ method: "GET", path: "/" }], FEW),
      "the floor under S5c4's writes",
    );
    record(
      "S1c4",
      "S1 at 4 connections",
      await run(portal, [{ method: "GET", path: "/api/me", headers: admin }], FEW),
    );
    record(
      "S3c4",
      "S3 at 4 connections",
      await run(
        portal,
        pages.map((p) => ({ method: "GET", path: p, headers: admin })),
        FEW,
      ),
    );
    const mixedFew = await run(portal, mixedRequests(pages, sessions.admin, fixtures), FEW);
    record(
      "S5c4",
      "S5 at 4 connections",
      mixedFew,
      `writes ${Math.round(mixedFew.kinds.write?.rps ?? 0)}/s p50 ${(mixedFew.kinds.write?.p50 ?? 0).toFixed(1)} ms p99 ${(mixedFew.kinds.write?.p99 ?? 0).toFixed(1)} ms`,
    );

    const exports = [];
    for (let i = 0; i < EXPORT_RUNS; i += 1) {
      exports.push(await exportOnce(portalUrl, cid, sessions.finance, portalChild.process.pid!));
    }
    const exportRate = [...exports].sort((a, b) => a.rowsPerSecond - b.rowsPerSecond)[
      Math.floor(exports.length / 2)
    ]!;
    const rssGrowth = Math.max(...exports.map((e) => e.rssGrowthBytes));
    rows.push({
      id: "S6",
      scenario: "transaction CSV export, 1,000,000 rows",
      rps: null,
      p50: null,
      p99: null,
      note: `${Math.round(exportRate.rowsPerSecond).toLocaleString("en-US")} rows/s (${exportRate.rows.toLocaleString("en-US")} rows in ${exportRate.seconds.toFixed(1)} s); peak RSS growth ${(rssGrowth / 2 ** 20).toFixed(0)} MB`,
    });
    log(
      `S6  export: ${exports.map((e) => `${e.rows} rows in ${e.seconds.toFixed(1)} s, RSS +${(e.rssGrowthBytes / 2 ** 20).toFixed(0)} MB`).join("; ")}`,
    );

    for (const child of children.splice(0)) await child.stop();

    // S7: the web app is built first; the target counts from `npm start` to /readyz after that build.
    spawnSync(
      process.execPath,
      ["-e", "import('./scripts/build-web.mjs').then((m) => m.buildWebIfStale())"],
      {
        cwd: ROOT,
        stdio: "inherit",
      },
    );
    // First start on an empty data directory (PGlite's initdb, migrations, the demo company), then
    // cold restarts of the process on that directory: the S7 target.
    const dataDir = newDataDir();
    const coldSeconds: number[] = [];
    let firstStartSeconds = 0;
    let pgliteS3: Measurement | null = null;
    try {
      const first = await coldStart(coldPort, dataDir);
      firstStartSeconds = first.seconds;
      const demo = demoAdminCredentials(first.output());
      await first.stop();
      for (let i = 0; i < COLD_STARTS; i += 1) {
        const cold = await coldStart(coldPort, dataDir);
        coldSeconds.push(cold.seconds);
        try {
          if (i === COLD_STARTS - 1) {
            const login = await portalLogin(cold.baseUrl, demo.email, demo.password);
            const demoCompany = login.body.memberships[0]!.companyId;
            pgliteS3 = await run({ url: cold.baseUrl }, [
              {
                method: "GET",
                path: `/api/companies/${demoCompany}/members?limit=20`,
                headers: { cookie: login.cookie },
              },
            ]);
          }
        } finally {
          await cold.stop();
        }
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
    const coldMedian = [...coldSeconds].sort((a, b) => a - b)[Math.floor(coldSeconds.length / 2)]!;
    log(
      `S7  first start on an empty data dir ${firstStartSeconds.toFixed(2)} s; cold restarts ${coldSeconds.map((s) => s.toFixed(2)).join(" / ")} s`,
    );
    if (pgliteS3) {
      record(
        "S7",
        "npm start on PGlite: cold start, then S3 there",
        pgliteS3,
        `cold start to /readyz ${coldMedian.toFixed(2)} s (median of ${coldSeconds.length}); first start on an empty data dir ${firstStartSeconds.toFixed(2)} s (initdb, migrations, demo company); S3 on the 5-member demo company`,
      );
    }

    // The web app in Chromium, after the API's scenarios (its own small data set: bench/ui.ts).
    let ui: UiFigures | undefined;
    try {
      ui = await runUiScenario({ databaseUrl: DATABASE_URL, log });
      const ms = (values: number[]) => values.map((v) => v.toFixed(0)).join(" / ");
      const uiRow = (id: string, scenario: string, note: string) =>
        rows.push({ id, scenario, rps: null, p50: null, p99: null, note });
      uiRow(
        "U1",
        `web: member list first render (${ui.members.toLocaleString("en-US")} members)`,
        `${ui.firstRenderMs.toFixed(0)} ms from navigation to the first row, median of ${ui.rounds.firstRenderMs.length} (${ms(ui.rounds.firstRenderMs)})`,
      );
      uiRow(
        "U2",
        "web: next page rendered after its answer",
        `${ui.nextPageMs.toFixed(1)} ms from the answer to the new first row, median of ${ui.rounds.nextPageMs.length} (${ms(ui.rounds.nextPageMs)})`,
      );
      uiRow(
        "U3",
        "web: the login page's JavaScript",
        `${(ui.loginJsGzipBytes / 1024).toFixed(1)} KB gzipped in ${ui.loginJsFiles} files`,
      );
    } catch (error) {
      warnings.push(`web app scenarios failed: ${(error as Error).message.split("\n")[0]}`);
    }

    const figures: Figures = {
      rps: Object.fromEntries(["B1", "P1", "P2", "S1", "S2", "S3"].map((id) => [id, results[id]?.rps])),
      paired: Object.fromEntries(paired.map((p) => [p.key, p.median])),
      p99: {
        "B1@4": results.B1c4?.p99,
        "S1@4": results.S1c4?.p99,
        "S3@4": results.S3c4?.p99,
        "S5w@4": mixedFew.kinds.write?.p99,
        S4c1: results.S4c1?.p99,
      },
      ui,
      exportRun: {
        rowsPerSecond: exportRate.rowsPerSecond,
        rows: exportRate.rows,
        rssGrowthBytes: rssGrowth,
      },
      coldStartSeconds: coldSeconds.length > 0 ? coldMedian : undefined,
    };
    const targets: Target[] = evaluateTargets(figures);
    // A scenario that answered other than expected (errors, timeouts, wrong statuses) measured nothing.
    for (const [id, m] of Object.entries(results)) {
      const total = m.runs.reduce((sum, r) => sum + r.count, 0);
      const share = total === 0 ? 1 : m.unexpected / total;
      if (share > 0.001) {
        targets.push({
          id,
          description: "answers as expected (≤ 0.1% otherwise)",
          actual: share,
          limit: 0.001,
          pass: false,
        });
      }
    }

    const report: Report = {
      startedAt: startedAt.toISOString(),
      durationSeconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
      mode: isQuick ? "quick" : "full",
      plan: PLAN,
      machine,
      seed,
      rows,
      paired,
      targets,
      warnings,
    };
    const file = path.join(ROOT, "bench", "results", isQuick ? "quick.json" : "latest.json");
    writeResults(report, file);
    console.log(`\n${machineLine(report)}\n\n${table(report)}\n\n${targetLines(report)}`);
    for (const warning of warnings) console.log(`warning: ${warning}`);
    if (!isQuick)
      log(updateReadme(report) ? "README.md updated" : "README.md has no bench markers; left alone");
    log(`results: ${path.relative(ROOT, file)} (${report.durationSeconds} s in all)`);
    if (isCheck && targets.some((t) => !t.pass)) {
      console.error(`bench --check: ${targets.filter((t) => !t.pass).length} target(s) missed`);
      process.exitCode = 1;
    }
  } finally {
    for (const child of children) await child.stop();
  }
}

main()
  .then(() => process.exit())
  .catch((error) => {
    console.error(error);
    process.exit(1);
  });
