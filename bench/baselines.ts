// Baselines measured in the same run as the portal: B0 a bare Fastify route answering constant
// JSON, B1 a bare Fastify route doing `SELECT 1` through a `pg` pool (the portal's pool size), B2 a
// bare Fastify route making one committed write through such a pool: a row's version moved and a
// line logged about it, in one statement (what any durable change costs, beside S5's role changes).
//   tsx bench/baselines.ts b0|b1|b2 PORT [DATABASE_URL]
import Fastify from "fastify";
import pg from "pg";

/** Rows B2 changes in turn. */
const B2_ROWS = 10_000;

async function main() {
  const [kind, port, url] = process.argv.slice(2);
  if (!["b0", "b1", "b2"].includes(kind ?? "") || !port || (kind !== "b0" && !url)) {
    console.error("usage: tsx bench/baselines.ts b0|b1|b2 PORT [DATABASE_URL]");
    process.exit(2);
  }
  const app = Fastify({ logger: false });
  const reply = { type: "object", properties: { ok: { type: "boolean" } } };
  if (kind === "b0") {
    app.get("/", { schema: { response: { 200: reply } } }, async () => ({ ok: true }));
  } else if (kind === "b1") {
    const pool = new pg.Pool({ connectionString: url, max: 10 });
    app.get("/", { schema: { response: { 200: reply } } }, async () => {
      await pool.query("SELECT 1");
      return { ok: true };
    });
    app.addHook("onClose", async () => pool.end());
  } else {
    const pool = new pg.Pool({ connectionString: url, max: 10 });
    // Tables of its own in the bench database, emptied at each start: B2_ROWS rows, and a log with
    // an index beside its key, as an audit log has.
    await pool.query(`CREATE TABLE IF NOT EXISTS bench_b2_rows (id int PRIMARY KEY, version int NOT NULL);
                      CREATE TABLE IF NOT EXISTS bench_b2_log (id bigserial PRIMARY KEY, row_id int NOT NULL,
                        version int NOT NULL, at timestamptz NOT NULL, details jsonb NOT NULL);
                      CREATE INDEX IF NOT EXISTS bench_b2_log_row_idx ON bench_b2_log (row_id, at DESC);
                      TRUNCATE bench_b2_rows, bench_b2_log;
                      INSERT INTO bench_b2_rows SELECT n, 0 FROM generate_series(1, ${B2_ROWS}) n;`);
    let next = 0;
    app.get("/", { schema: { response: { 200: reply } } }, async () => {
      next = (next % B2_ROWS) + 1;
      await pool.query({
        name: "b2",
        text: `WITH changed AS (UPDATE bench_b2_rows SET version = version + 1 WHERE id = $1 RETURNING id, version)
               INSERT INTO bench_b2_log (row_id, version, at, details)
               SELECT id, version, now(), $2::jsonb FROM changed`,
        values: [next, '{"before":{"roles":["finance"]},"after":{"roles":["operations"]}}'],
      });
      return { ok: true };
    });
    app.addHook("onClose", async () => pool.end());
  }
  await app.listen({ port: Number(port), host: "127.0.0.1" });
  console.log(`ready http://127.0.0.1:${port}`);
  const stop = () => void app.close().then(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

void main();
