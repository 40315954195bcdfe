// `npm run bench -- --check` (bench/targets.ts): each target of issue #21 against made-up figures,
// since the bench itself is not run in the test suite. A ratio target moves with its base; a figure
// not measured fails its target.
import { describe, expect, it } from "vitest";
import { type GrowthRow, growthTargets, growthTermTable } from "../bench/growth.js";
import { SEARCH_TERMS } from "../bench/scenarios.js";
import { evaluateTargets, type Figures, RULES } from "../bench/targets.js";

/** A run that meets every target, with a little room. */
function passingRun(): Figures {
  return {
    rps: { B1: 10_000, P1: 100, P2: 600, S1: 5_000, S2: 6_000, S3: 2_600 },
    p99: { "B1@4": 4, "S1@4": 5.9, "S3@4": 11.9, "S5w@4": 15.9, S4c1: 19.9 },
    ui: { firstRenderMs: 900, nextPageMs: 60, loginJsGzipBytes: 150 * 1024 },
    exportRun: { rowsPerSecond: 150_000, rows: 1_000_000, rssGrowthBytes: 40 * 2 ** 20 },
    coldStartSeconds: 1.2,
  };
}

const failed = (figures: Figures) =>
  evaluateTargets(figures)
    .filter((t) => !t.pass)
    .map((t) => `${t.id} ${t.description}`);

describe("bench targets (issue #21)", () => {
  it("passes every target of a run that meets them, printing each with its measured value and limit", () => {
    const targets = evaluateTargets(passingRun());
    expect(targets).toHaveLength(RULES.length);
    expect(failed(passingRun())).toEqual([]);
    const s1 = targets.find((t) => t.id === "S1" && t.description.includes("P2"));
    // A ratio target prints the ratio and its factor: 5,000 / 600 against 8.
    expect(s1).toMatchObject({ actual: 5_000 / 600, limit: 8, pass: true });
  });

  it("a ratio from alternating runs, when measured, decides its target over the scenarios' own medians", () => {
    const run = passingRun();
    // Each one's own medians pass (5,000 ≥ 0.45 × 10,000), the runs side by side do not.
    run.paired = { "S1/B1": 0.44 };
    expect(failed(run)).toEqual(["S1 req/s ≥ 0.45 × B1 (50 connections)"]);
    const close = evaluateTargets(run).find((t) => t.id === "S1" && t.description.includes("B1"));
    expect(close).toMatchObject({ actual: 0.44, limit: 0.45, pass: false });
    // And the other way: a slow moment for S1's own runs, a pass side by side.
    const other = passingRun();
    other.rps.S3 = 1_000;
    other.paired = { "S3/B1": 0.21, "S3/P1": 25.5 };
    expect(failed(other)).toEqual([]);
  });

  it("ahead of the peer: S1 ≥ 8 × P2, S3 ≥ 25 × P1, S2 ≥ S1", () => {
    const atLimit = passingRun();
    atLimit.rps.S1 = 4_800;
    expect(failed(atLimit)).toEqual([]);
    const run = passingRun();
    run.rps.S1 = 4_799; // 8 × 600 = 4,800; also below S2 still, and above 0.45 × B1
    expect(failed(run)).toEqual(["S1 req/s ≥ 8 × P2 (50 connections)"]);
    const slowPage = passingRun();
    slowPage.rps.S3 = 2_499; // 25 × 100
    expect(failed(slowPage)).toEqual(["S3 req/s ≥ 25 × P1 (50 connections)"]);
    const refusal = passingRun();
    refusal.rps.S2 = 4_999;
    expect(failed(refusal)).toEqual(["S2 req/s ≥ S1 (50 connections)"]);
  });

  it("close to the limit: S1 ≥ 0.45 × B1 and S3 ≥ 0.2 × B1, the base moving with the run", () => {
    const fastHost = passingRun();
    fastHost.rps.B1 = 12_000; // S1 needs 5,400, S3 2,400
    expect(failed(fastHost)).toEqual(["S1 req/s ≥ 0.45 × B1 (50 connections)"]);
    const slowerPage = passingRun();
    slowerPage.rps.B1 = 13_500; // S3 needs 2,700
    expect(failed(slowerPage)).toContain("S3 req/s ≥ 0.2 × B1 (50 connections)");
  });

  it("one admin team: p99 at 4 connections as multiples of B1's p99 at 4 connections", () => {
    const limits = evaluateTargets(passingRun(), ["team"]).map((t) => [t.id, t.limit]);
    expect(limits).toEqual([
      ["S1", 6],
      ["S3", 12],
      ["S5", 16],
      ["S4c1", 20],
    ]);
    const run = passingRun();
    run.p99["B1@4"] = 3; // a faster B1 tightens every limit
    expect(failed(run)).toEqual([
      "S1 4 connections: p99 ≤ 1.5 × B1's p99 at 4 connections",
      "S3 4 connections: p99 ≤ 3 × B1's p99 at 4 connections",
      "S5 4 connections: writes' p99 ≤ 4 × B1's p99 at 4 connections",
      "S4c1 one at a time: p99 ≤ 5 × B1's p99 at 4 connections",
    ]);
  });

  it("the web app: ≤ 1.5 s first render, ≤ 200 ms next page, ≤ 200 KB gzipped login JavaScript", () => {
    const run = passingRun();
    run.ui = { firstRenderMs: 1_500, nextPageMs: 200, loginJsGzipBytes: 200 * 1024 };
    expect(failed(run)).toEqual([]);
    run.ui = { firstRenderMs: 1_501, nextPageMs: 201, loginJsGzipBytes: 200 * 1024 + 1 };
    expect(failed(run)).toEqual([
      "U1 member list first render from navigation ≤ 1,500 ms (median of 5)",
      "U2 next page rendered ≤ 200 ms after its answer arrives (median of 5)",
      "U3 login page JavaScript ≤ 200 KB gzipped",
    ]);
  });

  it("kept: S6 ≥ 100,000 rows/s over all rows with RSS growth < 100 MB, S7 cold start ≤ 3 s", () => {
    const run = passingRun();
    run.exportRun = { rowsPerSecond: 99_999, rows: 1_000_000, rssGrowthBytes: 100 * 2 ** 20 };
    run.coldStartSeconds = 3.01;
    expect(failed(run)).toEqual([
      "S6 rows/s ≥ 100,000 (all 1,000,000 rows)",
      "S6 peak RSS growth < 100 MB",
      "S7 cold start (restart on PGlite) ≤ 3 s",
    ]);
    const cut = passingRun();
    cut.exportRun = { rowsPerSecond: 500_000, rows: 999_999, rssGrowthBytes: 0 };
    expect(failed(cut)).toEqual(["S6 rows/s ≥ 100,000 (all 1,000,000 rows)"]);
  });

  it("fails a target whose figure or base was not measured", () => {
    const run = passingRun();
    delete run.rps.P2;
    delete run.p99["S5w@4"];
    run.ui = undefined;
    const missed = evaluateTargets(run).filter((t) => !t.pass);
    expect(missed.map((t) => t.id)).toEqual(["S1", "S5", "U1", "U2", "U3"]);
    expect(missed.every((t) => t.description.endsWith("not measured"))).toBe(true);
  });

  it("checks only the groups a partial run measured", () => {
    const uiOnly: Figures = { rps: {}, p99: {}, ui: passingRun().ui };
    expect(evaluateTargets(uiOnly, ["ui"]).map((t) => [t.id, t.pass])).toEqual([
      ["U1", true],
      ["U2", true],
      ["U3", true],
    ]);
  });
});

