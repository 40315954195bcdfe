// `npm run bench -- --ab <commit> [--ab-dir DIR] [--ab-node NODE] [--ab-path PATH] [--ab-as developer]
// [--ab-connections N (50)] [--rounds N] [--requests N]`: GET /api/me (S1), or GET PATH ({cid} stands for the big company),
// as the bench's admin or, with --ab-as developer, as its Developer (whose member list is S2's
// audited refusal, 403), on this
// checkout against another commit. Both servers run on this Node binary (the other one on NODE when
// given) over a small seeded database (`portal_ab`, migrated by this checkout: the other commit
// must be older) and a copy of it, so that each side's PostgreSQL backends are told apart. Both
// stay up; each round sends the same number of requests to one side, then to the other,
// alternating which goes first (A B, B A, ...), so a host that slows or speeds up meanwhile touches
// both alike.
// Reported: CPU per request of each server and of its database's backends (req/s is noise on a
// busy host), the median and range over rounds and each round's ratio; and per request, counted on
// the wire by a proxy between server and PostgreSQL, the statements, round trips and rows.
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import autocannon from "autocannon";
import pg from "pg";
import { type CpuCost, cpuPerRequest, sampleCpu } from "./cpu.js";
import { median } from "./load.js";
import { answers200, type Child, freePort, portalEnv, ROOT, startChild } from "./processes.js";
import { loadFixtures, portalLogin } from "./scenarios.js";
import { ADMIN_EMAIL, BENCH_PASSWORD, DEVELOPER_EMAIL, ensureSeeded, SMALL_SIZES } from "./seed.js";

/** A commit's checkout and the Node binary that runs its server. */
type Side = { label: string; commit: string; dir: string; node: string };

type Rep = { rps: number; p99: number; cpu: CpuCost; unexpected: number };

type WireCounts = { statements: number; roundTrips: number; rows: number };

type SideResult = Side & { reps: Rep[]; wire: WireCounts; answerBytes: number };

const WARMUP_REQUESTS = 3_000;
const WIRE_REQUESTS = 200;
const CONNECTIONS = 50;

function option(argv: string[], name: string): string | undefined {
  const at = argv.indexOf(name);
  return at >= 0 ? argv[at + 1] : undefined;
}

const git = (dir: string, ...args: string[]) =>
  execFileSync("git", ["-C", dir, ...args], { encoding: "utf8" }).trim();

/** A checkout of `commit` with its dependencies: the one in `dir` when it exists, else made there. */
function checkout(commit: string, dir: string, log: (line: string) => void): Side {
  const sha = git(ROOT, "rev-parse", "--verify", `${commit}^{commit}`);
  if (!fs.existsSync(dir)) {
    log(`making a checkout of ${sha.slice(0, 7)} in ${dir}`);
    git(ROOT, "worktree", "add", "--detach", dir, sha);
  }
  const head = git(dir, "rev-parse", "HEAD");
  if (head !== sha) throw new Error(`${dir} holds ${head.slice(0, 7)}, not ${sha.slice(0, 7)}`);
  if (!fs.existsSync(path.join(dir, "node_modules"))) {
    log(`npm ci in ${dir}`);
    const ci = spawnSync("npm", ["ci", "--no-audit", "--no-fund"], { cwd: dir, stdio: "inherit" });
    if (ci.status !== 0) throw new Error(`npm ci failed in ${dir}`);
  }
  return { label: sha.slice(0, 7), commit: sha, dir, node: process.execPath };
}

/** The other side's migrations must be a prefix of this checkout's, which migrates the database. */
function assertOlderSchema(side: Side): void {
  const list = (dir: string) => fs.readdirSync(path.join(dir, "server", "db", "migrations")).sort();
  const ours = new Set(list(ROOT));
  const unknown = list(side.dir).filter((file) => !ours.has(file));
  if (unknown.length > 0)
    throw new Error(
      `${side.label} has migrations this checkout lacks (${unknown.join(", ")}): run the A/B from the newer one`,
    );
}

/** Builds a side's server bundle with its own build script, run by this Node binary. */
function buildServer(side: Side): string {
  const script = pathToFileURL(path.join(side.dir, "scripts", "build-server.mjs")).href;
  const build = spawnSync(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      `const m = await import(${JSON.stringify(script)}); m.buildServerIfStale(); console.log(m.serverBundle);`,
    ],
    { cwd: side.dir, encoding: "utf8" },
  );
  if (build.status !== 0) throw new Error(`building ${side.label}'s server failed:\n${build.stderr}`);
  return build.stdout.trim().split("\n").at(-1) as string;
}

