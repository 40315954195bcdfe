// `npm run bench -- --soak [--soak-minutes N]`: the portal under steady mixed load for a bounded
// number of minutes, checked for zero 5xx, no socket errors or timeouts, and flat memory (issue #8).
import fs from "node:fs";
import path from "node:path";
import autocannon, { type Client } from "autocannon";
import { type KindStats, kindStats, type LoadRequest, median } from "./load.js";
import { ROOT, residentBytes, startPortal } from "./processes.js";
import { machineInfo, type Target } from "./report.js";
import {
  elevateSession,
  loadFixtures,
  memberPages,
  mixedRequests,
  portalSessions,
  searchRequests,
} from "./scenarios.js";
import { ensureSeeded, type SeedOutcome } from "./seed.js";

export const DEFAULT_SOAK_MINUTES = 5;
export const MAX_SOAK_MINUTES = 30;
const CONNECTIONS = 20;
const SAMPLE_SECONDS = 10;
const REQUEST_TIMEOUT_SECONDS = 10;
// elevateSession grants ten minutes of step-up; renewing it every five keeps role changes allowed.
const ELEVATE_EVERY_MS = 5 * 60_000;
const MB = 2 ** 20;

// Flat memory: the first minute (at most a fifth of the run) is warm-up (JIT, pools, caches
// filling) and is left out; of the samples after it, the median RSS of the last third may exceed
// the median of the first third by at most 50 MB and at most 25%. Medians, so one GC swing does not
// decide; thirds, so a leak shows as a trend rather than as noise between neighbouring samples.
export const MEMORY_RULE = {
  warmupSeconds: (runSeconds: number) => Math.min(60, 0.2 * runSeconds),
  maxGrowthBytes: 50 * MB,
  maxGrowthShare: 0.25,
};

export type SoakOptions = {
  databaseUrl: string;
  minutes: number;
  reseed: boolean;
  log: (line: string) => void;
};

export type SoakSample = {
  seconds: number;
  /** Responses per second in the window since the previous sample. */
  rps: number;
  serverErrors: number;
  socketErrors: number;
  rssBytes: number;
};

export type MemoryVerdict = {
  warmupSeconds: number;
  samples: number;
  earlyBytes: number;
  lateBytes: number;
  growthBytes: number;
  peakBytes: number;
};

export type SoakReport = {
  startedAt: string;
  durationSeconds: number;
  minutes: number;
  /** How long the load ran: the minutes asked for, or less when the portal stopped early. */
  loadSeconds: number;
  connections: number;
  machine: Record<string, string>;
  seed: SeedOutcome;
  requests: number;
  rps: number;
  statuses: Record<string, number>;
  kinds: Record<string, KindStats>;
  serverErrors: number;
  socketErrors: number;
  timeouts: number;
  unexpected: number;
  serverErrorLogLines: number;
  memory: MemoryVerdict;
  samples: SoakSample[];
  targets: Target[];
  pass: boolean;
};

/** `--soak-minutes N` (or `=N`) from the command line; the default when absent. */
export function soakMinutes(argv: string[]): number {
  const index = argv.findIndex((arg) => arg === "--soak-minutes" || arg.startsWith("--soak-minutes="));
  if (index === -1) return DEFAULT_SOAK_MINUTES;
  const flag = argv[index]!;
  const raw = flag.includes("=") ? flag.slice(flag.indexOf("=") + 1) : argv[index + 1];
  const minutes = Number(raw);
  if (!raw || !Number.isFinite(minutes) || minutes <= 0)
    throw new Error(`--soak-minutes wants a positive number of minutes (got "${raw ?? ""}")`);
  return minutes;
}

/** The flat-memory figures of MEMORY_RULE over the samples of a run of `runSeconds`. */
export function memoryVerdict(samples: SoakSample[], runSeconds: number): MemoryVerdict {
  const warmupSeconds = MEMORY_RULE.warmupSeconds(runSeconds);
  const steady = samples.filter((s) => s.seconds >= warmupSeconds && s.rssBytes > 0).map((s) => s.rssBytes);
  const third = Math.floor(steady.length / 3);
  const earlyBytes = third > 0 ? median(steady.slice(0, third)) : 0;
  const lateBytes = third > 0 ? median(steady.slice(-third)) : 0;
  return {
    warmupSeconds,
    samples: steady.length,
    earlyBytes,
    lateBytes,
    growthBytes: lateBytes - earlyBytes,
    peakBytes: Math.max(0, ...samples.map((s) => s.rssBytes)),
  };
}

/**
 * One connection's cycle of 40 requests, mostly reads: S5's nineteen member pages and role change,
 * a second role change (5% writes in all), GET /api/me, email searches (one term after another,
 * rare to common), a transactions page as Finance, and the Developer's audited 403.
 */
