// The portal's scenarios S1-S7: what each request is, which session sends it, what it must answer.
// Fixtures (ids, versions, cookies) come from the bench database and the portal's own login.
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { hashSecretToken } from "../server/access/tokens.js";
import type { LoadRequest } from "./load.js";
import { answers200, residentBytes, startChild } from "./processes.js";
import { ADMIN_EMAIL, BENCH_PASSWORD, BIG_COMPANY_NAME, DEVELOPER_EMAIL, FINANCE_EMAIL } from "./seed.js";

export type Fixtures = {
  companyId: string;
  financeRoleId: string;
  operationsRoleId: string;
  /** Members whose roles S5 flips between Finance and Operations (active, not Admins). */
  writeTargets: { id: string; version: number; role: "finance" | "operations" }[];
};

export async function loadFixtures(url: string, targets: number): Promise<Fixtures> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const company = await client.query("SELECT id FROM companies WHERE name = $1", [BIG_COMPANY_NAME]);
    const companyId = company.rows[0]?.id as string;
    const roles = await client.query(
      "SELECT key, id FROM roles WHERE company_id = $1 AND key IN ('finance', 'operations')",
      [companyId],
    );
    const roleId = (key: string) => roles.rows.find((r) => r.key === key)?.id as string;
    // Members holding exactly one role, Finance or Operations: flipping it never touches Admins.
    const members = await client.query(
      `SELECT m.id, m.version, min(r.key) AS role
         FROM members m JOIN member_roles mr ON mr.member_id = m.id JOIN roles r ON r.id = mr.role_id
        WHERE m.company_id = $1 AND m.status = 'active'
        GROUP BY m.id, m.version
       HAVING count(*) = 1 AND min(r.key) IN ('finance', 'operations')
        ORDER BY m.id LIMIT $2`,
      [companyId, targets],
    );
    return {
      companyId,
      financeRoleId: roleId("finance"),
      operationsRoleId: roleId("operations"),
      writeTargets: members.rows.map((row) => ({ id: row.id, version: row.version, role: row.role })),
    };
  } finally {
    await client.end();
  }
}

