// Reads the server's source to check its layering: the folder import graph (from import and export
// statements, type-only ones included) and where Kysely statements are built.
import fs from "node:fs";
import path from "node:path";

export const SERVER_DIR = path.resolve(import.meta.dirname, "../../server");

/** Every non-test TypeScript file under server/, as paths relative to it with forward slashes. */
export function serverSourceFiles(): string[] {
  return fs
    .readdirSync(SERVER_DIR, { recursive: true, encoding: "utf8" })
    .map((file) => file.split(path.sep).join("/"))
    .filter((file) => file.endsWith(".ts") && !file.endsWith(".test.ts"))
    .sort();
}

/** A file's folder under server/ (its first segment); a file directly in server/ is its own node. */
export function folderOf(file: string): string {
  return file.split("/")[0] as string;
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^;]*?\sfrom\s+["'](\.{1,2}\/[^"']+)["']/g;
const SIDE_EFFECT_IMPORT = /(?:^|\n)\s*import\s+["'](\.{1,2}\/[^"']+)["']/g;

/** Folder → folder edges, each with the import lines that make it. */
export function folderImportGraph(
  files: string[] = serverSourceFiles(),
  read: (file: string) => string = (file) => fs.readFileSync(path.join(SERVER_DIR, file), "utf8"),
): Map<string, Map<string, string[]>> {
  const graph = new Map<string, Map<string, string[]>>();
  for (const file of files) {
    const source = read(file);
    for (const match of [...source.matchAll(IMPORT), ...source.matchAll(SIDE_EFFECT_IMPORT)]) {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), match[1] as string));
      if (target.startsWith("..")) continue; // outside server/
      const from = folderOf(file);
      const to = folderOf(target);
      if (from === to) continue;
      const targets = graph.get(from) ?? new Map<string, string[]>();
      graph.set(from, targets);
      targets.set(to, [...(targets.get(to) ?? []), `${file} imports ${match[1]}`]);
    }
  }
  return graph;
}

/** The strongly connected components with more than one folder (Tarjan): each holds a cycle. */
export function folderCycles(graph: Map<string, Map<string, string[]>>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (folder: string) => {
    index.set(folder, next);
    low.set(folder, next);
    next += 1;
    stack.push(folder);
    onStack.add(folder);
    for (const target of graph.get(folder)?.keys() ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(folder, Math.min(low.get(folder) as number, low.get(target) as number));
      } else if (onStack.has(target)) {
        low.set(folder, Math.min(low.get(folder) as number, index.get(target) as number));
      }
    }
    if (low.get(folder) === index.get(folder)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop() as string;
        onStack.delete(member);
        component.push(member);
      } while (member !== folder);
      if (component.length > 1) components.push(component.sort());
    }
  };
  for (const folder of graph.keys()) if (!index.has(folder)) visit(folder);
  return components;
}

/**
 * What counts as building a query: starting a Kysely statement (selectFrom, insertInto, updateTable,
 * deleteFrom, replaceInto, mergeInto, selectNoFrom, a `with` CTE) or writing raw SQL (the `sql` tag
 * and its helpers such as sql.ref, sql.join). Opening a transaction (db.transaction()) is a
 * service's job, not the HTTP layer's: a service opens it and hands `trx` to queries.ts.
 */
const QUERY_BUILDER =
  /\.(?:selectFrom|insertInto|updateTable|deleteFrom|replaceInto|mergeInto|selectNoFrom)\s*\(|\.with\s*\(\s*["'`]|\bsql\s*(?:<[^`]*?>)?\s*`|\bsql\.(?:ref|join|raw|lit|id|table|val|value)\s*\(/g;
/** Opening a transaction belongs to a service (or queries.ts), never to the HTTP layer. */
const TRANSACTION = /\.transaction\s*\(\s*\)/g;

/**
 * Files where queries may be built: queries.ts (and name-queries.ts), the database layer itself
 * (db/: connection, migrations, shared SQL fragments), and demo/, which seeds development data.
 */
export function mayBuildQueries(file: string): boolean {
  return /(^|\/|-)queries\.ts$/.test(file) || file.startsWith("db/") || file.startsWith("demo/");
}

/** The HTTP layer: routes files, http/ and the app's assembly, which call services and never open transactions. */
export function isHttpLayer(file: string): boolean {
  return (
    /(^|\/|-)routes\.ts$/.test(file) || file.startsWith("http/") || file === "app.ts" || file === "main.ts"
  );
}

export function mayOpenTransactions(file: string): boolean {
  return !isHttpLayer(file);
}

/** `file:line: code` for every query built, or transaction opened, where it does not belong. */
export function misplacedQueries(
  files: string[] = serverSourceFiles(),
  read: (file: string) => string = (file) => fs.readFileSync(path.join(SERVER_DIR, file), "utf8"),
): string[] {
  const found: string[] = [];
  for (const file of files) {
    const checks = [
      ...(mayBuildQueries(file) ? [] : [QUERY_BUILDER]),
      ...(mayOpenTransactions(file) ? [] : [TRANSACTION]),
    ];
    if (checks.length === 0) continue;
    const lines = read(file).split("\n");
    lines.forEach((line, i) => {
      if (/^\s*(\/\/|\*)/.test(line)) return;
      if (checks.some((check) => new RegExp(check.source).test(line))) {
        found.push(`${file}:${i + 1}: ${line.trim()}`);
      }
    });
  }
  return found;
}