function soakRequests(
  pages: string[],
  sessions: { admin: string; developer: string; finance: string },
  fixtures: Awaited<ReturnType<typeof loadFixtures>>,
): LoadRequest[] {
  const cid = fixtures.companyId;
  const mixed = mixedRequests(pages, sessions.admin, fixtures);
  const roleChange = mixed.at(-1)!;
  const searches = searchRequests(cid, sessions.admin);
  let nextSearch = 0;
  const repeat = (count: number, request: LoadRequest) => Array.from({ length: count }, () => request);
  return [
    ...mixed,
    ...repeat(8, { method: "GET", path: "/api/me", headers: { cookie: sessions.admin }, kind: "me" }),
    ...repeat(3, {
      ...searches[0]!,
      kind: "search",
      setupRequest: (request) => ({ ...request, path: searches[nextSearch++ % searches.length]!.path }),
    }),
    ...repeat(5, {
      method: "GET",
      path: `/api/companies/${cid}/transactions?limit=20`,
      headers: { cookie: sessions.finance },
      kind: "transactions",
    }),
    ...repeat(3, {
      method: "GET",
      path: `/api/companies/${cid}/members`,
      headers: { cookie: sessions.developer },
      kind: "refused",
      expectStatus: 403,
    }),
    roleChange,
  ];
}

/** A role change may meet a concurrent one: 409 answers with the current version, as designed. */
function isExpected(request: LoadRequest, status: number): boolean {
  return status === (request.expectStatus ?? 200) || (request.kind === "write" && status === 409);
}

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const { databaseUrl, log } = options;
  const startedAt = new Date();
  const minutes = Math.min(options.minutes, MAX_SOAK_MINUTES);
  if (minutes < options.minutes) log(`--soak-minutes capped at ${MAX_SOAK_MINUTES}`);
  const runSeconds = Math.round(minutes * 60);
  const machine = await machineInfo(databaseUrl);
  const seed = await ensureSeeded(databaseUrl, { reseed: options.reseed, log });
  log(seed.reused ? `reusing the data set seeded ${seed.seededAt}` : `seeded in ${seed.seconds} s`);
  const fixtures = await loadFixtures(databaseUrl, 3_000);

  log("starting the portal");
  const portal = await startPortal(databaseUrl);
  try {
    const pid = portal.process.pid!;
    const sessions = await portalSessions(portal.baseUrl);
    const pages = await memberPages(portal.baseUrl, fixtures.companyId, sessions.admin, 5);
    await elevateSession(databaseUrl, sessions.admin, fixtures.companyId);
    const requests = soakRequests(pages, sessions, fixtures);

    const statuses: Record<string, number> = {};
    const latencies = new Map<string, number[]>();
    let responses = 0;
    let serverErrors = 0;
    let unexpected = 0;
    let socketErrors = 0;
    let timeouts = 0;
    log(
      `soak: ${CONNECTIONS} connections for ${runSeconds} s, a sample every ${SAMPLE_SECONDS} s (server pid ${pid})`,
    );
    const loadStarted = Date.now();
    const instance = autocannon({
      url: portal.baseUrl,
      connections: CONNECTIONS,
      duration: runSeconds,
      requests,
      timeout: REQUEST_TIMEOUT_SECONDS,
    });
    instance.on("response", (client: Client, status: number, _bytes: number, responseTime: number) => {
      const request = client.requestIterator.currentRequest as LoadRequest;
      responses += 1;
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status >= 500) serverErrors += 1;
      else if (!isExpected(request, status)) unexpected += 1;
      const kind = request.kind ?? "all";
      let list = latencies.get(kind);
      if (!list) {
        list = [];
        latencies.set(kind, list);
      }
      list.push(responseTime);
    });
    // A server that dies mid-soak ends the run: what follows would only be connection errors.
    let portalExit: string | null = null;
    const onPortalExit = (code: number | null, signal: NodeJS.Signals | null) => {
      portalExit = signal ? `signal ${signal}` : `exit code ${code}`;
      log(
        `the portal stopped (${portalExit}) during the soak; its last output:\n${portal.output().slice(-2000)}`,
      );
      instance.stop();
    };
    portal.process.once("exit", onPortalExit);
    instance.on("reqError", (error: Error) => {
      socketErrors += 1;
      if (error.message === "request timed out") timeouts += 1;
    });

    const samples: SoakSample[] = [];
    let windowStart = { at: loadStarted, responses: 0 };
    const sample = async () => {
      const now = Date.now();
      const rssBytes = await residentBytes(pid);
      const entry: SoakSample = {
        seconds: Math.round((now - loadStarted) / 1000),
        rps: (responses - windowStart.responses) / Math.max(0.001, (now - windowStart.at) / 1000),
        serverErrors,
        socketErrors,
        rssBytes,
      };
      windowStart = { at: now, responses };
      samples.push(entry);
      log(
        `${String(entry.seconds).padStart(5)} s  ${Math.round(entry.rps).toString().padStart(5)} req/s  5xx ${serverErrors}  socket errors ${socketErrors}  RSS ${(rssBytes / MB).toFixed(0)} MB`,
      );
    };
    const sampler = setInterval(() => void sample(), SAMPLE_SECONDS * 1000);
    const elevator = setInterval(() => {
      elevateSession(databaseUrl, sessions.admin, fixtures.companyId).catch((error) =>
        log(`re-elevating failed: ${error}`),
      );
    }, ELEVATE_EVERY_MS);
    let result: Awaited<typeof instance>;
    try {
      result = await instance;
    } finally {
      clearInterval(sampler);
      clearInterval(elevator);
      portal.process.off("exit", onPortalExit);
    }
    if (Date.now() - windowStart.at >= SAMPLE_SECONDS * 500) await sample();
    const elapsed = result.duration || runSeconds;

    const kinds: SoakReport["kinds"] = kindStats(latencies, elapsed);
    const memory = memoryVerdict(samples, runSeconds);
    const unexpectedShare = responses === 0 ? 1 : unexpected / responses;
    const targets: Target[] = [
      {
        id: "soak",
        description: `the portal kept running${portalExit ? ` (it stopped: ${portalExit})` : ""}`,
        actual: portalExit ? 1 : 0,
        limit: 0,
        pass: portalExit === null,
      },
      { id: "soak", description: "no 5xx", actual: serverErrors, limit: 0, pass: serverErrors === 0 },
      {
        id: "soak",
        description: "no socket errors or timeouts",
        actual: socketErrors,
        limit: 0,
        pass: socketErrors === 0,
      },
      {
        id: "soak",
        description: "answers as expected (≤ 0.1% otherwise; 409 on a role change is expected)",
        actual: unexpectedShare,
        limit: 0.001,
        pass: unexpectedShare <= 0.001,
      },
      {
        id: "soak",
        description: `RSS growth, median of the last third vs the first third after ${Math.round(memory.warmupSeconds)} s warm-up, ≤ 50 MB`,
        actual: memory.growthBytes / MB,
        limit: MEMORY_RULE.maxGrowthBytes / MB,
        pass: memory.samples >= 3 && memory.growthBytes <= MEMORY_RULE.maxGrowthBytes,
      },
      {
        id: "soak",
        description: "RSS growth ≤ 25% of the early median",
        actual: memory.earlyBytes > 0 ? memory.growthBytes / memory.earlyBytes : Number.POSITIVE_INFINITY,
        limit: MEMORY_RULE.maxGrowthShare,
        pass: memory.samples >= 3 && memory.growthBytes <= MEMORY_RULE.maxGrowthShare * memory.earlyBytes,
      },
    ];
    // Reported, not judged: pino's error and fatal lines (levels 50 and 60) the server printed.
    const serverErrorLogLines = portal
      .output()
      .split("\n")
      .filter((line) => /"level":(50|60)/.test(line)).length;
    const report: SoakReport = {
      startedAt: startedAt.toISOString(),
      durationSeconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
      minutes,
      loadSeconds: Math.round(elapsed),
      connections: CONNECTIONS,
      machine,
      seed,
      requests: responses,
      rps: responses / elapsed,
      statuses,
      kinds,
      serverErrors,
      socketErrors,
      timeouts,
      unexpected,
      serverErrorLogLines,
      memory,
      samples,
      targets,
      pass: targets.every((t) => t.pass),
    };
    const file = path.join(ROOT, "bench", "results", "soak.json");
    writeReport(report, file);
    log(summary(report));
    log(`results: ${path.relative(ROOT, file)} (${report.durationSeconds} s in all)`);
    return report;
  } finally {
    await portal.stop();
  }
}

