// Drives one server with autocannon: a warm-up, then several measured runs, each run's latencies
// recorded per request kind (reads and writes apart), and the median over the runs.
import autocannon, { type Client, type Request } from "autocannon";
import { type CpuCost, cpuPerRequest, sampleCpu } from "./cpu.js";

export type LoadPlan = { connections: number; warmupSeconds: number; runs: number; runSeconds: number };

export type KindStats = { count: number; rps: number; p50: number; p99: number };

export type RunStats = {
  rps: number;
  p50: number;
  p99: number;
  count: number;
  /** Responses whose status was not the one the scenario expects, plus socket errors and timeouts. */
  unexpected: number;
  /** The unexpected ones by status ("errors" and "timeouts" for the sockets'). */
  unexpectedStatuses: Record<string, number>;
  kinds: Record<string, KindStats>;
  /** CPU per request of the server and of PostgreSQL over this run (bench/cpu.ts). */
  cpu: CpuCost | null;
};

export type Measurement = {
  runs: RunStats[];
  rps: number;
  p50: number;
  p99: number;
  kinds: Record<string, KindStats>;
  unexpected: number;
  /** The unexpected answers of every run by status. */
  unexpectedStatuses: Record<string, number>;
  /** (max - min) / median of the runs' req/s. */
  spread: number;
  /** Median over the runs of each side's CPU per request. */
  cpu: CpuCost | null;
};

export type LoadRequest = Request & {
  kind?: string;
  expectStatus?: number;
  /** Other statuses that are a right answer too (a write's 409 on a version it could not know). */
  alsoExpect?: number[];
};

export function percentile(sorted: Float64Array | number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] as number;
}

/** Count, rate and percentiles of each request kind's latencies over `elapsed` seconds. */
export function kindStats(latencies: Map<string, number[]>, elapsed: number): Record<string, KindStats> {
  const kinds: Record<string, KindStats> = {};
  for (const [kind, list] of latencies) {
    const sorted = Float64Array.from(list).sort();
    kinds[kind] = {
      count: list.length,
      rps: list.length / elapsed,
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
    };
  }
  return kinds;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

const total = (counts: Record<string, number>) => Object.values(counts).reduce((sum, n) => sum + n, 0);

async function runOnce(
  url: string,
  requests: LoadRequest[],
  connections: number,
  seconds: number,
  serverGroup?: number,
  database?: string,
): Promise<RunStats> {
  const latencies = new Map<string, number[]>();
  const unexpectedStatuses: Record<string, number> = {};
  const before = sampleCpu(serverGroup, database);
  const instance = autocannon({ url, connections, duration: seconds, requests, timeout: 10 });
  instance.on("response", (client: Client, status: number, _bytes: number, responseTime: number) => {
    const request = client.requestIterator.currentRequest as LoadRequest;
    const kind = request.kind ?? "all";
    if (status !== (request.expectStatus ?? 200) && !request.alsoExpect?.includes(status)) {
      unexpectedStatuses[status] = (unexpectedStatuses[status] ?? 0) + 1;
    }
    let list = latencies.get(kind);
    if (!list) {
      list = [];
      latencies.set(kind, list);
    }
    list.push(responseTime);
  });
  const result = await instance;
  const after = sampleCpu(serverGroup, database);
  const elapsed = result.duration || seconds;
  const kinds = kindStats(latencies, elapsed);
  const all = [...latencies.values()].flat();
  const sorted = Float64Array.from(all).sort();
  return {
    rps: all.length / elapsed,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    count: all.length,
    unexpected: total(unexpectedStatuses) + result.errors + result.timeouts,
    unexpectedStatuses: {
      ...unexpectedStatuses,
      ...(result.errors > 0 ? { errors: result.errors } : {}),
      ...(result.timeouts > 0 ? { timeouts: result.timeouts } : {}),
    },
    kinds,
    cpu: cpuPerRequest(before, after, all.length),
  };
}

/**
 * Warm-up (discarded), then plan.runs measured runs; every figure is the median over the runs.
 * `serverGroup`: the process group of the server under test, whose CPU per request is measured;
 * `database`: the database whose PostgreSQL backends count (every PostgreSQL process without it).
 */
export async function measure(
  url: string,
  requests: LoadRequest[],
  plan: LoadPlan,
  serverGroup?: number,
  database?: string,
): Promise<Measurement> {
  if (plan.warmupSeconds > 0) await runOnce(url, requests, plan.connections, plan.warmupSeconds);
  const runs: RunStats[] = [];
  for (let i = 0; i < plan.runs; i += 1) {
    runs.push(await runOnce(url, requests, plan.connections, plan.runSeconds, serverGroup, database));
  }
  const kinds: Record<string, KindStats> = {};
  for (const kind of Object.keys(runs[0]?.kinds ?? {})) {
    const of = (pick: (k: KindStats) => number) =>
      median(runs.map((r) => (r.kinds[kind] ? pick(r.kinds[kind]) : 0)));
    kinds[kind] = {
      count: of((k) => k.count),
      rps: of((k) => k.rps),
      p50: of((k) => k.p50),
      p99: of((k) => k.p99),
    };
  }
  const rates = runs.map((r) => r.rps);
  const mid = median(rates);
  return {
    runs,
    rps: mid,
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    kinds,
    unexpected: runs.reduce((sum, r) => sum + r.unexpected, 0),
    unexpectedStatuses: runs.reduce<Record<string, number>>((all, r) => {
      for (const [status, count] of Object.entries(r.unexpectedStatuses))
        all[status] = (all[status] ?? 0) + count;
      return all;
    }, {}),
    spread: mid > 0 ? (Math.max(...rates) - Math.min(...rates)) / mid : 0,
    cpu: runs.every((r) => r.cpu)
      ? {
          serverUs: median(runs.map((r) => r.cpu?.serverUs ?? 0)),
          postgresUs: median(runs.map((r) => r.cpu?.postgresUs ?? 0)),
        }
      : null,
  };
}
