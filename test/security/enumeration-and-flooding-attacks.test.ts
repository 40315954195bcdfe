// Attack suite, probing and flooding (SECURITY §2 scenarios 16, 17): account enumeration on login,
// password reset and invitation accept (status, body, password hashing and statements), and floods
// answered 429 with Retry-After, against a real server over HTTP on every configured database.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { passwordHashCount, passwordVerificationCount } from "../../server/auth/passwords.js";
import { inviteMember, RESEND_COOLDOWN_MS } from "../../server/invitations/service.js";
import { testDatabaseKinds } from "../support/databases.js";
import { expectAudited, expectRefused, expectUnchanged } from "./support/expect.js";
import {
  type Client,
  type Company,
  type HttpResponse,
  invite,
  type LiveServer,
  startLiveServer,
  uniqueEmail,
} from "./support/live-server.js";

/** Probes of each group. */
const SAMPLES = 9;

/** One answer and what producing it cost: argon2 work and the statements sent to the database. */
type Probe = { response: HttpResponse; verifications: number; hashes: number; statements: string[] };

/**
 * The answers to every probe look the same, and cost the same: one status and one body, as many
 * password verifications and hashes, and the same statements, except those `isExpectedDifference`
 * picks (writes only a real account causes, which the caller does not wait for differently).
 * Counted, not timed, so a busy machine cannot fail it; `npm run bench -- --login-timing` times logins.
 */
function expectIndistinguishable(
  groups: Record<string, Probe[]>,
  isExpectedDifference: (statement: string) => boolean = () => false,
) {
  const [first] = Object.values(groups);
  const reference = first![0]!;
  const comparable = (statements: string[]) => statements.filter((s) => !isExpectedDifference(s));
  for (const [label, probes] of Object.entries(groups)) {
    for (const probe of probes) {
      expect({
        label,
        status: probe.response.status,
        body: probe.response.body,
        verifications: probe.verifications,
        hashes: probe.hashes,
        statements: comparable(probe.statements),
      }).toEqual({
        label,
        status: reference.response.status,
        body: reference.response.body,
        verifications: reference.verifications,
        hashes: reference.hashes,
        statements: comparable(reference.statements),
      });
    }
  }
}

