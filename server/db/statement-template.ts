// A statement built with Kysely's `sql` template is rebuilt and compiled to text on every call:
// for the guard's query (session, standing, memberships) that is a tree of a few hundred nodes per
// request. Here a statement whose text depends only on its shape is compiled once per shape, with
// one placeholder for each argument, and each call only fills in the values.
import { CompiledQuery, type Kysely, type QueryResult, type RawBuilder, type Transaction } from "kysely";
import type { DB } from "./schema.js";

/** Stands for the argument at `index` while the statement is compiled once. */
class Slot {
  constructor(readonly index: number) {}
}

type Compiled = { sql: string; parameters: readonly unknown[] };

/** A shape's compiled statement: each placeholder's argument index (`slots`), or null for a constant of the text. */
export type CompiledShape = Compiled & { slots: readonly (number | null)[] };

export type StatementTemplate<A extends unknown[], R> = {
  execute(db: Kysely<DB> | Transaction<DB>, shape: string, ...args: A): Promise<QueryResult<R>>;
  /** The shape's statement as compiled once (null when compiled statements are not used: see execute). */
  compiled(db: Kysely<DB> | Transaction<DB>, shape: string): CompiledShape | null;
};

/**
 * The statement with one placeholder per argument, however often `build` used it: each value is
 * sent, and parsed by PostgreSQL, once. The text is left as compiled when it holds a `$` that is
 * no placeholder of it.
 */
function sharePlaceholders(statement: Compiled): Compiled {
  const references = statement.sql.match(/\$\d*/g) ?? [];
  const count = statement.parameters.length;
  const isPlaceholder = (reference: string) =>
    /^\$\d+$/.test(reference) && Number(reference.slice(1)) <= count;
  if (!references.every(isPlaceholder)) return statement;
  const parameters: unknown[] = [];
  const positionOfSlot = new Map<number, number>();
  const renumbered = statement.parameters.map((value) => {
    if (value instanceof Slot) {
      const known = positionOfSlot.get(value.index);
      if (known !== undefined) return known;
      positionOfSlot.set(value.index, parameters.length + 1);
    }
    parameters.push(value);
    return parameters.length;
  });
  const sql = statement.sql.replace(/\$(\d+)/g, (_match, n: string) => `$${renumbered[Number(n) - 1]}`);
  return { sql, parameters };
}

/**
 * `build(shape, ...args)` must use each argument only as a parameter value (`${arg}`), never to
 * choose the statement's text; `shape` (a string) chooses it. The compiled text is kept per shape.
 */
export function statementTemplate<A extends unknown[], R>(
  build: (shape: string, ...args: A) => RawBuilder<R>,
  arity: number,
): StatementTemplate<A, R> {
  const compiledShapes = new Map<string, CompiledShape>();
  const compiled = (db: Kysely<DB> | Transaction<DB>, shape: string): CompiledShape | null => {
    // A plugin (a test's statement log) sees the statement's tree, which only a fresh build has.
    if (db.getExecutor().plugins.length > 0) return null;
    let statement = compiledShapes.get(shape);
    if (statement === undefined) {
      const slots = Array.from({ length: arity }, (_unused, index) => new Slot(index)) as unknown as A;
      const shared = sharePlaceholders(build(shape, ...slots).compile(db));
      statement = {
        ...shared,
        slots: shared.parameters.map((value) => (value instanceof Slot ? value.index : null)),
      };
      compiledShapes.set(shape, statement);
    }
    return statement;
  };
  return {
    compiled,
    async execute(db, shape, ...args) {
      const statement = compiled(db, shape);
      if (statement === null) return build(shape, ...args).execute(db);
      const parameters = statement.parameters.map((value) =>
        value instanceof Slot ? args[value.index] : value,
      );
      return db.executeQuery<R>(CompiledQuery.raw(statement.sql, parameters));
    },
  };
}
