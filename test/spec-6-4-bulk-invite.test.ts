// SPEC §6.4, bulk invite: up to 10 emails with the same roles, or a CSV of up to 500 rows, after one
// step-up; one result per row (invited, already a member, pending, invalid, refused with its
// reason), one audit event per invitation, and rule 8's per-company limits refusing row by row.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashSecretToken } from "../server/access/tokens.js";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness } from "./support/harness.js";

type Result = { email: string; status: string; code?: string; message?: string; line?: number };

describe.each(testDatabaseKinds)("SPEC 6.4: bulk invite on %s", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind);
  });
  afterAll(() => h?.close());

  async function adminOf(name: string) {
    const company = await h.company(name);
    const cookie = await h.login(company.admin.email);
    return { company, cookie };
  }

  it("needs a step-up, then answers one result per email: invited, already a member, pending, invalid, refused", async () => {
    const { company, cookie } = await adminOf("Batch Co");
    const member = await h.member(company, ["finance"]);
    const deactivated = await h.member(company, ["operations"]);
    await h.db
      .updateTable("members")
      .set({ status: "deactivated", deactivated_at: h.clock.now() })
      .where("id", "=", deactivated.memberId)
      .execute();
    const send = (emails: string[], acceptTerms = true) =>
      h.inject(cookie, {
        method: "POST",
        url: `/api/companies/${company.id}/invitations/batch`,
        payload: { emails, roleIds: [company.roleIds.developer], acceptTerms },
      });
    const unverified = await send(["one@example.com"]);
    expect(unverified.statusCode).toBe(403);
    expect(unverified.json().error.code).toBe("step_up_required");

    await h.elevate(cookie, company.id);
    expect((await send(["pending@example.com"])).json().results[0].status).toBe("invited");
    const response = await send([
      "New.Person@Example.com",
      member.email,
      "pending@example.com",
      "not an email",
      '=HYPERLINK("http://evil")',
      deactivated.email,
      "new.person@example.com",
    ]);
    expect(response.statusCode, response.body).toBe(200);
    const results: Result[] = response.json().results;
    expect(results.map((r) => [r.email, r.status, r.code ?? null])).toEqual([
      ["New.Person@Example.com", "invited", null],
      [member.email, "already_member", "already_member"],
      ["pending@example.com", "pending", "invitation_pending"],
      ["not an email", "invalid", "validation_failed"],
      ['=HYPERLINK("http://evil")', "invalid", "validation_failed"],
      [deactivated.email, "refused", "member_deactivated"],
      ["new.person@example.com", "invalid", "duplicate_in_batch"],
    ]);
    for (const result of results.filter((r) => r.code)) expect(result.message).toMatch(/\w/);

    // One audit event per invitation sent, each naming its own invitation.
    const created = await h.db
      .selectFrom("audit_events")
      .select(["target_id", "details"])
      .where("company_id", "=", company.id)
      .where("action", "=", "invitation.created")
      .execute();
    expect(created.map((e) => (e.details as { email: string }).email).sort()).toEqual([
      "new.person@example.com",
      "pending@example.com",
    ]);
    expect(new Set(created.map((e) => e.target_id)).size).toBe(2);
    const mails = await h.db
      .selectFrom("mail_outbox")
      .select("to_address")
      .where("kind", "=", "invitation")
      .where("to_address", "=", "new.person@example.com")
      .execute();
    expect(mails).toHaveLength(1);

    // The terms box holds for the batch as a whole.
    const unticked = await send(["later@example.com"], false);
    expect(unticked.statusCode).toBe(400);
    expect(unticked.json().error.code).toBe("terms_not_accepted");
    // More than 10 emails, or a role of another company, is the request's 400.
    const eleven = await send(Array.from({ length: 11 }, (_, i) => `p${i}@example.com`));
    expect(eleven.statusCode).toBe(400);
    const other = await h.company("Other Batch Co");
    const foreignRole = await h.inject(cookie, {
      method: "POST",
      url: `/api/companies/${company.id}/invitations/batch`,
      payload: { emails: ["x@example.com"], roleIds: [other.roleIds.admin], acceptTerms: true },
    });
    expect(foreignRole.statusCode).toBe(400);
    expect(foreignRole.json().error.details.unknownRoleIds).toEqual([other.roleIds.admin]);
  });

  it("refuses row by row once the hourly limit (50) would be crossed, naming the limit", async () => {
    const { company, cookie } = await adminOf("Limit Co");
    await h.elevate(cookie, company.id);
    const csv = ["email", ...Array.from({ length: 55 }, (_, i) => `limit${i}@example.com`)].join("\n");
    const preview = await h.inject(cookie, {
      method: "POST",
      url: `/api/companies/${company.id}/invitations/import/preview`,
      payload: { csv, roleIds: [company.roleIds.finance] },
    });
    expect(preview.statusCode, preview.body).toBe(200);
    const previewed: Result[] = preview.json().results;
    expect(previewed.filter((r) => r.status === "ready")).toHaveLength(50);
    expect(previewed.slice(50).every((r) => r.code === "invitation_rate_limited")).toBe(true);
    // A preview writes nothing.
    const none = await h.db
      .selectFrom("invitations")
      .select("id")
      .where("company_id", "=", company.id)
      .execute();
    expect(none).toHaveLength(0);

    const imported = await h.inject(cookie, {
      method: "POST",
      url: `/api/companies/${company.id}/invitations/import`,
      payload: { csv, roleIds: [company.roleIds.finance], acceptTerms: true },
    });
    expect(imported.statusCode, imported.body).toBe(200);
    const results: Result[] = imported.json().results;
    expect(results).toHaveLength(55);
    expect(results.slice(0, 50).every((r) => r.status === "invited")).toBe(true);
    for (const row of results.slice(50)) {
      expect(row.status).toBe("refused");
      expect(row.code).toBe("invitation_rate_limited");
      expect(row.message).toContain("last hour");
    }
    expect(results[0]?.line).toBe(2);
    const sent = await h.db
      .selectFrom("invitations")
      .select("id")
      .where("company_id", "=", company.id)
      .execute();
    expect(sent).toHaveLength(50);
    // The next hour the rows past the limit go through.
    h.clock.advance(3_600_001);
    const nextCookie = await h.login(company.admin.email);
    await h.elevate(nextCookie, company.id);
    const later = await h.inject(nextCookie, {
      method: "POST",
      url: `/api/companies/${company.id}/invitations/batch`,
      payload: { emails: ["limit52@example.com"], roleIds: [company.roleIds.finance], acceptTerms: true },
    });
    expect(later.json().results[0].status).toBe("invited");
  });

  it("refuses row by row past the 500 pending invitations", async () => {
    const { company, cookie } = await adminOf("Pending Limit Co");
    await h.elevate(cookie, company.id);
    // 499 pending invitations written straight in, a day ago (outside the hourly window).
    const dayAgo = new Date(h.clock.now().getTime() - 86_400_000);
    const rows = Array.from({ length: 499 }, (_, i) => ({
      company_id: company.id,
      email: `held${i}@example.com`,
      token_hash: hashSecretToken(`held ${company.id} ${i}`),
      invited_by: company.admin.id,
      created_at: dayAgo,
      last_sent_at: dayAgo,
      expires_at: new Date(dayAgo.getTime() + 7 * 86_400_000),
    }));
    await h.db.insertInto("invitations").values(rows).execute();
    const response = await h.inject(cookie, {
      method: "POST",
      url: `/api/companies/${company.id}/invitations/batch`,
      payload: {
        emails: ["a@example.com", "b@example.com", "c@example.com"],
        roleIds: [company.roleIds.finance],
        acceptTerms: true,
      },
    });
    const results: Result[] = response.json().results;
    expect(results.map((r) => [r.status, r.code ?? null])).toEqual([
      ["invited", null],
      ["refused", "invitation_limit_reached"],
      ["refused", "invitation_limit_reached"],
    ]);
  });

  it("imports a CSV with role names, formulas and bad rows, and refuses a file over 500 rows whole", async () => {
    const { company, cookie } = await adminOf("Import Co");
    await h.elevate(cookie, company.id);
    const csv = [
      "Email,Roles",
      "ana@example.com,Finance",
      '"bo@example.com","Developer; Data Analytics"',
      "=cmd|' /C calc'!A0,Finance",
      "cy@example.com,Wizard",
      "",
      "di@example.com,",
      "ana@example.com,Operations",
    ].join("\r\n");
    const preview = await h.inject(cookie, {
      method: "POST",
      url: `/api/companies/${company.id}/invitations/import/preview`,
      payload: { csv },
    });
    expect(preview.statusCode, preview.body).toBe(200);
    expect(preview.json().results.map((r: Result) => [r.line, r.status, r.code ?? null])).toEqual([
      [2, "ready", null],
      [3, "ready", null],
      [4, "invalid", "validation_failed"],
      [5, "invalid", "validation_failed"],
      [7, "invalid", "validation_failed"],
      [8, "invalid", "duplicate_in_batch"],
    ]);
    const imported = await h.inject(cookie, {
      method: "POST",
      url: `/api/companies/${company.id}/invitations/import`,
      payload: { csv, acceptTerms: true },
    });
    const results: Result[] = imported.json().results;
    expect(results.map((r) => r.status)).toEqual([
      "invited",
      "invited",
      "invalid",
      "invalid",
      "invalid",
      "invalid",
    ]);
    expect(results[3]?.message).toContain('"Wizard"');
    const bo = await h.db
      .selectFrom("invitations as i")
      .innerJoin("invitation_roles as ir", "ir.invitation_id", "i.id")
      .innerJoin("roles as r", "r.id", "ir.role_id")
      .select("r.key")
      .where("i.email", "=", "bo@example.com")
      .orderBy("r.key")
      .execute();
    expect(bo.map((r) => r.key)).toEqual(["data_analytics", "developer"]);
    // The formula row never reached an invitation, a mail or an audit event's email.
    const formula = await h.db
      .selectFrom("audit_events")
      .select("id")
      .where("company_id", "=", company.id)
      .where((eb) => eb(eb.cast("details", "text"), "like", "%cmd|%"))
      .execute();
    expect(formula).toHaveLength(0);

    const tooLong = ["email", ...Array.from({ length: 501 }, (_, i) => `many${i}@example.com`)].join("\n");
    for (const url of ["import", "import/preview"]) {
      const refused = await h.inject(cookie, {
        method: "POST",
        url: `/api/companies/${company.id}/invitations/${url}`,
        payload: {
          csv: tooLong,
          roleIds: [company.roleIds.finance],
          ...(url === "import" ? { acceptTerms: true } : {}),
        },
      });
      expect(refused.statusCode).toBe(400);
      expect(refused.json().error.details).toMatchObject({ rows: 501, limit: 500 });
    }
    const many = await h.db.selectFrom("invitations").select("id").where("email", "like", "many%").execute();
    expect(many).toHaveLength(0);
  });

  it("holds rule 6 per row: a custom-role inviter cannot grant beyond their own permissions", async () => {
    const company = await h.company("Ceiling Co");
    const custom = await h.db
      .insertInto("roles")
      .values({ company_id: company.id, key: null, name: "Inviter" })
      .returning("id")
      .executeTakeFirstOrThrow();
    await h.db
      .insertInto("role_permissions")
      .values(
        ["members.invite", "transactions.view"].map((permission) => ({ role_id: custom.id, permission })),
      )
      .execute();
    const inviter = await h.member(company, []);
    await h.db
      .insertInto("member_roles")
      .values({ company_id: company.id, member_id: inviter.memberId, role_id: custom.id })
      .execute();
    const cookie = await h.login(inviter.email);
    await h.elevate(cookie, company.id);
    const response = await h.inject(cookie, {
      method: "POST",
      url: `/api/companies/${company.id}/invitations/import`,
      payload: { csv: "email,roles\nok@example.com,Operations\nup@example.com,Admin\n", acceptTerms: true },
    });
    expect(response.json().results.map((r: Result) => [r.status, r.code ?? null])).toEqual([
      ["invited", null],
      ["refused", "grant_exceeds_own"],
    ]);
  });

  it("gives every row of a batch the batch's merchant-account scope, and refuses a scope beyond the inviter's (rule 6)", async () => {
    const { company, cookie } = await adminOf("Batch Scope Co");
    const europe = (
      await h.db
        .insertInto("merchant_accounts")
        .values({
          company_id: company.id,
          name: "Batch Europe",
          reference: "EU-B",
          region: "Europe",
          created_at: new Date(h.clock.now().getTime() + 1),
        })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id;
    await h.elevate(cookie, company.id);
    const scope = { kind: "restricted", merchantAccountIds: [europe] };
    const response = await h.inject(cookie, {
      method: "POST",
      url: `/api/companies/${company.id}/invitations/batch`,
      payload: {
        emails: ["eu.one@example.com", "eu.two@example.com"],
        roleIds: [company.roleIds.finance],
        scope,
        acceptTerms: true,
      },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().results.map((r: Result) => r.status)).toEqual(["invited", "invited"]);
    const listed = await h.inject(cookie, {
      url: `/api/companies/${company.id}/invitations?status=pending`,
    });
    const scopes = listed
      .json()
      .items.filter((i: { email: string }) => i.email.startsWith("eu."))
      .map((i: { scope: unknown }) => i.scope);
    expect(scopes).toEqual([scope, scope]);

    // A member restricted to Europe cannot hand out all accounts, row by row.
    const restricted = await h.member(company, ["admin"]);
    const put = await h.inject(cookie, {
      method: "PUT",
      url: `/api/companies/${company.id}/members/${restricted.memberId}/roles`,
      payload: { roleIds: [company.roleIds.admin], scope },
    });
    expect(put.statusCode, put.body).toBe(200);
    const restrictedCookie = await h.login(restricted.email);
    await h.elevate(restrictedCookie, company.id);
    const wider = await h.inject(restrictedCookie, {
      method: "POST",
      url: `/api/companies/${company.id}/invitations/batch`,
      payload: {
        emails: ["everywhere@example.com"],
        roleIds: [company.roleIds.finance],
        scope: { kind: "all" },
        acceptTerms: true,
      },
    });
    expect(wider.statusCode, wider.body).toBe(200);
    expect(wider.json().results).toEqual([
      expect.objectContaining({
        email: "everywhere@example.com",
        status: "refused",
        code: "grant_exceeds_own",
      }),
    ]);
  });
});