describe("the growth table's targets and its searches per term (bench/growth.ts)", () => {
  const row = (
    members: number,
    s3p50: number,
    s4c1p99: number,
    terms?: Record<string, number>,
  ): GrowthRow => ({
    members,
    companyId: `company-${members}`,
    seedSeconds: null,
    s3: { rps: 1_000, p50: s3p50, p99: 2 * s3p50 },
    s4c1: { p50: s4c1p99 / 3, p99: s4c1p99 },
    s4c1Terms: terms,
  });

  it("holds S3 at 1,000,000 to 1.5 × 1,000 and S4c1 at 1,000,000 to 2 × 100,000; a size not measured fails", () => {
    const rows = [row(1_000, 30, 6), row(100_000, 32, 8), row(1_000_000, 44, 16)];
    expect(growthTargets(rows).map((t) => [t.id, t.pass])).toEqual([
      ["S3", true],
      ["S4c1", true],
    ]);
    expect(
      growthTargets([row(1_000, 30, 6), row(100_000, 32, 8), row(1_000_000, 46, 17)]).map((t) => t.pass),
    ).toEqual([false, false]);
    expect(growthTargets([row(1_000, 30, 6)]).map((t) => t.pass)).toEqual([false, false]);
  });

  it("lists each term's p50 per size, in the bench's order of terms, blank where a run has none", () => {
    const terms = Object.fromEntries(SEARCH_TERMS.map((term, i) => [term, i + 0.25]));
    const table = growthTermTable([row(1_000, 30, 6), row(1_000_000, 44, 16, terms)]).split("\n");
    expect(table[0]).toBe(`| members | ${SEARCH_TERMS.join(" | ")} |`);
    expect(table[2]).toBe(`| 1,000 | ${SEARCH_TERMS.map(() => "").join(" | ")} |`);
    expect(table[3]).toBe(`| 1,000,000 | ${SEARCH_TERMS.map((_, i) => (i + 0.25).toFixed(1)).join(" | ")} |`);
  });
});
