// A statement's plan as PostgreSQL ran it (EXPLAIN ANALYZE), its nodes in a list: for tests that hold
// a statement to what it reads rather than to how long it takes.
import { CompiledQuery, type Kysely, type KyselyPlugin } from "kysely";
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

/**
 * explainAnalyze of the plan PostgreSQL makes for the statement once for any values (a prepared
 * statement's generic plan, which the server's named statements get after their first few runs),
 * run with the statement's values: PREPARE, then EXPLAIN EXECUTE under plan_cache_mode
 * force_generic_plan, on one connection.
 */
export async function explainAnalyzeGeneric(
  db: Kysely<DB>,
  statement: { sql: string; parameters: readonly unknown[] },
): Promise<PlanNode[]> {
  // A name of its own each time: a prepared statement outlives a transaction that failed after it.
  explainedGeneric += 1;
  const name = `explained_generic_${explainedGeneric}`;
  return db.transaction().execute(async (trx) => {
    await trx.executeQuery(CompiledQuery.raw("SET LOCAL plan_cache_mode = force_generic_plan"));
    await trx.executeQuery(CompiledQuery.raw(`PREPARE ${name} AS ${statement.sql}`));
    // EXECUTE under EXPLAIN takes no bound values: they are written into it, as literals.
    const values = statement.parameters.map(literal).join(", ");
    const plan = await explainAnalyze(trx, {
      sql: `EXECUTE ${name}${values ? `(${values})` : ""}`,
      parameters: [],
    });
    await trx.executeQuery(CompiledQuery.raw(`DEALLOCATE ${name}`));
    return plan;
  });
}

let explainedGeneric = 0;

/** A statement's value as an SQL literal, for EXECUTE's arguments. */
function literal(value: unknown): string {
  const quoted = (text: string) => `'${text.replaceAll("'", "''")}'`;
  if (value === null || value === undefined) return "NULL";
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  if (typeof value === "boolean") return value ? "TRUE" : "FALSE";
  if (value instanceof Date) return quoted(value.toISOString());
  if (Array.isArray(value)) {
    return quoted(
      `{${value.map((item) => `"${String(item).replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`).join(",")}}`,
    );
  }
  return quoted(typeof value === "string" ? value : JSON.stringify(value));
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

/**
 * A Kysely over `db` that keeps every statement it sends, compiled (text and values), for
 * explainAnalyze; `sent` is emptied by the caller between the pieces of work it compares.
 */
export function recordingStatements(db: Kysely<DB>): { db: Kysely<DB>; sent: CompiledQuery[] } {
  const sent: CompiledQuery[] = [];
  const plugin: KyselyPlugin = {
    transformQuery(args) {
      sent.push(db.getExecutor().compileQuery(args.node, args.queryId));
      return args.node;
    },
    transformResult: async (args) => args.result,
  };
  return { db: db.withPlugin(plugin), sent };
}

/** The rows the plan's nodes on the relations `relation` accepts returned or filtered out, over all loops. */
export function rowsRead(plan: readonly PlanNode[], relation: (name: string) => boolean): number {
  return plan
    .filter((node) => node["Relation Name"] !== undefined && relation(node["Relation Name"]))
    .reduce(
      (sum, node) =>
        sum + (node["Actual Rows"] + (node["Rows Removed by Filter"] ?? 0)) * node["Actual Loops"],
      0,
    );
}
