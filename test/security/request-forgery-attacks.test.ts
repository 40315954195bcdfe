// Attack suite, forged and malformed requests (SECURITY §2 scenarios 14, 15): type confusion and
// parameter pollution, cross-site state changes (CSRF) and state changes by GET, against a real
// server over HTTP on every configured database.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { hashSecretToken } from "../../server/access/tokens.js";
import { testDatabaseKinds } from "../support/databases.js";
import { expectAudited, expectRefused, expectUnchanged } from "./support/expect.js";
import {
  type Client,
  type Company,
  invite,
  type LiveServer,
  type Person,
  PUBLIC_URL,
  startLiveServer,
  uniqueEmail,
} from "./support/live-server.js";

describe.each(testDatabaseKinds)("forged and malformed requests (%s)", (kind) => {
  let s: LiveServer;
  let company: Company;
  let victim: Person;
  let admin: Client;

  beforeAll(async () => {
    s = await startLiveServer(kind);
    company = await s.company("Forgery Target Co");
    victim = await s.member(company, ["operations"]);
    admin = await s.login(company.admin.email);
  });
  afterAll(() => s?.close());

  beforeEach(async () => {
    await s.elevate(admin);
  });

  const attackerAddress = "attacker@evil.example";

  it("type confusion: email as an array (victim and attacker) is refused everywhere and mails nobody", async () => {
    const mark = s.mark();
    const before = await s.snapshot();
    const pair = [victim.email, attackerAddress];
    for (const [url, body, client] of [
      ["/api/auth/password-reset", { email: pair }, s.client()],
      ["/api/auth/login", { email: pair, password: "whatever password" }, s.client()],
      [
        `/api/companies/${company.id}/invitations`,
        { email: pair, roleIds: [company.roleIds.finance], acceptTerms: true },
        admin,
      ],
      ["/api/me/alternate-email", { email: pair }, admin],
    ] as const) {
      const response = await client.post(url, body);
      expectRefused(response, 400, "validation_failed");
      expect(response.body.error.details.field, url).toBe("body.email");
    }
    // The same with a string holding two addresses, and an object in place of the email.
    for (const email of [
      `${victim.email},${attackerAddress}`,
      `${victim.email}\n${attackerAddress}`,
      { $ne: "" },
    ]) {
      expectRefused(await s.client().post("/api/auth/password-reset", { email }), 400, "validation_failed");
    }
    await expectUnchanged(s, before);
    expect(await s.mailsTo(attackerAddress)).toEqual([]);
    await expectAudited(
      s,
      mark,
      "security.input_rejected",
      2,
      (e) => e.actor_account_id === company.admin.id && e.details.field === "body.email",
    );
  });

  it("type confusion: a code or token as number, null, object, array or empty string counts no try and opens nothing", async () => {
    const person = await s.member(company, ["admin"]);
    const client = await s.login(person.email);
    const { challengeId, code } = await s.requestCode(client);

    const mark = s.mark();
    const before = await s.snapshot();
    const confused = [Number(code), null, { $gt: "" }, [code], "", true, `${code} `, Number(code) + 0.5];
    for (const value of confused) {
      const response = await client.post(`/api/verification/step-up/${challengeId}/verify`, { code: value });
      expectRefused(response, 400, "validation_failed");
    }
    for (const token of [null, 12345, { $ne: null }, ["a".repeat(43)], ""]) {
      expectRefused(
        await s
          .client()
          .post("/api/auth/password-reset/confirm", { token, password: "Juniper-Orbit-Candle-5521" }),
        400,
        "validation_failed",
      );
    }
    await expectUnchanged(s, before);
    const challenge = await s.db
      .selectFrom("verification_challenges")
      .select(["attempts", "consumed_at"])
      .where("id", "=", challengeId)
      .executeTakeFirstOrThrow();
    expect(challenge).toEqual({ attempts: 0, consumed_at: null });
    await expectAudited(
      s,
      mark,
      "security.input_rejected",
      confused.length,
      (e) => e.actor_account_id === person.id && e.details.field === "body.code",
    );
    // The right code, as a string, still works: nothing was spent on the confused ones.
    expect((await client.post(`/api/verification/step-up/${challengeId}/verify`, { code })).status).toBe(200);
  });

  it("parameter pollution: repeated query parameters and duplicate JSON keys never widen a request", async () => {
    const { id } = await invite(s, admin, company, uniqueEmail("polluted"));
    const mark = s.mark();
    const before = await s.snapshot();
    for (const query of [
      "status=active&status=deactivated",
      "email=a&email=b",
      "role=admin&role=finance",
      "limit=1&limit=100",
      "status[]=active",
    ]) {
      const response = await admin.get(`/api/companies/${company.id}/members?${query}`);
      expectRefused(response, 400, "validation_failed");
    }
    expectRefused(
      await admin.get(`/api/companies/${company.id}/invitations?status=pending&status=revoked`),
      400,
      "validation_failed",
    );
    // Duplicate JSON keys are refused (issue 17 item 2): no reading of the body is left to chance.
    const duplicate = `{"email":${JSON.stringify(victim.email)},"email":${JSON.stringify(attackerAddress)}}`;
    const reset = await s.client().request("POST", "/api/auth/password-reset", {
      raw: duplicate,
      headers: { "content-type": "application/json" },
    });
    expectRefused(reset, 400, "validation_failed");
    expect(reset.body.error.details).toMatchObject({ field: "body.email", duplicateKey: "email" });
    await expectUnchanged(s, before);
    expect(await s.mailsTo(attackerAddress)).toEqual([]);
    expect(await s.invitationStatus(id)).toBe("pending");
    expect(await s.auditSince(mark, "password.reset_requested")).toEqual([]);
  });

  it("CSRF: invite, role change and deactivation from a cross-site Origin are refused (403) and recorded", async () => {
    const mark = s.mark();
    const before = await s.snapshot();
    const base = `/api/companies/${company.id}`;
    const forged: [string, string, unknown, Record<string, string>][] = [
      [
        "POST",
        `${base}/invitations`,
        { email: attackerAddress, roleIds: [company.roleIds.admin], acceptTerms: true },
        { origin: "https://evil.example" },
      ],
      [
        "PUT",
        `${base}/members/${victim.memberId}/roles`,
        { roleIds: [company.roleIds.admin], version: 1 },
        { origin: "null" },
      ],
      [
        "POST",
        `${base}/members/${victim.memberId}/deactivate`,
        {},
        { "sec-fetch-site": "cross-site", origin: PUBLIC_URL },
      ],
      ["POST", `${base}/members/${victim.memberId}/deactivate`, {}, { origin: `${PUBLIC_URL}.evil.example` }],
    ];
    for (const [method, url, body, headers] of forged) {
      expectRefused(await admin.request(method, url, { json: body, headers }), 403, "csrf_rejected");
    }
    // What a cross-site HTML form can send without an Origin: a form or text body, refused as well.
    for (const [type, raw] of [
      ["application/x-www-form-urlencoded", `email=${encodeURIComponent(attackerAddress)}&acceptTerms=true`],
      [
        "text/plain",
        JSON.stringify({ email: attackerAddress, roleIds: [company.roleIds.admin], acceptTerms: true }),
      ],
      [
        "multipart/form-data; boundary=x",
        "--x\r\nContent-Disposition: form-data; name=email\r\n\r\na\r\n--x--",
      ],
    ]) {
      expectRefused(
        await admin.request("POST", `${base}/invitations`, {
          raw,
          headers: { "content-type": type as string },
        }),
        415,
        "unsupported_media_type",
      );
    }
    await expectUnchanged(s, before);
    expect(await s.memberRoleKeys(victim.memberId)).toEqual(["operations"]);
    await expectAudited(
      s,
      mark,
      "security.csrf_rejected",
      forged.length + 3,
      (e) => e.actor_account_id === company.admin.id,
    );
  });

  it("state change by GET: GET on every changing route changes nothing, and the session survives", async () => {
    const { id, token } = await invite(s, admin, company, uniqueEmail("get"));
    const base = `/api/companies/${company.id}`;
    const mark = s.mark();
    const before = await s.snapshot();
    for (const url of [
      `${base}/members/${victim.memberId}/deactivate`,
      `${base}/members/${victim.memberId}/roles?roleIds=${company.roleIds.admin}&version=1`,
      `${base}/invitations/${id}/resend`,
      "/api/auth/logout",
      `/api/invitations/${token}/accept?name=Eve&password=Juniper-Orbit-Candle-5521`,
      `/api/auth/password-reset?email=${encodeURIComponent(victim.email)}`,
      "/api/verification/step-up",
    ]) {
      const response = await admin.get(url);
      expect([404, 405], `${url}: ${response.text}`).toContain(response.status);
      expect(response.headers.get("set-cookie"), url).toBeNull();
    }
    await expectUnchanged(s, before);
    expect(await s.invitationStatus(id)).toBe("pending");
    expect((await admin.get("/api/me")).status).toBe(200);
    expect(await s.auditSince(mark, "member.deactivated")).toEqual([]);
    const session = await s.db
      .selectFrom("sessions")
      .select("id")
      .where("token_hash", "=", hashSecretToken(admin.cookie!))
      .execute();
    expect(session).toHaveLength(1);
  });
});