describe.each(testDatabaseKinds)("account enumeration (%s)", (kind) => {
  let s: LiveServer;
  let company: Company;
  let existing: { email: string };
  let deactivated: { email: string };
  let invitedOnly: string;
  let ipCounter = 0;

  beforeAll(async () => {
    // Behind a trusted proxy, so each probe comes from its own client address and the per-IP login
    // delays (tested in the flooding scenarios) do not blur the timing comparison.
    s = await startLiveServer(kind, { env: { TRUST_PROXY: "127.0.0.1" } });
    company = await s.company("Enumeration Target Co");
    existing = await s.member(company, ["finance"]);
    const gone = await s.member(company, ["finance"]);
    await s.db
      .updateTable("members")
      .set({ status: "deactivated", deactivated_at: s.clock.now() })
      .where("id", "=", gone.memberId)
      .execute();
    deactivated = gone;
    const admin = await s.login(company.admin.email);
    await s.elevate(admin);
    invitedOnly = uniqueEmail("invited.only");
    await invite(s, admin, company, invitedOnly);
  });
  afterAll(() => s?.close());

  function fromNewAddress(): Client {
    const client = s.client();
    ipCounter += 1;
    const address = `198.51.100.${ipCounter % 250}`;
    const request = client.request.bind(client);
    client.request = (method, path, options = {}) =>
      request(method, path, {
        ...options,
        headers: { ...(options.headers ?? {}), "x-forwarded-for": address },
      });
    return client;
  }

  async function probe(send: (client: Client) => Promise<HttpResponse>, times = SAMPLES) {
    const responses: HttpResponse[] = [];
    for (let i = 0; i < times; i += 1) responses.push(await send(fromNewAddress()));
    return responses;
  }

  /** Probes every group in turn, one request each per round, counting what each answer cost. */
  async function probeGroups<K extends string>(
    sends: Record<K, (client: Client) => Promise<HttpResponse>>,
  ): Promise<Record<K, Probe[]>> {
    const entries = Object.entries(sends) as [K, (client: Client) => Promise<HttpResponse>][];
    const groups = Object.fromEntries(entries.map(([label]) => [label, [] as Probe[]])) as Record<K, Probe[]>;
    for (let i = 0; i < SAMPLES; i += 1) {
      for (const [label, send] of entries) {
        const client = fromNewAddress();
        const verificationsBefore = passwordVerificationCount();
        const hashesBefore = passwordHashCount();
        s.statements.take();
        const response = await send(client);
        groups[label].push({
          response,
          verifications: passwordVerificationCount() - verificationsBefore,
          hashes: passwordHashCount() - hashesBefore,
          statements: s.statements.take(),
        });
      }
    }
    return groups;
  }

  it("account enumeration on login: existing, unknown, deactivated and invited-only emails answer alike (status, body, work done)", async () => {
    const login = (email: string) => (client: Client) =>
      client.post("/api/auth/login", { email, password: "not the password 123" });
    await probe(login(uniqueEmail("warm-up")), 2);

    const mark = s.mark();
    const before = await s.snapshot();
    const groups = await probeGroups({
      existing: login(existing.email),
      unknown: login(uniqueEmail("nobody")),
      deactivated: login(deactivated.email),
      invitedOnly: login(invitedOnly),
    });
    expectRefused(groups.existing[0]!.response, 401, "invalid_credentials");
    expect(groups.existing[0]!.verifications).toBe(1);
    expectIndistinguishable(groups);
    await expectUnchanged(s, before);
    await expectAudited(s, mark, "auth.login_failed", SAMPLES * 4);
    // The audit log (for the operators, not the caller) still knows which was which.
    const known = await s.auditSince(mark, "auth.login_failed");
    expect(known.filter((e) => e.details.accountExists === true)).toHaveLength(SAMPLES * 2);
  });

  it("account enumeration on password reset: existing, unknown and deactivated emails answer alike (202, body, work done)", async () => {
    const reset = (email: string) => (client: Client) => client.post("/api/auth/password-reset", { email });
    const unknown = uniqueEmail("nobody");
    const mark = s.mark();
    const groups = await probeGroups({
      existing: reset(existing.email),
      unknown: reset(unknown),
      deactivated: reset(deactivated.email),
    });
    expect(groups.existing[0]!.response.status).toBe(202);
    // A mailed request also stores the link and queues the mail; nothing else tells the paths apart.
    expectIndistinguishable(
      groups,
      (statement) => statement === "insert password_reset_tokens" || statement === "insert mail_outbox",
    );
    expect(groups.unknown.flatMap((probe) => probe.statements)).not.toContain("insert mail_outbox");
    // Only a stored account is mailed, at most 5 times an hour; an unknown email mails nobody.
    expect((await s.mailsTo(existing.email, "password_reset")).length).toBeLessThanOrEqual(5);
    expect(await s.mailsTo(unknown)).toEqual([]);
    await expectAudited(
      s,
      mark,
      "password.reset_requested",
      SAMPLES,
      (e) => e.details.accountExists === false,
    );
    const before = await s.snapshot();
    await probe(reset(uniqueEmail("nobody")), 1);
    await expectUnchanged(s, before);
  });

  it("account enumeration on invitation accept: unknown, malformed, replaced and revoked links answer alike (410, body, work done)", async () => {
    const admin = await s.login(company.admin.email);
    await s.elevate(admin);
    const replaced = await invite(s, admin, company, uniqueEmail("replaced"));
    s.clock.advance(RESEND_COOLDOWN_MS + 1_000);
    await s.elevate(admin);
    expect(
      (await admin.post(`/api/companies/${company.id}/invitations/${replaced.id}/resend`, {})).status,
    ).toBe(200);
    const revoked = await invite(s, admin, company, uniqueEmail("revoked"));
    expect((await admin.delete(`/api/companies/${company.id}/invitations/${revoked.id}`)).status).toBe(204);
    const accept = (token: string) => (client: Client) =>
      client.post(`/api/invitations/${token}/accept`, {
        name: "Probe",
        password: "Juniper-Orbit-Candle-5521",
      });

    await probe(accept("B".repeat(43)), 2);

    const mark = s.mark();
    const before = await s.snapshot();
    const groups = await probeGroups({
      unknown: accept("A".repeat(43)),
      malformed: accept("not-a-token"),
      replaced: accept(replaced.token),
      revoked: accept(revoked.token),
    });
    expectRefused(groups.unknown[0]!.response, 410, "invitation_revoked");
    const { malformed, ...wellFormed } = groups;
    expectIndistinguishable(wellFormed);
    // A malformed token is refused on its text alone, without the lookup: that tells nothing of other links.
    expectIndistinguishable({ unknown: groups.unknown, malformed }, (statement) =>
      statement.includes("token_hash"),
    );
    await expectUnchanged(s, before);
    await expectAudited(
      s,
      mark,
      "invitation.accept_failed",
      SAMPLES * 4,
      (e) => e.details.reason === "invitation_revoked",
    );
  });
});