/** Logs in through the portal's API; returns the Cookie header and the body. */
export async function portalLogin(
  baseUrl: string,
  email: string,
  password: string,
): Promise<{ cookie: string; body: { memberships: { companyId: string }[] } }> {
  const response = await fetch(`${baseUrl}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  if (response.status !== 200)
    throw new Error(`login as ${email} answered ${response.status}: ${await response.text()}`);
  const cookie = response.headers.getSetCookie().map((line) => line.split(";")[0])[0];
  if (!cookie) throw new Error("the portal set no session cookie");
  return { cookie, body: (await response.json()) as { memberships: { companyId: string }[] } };
}

export type Sessions = { admin: string; developer: string; finance: string };

export async function portalSessions(baseUrl: string): Promise<Sessions> {
  return {
    admin: (await portalLogin(baseUrl, ADMIN_EMAIL, BENCH_PASSWORD)).cookie,
    developer: (await portalLogin(baseUrl, DEVELOPER_EMAIL, BENCH_PASSWORD)).cookie,
    finance: (await portalLogin(baseUrl, FINANCE_EMAIL, BENCH_PASSWORD)).cookie,
  };
}

/**
 * Marks the admin's bench session as having passed an email verification in the company, as the
 * step-up flow would after the user typed the mailed code: the bench skips the mail round trip, not
 * the check. The elevation holds in that company only (rule 7).
 */
export async function elevateSession(url: string, cookie: string, companyId: string): Promise<void> {
  const token = cookie.split("=").slice(1).join("=");
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query(
      `WITH elevated AS (
         UPDATE sessions SET step_up_until = now() + interval '10 minutes'
          WHERE token_hash = $1 RETURNING id, step_up_until)
       INSERT INTO session_elevations (session_id, company_id, verified_until)
       SELECT id, $2, step_up_until FROM elevated
       ON CONFLICT (session_id, company_id) DO UPDATE SET verified_until = EXCLUDED.verified_until`,
      [hashSecretToken(decodeURIComponent(token)), companyId],
    );
    if (result.rowCount !== 1) throw new Error("the bench session to elevate was not found");
  } finally {
    await client.end();
  }
}

/** The first pages of the member list (keyset cursors taken from the API itself). */
export async function memberPages(baseUrl: string, companyId: string, cookie: string, pages: number) {
  const paths: string[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < pages; i += 1) {
    const query: string = `limit=20${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
    const pagePath: string = `/api/companies/${companyId}/members?${query}`;
    const response = await fetch(`${baseUrl}${pagePath}`, { headers: { cookie } });
    if (response.status !== 200) throw new Error(`member list answered ${response.status}`);
    const body = (await response.json()) as { items: unknown[]; total: number; nextCursor: string | null };
    if (body.items.length !== 20) throw new Error(`expected a page of 20 members, got ${body.items.length}`);
    paths.push(pagePath);
    cursor = body.nextCursor;
    if (!cursor) break;
  }
  return paths;
}

/** Email substrings an admin might type: a name, a surname, a domain, a number; rare and common. */
export const SEARCH_TERMS = ["olivia", "garcia", "zoe.w", "4217", "stark", "kenji.park", "mila.", "99"];

export function searchRequests(companyId: string, cookie: string): LoadRequest[] {
  return SEARCH_TERMS.map((term) => ({
    method: "GET",
    path: `/api/companies/${companyId}/members?email=${encodeURIComponent(term)}&limit=20`,
    headers: { cookie },
  }));
}

/** S5: nineteen page reads, then one role change (5% writes) per connection cycle. */
export function mixedRequests(pages: string[], cookie: string, fixtures: Fixtures): LoadRequest[] {
  let next = 0;
  const targets = fixtures.writeTargets;
  const reads: LoadRequest[] = Array.from({ length: 19 }, (_, i) => ({
    method: "GET",
    path: pages[i % pages.length],
    headers: { cookie },
    kind: "read",
  }));
  const write: LoadRequest = {
    method: "PUT",
    kind: "write",
    // A write still in flight when a run ends changes its member without the bench reading the new
    // version; the next write to that member is refused with 409 and its current state, as it
    // should be (24 of about 6,000 writes in a full run).
    alsoExpect: [409],
    headers: { cookie, "content-type": "application/json" },
    setupRequest: (request, context) => {
      const index = next++ % targets.length;
      const target = targets[index]!;
      context.target = index;
      const roleId = target.role === "finance" ? fixtures.operationsRoleId : fixtures.financeRoleId;
      return {
        ...request,
        path: `/api/companies/${fixtures.companyId}/members/${target.id}/roles`,
        body: JSON.stringify({ roleIds: [roleId], version: target.version }),
      };
    },
    onResponse: (status, body, context) => {
      const target = targets[context.target as number];
      if (!target) return;
      try {
        const parsed = JSON.parse(body);
        // 200: the member as changed; 409: someone else changed it first, and here is how it is now.
        const member = status === 200 ? parsed : parsed?.error?.details?.current;
        if (member?.version) {
          target.version = member.version;
          target.role = member.roles?.some((r: { key: string }) => r.key === "finance")
            ? "finance"
            : "operations";
        }
      } catch {
        // counted as unexpected by its status
      }
    },
  };
  return [...reads, write];
}

export type ExportRun = { rows: number; seconds: number; rowsPerSecond: number; rssGrowthBytes: number };

/** S6: streams the whole CSV export once, counting rows and sampling the server's RSS. */
export async function exportOnce(
  baseUrl: string,
  companyId: string,
  cookie: string,
  serverPid: number,
): Promise<ExportRun> {
  const before = await residentBytes(serverPid);
  let peak = before;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      peak = Math.max(peak, await residentBytes(serverPid));
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  })();
  const started = process.hrtime.bigint();
  const newlines = await new Promise<number>((resolve, reject) => {
    const request = http.get(
      `${baseUrl}/api/companies/${companyId}/transactions/export`,
      { headers: { cookie }, timeout: 300_000 },
      (response) => {
        if (response.statusCode !== 200) {
          reject(new Error(`export answered ${response.statusCode}`));
          response.resume();
          return;
        }
        let count = 0;
        response.on("data", (chunk: Buffer) => {
          for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) count += 1;
        });
        response.on("end", () => resolve(count));
        response.on("error", reject);
      },
    );
    request.on("error", reject);
    request.on("timeout", () => request.destroy(new Error("export timed out")));
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  sampling = false;
  await sampler;
  const rows = newlines - 1; // the header line
  return { rows, seconds, rowsPerSecond: rows / seconds, rssGrowthBytes: Math.max(0, peak - before) };
}

export type ColdStart = { seconds: number; baseUrl: string; stop: () => Promise<void>; output: () => string };

export function newDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "portal-bench-pglite-"));
}

/**
 * S7: `npm start` on PGlite (DATA_DIR) until /readyz answers 200. On an empty directory that includes
 * PGlite's initdb, the migrations and the demo company; on a used one, a process starting cold.
 * The web app is built beforehand: the target is "after the first build".
 */
export async function coldStart(port: number, dataDir: string): Promise<ColdStart> {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, PORT: String(port) };
  Object.assign(env, { DATA_DIR: dataDir, HOST: "127.0.0.1", LOG_LEVEL: "warn" });
  const baseUrl = `http://127.0.0.1:${port}`;
  const started = process.hrtime.bigint();
  const child = await startChild("npm start (PGlite)", "npm", ["start"], {
    env,
    isReady: () => answers200(`${baseUrl}/readyz`),
    timeoutMs: 60_000,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { seconds, baseUrl, output: child.output, stop: child.stop };
}

/** The demo admin's credentials as `npm start` printed them on the first start. */
export function demoAdminCredentials(output: string): { email: string; password: string } {
  const match = /^\s+admin\s+(\S+@\S+)\s+(\S+)\s*$/m.exec(output);
  if (!match?.[1] || !match[2]) throw new Error(`npm start printed no demo admin:\n${output.slice(-1000)}`);
  return { email: match[1], password: match[2] };
}
