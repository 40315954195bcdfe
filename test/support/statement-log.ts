// The statements a piece of work sends to the database, by kind and first table (raw SQL by its text),
// so tests can compare what two paths do instead of timing them.
import type { KyselyPlugin, OperationNode, RootOperationNode } from "kysely";

function firstTable(node: unknown): string | undefined {
  if (node === null || typeof node !== "object") return undefined;
  const record = node as { kind?: string; table?: { identifier?: { name?: string } } };
  if (record.kind === "TableNode") return record.table?.identifier?.name;
  for (const value of Object.values(node)) {
    const found = firstTable(value);
    if (found) return found;
  }
  return undefined;
}

function describeStatement(node: RootOperationNode | OperationNode): string {
  if (node.kind === "RawNode") {
    const text = (node as { sqlFragments: readonly string[] }).sqlFragments.join("?");
    return `raw ${text.replace(/\s+/g, " ").trim()}`;
  }
  const verb = node.kind.replace(/QueryNode$/, "").toLowerCase();
  return `${verb} ${firstTable(node) ?? "?"}`;
}

export type StatementLog = {
  plugin: KyselyPlugin;
  /** The statements sent since the last call, in order. */
  take(): string[];
};

export function statementLog(): StatementLog {
  let statements: string[] = [];
  return {
    plugin: {
      transformQuery(args) {
        statements.push(describeStatement(args.node));
        return args.node;
      },
      transformResult: async (args) => args.result,
    },
    take() {
      const taken = statements;
      statements = [];
      return taken;
    },
  };
}
