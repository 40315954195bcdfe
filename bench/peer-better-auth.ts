// The peer: better-auth with its organization plugin, on the same PostgreSQL and the same accounts,
// companies and members (copied by SQL into its own schema), serving its own HTTP API.
//   tsx bench/peer-better-auth.ts PORT DATABASE_URL   serves it (the bench starts it as a child process)
import http from "node:http";
import { betterAuth } from "better-auth";
import { hashPassword } from "better-auth/crypto";
import { getMigrations } from "better-auth/db/migration";
import { toNodeHandler } from "better-auth/node";
import { organization } from "better-auth/plugins";
import pg from "pg";
import { ADMIN_EMAIL, BENCH_PASSWORD } from "./seed.js";

/** Its tables live in their own schema of the bench database, chosen by search_path as its docs say. */
const SCHEMA = "better_auth";
const PEER_SEED_VERSION = "peer-seed-v1";
// A fixed secret: the bench's own, never a real one.
const SECRET = "bench-only secret for better-auth, not used anywhere else";

function peerPool(url: string) {
  return new pg.Pool({ connectionString: url, options: `-c search_path=${SCHEMA}` });
}

function peerOptions(pool: pg.Pool, baseURL: string) {
  return {
    database: pool,
    secret: SECRET,
    baseURL,
    emailAndPassword: { enabled: true },
    plugins: [organization()],
    // Off for the load test (one client sends thousands of requests a second); other defaults kept.
    rateLimit: { enabled: false },
    telemetry: { enabled: false },
  };
}

/**
 * Creates its schema through its own migrations and copies the portal's accounts, companies,
 * members and pending invitations into it; reused when its marker row is there.
 */
export async function ensurePeerSeeded(
  url: string,
  log: (line: string) => void,
): Promise<{ reused: boolean }> {
  const pool = peerPool(url);
  try {
    const marker = await pool.query(
      `SELECT 1 FROM pg_tables WHERE schemaname = '${SCHEMA}' AND tablename = 'bench_peer_seed'`,
    );
    if (marker.rowCount === 1) {
      const row = await pool.query(`SELECT 1 FROM ${SCHEMA}.bench_peer_seed WHERE version = $1`, [
        PEER_SEED_VERSION,
      ]);
      if (row.rowCount === 1) return { reused: true };
    }
    const started = Date.now();
    await pool.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE; CREATE SCHEMA ${SCHEMA}`);
    const migrations = await getMigrations(peerOptions(pool, "http://127.0.0.1"));
    await migrations.runMigrations();
    const credential = await hashPassword(BENCH_PASSWORD);
    const client = await pool.connect();
    try {
      await client.query(`SET synchronous_commit = off; SET work_mem = '256MB'`);
      await client.query(`
        INSERT INTO ${SCHEMA}."user" (id, name, email, "emailVerified", "createdAt", "updatedAt")
        SELECT id::text, name, email, true, created_at, created_at FROM public.accounts;
        INSERT INTO ${SCHEMA}.organization (id, name, slug, "createdAt")
        SELECT id::text, name, lower(merchant_id), created_at FROM public.companies;
        INSERT INTO ${SCHEMA}.member (id, "organizationId", "userId", role, "createdAt")
        SELECT m.id::text, m.company_id::text, m.account_id::text,
               CASE WHEN EXISTS (SELECT 1 FROM public.member_roles mr JOIN public.roles r ON r.id = mr.role_id
                                  WHERE mr.member_id = m.id AND r.key = 'admin') THEN 'owner' ELSE 'member' END,
               m.joined_at
          FROM public.members m;
        INSERT INTO ${SCHEMA}.invitation (id, "organizationId", email, role, status, "expiresAt", "createdAt", "inviterId")
        SELECT id::text, company_id::text, email, 'member', 'pending', expires_at, created_at, invited_by::text
          FROM public.invitations WHERE status = 'pending' AND invited_by IS NOT NULL;`);
      await client.query(
        `INSERT INTO ${SCHEMA}.account (id, "accountId", "providerId", "userId", password, "createdAt", "updatedAt")
         SELECT gen_random_uuid()::text, id, 'credential', id, $2, now(), now() FROM ${SCHEMA}."user" WHERE email = $1`,
        [ADMIN_EMAIL, credential],
      );
      await client.query(`VACUUM ANALYZE ${SCHEMA}."user"`);
      await client.query(`VACUUM ANALYZE ${SCHEMA}.member`);
      await client.query(`VACUUM ANALYZE ${SCHEMA}.organization`);
      await client.query(`CREATE TABLE ${SCHEMA}.bench_peer_seed (version text PRIMARY KEY)`);
      await client.query(`INSERT INTO ${SCHEMA}.bench_peer_seed VALUES ($1)`, [PEER_SEED_VERSION]);
    } finally {
      client.release();
    }
    log(`  better-auth schema migrated and filled (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    return { reused: false };
  } finally {
    await pool.end();
  }
}

/** Signs the bench admin in through better-auth's own API; returns the Cookie header it set. */
export async function signInToPeer(baseUrl: string): Promise<string> {
  const response = await fetch(`${baseUrl}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: baseUrl },
    body: JSON.stringify({ email: ADMIN_EMAIL, password: BENCH_PASSWORD }),
  });
  if (response.status !== 200) {
    throw new Error(`better-auth sign-in answered ${response.status}: ${await response.text()}`);
  }
  const cookies = response.headers.getSetCookie().map((line) => line.split(";")[0]);
  if (!cookies.some((c) => c?.includes("session_token")))
    throw new Error("better-auth set no session cookie");
  return cookies.join("; ");
}

async function serve(port: number, url: string) {
  const baseURL = `http://127.0.0.1:${port}`;
  const auth = betterAuth(peerOptions(peerPool(url), baseURL));
  const server = http.createServer(toNodeHandler(auth));
  server.keepAliveTimeout = 65_000;
  server.listen(port, "127.0.0.1", () => console.log(`ready ${baseURL}`));
  const stop = () => server.close(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [port, url] = process.argv.slice(2);
  if (!port || !url) {
    console.error("usage: tsx bench/peer-better-auth.ts PORT DATABASE_URL");
    process.exit(2);
  }
  void serve(Number(port), url);
}
