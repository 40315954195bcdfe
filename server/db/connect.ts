// Opens the database: PostgreSQL through `pg` when a URL is given, embedded PGlite otherwise.
// Both sit behind the same Kysely instance and run the same SQL.
import fs from "node:fs";
import { Kysely, PostgresDialect, sql } from "kysely";
import type pg from "pg";
import type { FieldDef } from "pg";
import { PgliteDialect } from "./pglite-dialect.js";
import type { DB } from "./schema.js";

export type DatabaseKind = "pglite" | "postgres";

export type Database = {
  db: Kysely<DB>;
  kind: DatabaseKind;
  /**
   * Runs fn on one dedicated session, with exec() for multi-statement SQL scripts
   * (migrations only, never user input); exec resolves to the rows of the last statement.
   */
  withScriptSession<T>(
    fn: (exec: (script: string) => Promise<Record<string, unknown>[]>) => Promise<T>,
  ): Promise<T>;
  ping(): Promise<void>;
  close(): Promise<void>;
};

export async function openDatabase(options: {
  url?: string;
  dataDir?: string;
  poolSize?: number;
}): Promise<Database> {
  if (options.url) return openPostgres(options.url, options.poolSize ?? 10);
  return openPglite(options.dataDir ?? "memory://");
}

/** An embedded database that can be written out whole, and opened again from what it wrote. */
export type PgliteDatabase = Database & { dumpDataDir(): Promise<Blob> };

/**
 * What every session of the portal plans with, on both databases:
 * - no JIT compilation: every statement is short and bounded, and compiling one costs more than
 *   running it;
 * - a random page read priced at 1.1 sequential ones, not PostgreSQL's default of 4, which prices a
 *   disk's seek: what a request reads is in memory or on SSD. At 4, a search for a surname in a
 *   100,000-member company walked the company's whole email index instead of reading its trigram
 *   index, 30 ms against 6.
 */
export const PLANNER_SETTINGS = { jit: "off", random_page_cost: "1.1" } as const;

// Parameterised queries run as named prepared statements: PostgreSQL parses and plans each
// statement once per connection instead of on every request: planning is most of what a short
// query costs. One name
// per distinct SQL text, shared by all connections; bounded, and bulk statements stay unnamed.
const PREPARED_MAX_STATEMENTS = 2_000;
const PREPARED_MAX_PARAMETERS = 200;
const statementNames = new Map<string, string>();

function statementName(text: string): string | undefined {
  let name = statementNames.get(text);
  if (name === undefined && statementNames.size < PREPARED_MAX_STATEMENTS) {
    // A LIKE's best plan depends on its pattern (a trigram index for a rare term, the email order
    // for a common one): planned on every execution, never from a generic plan.
    name = /\bLIKE\b/i.test(text) ? "" : `portal_${statementNames.size + 1}`;
    statementNames.set(text, name);
  }
  return name || undefined;
}

type CorkableStream = { cork(): void; uncork(): void };

type Pg = typeof pg;

/** The part of pg's query and result this module reaches into (pg 8's lib/query.js and lib/result.js). */
type PgResult = {
  command: string | null;
  fields: FieldDef[];
  _types: { getTypeParser(oid: number, format: string): (text: string) => unknown };
  parseRow: (values: (string | null)[]) => Record<string, unknown>;
};
type PgQuery = { _result: PgResult; _accumulateRows: boolean; name: string };

/** A prepared statement's result columns, read once from its row description, and its rows' maker. */
type RowShape = { fields: FieldDef[]; parseRow: (values: (string | null)[]) => Record<string, unknown> };

/** As pg's Result.parseRow for text columns: a later column of the same name replaces an earlier one. */
function rowMaker(fields: FieldDef[], types: PgResult["_types"]): RowShape["parseRow"] {
  const names = fields.map((field) => field.name);
  const parsers = fields.map((field) => types.getTypeParser(field.dataTypeID, "text"));
  return (values) => {
    const row: Record<string, unknown> = {};
    for (let i = 0; i < values.length; i += 1) {
      const value = values[i];
      row[names[i] as string] =
        value === null || value === undefined ? null : (parsers[i] as (text: string) => unknown)(value);
    }
    return row;
  };
}

function sameFields(a: FieldDef[], b: FieldDef[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) {
    const x = a[i] as FieldDef;
    const y = b[i] as FieldDef;
    if (x.name !== y.name || x.dataTypeID !== y.dataTypeID || x.format !== y.format) return false;
  }
  return true;
}

/**
 * pg's Client with named prepared statements and corked writes (pg is loaded only when used).
 * A named statement's query skips two things pg does on every call: copying the query's config
 * object (through its property descriptors), and making the columns' parsers and an empty row
 * from every answer's row description; its columns are read once per statement instead.
 */
