// Ratios from alternating runs: two servers' scenarios measured in turn, one short run each, round
// after round, and each round's ratio taken from two runs seconds apart. Two full runs an hour
// apart on one idle host read B1's CPU per request as 83 and 52 µs while S1's stayed at 240: the
// ratio of two scenarios measured minutes apart moves with the host, one of runs next to each
// other much less.
import { type LoadPlan, type LoadRequest, measure, median } from "./load.js";

export type PairSide = { url: string; requests: LoadRequest[]; serverGroup?: number };

export type PairedRatio = { key: string; median: number; rounds: number[] };

/** The median over `rounds` of A's req/s over B's, each round one run of A then one of B. */
export async function pairedRatio(
  key: string,
  a: PairSide,
  b: PairSide,
  plan: LoadPlan,
  rounds: number,
  database?: string,
): Promise<PairedRatio> {
  const once = (side: PairSide) =>
    measure(side.url, side.requests, { ...plan, runs: 1 }, side.serverGroup, database);
  const ratios: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    const first = await once(a);
    const second = await once(b);
    if (first.unexpected + second.unexpected > 0) {
      throw new Error(`${key}: ${first.unexpected + second.unexpected} unexpected answers`);
    }
    ratios.push(first.rps / second.rps);
  }
  return { key, median: median(ratios), rounds: ratios };
}

/** A pair's median and its rounds: "0.31 (rounds 0.30 / 0.33 / …)". */
export function pairedText(pair: PairedRatio): string {
  return `${pair.median.toFixed(2)} (rounds ${pair.rounds.map((r) => r.toFixed(2)).join(" / ")})`;
}

/** The pairs as the README lists them: "- S1/B1: 0.31 (rounds 0.30 / 0.33 / …)". */
export function pairedLines(pairs: readonly PairedRatio[]): string[] {
  return pairs.map((pair) => `- ${pair.key}: ${pairedText(pair)}`);
}
