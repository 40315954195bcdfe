// The targets `npm run bench -- --check` holds the portal to. Each is a ratio to something measured
// in the same run (the host's speed moves from hour to hour; ratios measured together do not), except
// the web app's, the export's and the cold start's, which are what a person waits for. Pure: the
// figures come in, the targets with pass or fail go out (test/bench-targets.test.ts).
import type { Target } from "./report.js";

/** What one bench run measured; a figure missing was not measured in this run. */
export type Figures = {
  /** req/s at 50 connections, by scenario id (B1, P1, P2, S1, S2, S3). */
  rps: Partial<Record<string, number>>;
  /**
   * Ratios of req/s from alternating runs (bench/paired.ts), by "A/B" (S1/B1, S3/B1, S1/P2, S3/P1,
   * S2/S1): the median over rounds of A's run divided by the B run next to it. When present, a
   * ratio target reads it instead of the two scenarios' own medians, which were measured minutes
   * apart while the host's speed moved.
   */
  paired?: Partial<Record<string, number>>;
  /**
   * p99 in ms of the runs with a few connections, by key: B1@4, S1@4, S3@4, S5w@4 (S5's writes)
   * and S4c1 (one at a time).
   */
  p99: Partial<Record<string, number>>;
  /** The web app in Chromium: medians of 5 (milliseconds), and the login page's JavaScript. */
  ui?: { firstRenderMs?: number; nextPageMs?: number; loginJsGzipBytes?: number };
  /** S6: the CSV export. */
  exportRun?: { rowsPerSecond: number; rows: number; rssGrowthBytes: number };
  /** S7: npm start on PGlite to /readyz, median seconds. */
  coldStartSeconds?: number;
};

export type TargetGroup = "peer" | "limit" | "team" | "ui" | "export" | "cold";

type Rule = {
  group: TargetGroup;
  id: string;
  description: string;
  /** "min": the measured value must be at least the limit; "max": at most (or below, when strict). */
  kind: "min" | "max";
  strict?: boolean;
  measured: (f: Figures) => number | undefined;
  limit: (f: Figures) => number | undefined;
};

const MB = 2 ** 20;

/** A over B in req/s: from alternating runs when measured, else from each one's own runs. */
export function ratioOf(f: Figures, id: string, base: string): number | undefined {
  const paired = f.paired?.[`${id}/${base}`];
  if (paired !== undefined) return paired;
  const a = f.rps[id];
  const b = f.rps[base];
  return a === undefined || b === undefined || b === 0 ? undefined : a / b;
}

const ratioAtLeast = (id: string, factor: number, base: string): Rule => ({
  group: base === "B1" ? "limit" : "peer",
  id,
  description: `req/s ≥ ${factor} × ${base} (50 connections)`,
  kind: "min",
  measured: (f) => ratioOf(f, id, base),
  limit: () => factor,
});

const p99AtMost = (id: string, key: string, factor: number, what: string): Rule => ({
  group: "team",
  id,
  description: `${what} p99 ≤ ${factor} × B1's p99 at 4 connections`,
  kind: "max",
  measured: (f) => f.p99[key],
  limit: (f) => (f.p99["B1@4"] === undefined ? undefined : factor * (f.p99["B1@4"] as number)),
});

/** The targets of issue #21, in the order they are printed. */
export const RULES: readonly Rule[] = [
  ratioAtLeast("S1", 8, "P2"),
  ratioAtLeast("S3", 25, "P1"),
  { ...ratioAtLeast("S2", 1, "S1"), description: "req/s ≥ S1 (50 connections)" },
  ratioAtLeast("S1", 0.45, "B1"),
  ratioAtLeast("S3", 0.2, "B1"),
  p99AtMost("S1", "S1@4", 1.5, "4 connections:"),
  p99AtMost("S3", "S3@4", 3, "4 connections:"),
  p99AtMost("S5", "S5w@4", 4, "4 connections: writes'"),
  p99AtMost("S4c1", "S4c1", 5, "one at a time:"),
  {
    group: "ui",
    id: "U1",
    description: "member list first render from navigation ≤ 1,500 ms (median of 5)",
    kind: "max",
    measured: (f) => f.ui?.firstRenderMs,
    limit: () => 1_500,
  },
  {
    group: "ui",
    id: "U2",
    description: "next page rendered ≤ 200 ms after its answer arrives (median of 5)",
    kind: "max",
    measured: (f) => f.ui?.nextPageMs,
    limit: () => 200,
  },
  {
    group: "ui",
    id: "U3",
    description: "login page JavaScript ≤ 200 KB gzipped",
    kind: "max",
    measured: (f) => (f.ui?.loginJsGzipBytes === undefined ? undefined : f.ui.loginJsGzipBytes / 1024),
    limit: () => 200,
  },
  {
    group: "export",
    id: "S6",
    description: "rows/s ≥ 100,000 (all 1,000,000 rows)",
    kind: "min",
    measured: (f) =>
      f.exportRun === undefined ? undefined : f.exportRun.rows === 1_000_000 ? f.exportRun.rowsPerSecond : 0,
    limit: () => 100_000,
  },
  {
    group: "export",
    id: "S6",
    description: "peak RSS growth < 100 MB",
    kind: "max",
    strict: true,
    measured: (f) => (f.exportRun === undefined ? undefined : f.exportRun.rssGrowthBytes / MB),
    limit: () => 100,
  },
  {
    group: "cold",
    id: "S7",
    description: "cold start (restart on PGlite) ≤ 3 s",
    kind: "max",
    measured: (f) => f.coldStartSeconds,
    limit: () => 3,
  },
];

/**
 * Every rule of the given groups (all by default) against the figures. A figure or a base that was
 * not measured fails its target: a run that skipped a scenario has not shown the target is met.
 */
export function evaluateTargets(figures: Figures, groups?: readonly TargetGroup[]): Target[] {
  return RULES.filter((rule) => !groups || groups.includes(rule.group)).map((rule) => {
    const actual = rule.measured(figures);
    const limit = rule.limit(figures);
    if (actual === undefined || limit === undefined || !Number.isFinite(actual) || !Number.isFinite(limit)) {
      return {
        id: rule.id,
        description: `${rule.description}: not measured`,
        actual: actual ?? Number.NaN,
        limit: limit ?? Number.NaN,
        pass: false,
      };
    }
    const pass =
      rule.kind === "min" ? actual >= limit : rule.strict === true ? actual < limit : actual <= limit;
    return { id: rule.id, description: rule.description, actual, limit, pass };
  });
}
