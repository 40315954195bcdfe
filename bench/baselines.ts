// Baselines measured in the same run as the portal: B0 a bare Fastify route answering constant
// JSON, B1 a bare Fastify route doing `SELECT 1` through a `pg` pool (the portal's pool size).
//   tsx bench/baselines.ts b0|b1 PORT [DATABASE_URL]
import Fastify from "fastify";
import pg from "pg";

async function main() {
  const [kind, port, url] = process.argv.slice(2);
  if ((kind !== "b0" && kind !== "b1") || !port || (kind === "b1" && !url)) {
    console.error("usage: tsx bench/baselines.ts b0|b1 PORT [DATABASE_URL]");
    process.exit(2);
  }
  const app = Fastify({ logger: false });
  const reply = { type: "object", properties: { ok: { type: "boolean" } } };
  if (kind === "b0") {
    app.get("/", { schema: { response: { 200: reply } } }, async () => ({ ok: true }));
  } else {
    const pool = new pg.Pool({ connectionString: url, max: 10 });
    app.get("/", { schema: { response: { 200: reply } } }, async () => {
      await pool.query("SELECT 1");
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
