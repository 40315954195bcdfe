// Many requests at once each ask the same statement of their own values (the guard's, under load):
// each a round trip, and for PostgreSQL each an executor started and torn down. Here the calls made
// in one turn of the event loop go as one statement over the rows of their values, which answers
// each call with the rows it would have had alone.
import { CompiledQuery, type Kysely, type QueryResult } from "kysely";
import type { DB } from "./schema.js";
import type { CompiledShape, StatementTemplate } from "./statement-template.js";

type Call<A, R> = { args: A; resolve: (result: QueryResult<R>) => void; reject: (error: unknown) => void };

/** The column that carries each row's call in a batch: no statement of ours has a column of that name. */
const CALL_COLUMN = "batch_call";
/** The rows of the calls' values, by a name no statement of ours gives a table (it would hide these). */
const VALUES = "batch_values";

/**
 * The statement of `shape` run once for many calls: their values as rows (`unnest` of one array per
 * argument, typed by `types`, then the number of calls), the statement beside each (LATERAL), each
 * row marked with its call.
 * Null when the statement cannot be run so (it names no argument: the rows would not differ).
 */
export function batchText(
  compiled: { sql: string; slots: readonly (number | null)[] },
  types: readonly string[],
): { sql: string; constants: number[]; arrays: number[] } | null {
  // A `$` that is no placeholder (in a literal) would be read as one below.
  const references = compiled.sql.match(/\$\d*/g) ?? [];
  if (!references.every((ref) => /^\$\d+$/.test(ref) && Number(ref.slice(1)) <= compiled.slots.length)) {
    return null;
  }
  // Each placeholder of the statement is an argument (a column of the rows) or a constant of its text.
  const constants: number[] = [];
  const used = new Set<number>();
  const renumbered = compiled.slots.map((slot, position) => {
    if (slot === null) {
      constants.push(position);
      return `$${constants.length}`;
    }
    used.add(slot);
    return `${VALUES}.a${slot}`;
  });
  if (used.size === 0) return null;
  const arrays = [...used].sort((a, b) => a - b);
  const body = compiled.sql.replace(/\$(\d+)/g, (_match, n: string) => renumbered[Number(n) - 1] ?? _match);
  const columns = arrays.map((slot) => `a${slot}`).join(", ");
  const unnested = arrays
    .map((slot, i) => {
      const type = types[slot];
      if (!type || !/^[a-z]+$/.test(type)) throw new Error(`statement batch: no type for argument ${slot}`);
      return `$${constants.length + i + 1}::${type}[]`;
    })
    .join(", ");
  // The LIMIT (the number of calls, so it keeps every row) is there for the planner: it estimates a
  // LIMIT it cannot read at a tenth of its input, one row here, where it reads `unnest` of an array
  // it cannot see as ten. A prepared statement keeps its generic plan only while that is no dearer
  // than the plans made for each run's values; planned for one row it never is, so the batch is not
  // planned again after its fifth run, however few calls it carries.
  // Each call's rows keep the statement's own order: the statement reads the call's values, so the
  // join can only be a nested loop that runs it whole for one call after another.
  const count = `$${constants.length + arrays.length + 1}::int`;
  return {
    sql: `SELECT x.*, ${VALUES}.${CALL_COLUMN}
  FROM (SELECT * FROM unnest(${unnested}) WITH ORDINALITY AS u(${columns}, ${CALL_COLUMN}) LIMIT ${count}) ${VALUES}
 CROSS JOIN LATERAL (${body}) x`,
    constants,
    arrays,
  };
}

/**
 * `template`'s statements, batched: a call on the database itself (not in a transaction, which has
 * its connection) waits for the end of this turn of the event loop, and the calls of one shape made
 * by then go together. A call alone goes as it would have without the batch. A batch that fails is
 * retried call by call, so one call's bad value costs no other call its answer.
 */
export function statementBatch<A extends unknown[], R>(
  template: StatementTemplate<A, R>,
  /** PostgreSQL's type of each argument, in order (`uuid`, `text`, `timestamptz`). */
  types: readonly string[],
) {
  const waiting = new WeakMap<Kysely<DB>, Map<string, Call<A, R>[]>>();
  const texts = new Map<string, ReturnType<typeof batchText>>();
  const textOf = (compiled: CompiledShape, shape: string) => {
    let text = texts.get(shape);
    if (text === undefined) {
      text = batchText(compiled, types);
      texts.set(shape, text);
    }
    return text;
  };

  const alone = (db: Kysely<DB>, shape: string, call: Call<A, R>) =>
    template.execute(db, shape, ...call.args).then(call.resolve, call.reject);

  async function send(db: Kysely<DB>, shape: string, calls: Call<A, R>[]): Promise<void> {
    const first = calls[0];
    if (!first) return;
    const compiled = template.compiled(db, shape);
    const text = calls.length > 1 && compiled ? textOf(compiled, shape) : null;
    if (!text) {
      await Promise.all(calls.map((call) => alone(db, shape, call)));
      return;
    }
    let result: QueryResult<Record<string, unknown>>;
    try {
      const parameters = [
        ...text.constants.map((position) => compiled?.parameters[position]),
        ...text.arrays.map((slot) => calls.map((call) => call.args[slot])),
        calls.length,
      ];
      result = await db.executeQuery<Record<string, unknown>>(CompiledQuery.raw(text.sql, parameters));
    } catch {
      await Promise.all(calls.map((call) => alone(db, shape, call)));
      return;
    }
    const rowsOf: R[][] = calls.map(() => []);
    for (const row of result.rows) {
      const call = Number(row[CALL_COLUMN]) - 1;
      // Left on the row, undefined: deleting it would turn the row into a slower kind of object.
      row[CALL_COLUMN] = undefined;
      rowsOf[call]?.push(row as R);
    }
    calls.forEach((call, i) => {
      call.resolve({ rows: rowsOf[i] ?? [] });
    });
  }

  return {
    execute(db: Kysely<DB>, shape: string, ...args: A): Promise<QueryResult<R>> {
      if (db.isTransaction || db.getExecutor().plugins.length > 0)
        return template.execute(db, shape, ...args);
      let shapes = waiting.get(db);
      if (!shapes) {
        shapes = new Map();
        waiting.set(db, shapes);
      }
      let calls = shapes.get(shape);
      if (!calls) {
        const batch: Call<A, R>[] = [];
        calls = batch;
        shapes.set(shape, batch);
        setImmediate(() => {
          shapes?.delete(shape);
          void send(db, shape, batch);
        });
      }
      const joining = calls;
      return new Promise((resolve, reject) => {
        joining.push({ args, resolve, reject });
      });
    },
  };
}
