// Several instances: two real server processes (production profile) on different ports share one
// PostgreSQL database, one Redis and one SMTP server. A session from one works on the other, a role
// change or deactivation on one is enforced on the next request to the other, rate limits are shared,
// and each outbox message is sent exactly once although both instances run the dispatcher.
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase, type TestDatabase, testDatabaseKinds } from "../support/databases.js";
import { startSmtpSink } from "../support/smtp-sink.js";
import { type ServerProcess, Session, startServerProcess, stopAll, waitFor } from "./support/processes.js";
import { type SeededCompany, seedCompany, seedMember, TEST_PASSWORD, uniqueEmail } from "./support/seed.js";

const redisUrl = process.env.REDIS_URL;
const canRun = testDatabaseKinds.includes("postgres") && redisUrl !== undefined;

/** Rate-limit and throttle keys of this machine's loopback address, left by any earlier run. */
async function clearLoopbackLimits(redis: Redis) {
  const keys = [
    ...(await redis.keys("portal:rl:*127.0.0.1")),
    ...(await redis.keys("portal:throttle:*127.0.0.1")),
  ];
  if (keys.length > 0) await redis.del(...keys);
}

describe.runIf(canRun)("several instances behind one PostgreSQL and Redis", () => {
  let database: TestDatabase;
  let redis: Redis;
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  let a: ServerProcess;
  let b: ServerProcess;
  let company: SeededCompany;
  let admin: Session;

  beforeAll(async () => {
    database = await openTestDatabase("postgres");
    redis = new Redis(redisUrl!, { maxRetriesPerRequest: 2 });
    await clearLoopbackLimits(redis);
    sink = await startSmtpSink();
    company = await seedCompany(database, "Multi Instance Co");
    const env = {
      NODE_ENV: "production",
      DATABASE_URL: database.url!,
      REDIS_URL: redisUrl!,
      SMTP_URL: sink.url,
      MFA_SECRET_KEY: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
      PUBLIC_URL: "https://portal.test",
      METRICS_ENABLED: "true",
    };
    [a, b] = await Promise.all([startServerProcess(env), startServerProcess(env)]);
  });
  afterAll(async () => {
    await stopAll();
    await sink?.stop();
    if (redis) {
      await clearLoopbackLimits(redis);
      redis.disconnect();
    }
    await database?.dispose();
  });

  /** The newest step-up code the SMTP server received for an address. */
  async function codeMailedTo(address: string, after: number): Promise<string> {
    let code: string | undefined;
    await waitFor(
      `a code mailed to ${address}`,
      async () => {
        const mail = sink.received.slice(after).find((m) => m.to.includes(address));
        // Quoted-printable soft line breaks aside, the code follows these words.
        code = mail ? /verification code is (\d{6})/.exec(mail.raw.replaceAll("=\r\n", ""))?.[1] : undefined;
        return code !== undefined;
      },
      15_000,
    );
    return code!;
  }

  it("a session made on one instance works on the other", async () => {
    admin = new Session(a.url);
    const login = await admin.request("POST", "/api/auth/login", {
      email: company.admin.email,
      password: TEST_PASSWORD,
    });
    expect(login.status, login.text).toBe(200);
    expect(login.headers.getSetCookie()[0]).toMatch(/^__Host-portal_session=.+; .*Secure/i);
    const onB = await admin.on(b.url).request("GET", "/api/me");
    expect(onB.status, onB.text).toBe(200);
    expect(onB.body.account.email).toBe(company.admin.email);
  });

  it("a role change and a deactivation on one instance apply to the next request on the other", async () => {
    // Step-up through the real flow: the code is asked on A, mailed by whichever dispatcher, verified on B.
    const mailsBefore = sink.received.length;
    const issued = await admin.request("POST", "/api/verification/step-up", { companyId: company.id });
    expect(issued.status, issued.text).toBe(201);
    const code = await codeMailedTo(company.admin.email, mailsBefore);
    const onB = admin.on(b.url);
    const verified = await onB.request(
      "POST",
      `/api/verification/step-up/${issued.body.challengeId}/verify`,
      { code },
    );
    expect(verified.status, verified.text).toBe(200);
    admin.cookie = onB.cookie;

    const member = await seedMember(database, company, ["finance"]);
    const memberOnB = new Session(b.url);
    expect(
      (await memberOnB.request("POST", "/api/auth/login", { email: member.email, password: TEST_PASSWORD }))
        .status,
    ).toBe(200);
    const transactions = `/api/companies/${company.id}/transactions`;
    expect((await memberOnB.request("GET", transactions)).status).toBe(200);

    const changed = await admin.request(
      "PUT",
      `/api/companies/${company.id}/members/${member.memberId}/roles`,
      {
        roleIds: [company.roleIds.developer],
        version: 1,
      },
    );
    expect(changed.status, changed.text).toBe(200);
    const afterChange = await memberOnB.request("GET", transactions);
    expect(afterChange.status).toBe(403);
    expect(afterChange.body.error.code).toBe("forbidden");

    const deactivated = await admin.request(
      "POST",
      `/api/companies/${company.id}/members/${member.memberId}/deactivate`,
      {},
    );
    expect(deactivated.status, deactivated.text).toBe(200);
    const afterDeactivation = await memberOnB.request("GET", `/api/companies/${company.id}/developer-center`);
    expect(afterDeactivation.status).toBe(401);
  });

  it("rate limits are shared: requests to both instances count against one limit (429 with Retry-After)", async () => {
    await clearLoopbackLimits(redis);
    const statuses: number[] = [];
    let last: Awaited<ReturnType<Session["request"]>> | undefined;
    // Password reset allows 10 a minute per client address; alternate between the instances.
    for (let i = 0; i < 12; i += 1) {
      last = await new Session(i % 2 === 0 ? a.url : b.url).request("POST", "/api/auth/password-reset", {
        email: uniqueEmail("shared.limit"),
      });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([...Array(10).fill(202), 429, 429]);
    expect(last!.body.error.code).toBe("rate_limited");
    expect(Number(last!.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("each outbox message is sent exactly once although both instances dispatch", async () => {
    const invitees = Array.from({ length: 12 }, () => uniqueEmail("exactly.once"));
    const responses = await Promise.all(
      invitees.map((email, i) =>
        admin.on(i % 2 === 0 ? a.url : b.url).request("POST", `/api/companies/${company.id}/invitations`, {
          email,
          roleIds: [company.roleIds.finance],
          acceptTerms: true,
        }),
      ),
    );
    for (const response of responses) expect(response.status, response.text).toBe(201);
    await waitFor(
      "the outbox to drain",
      async () => {
        const pending = await database.db
          .selectFrom("mail_outbox")
          .select("id")
          .where("status", "<>", "sent")
          .execute();
        return pending.length === 0;
      },
      30_000,
    );
    // Every delivery follows a claim, and a sent message is never claimed again: each claimed once, so
    // no second delivery is on its way, and the sink already holds every delivery there will be.
    const sent = await database.db
      .selectFrom("mail_outbox")
      .select(["to_address", "subject", "attempts"])
      .execute();
    expect(sent.filter((message) => message.attempts !== 1)).toEqual([]);
    expect(sink.received).toHaveLength(sent.length);
    for (const email of invitees) {
      expect(
        sink.received.filter((m) => m.to.includes(email)),
        email,
      ).toHaveLength(1);
    }
    // Both instances report the (now empty) outbox on /metrics.
    for (const instance of [a, b]) {
      const metrics = await (await fetch(`${instance.url}/metrics`)).text();
      expect(metrics).toMatch(/^portal_mail_outbox_pending 0$/m);
    }
  });
});