function preparingClient(pg: Pg) {
  const shapes = new Map<string, RowShape>();
  const Query = pg.Query as unknown as new (
    text: string,
    values: unknown[],
    callback: (error: Error | undefined, result: unknown) => void,
  ) => PgQuery & { handleRowDescription(message: { fields: FieldDef[] }): void };

  class NamedQuery extends Query {
    constructor(
      name: string,
      text: string,
      values: unknown[],
      callback: (error: Error | undefined, result: unknown) => void,
    ) {
      // A text, not a config object: pg then copies nothing.
      super(text, values, callback);
      this.name = name;
    }

    override handleRowDescription(message: { fields: FieldDef[] }) {
      const result = this._result;
      const fields = message.fields;
      // Binary columns, or a second result (never from one prepared statement): pg's own way.
      if (result.command !== null || fields.some((field) => field.format !== "text")) {
        super.handleRowDescription(message);
        return;
      }
      let shape = shapes.get(this.name);
      if (shape === undefined || !sameFields(shape.fields, fields)) {
        shape = { fields, parseRow: rowMaker(fields, result._types) };
        shapes.set(this.name, shape);
      }
      result.fields = fields;
      result.parseRow = shape.parseRow;
      this._accumulateRows = true;
    }
  }

  return class PreparingClient extends pg.Client {
    // biome-ignore lint/suspicious/noExplicitAny: pg's query() has a dozen overloads; this only forwards them.
    override query(config: any, values?: any, callback?: any): any {
      // pg writes Bind, Describe, Execute and Sync one by one: corked, they leave in one system call.
      const stream = (this as unknown as { connection?: { stream?: CorkableStream } }).connection?.stream;
      stream?.cork();
      try {
        if (typeof config === "string" && Array.isArray(values) && values.length <= PREPARED_MAX_PARAMETERS) {
          const name = statementName(config);
          if (name) return this.#named(name, config, values, callback);
        }
        return super.query(config, values, callback);
      } finally {
        stream?.uncork();
      }
    }

    #named(
      name: string,
      text: string,
      values: unknown[],
      callback?: (error: Error | undefined, result: unknown) => void,
    ) {
      if (typeof callback === "function") {
        super.query(new NamedQuery(name, text, values, callback) as unknown as pg.Submittable);
        return undefined;
      }
      return new Promise((resolve, reject) => {
        super.query(
          new NamedQuery(name, text, values, (error, result) =>
            error ? reject(error) : resolve(result),
          ) as unknown as pg.Submittable,
        );
      }).catch((error: Error) => {
        // As pg does: a stack that leads back to the caller, not to the socket's read.
        Error.captureStackTrace(error);
        throw error;
      });
    }
  };
}

async function openPostgres(url: string, poolSize: number): Promise<Database> {
  // Loaded here, not at start-up: the embedded default never needs it.
  const { default: pg } = await import("pg");
  // COUNT(*) and other int8 values fit comfortably in a double here; parse them as numbers on both drivers.
  pg.types.setTypeParser(20, (value) => Number.parseInt(value, 10));
  const pool = new pg.Pool({
    connectionString: url,
    // An `options` parameter in the URL replaces these.
    options: Object.entries(PLANNER_SETTINGS)
      .map(([name, value]) => `-c ${name}=${value}`)
      .join(" "),
    max: poolSize,
    connectionTimeoutMillis: 5_000,
    Client: preparingClient(pg),
  });
  // A pooled client that errors while idle (e.g. the server restarted) must not crash the process.
  pool.on("error", () => {});
  // A client checked out of the pool has no error listener: a connection that dies between two queries
  // of a transaction (PostgreSQL restarting) would crash the process with an unhandled 'error'. The
  // query in flight, or the next one, still fails (503), and the pool drops the client on release.
  pool.on("connect", (client) => client.on("error", () => {}));
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    kind: "postgres",
    async withScriptSession(fn) {
      const client = await pool.connect();
      try {
        return await fn(async (script) => {
          const result = (await client.query(script)) as unknown as pg.QueryResult | pg.QueryResult[];
          const last = Array.isArray(result) ? result[result.length - 1] : result;
          return (last?.rows ?? []) as Record<string, unknown>[];
        });
      } finally {
        client.release();
      }
    },
    async ping() {
      await sql`select 1`.execute(db);
    },
    async close() {
      await db.destroy();
      // Kysely ends the pool only once a query of its own has run: a database that only ran
      // scripts (migrations) kept an idle session open until the pool's idle timeout.
      if (!pool.ended) await pool.end();
    },
  };
}

/**
 * PGlite at `dataDir`; in memory from `loadDataDir` when given, a data directory `dumpDataDir`
 * wrote (which skips initdb, most of an empty database's opening).
 */
export async function openPglite(dataDir: string, loadDataDir?: Blob): Promise<PgliteDatabase> {
  if (!dataDir.startsWith("memory://")) fs.mkdirSync(dataDir, { recursive: true });
  // Loaded here, not at start-up: a server on PostgreSQL never needs it (about 40 ms and 7 MB).
  const [{ PGlite }, { btree_gin }, { pg_trgm }] = await Promise.all([
    import("@electric-sql/pglite"),
    import("@electric-sql/pglite/contrib/btree_gin"),
    import("@electric-sql/pglite/contrib/pg_trgm"),
  ]);
  const client = await PGlite.create(dataDir, {
    ...(loadDataDir ? { loadDataDir } : {}),
    // pg_trgm and btree_gin back the member search index (migration 006).
    extensions: { pg_trgm, btree_gin },
    parsers: { 20: (value: string) => Number.parseInt(value, 10) },
  });
  for (const [name, value] of Object.entries(PLANNER_SETTINGS)) await client.exec(`SET ${name} = ${value}`);
  const db = new Kysely<DB>({ dialect: new PgliteDialect(client) });
  return {
    db,
    kind: "pglite",
    async withScriptSession(fn) {
      // Through Kysely's connection lock, so no request runs in the middle of a migration.
      return db.connection().execute(() =>
        fn(async (script) => {
          const results = await client.exec(script);
          return (results[results.length - 1]?.rows ?? []) as Record<string, unknown>[];
        }),
      );
    },
    async ping() {
      await sql`select 1`.execute(db);
    },
    async close() {
      await db.destroy();
    },
    async dumpDataDir() {
      return db.connection().execute(() => client.dumpDataDir("gzip"));
    },
  };
}
