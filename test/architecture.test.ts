// Issue 20 item 2: every feature folder layers routes.ts (HTTP) → service.ts (rules, transactions) →
// queries.ts (SQL), and server folders import each other without a cycle.
import { describe, expect, it } from "vitest";
import { folderCycles, folderImportGraph, misplacedQueries } from "./support/architecture.js";

describe("Issue 20 item 2: no import cycle between server folders", () => {
  it("the folder import graph of server/ has no cycle", () => {
    const graph = folderImportGraph();
    const cycles = folderCycles(graph).map((component) =>
      component.flatMap((from) =>
        [...(graph.get(from) ?? [])]
          .filter(([to]) => component.includes(to))
          .map(([to, lines]) => `${from} → ${to} (${lines[0]})`),
      ),
    );
    expect(cycles).toEqual([]);
  });

  it("finds a cycle when one folder imports another that imports it back", () => {
    const sources: Record<string, string> = {
      "audit/service.ts": 'import { csvRow } from "../portal/csv.js";',
      "portal/csv.ts": "export const csvRow = 1;",
      "portal/routes.ts": 'import type { AuditAction } from "../audit/actions.js";',
      "audit/actions.ts": "export type AuditAction = string;",
    };
    const graph = folderImportGraph(Object.keys(sources), (file) => sources[file] as string);
    expect(folderCycles(graph)).toEqual([["audit", "portal"]]);
  });
});

describe("Issue 20 item 2: no query builder call outside queries.ts", () => {
  it("statements and raw SQL are built only in queries modules (and db/, demo/), transactions never in the HTTP layer", () => {
    expect(misplacedQueries()).toEqual([]);
  });

  it("finds a statement built in a service, raw SQL in a route and a transaction in a route", () => {
    const sources: Record<string, string> = {
      "roles/service.ts": 'await trx.insertInto("roles").values(row).execute();',
      "portal/routes.ts":
        "const rows = await sql<Row>`SELECT 1`.execute(db);\nawait db.transaction().execute(f);",
      "roles/queries.ts": 'await trx.insertInto("roles").values(row).execute();',
      "members/service.ts": "await db.transaction().execute(f);",
      "demo/seed.ts": 'await db.selectFrom("companies").select("id").execute();',
    };
    expect(misplacedQueries(Object.keys(sources), (file) => sources[file] as string)).toEqual([
      'roles/service.ts:1: await trx.insertInto("roles").values(row).execute();',
      "portal/routes.ts:1: const rows = await sql<Row>`SELECT 1`.execute(db);",
      "portal/routes.ts:2: await db.transaction().execute(f);",
    ]);
  });
});