function summary(report: SoakReport): string {
  const m = report.memory;
  const kinds = Object.entries(report.kinds)
    .map(
      ([kind, k]) =>
        `  ${kind.padEnd(13)} ${Math.round(k.rps).toString().padStart(5)} req/s  p50 ${k.p50.toFixed(1)} ms  p99 ${k.p99.toFixed(1)} ms`,
    )
    .join("\n");
  const statuses = Object.entries(report.statuses)
    .map(([status, count]) => `${status} × ${count}`)
    .join(", ");
  return [
    "",
    `soak: ${report.requests.toLocaleString("en-US")} requests in ${report.loadSeconds} s, ${Math.round(report.rps)} req/s, ${report.connections} connections`,
    kinds,
    `  statuses: ${statuses}; unexpected ${report.unexpected}; timeouts ${report.timeouts}; server error log lines ${report.serverErrorLogLines}`,
    `  RSS: ${(m.earlyBytes / MB).toFixed(0)} MB early → ${(m.lateBytes / MB).toFixed(0)} MB late (${m.growthBytes >= 0 ? "+" : ""}${(m.growthBytes / MB).toFixed(0)} MB over ${m.samples} samples after warm-up), peak ${(m.peakBytes / MB).toFixed(0)} MB`,
    "",
    ...report.targets.map(
      (t) =>
        `- ${t.pass ? "pass" : "**FAIL**"} ${t.description} (${t.actual.toFixed(2)} vs ${t.limit.toFixed(2)})`,
    ),
    "",
    report.pass
      ? "soak: pass"
      : `soak: FAIL (${report.targets.filter((t) => !t.pass).length} criteria missed)`,
  ].join("\n");
}

/** Written whole or not at all, as report.ts writes the bench's own results. */
function writeReport(report: SoakReport, file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.tmp`;
  fs.writeFileSync(temporary, `${JSON.stringify(report, null, 2)}\n`);
  fs.renameSync(temporary, file);
}