/** A side's server in production mode, as the bench's startPortal runs it, on `databaseUrl`. */
async function startSide(
  side: Side,
  bundle: string,
  databaseUrl: string,
): Promise<Child & { baseUrl: string }> {
  const [port, closedPort] = await Promise.all([freePort(), freePort()]);
  const baseUrl = `http://127.0.0.1:${port}`;
  const child = await startChild(side.label, side.node, [bundle], {
    cwd: side.dir,
    // Mail to a closed port: the paths compared send none.
    env: portalEnv({ port, smtpUrl: `smtp://127.0.0.1:${closedPort}`, baseUrl, databaseUrl }),
    isReady: () => answers200(`${baseUrl}/readyz`),
    timeoutMs: 120_000,
  });
  return Object.assign(child, { baseUrl });
}

/**
 * Calls `onMessage` with the type byte of each whole message of one direction of a PostgreSQL
 * connection, however the stream is cut into chunks. A client's first message (the startup packet)
 * has no type byte and is skipped.
 */
export function messageScanner(onMessage: (type: number) => void, startsWithStartup: boolean) {
  let pending: Buffer = Buffer.alloc(0);
  let awaitingStartup = startsWithStartup;
  return (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    let at = 0;
    for (;;) {
      if (awaitingStartup) {
        if (pending.length - at < 4) break;
        const length = pending.readInt32BE(at);
        if (pending.length - at < length) break;
        at += length;
        awaitingStartup = false;
        continue;
      }
      if (pending.length - at < 5) break;
      const length = pending.readInt32BE(at + 1);
      if (pending.length - at < 1 + length) break;
      onMessage(pending[at] as number);
      at += 1 + length;
    }
    pending = pending.subarray(at);
  };
}

/**
 * A TCP proxy in front of PostgreSQL that counts, from the frontend/backend protocol's message
 * types, the statements executed (Execute, or a simple Query), the round trips (Sync, or a simple
 * Query) and the rows returned (DataRow). No TLS: the bench talks to a local server in the clear.
 */
