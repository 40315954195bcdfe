// A statement's plan as PostgreSQL ran it (EXPLAIN ANALYZE), its nodes in a list: for tests that hold
// a statement to what it reads rather than to how long it takes.
import { CompiledQuery, type Kysely } from "kysely";
import type { DB } from "../../server/db/schema.js";

export type PlanNode = {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  "Actual Rows": number;
  "Actual Loops": number;
  "Rows Removed by Filter"?: number;
  Plans?: PlanNode[];
};

/** Every node of the plan, the root first. */
export const planNodes = (plan: PlanNode): PlanNode[] => [plan, ...(plan.Plans ?? []).flatMap(planNodes)];

/** Runs the compiled statement under EXPLAIN (ANALYZE, FORMAT JSON); answers its plan's nodes. */
export async function explainAnalyze(
  db: Kysely<DB>,
  statement: { sql: string; parameters: readonly unknown[] },
): Promise<PlanNode[]> {
  const result = await db.executeQuery<{ "QUERY PLAN": unknown }>(
    CompiledQuery.raw(`EXPLAIN (ANALYZE, FORMAT JSON) ${statement.sql}`, [...statement.parameters]),
  );
  const cell = result.rows[0]?.["QUERY PLAN"];
  return planNodes(((typeof cell === "string" ? JSON.parse(cell) : cell) as [{ Plan: PlanNode }])[0].Plan);
}

/** Each node's type, relation, index, rows and loops: the message of a failed expectation. */
export function describePlan(nodes: readonly PlanNode[]): string {
  return JSON.stringify(
    nodes.map((n) => [
      n["Node Type"],
      n["Relation Name"],
      n["Index Name"],
      n["Actual Rows"],
      n["Actual Loops"],
    ]),
  );
}
