// Faults, on real server processes: the SMTP server down during an invitation (nothing lost, delivered
// after recovery), PostgreSQL restarted under load (readiness drops and returns, the server recovers
// without a restart, no partial state), a server killed with SIGKILL mid-write (no half-done change)
// and SIGTERM draining the requests in flight.
import { sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "../../server/clock.js";
import { type Database, openDatabase } from "../../server/db/connect.js";
import { migrate } from "../../server/db/migrate.js";
import { inviteMember } from "../../server/invitations/service.js";
import { memoryThrottleStore } from "../../server/ratelimit/throttle-store.js";
import { openTestDatabase, type TestDatabase, testDatabaseKinds } from "../support/databases.js";
import { startSmtpSink } from "../support/smtp-sink.js";
import {
  elevate,
  postgresBinDir,
  type ServerProcess,
  Session,
  startServerProcess,
  startThrowawayPostgres,
  stopAll,
  type ThrowawayPostgres,
  waitFor,
} from "./support/processes.js";
import { seedCompany, seedMember, TEST_PASSWORD, uniqueEmail } from "./support/seed.js";

const onPostgres = testDatabaseKinds.includes("postgres");
const DEVELOPMENT = { NODE_ENV: "development", SEED_DEMO: "false", PUBLIC_URL: "http://portal.test" };
const NEW_PASSWORD = "Juniper-Orbit-Candle-5521";

function invitationDeps(database: Database) {
  return {
    auth: {
      db: database.db,
      clock: systemClock,
      throttle: memoryThrottleStore(),
      sessionPolicy: { idleMs: 3_600_000, absoluteMs: 43_200_000 },
    },
    publicUrl: "http://portal.test",
    ttlHours: 168,
  };
}

async function loggedIn(server: ServerProcess, email: string): Promise<Session> {
  const session = new Session(server.url, "portal_session");
  const response = await session.request("POST", "/api/auth/login", { email, password: TEST_PASSWORD });
  if (response.status !== 200) throw new Error(`login failed: ${response.status} ${response.text}`);
  return session;
}

/** Every invitation is whole: its roles, its one mail and its one audit event, and nothing orphaned. */
async function expectWholeInvitations(database: Database, companyId: string) {
  const broken = await sql<{ problem: string; id: string }>`
    SELECT 'invitation without roles' AS problem, i.id::text AS id FROM invitations i
     WHERE i.company_id = ${companyId}
       AND NOT EXISTS (SELECT 1 FROM invitation_roles r WHERE r.invitation_id = i.id)
    UNION ALL
    SELECT 'invitation without exactly one mail', i.id::text FROM invitations i
     WHERE i.company_id = ${companyId}
       AND (SELECT count(*) FROM mail_outbox m WHERE m.kind = 'invitation' AND m.to_address = i.email) <> 1
    UNION ALL
    SELECT 'invitation without exactly one audit event', i.id::text FROM invitations i
     WHERE i.company_id = ${companyId}
       AND (SELECT count(*) FROM audit_events a
             WHERE a.action = 'invitation.created' AND a.target_id = i.id::text) <> 1
    UNION ALL
    SELECT 'audit event without its invitation', a.target_id FROM audit_events a
     WHERE a.company_id = ${companyId} AND a.action = 'invitation.created'
       AND NOT EXISTS (SELECT 1 FROM invitations i WHERE i.id::text = a.target_id)
    UNION ALL
    SELECT 'mail without its invitation', m.id::text FROM mail_outbox m
     WHERE m.kind = 'invitation' AND m.to_address LIKE 'fault.%'
       AND NOT EXISTS (SELECT 1 FROM invitations i WHERE i.email = m.to_address)`.execute(database.db);
  expect(broken.rows).toEqual([]);
}

describe.runIf(onPostgres)("faults on real server processes", () => {
  let database: TestDatabase;
  const heldLocks: { release(): Promise<void> }[] = [];

  beforeAll(async () => {
    database = await openTestDatabase("postgres");
  });
  afterAll(async () => {
    for (const lock of heldLocks) await lock.release().catch(() => {});
    await stopAll();
    await database?.dispose();
  });

  it("SMTP down during an invitation: the invitation is made, nothing is lost, the mail goes out after recovery", async () => {
    const sink = await startSmtpSink();
    try {
      await sink.stop(); // the mail server is down before the invitation is sent
      const company = await seedCompany(database, "SMTP Outage Co");
      const server = await startServerProcess({
        ...DEVELOPMENT,
        DATABASE_URL: database.url!,
        SMTP_URL: sink.url,
        MFA_SECRET_KEY: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
      });
      const admin = await loggedIn(server, company.admin.email);
      await elevate(database, admin);
      const invitee = uniqueEmail("fault.smtp");
      const invited = await admin.request("POST", `/api/companies/${company.id}/invitations`, {
        email: invitee,
        roleIds: [company.roleIds.finance],
        acceptTerms: true,
      });
      expect(invited.status, invited.text).toBe(201);

      const mailOf = () =>
        database.db
          .selectFrom("mail_outbox")
          .selectAll()
          .where("to_address", "=", invitee)
          .executeTakeFirstOrThrow();
      await waitFor(
        "a failed delivery attempt",
        async () => (await mailOf()).attempts >= 1 && (await mailOf()).last_error !== null,
        15_000,
      );
      expect((await mailOf()).status).toBe("pending");

      await sink.restart();
      await waitFor(
        "delivery after the mail server is back",
        async () => (await mailOf()).status === "sent",
        30_000,
      );
      expect(sink.received.filter((mail) => mail.to.includes(invitee))).toHaveLength(1);
      expect(sink.received.find((mail) => mail.to.includes(invitee))!.raw).toMatch(
        /invitations\/accept#token=/,
      );
      await expectWholeInvitations(database, company.id);
    } finally {
      await sink.stop();
    }
  });

  it.runIf(postgresBinDir() !== null)(
    "PostgreSQL restarted under load: readiness drops and returns, the server recovers without a restart, no partial state",
    async () => {
      let cluster: ThrowawayPostgres | undefined;
      let own: Database | undefined;
      try {
        cluster = await startThrowawayPostgres();
        own = await openDatabase({ url: cluster.url, poolSize: 2 });
        await migrate(own);
        const company = await seedCompany(own, "Restart Co");
        const target = await seedMember(own, company, ["finance"]);
        const tokens: string[] = [];
        for (let i = 0; i < 8; i += 1) {
          const { acceptUrl } = await inviteMember(invitationDeps(own), {
            companyId: company.id,
            actor: null,
            email: uniqueEmail("fault.newcomer"),
            roleIds: [company.roleIds.finance],
            acceptTerms: true,
            meta: { ip: null, userAgent: null, requestId: null },
          });
          tokens.push(acceptUrl.split("#token=")[1]!);
        }
        const server = await startServerProcess({ ...DEVELOPMENT, DATABASE_URL: cluster.url });
        const pid = server.child.pid;
        const admin = await loggedIn(server, company.admin.email);
        await elevate(own, admin);

        // Load: workers toggle the target's roles (read the version, then change with it) until stopped.
        const outcomes: string[] = [];
        let changes = 0;
        // Changes answered 503: the database may have committed one just before the connection
        // went (the acknowledgement of a COMMIT can be lost), so each is a change that may exist.
        let unknownOutcomes = 0;
        let running = true;
        const roleSets = [[company.roleIds.finance], [company.roleIds.operations]];
        const worker = async (index: number) => {
          for (let turn = 0; running && turn < 2_000; turn += 1) {
            try {
              const member = await admin.request(
                "GET",
                `/api/companies/${company.id}/members/${target.memberId}`,
              );
              if (member.status !== 200) {
                outcomes.push(`read ${member.status}`);
                await new Promise((resolve) => setTimeout(resolve, 50));
                continue;
              }
              const changed = await admin.request(
                "PUT",
                `/api/companies/${company.id}/members/${target.memberId}/roles`,
                {
                  roleIds: roleSets[(turn + index) % 2],
                  version: member.body.version,
                },
              );
              outcomes.push(`${changed.status} ${changed.body?.error?.code ?? ""}`.trim());
              // A change to the roles the member already holds answers 200 and changes nothing.
              if (changed.status === 200 && changed.body.version > member.body.version) changes += 1;
              if (changed.status === 503) unknownOutcomes += 1;
            } catch (error) {
              outcomes.push(`network ${(error as Error).message}`);
            }
          }
        };
        const load = Promise.all([0, 1, 2].map(worker));
        await waitFor("the load to change roles", async () => outcomes.includes("200"), 30_000);

        // A burst of new people accepting invitations: each hashes its password inside the transaction
        // that claims the link, so the server holds transactions idle between two queries. The database
        // goes away exactly then; a pooled client losing its connection there must not crash the process.
        const accepts = tokens.map((token, i) =>
          new Session(server.url, "portal_session")
            .request("POST", `/api/invitations/${token}/accept`, {
              name: `Newcomer ${i}`,
              password: NEW_PASSWORD,
            })
            .then((r) => `${r.status} ${r.body?.error?.code ?? ""}`.trim())
            .catch((error: Error) => `network ${error.message}`),
        );
        await waitFor(
          "a transaction idle between two queries",
          async () => {
            const idle = await sql<{ n: number }>`
              SELECT count(*)::int AS n FROM pg_stat_activity WHERE state = 'idle in transaction'`.execute(
              own!.db,
            );
            return (idle.rows[0]?.n ?? 0) > 0;
          },
          10_000,
        );
        cluster.stop();
        let lastReadiness = "";
        const readiness = async (status: number) => {
          if (!server.isRunning())
            throw new Error(`the server process died:\n${server.output().slice(-1500)}`);
          const response = await fetch(`${server.url}/readyz`, { signal: AbortSignal.timeout(3_000) });
          lastReadiness = `${response.status} ${await response.text()}`;
          return response.status === status;
        };
        await waitFor("readiness to drop", () => readiness(503), 15_000, { failFast: true }).catch(
          (error) => {
            throw new Error(`${error.message}; last /readyz: ${lastReadiness}`);
          },
        );
        const duringOutage = await admin.request("GET", "/api/me");
        expect(duringOutage.status, duringOutage.text).toBe(503);
        expect(duringOutage.body.error.code).toBe("service_unavailable");
        expect(Number(duringOutage.headers.get("retry-after"))).toBeGreaterThan(0);
        cluster.start();
        await waitFor("readiness to return", () => readiness(200), 30_000, { failFast: true });
        const answeredBeforeRecovery = outcomes.length;
        await waitFor(
          "the load to change roles again",
          async () => outcomes.slice(answeredBeforeRecovery).includes("200"),
          30_000,
        );
        running = false;
        await load;
        const acceptOutcomes = await Promise.all(accepts);
        for (const outcome of acceptOutcomes) expect(["200", "503 service_unavailable"]).toContain(outcome);
        expect(acceptOutcomes).toContain("503 service_unavailable");

        // The same process, never restarted, answers again.
        expect(server.isRunning()).toBe(true);
        expect(server.child.pid).toBe(pid);
        expect((await admin.request("GET", "/api/me")).status).toBe(200);
        const successes = outcomes.filter((o) => o === "200").length;
        expect(successes).toBeGreaterThan(0);
        // Answers were changes, version conflicts, or 503 while the database was away: never a 500.
        for (const outcome of outcomes)
          expect(["200", "409 conflict", "503 service_unavailable", "read 503"]).toContain(outcome);
        expect(outcomes.some((o) => o.includes("503"))).toBe(true);

        // No partial state: every committed change bumped the version and left exactly one audit
        // event, and the roles are those the last event says. Every 200 is among them; a 503 may be
        // too (its COMMIT can have landed just before the connection went), but nothing else.
        const row = await own.db
          .selectFrom("members")
          .select("version")
          .where("id", "=", target.memberId)
          .executeTakeFirstOrThrow();
        const events = await own.db
          .selectFrom("audit_events")
          .select(["details", "occurred_at"])
          .where("action", "=", "member.roles_changed")
          .where("target_id", "=", target.memberId)
          .orderBy("occurred_at", "desc")
          .execute();
        expect(row.version - 1).toBe(events.length);
        expect(events.length).toBeGreaterThanOrEqual(changes);
        expect(events.length).toBeLessThanOrEqual(changes + unknownOutcomes);
        const roles = await own.db
          .selectFrom("member_roles")
          .select("role_id")
          .where("member_id", "=", target.memberId)
          .execute();
        const latest = (events[0]!.details as { after: { roles: { id: string }[] } }).after.roles.map(
          (r) => r.id,
        );
        expect(roles.map((r) => r.role_id).sort()).toEqual(latest.sort());
        // Each link was accepted whole (account, membership, status) or not at all.
        const links = await sql<{ status: string; accounts: number; members: number }>`
          SELECT i.status,
                 (SELECT count(*)::int FROM accounts a WHERE a.email = i.email) AS accounts,
                 (SELECT count(*)::int FROM members m JOIN accounts a ON a.id = m.account_id
                   WHERE a.email = i.email AND m.company_id = i.company_id) AS members
            FROM invitations i WHERE i.company_id = ${company.id}`.execute(own.db);
        expect(links.rows).toHaveLength(tokens.length);
        for (const link of links.rows) {
          const whole = link.status === "accepted" ? 1 : 0;
          expect(link).toEqual({
            status: link.status === "accepted" ? "accepted" : "pending",
            accounts: whole,
            members: whole,
          });
        }
        expect(links.rows.filter((link) => link.status === "accepted").length).toBe(
          acceptOutcomes.filter((outcome) => outcome === "200").length,
        );
      } finally {
        await stopAll();
        await own?.close().catch(() => {});
        cluster?.destroy();
      }
    },
  );

  /**
   * Holds the company's row lock from the test's own connection, as a long transaction would, so the
   * server's writes to that company are surely in flight (waiting in PostgreSQL) when the signal comes.
   */
  async function holdCompanyLock(companyId: string) {
    const client = new pg.Client({ connectionString: database.url });
    client.on("error", () => {}); // dropped with the database if a test fails while holding it
    await client.connect();
    await client.query("BEGIN");
    await client.query("SELECT id FROM companies WHERE id = $1 FOR UPDATE", [companyId]);
    let released = false;
    const lock = {
      /** Backends of this database waiting on a lock (read outside the holder's transaction, whose
       * statistics snapshot would not move). */
      async waiters(): Promise<number> {
        const result = await sql<{ n: number }>`
          SELECT count(*)::int AS n FROM pg_stat_activity
           WHERE datname = current_database() AND wait_event_type = 'Lock'`.execute(database.db);
        return result.rows[0]?.n ?? 0;
      },
      async release() {
        if (released) return;
        released = true;
        await client.query("COMMIT");
        await client.end();
      },
    };
    heldLocks.push(lock);
    return lock;
  }

  it("a server killed with SIGKILL mid-write leaves no half-done change, and a new one starts cleanly", async () => {
    const company = await seedCompany(database, "SIGKILL Co");
    const server = await startServerProcess({ ...DEVELOPMENT, DATABASE_URL: database.url! });
    const admin = await loggedIn(server, company.admin.email);
    await elevate(database, admin);
    const send = (i: number) =>
      admin.request("POST", `/api/companies/${company.id}/invitations`, {
        email: uniqueEmail(`fault.kill${i}`),
        roleIds: [company.roleIds.finance, company.roleIds.operations],
        acceptTerms: true,
      });
    // Writes queue on the company's lock; once released, the process dies as the first is answered.
    const lock = await holdCompanyLock(company.id);
    const requests = Array.from({ length: 20 }, (_, i) => send(i).catch((error: Error) => error));
    await waitFor("writes waiting on the company lock", async () => (await lock.waiters()) >= 5, 10_000);
    await lock.release();
    await Promise.race(requests);
    server.child.kill("SIGKILL");
    const results = await Promise.all(requests);
    expect(await server.exited).toBeNull();

    const answered = results.filter((r): r is Exclude<typeof r, Error> => !(r instanceof Error));
    const created = answered.filter((r) => r.status === 201).map((r) => r.body.id as string);
    expect(created.length).toBeGreaterThan(0);
    expect(
      results.some((r) => r instanceof Error),
      "some writes were cut off by the kill",
    ).toBe(true);
    // Every answered invitation is there, and every invitation there is whole.
    const stored = await database.db
      .selectFrom("invitations")
      .select("id")
      .where("company_id", "=", company.id)
      .execute();
    expect(stored.map((r) => r.id)).toEqual(expect.arrayContaining(created));
    await expectWholeInvitations(database, company.id);

    // A new process takes over: the dead connections' transactions were rolled back and their locks freed.
    const again = await startServerProcess({ ...DEVELOPMENT, DATABASE_URL: database.url! });
    admin.baseUrl = again.url;
    await elevate(database, admin);
    const after = await send(99);
    expect(after.status, after.text).toBe(201);
    await expectWholeInvitations(database, company.id);
  });

  it("SIGTERM drains in-flight requests: each is answered and committed, then the process exits 0", async () => {
    const company = await seedCompany(database, "SIGTERM Co");
    const server = await startServerProcess({ ...DEVELOPMENT, DATABASE_URL: database.url! });
    const admin = await loggedIn(server, company.admin.email);
    await elevate(database, admin);
    const invitees = Array.from({ length: 6 }, (_, i) => uniqueEmail(`fault.term${i}`));
    const lock = await holdCompanyLock(company.id);
    const inFlight: Promise<Awaited<ReturnType<Session["request"]>>>[] = invitees.map((email) =>
      admin.request("POST", `/api/companies/${company.id}/invitations`, {
        email,
        roleIds: [company.roleIds.finance],
        acceptTerms: true,
      }),
    );
    // All six are inside the server, waiting in PostgreSQL, when the signal arrives.
    await waitFor(
      "writes waiting on the company lock",
      async () => (await lock.waiters()) === invitees.length,
      10_000,
    );
    server.child.kill("SIGTERM");
    // Draining has begun once new connections are refused; the process still waits for its requests.
    await waitFor(
      "the server to stop taking connections",
      () =>
        fetch(`${server.url}/healthz`).then(
          () => false,
          () => true,
        ),
      10_000,
    );
    expect(server.isRunning(), "the process waits for its requests").toBe(true);
    await lock.release();

    const settled = await Promise.allSettled(inFlight);
    expect(await server.exited, server.output().slice(-2000)).toBe(0);
    expect(settled.map((r) => (r.status === "fulfilled" ? r.value.status : String(r.reason)))).toEqual(
      invitees.map(() => 201),
    );
    const stored = await database.db
      .selectFrom("invitations")
      .select("email")
      .where("company_id", "=", company.id)
      .execute();
    expect(stored.map((r) => r.email).sort()).toEqual([...invitees].sort());
    await expectWholeInvitations(database, company.id);
  });
});