async function countingProxy(databaseUrl: string) {
  const target = new URL(databaseUrl);
  const counts: WireCounts = { statements: 0, roundTrips: 0, rows: 0 };
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    const fromClient = messageScanner((type) => {
      if (type === 0x45 /* E */) counts.statements += 1;
      else if (type === 0x53 /* S */) counts.roundTrips += 1;
      else if (type === 0x51 /* Q */) {
        counts.statements += 1;
        counts.roundTrips += 1;
      }
    }, true);
    const fromServer = messageScanner((type) => {
      if (type === 0x44 /* D */) counts.rows += 1;
    }, false);
    client.on("data", (chunk) => {
      fromClient(chunk);
      upstream.write(chunk);
    });
    upstream.on("data", (chunk) => {
      fromServer(chunk);
      client.write(chunk);
    });
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const proxied = new URL(databaseUrl);
  proxied.hostname = "127.0.0.1";
  proxied.port = String(port);
  return {
    url: proxied.toString(),
    take(): WireCounts {
      const taken = { ...counts };
      counts.statements = 0;
      counts.roundTrips = 0;
      counts.rows = 0;
      return taken;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * What each request asks: one path, as one of the bench's sessions, and the status it answers; and
 * how many connections send them at once.
 */
type Target = { path: string; cookie: string; status: number; connections: number };

async function getOnce(baseUrl: string, target: Target): Promise<string> {
  const response = await fetch(`${baseUrl}${target.path}`, { headers: { cookie: target.cookie } });
  const body = await response.text();
  if (response.status !== target.status)
    throw new Error(`GET ${target.path} answered ${response.status}: ${body.slice(0, 300)}`);
  return body;
}

/**
 * Statements, round trips and rows per request, one request at a time after a few unmeasured,
 * less what the server sends on its own meanwhile (the mail outbox's polling), counted while it
 * idles as long again.
 */
async function wireCounts(side: Side, bundle: string, databaseUrl: string, target: Target) {
  const proxy = await countingProxy(databaseUrl);
  const server = await startSide(side, bundle, proxy.url);
  try {
    for (let i = 0; i < 20; i += 1) await getOnce(server.baseUrl, target);
    proxy.take();
    let answerBytes = 0;
    const started = Date.now();
    for (let i = 0; i < WIRE_REQUESTS; i += 1) answerBytes = (await getOnce(server.baseUrl, target)).length;
    const total = proxy.take();
    await new Promise((resolve) => setTimeout(resolve, Date.now() - started));
    const idle = proxy.take();
    const per = (pick: (counts: WireCounts) => number) => (pick(total) - pick(idle)) / WIRE_REQUESTS;
    return {
      wire: {
        statements: per((c) => c.statements),
        roundTrips: per((c) => c.roundTrips),
        rows: per((c) => c.rows),
      },
      answerBytes,
    };
  } finally {
    await server.stop();
    await proxy.close();
  }
}

async function load(baseUrl: string, target: Target, amount: number, group?: number, database?: string) {
  let unexpected = 0;
  const before = sampleCpu(group, database);
  const instance = autocannon({
    url: baseUrl,
    connections: target.connections,
    amount,
    timeout: 10,
    requests: [{ method: "GET", path: target.path, headers: { cookie: target.cookie } }],
  });
  instance.on("response", (_client: unknown, status: number) => {
    if (status !== target.status) unexpected += 1;
  });
  const result = await instance;
  const after = sampleCpu(group, database);
  const done = result.requests.total;
  return {
    rps: done / (result.duration || 1),
    p99: result.latency.p99,
    cpu: cpuPerRequest(before, after, done),
    unexpected: unexpected + result.errors + result.timeouts,
  };
}

/** A copy of the seeded database (with the session) for the second side, so each side's backends are told apart. */
async function copyDatabase(databaseUrl: string, copy: string): Promise<string> {
  const source = new URL(databaseUrl).pathname.slice(1);
  const maintenance = new URL(databaseUrl);
  maintenance.pathname = "/postgres";
  const client = new pg.Client({ connectionString: maintenance.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${copy} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${copy} TEMPLATE ${source}`);
  } finally {
    await client.end();
  }
  const url = new URL(databaseUrl);
  url.pathname = `/${copy}`;
  return url.toString();
}

const spread = (values: number[], digits = 0) =>
  `${median(values).toFixed(digits)} (${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)})`;

export function abTable(results: SideResult[]): string {
  const lines = [
    "| commit | server µs/req | PostgreSQL µs/req | req/s | statements/req | round trips/req | rows/req | answer bytes |",
    "|---|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const r of results) {
    lines.push(
      `| ${r.label} | ${spread(r.reps.map((x) => x.cpu.serverUs))} | ${spread(r.reps.map((x) => x.cpu.postgresUs))} | ${spread(r.reps.map((x) => x.rps))} | ${r.wire.statements.toFixed(2)} | ${r.wire.roundTrips.toFixed(2)} | ${r.wire.rows.toFixed(2)} | ${r.answerBytes} |`,
    );
  }
  const [a, b] = results;
  if (a && b && a.reps.length === b.reps.length) {
    // Each round's two bursts ran back to back: their ratio cancels the host's slower drift.
    const ratios = (pick: (rep: Rep) => number) => a.reps.map((rep, i) => pick(b.reps[i] as Rep) / pick(rep));
    lines.push(
      `| ${b.label} ÷ ${a.label}, per round | ${spread(
        ratios((x) => x.cpu.serverUs),
        2,
      )} | ${spread(
        ratios((x) => x.cpu.postgresUs),
        2,
      )} | ${spread(
        ratios((x) => x.rps),
        2,
      )} | | | | |`,
    );
  }
  return lines.join("\n");
}

export async function runAb(argv: string[], log: (line: string) => void): Promise<void> {
  const commit = option(argv, "--ab");
  if (!commit) throw new Error("--ab needs a commit to compare with");
  const reps = Number(option(argv, "--rounds") ?? 10);
  const requests = Number(option(argv, "--requests") ?? 5_000);
  const databaseUrl = process.env.BENCH_AB_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/portal_ab";
  const base = checkout(
    commit,
    path.resolve(option(argv, "--ab-dir") ?? path.join(ROOT, "..", `ab-${commit}`)),
    log,
  );
  const head = git(ROOT, "rev-parse", "HEAD");
  const dirty = git(ROOT, "status", "--porcelain", "--untracked-files=no", "server") !== "";
  const current: Side = {
    label: `${head.slice(0, 7)}${dirty ? "+" : ""}`,
    commit: head,
    dir: ROOT,
    node: process.execPath,
  };
  // --ab-node: the other side's server runs on another Node binary (to tell a Node upgrade's share).
  const otherNode = option(argv, "--ab-node");
  if (otherNode) {
    base.node = otherNode;
    const version = execFileSync(otherNode, ["--version"], { encoding: "utf8" }).trim();
    base.label = `${base.label} on Node ${version}`;
    current.label = `${current.label} on Node ${process.version}`;
  }
  assertOlderSchema(base);
  // --ab-path: another GET than /api/me; {cid} stands for the bench's big company.
  const pathTemplate = option(argv, "--ab-path") ?? "/api/me";
  const asDeveloper = option(argv, "--ab-as") === "developer";
  const connections = Number(option(argv, "--ab-connections") ?? CONNECTIONS);
  log(
    `A/B of GET ${pathTemplate}: ${base.label} against ${current.label}${otherNode ? "" : `, Node ${process.version} for both`}`,
  );
  log(
    `${reps} rounds of ${requests} requests to each side (${connections} connections, after ${WARMUP_REQUESTS} to warm up)`,
  );

  const seed = await ensureSeeded(databaseUrl, {
    reseed: argv.includes("--reseed"),
    log,
    sizes: SMALL_SIZES,
  });
  if (seed.reused) log(`reusing the data set seeded ${seed.seededAt}`);
  const sides = [base, current];
  const bundles = sides.map(buildServer);

  // One session, made once, which both sides read.
  const first = await startSide(current, bundles[1] as string, databaseUrl);
  let cookie: string;
  try {
    cookie = (await portalLogin(first.baseUrl, asDeveloper ? DEVELOPER_EMAIL : ADMIN_EMAIL, BENCH_PASSWORD))
      .cookie;
  } finally {
    await first.stop();
  }
  const companyId = pathTemplate.includes("{cid}") ? (await loadFixtures(databaseUrl, 0)).companyId : "";
  const target: Target = {
    path: pathTemplate.replaceAll("{cid}", companyId),
    cookie,
    status: asDeveloper && pathTemplate.includes("/members") ? 403 : 200,
    connections,
  };

  const results: SideResult[] = [];
  for (const [i, side] of sides.entries()) {
    const counted = await wireCounts(side, bundles[i] as string, databaseUrl, target);
    log(
      `${side.label}: ${counted.wire.statements.toFixed(2)} statements, ${counted.wire.roundTrips.toFixed(2)} round trips, ${counted.wire.rows.toFixed(2)} rows per request; ${counted.answerBytes} bytes answered`,
    );
    results.push({ ...side, ...counted, reps: [] });
  }
  // Both servers stay up; each round sends a burst to one, then to the other (A B, B A, ...).
  const urls = [await copyDatabase(databaseUrl, `${new URL(databaseUrl).pathname.slice(1)}_b`), databaseUrl];
  const servers: (Child & { baseUrl: string })[] = [];
  try {
    for (const [i, side] of sides.entries()) {
      servers.push(await startSide(side, bundles[i] as string, urls[i] as string));
    }
    for (const server of servers) await load(server.baseUrl, target, WARMUP_REQUESTS);
    for (let rep = 0; rep < reps; rep += 1) {
      for (const i of rep % 2 === 0 ? [0, 1] : [1, 0]) {
        const server = servers[i] as Child & { baseUrl: string };
        const database = new URL(urls[i] as string).pathname.slice(1);
        const measured = await load(server.baseUrl, target, requests, server.process.pid, database);
        if (!measured.cpu) throw new Error("CPU could not be read from /proc");
        results[i]?.reps.push({ ...measured, cpu: measured.cpu });
        log(
          `round ${rep + 1} ${sides[i]?.label}: server ${Math.round(measured.cpu.serverUs)} µs + PostgreSQL ${Math.round(measured.cpu.postgresUs)} µs per request, ${Math.round(measured.rps)} req/s, p99 ${measured.p99} ms${measured.unexpected ? `, UNEXPECTED ${measured.unexpected}` : ""}`,
        );
      }
    }
  } finally {
    for (const server of servers) await server.stop();
  }
  log(`\nmedian (min–max) over ${reps} rounds:\n\n${abTable(results)}`);
  const file = path.join(ROOT, "bench", "results", "ab.json");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(
    file,
    `${JSON.stringify({ startedAt: new Date().toISOString(), node: process.version, requests, results }, null, 2)}\n`,
  );
  log(`results: ${path.relative(ROOT, file)}`);
}