describe.each(testDatabaseKinds)("flooding (%s)", (kind) => {
  let s: LiveServer;
  let company: Company;

  beforeAll(async () => {
    s = await startLiveServer(kind, {
      limits: { loginPerMinute: 5, passwordResetPerMinute: 3, invitationLinkPerMinute: 4 },
    });
    company = await s.company("Flood Target Co");
  });
  afterAll(() => s?.close());

  function expectRetryAfter(response: HttpResponse) {
    expectRefused(response, 429, response.body?.error?.code);
    expect(["rate_limited", "invitation_rate_limited"]).toContain(response.body.error.code);
    const seconds = Number(response.headers.get("retry-after"));
    expect(seconds, response.text).toBeGreaterThan(0);
    expect(seconds).toBeLessThanOrEqual(3_600);
  }

  async function flood(times: number, send: () => Promise<HttpResponse>) {
    const responses: HttpResponse[] = [];
    for (let i = 0; i < times; i += 1) responses.push(await send());
    return responses;
  }

  it("flooding login: past the per-IP limit every attempt is 429 rate_limited with Retry-After, and recorded", async () => {
    const mark = s.mark();
    const before = await s.snapshot();
    const responses = await flood(8, () =>
      s.client().post("/api/auth/login", { email: uniqueEmail("flood"), password: "whatever password" }),
    );
    expect(responses.map((r) => r.status)).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
    for (const response of responses.slice(5)) expectRetryAfter(response);
    await expectUnchanged(s, before);
    await expectAudited(s, mark, "security.rate_limited", 3, (e) => e.details.route === "/api/auth/login");
  });

  it("flooding password reset: 429 with Retry-After, and the owner's mailbox is not flooded", async () => {
    const target = await s.member(company, ["finance"]);
    const mark = s.mark();
    const responses = await flood(6, () =>
      s.client().post("/api/auth/password-reset", { email: target.email }),
    );
    expect(responses.map((r) => r.status)).toEqual([202, 202, 202, 429, 429, 429]);
    for (const response of responses.slice(3)) expectRetryAfter(response);
    expect(await s.mailsTo(target.email, "password_reset")).toHaveLength(3);
    await expectAudited(
      s,
      mark,
      "security.rate_limited",
      3,
      (e) => e.details.route === "/api/auth/password-reset",
    );
  });

  it("flooding invitation links: guessing tokens is 429 with Retry-After past the per-IP limit", async () => {
    const mark = s.mark();
    const before = await s.snapshot();
    const responses = await flood(7, () => s.client().get(`/api/invitations/${"B".repeat(43)}`));
    expect(responses.map((r) => r.status)).toEqual([410, 410, 410, 410, 429, 429, 429]);
    for (const response of responses.slice(4)) expectRetryAfter(response);
    await expectUnchanged(s, before);
    await expectAudited(
      s,
      mark,
      "security.rate_limited",
      3,
      (e) => e.details.route === "/api/invitations/:token",
    );
  });

  it("flooding step-up codes: one code a minute (429 with Retry-After), one mail", async () => {
    const person = await s.member(company, ["admin"]);
    const client = await s.signIn(person);
    const { challengeId } = await s.requestCode(client, company.id);
    const mark = s.mark();
    const before = await s.snapshot();
    const ask = { companyId: company.id, resend: true };
    const responses = await flood(5, () => client.post("/api/verification/step-up", ask));
    for (const response of responses) expectRetryAfter(response);
    expect(Number(responses[0]!.headers.get("retry-after"))).toBeLessThanOrEqual(60);
    // Reopening the window instead hands back the pending code: still no new mail.
    const reopened = await flood(5, () =>
      client.post("/api/verification/step-up", { companyId: company.id }),
    );
    for (const response of reopened) expect(response.body.challengeId).toBe(challengeId);
    await expectUnchanged(s, before);
    expect(await s.mailsTo(person.email, "step_up_code")).toHaveLength(1);
    await expectAudited(s, mark, "step_up.code_refused", 5, (e) => e.details.reason === "cooldown");
  });

  it("flooding invitations: past 50 an hour a company gets 429 with Retry-After; another company is unaffected", async () => {
    const busy = await s.company("Busy Flooding Co");
    const quiet = await s.company("Quiet Neighbour Co");
    // The first 50 are sent through the service (fast); the flood is the 51st over HTTP.
    for (let i = 0; i < 50; i += 1) {
      await inviteMember(s.invitationDeps(), {
        companyId: busy.id,
        actor: null,
        email: uniqueEmail("wave"),
        roleIds: [busy.roleIds.finance],
        acceptTerms: true,
        meta: { ip: null, userAgent: null, requestId: null },
      });
    }
    const busyAdmin = await s.signIn(busy.admin);
    await s.elevate(busyAdmin);
    const mark = s.mark();
    const before = await s.snapshot();
    const send = (client: Client, target: Company) =>
      client.post(`/api/companies/${target.id}/invitations`, {
        email: uniqueEmail("flood"),
        roleIds: [target.roleIds.finance],
        acceptTerms: true,
      });
    const refused = await send(busyAdmin, busy);
    expectRetryAfter(refused);
    expect(refused.body.error.code).toBe("invitation_rate_limited");
    await expectUnchanged(s, before);
    await expectAudited(
      s,
      mark,
      "invitation.create_refused",
      1,
      (e) => e.company_id === busy.id && e.details.reason === "invitation_rate_limited",
    );
    const quietAdmin = await s.signIn(quiet.admin);
    await s.elevate(quietAdmin);
    expect((await send(quietAdmin, quiet)).status).toBe(201);
  });
});
