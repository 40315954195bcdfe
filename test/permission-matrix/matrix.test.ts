// Generated from table.ts: one test per route × caller, on every test database.
// Also fails when the app has a route the table does not list (rule 1, SPEC §3).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashSecretToken, newSecretToken } from "../../server/access/tokens.js";
import { sealSecret } from "../../server/mfa/secret-box.js";
import { testDatabaseKinds } from "../support/databases.js";
import { createHarness, type Harness } from "../support/harness.js";
import { ACTORS, type Actor, expectedStatus, ROWS, SPEC_ROLE_PERMISSIONS } from "./table.js";

describe.each(testDatabaseKinds)("permission matrix on %s", (kind) => {
  let h: Harness;
  let companyId: string;
  let customRoleId: string;
  let customMemberId: string;
  let deactivatedMemberId: string;
  const webhook = { id: "", deliveryId: "", toDeleteId: "" };
  const invitations = { toResend: "", toRevoke: "" };
  // The matrix company's SCIM token, and a domain it has verified for SCIM to provision in.
  const scimToken = newSecretToken();
  const emails = {} as Record<Exclude<Actor, "anonymous">, string>;

  beforeAll(async () => {
    h = await createHarness(kind);
    const company = await h.company("Matrix Co");
    companyId = company.id;
    emails.admin = company.admin.email;
    for (const role of ["finance", "operations", "developer", "data_analytics"] as const) {
      emails[role] = (await h.member(company, [role])).email;
    }
    // A custom role made straight in the database (the roles API arrives with its own issue).
    const custom = await h.db
      .insertInto("roles")
      .values({ company_id: company.id, key: null, name: "Matrix custom" })
      .returning("id")
      .executeTakeFirstOrThrow();
    await h.db
      .insertInto("role_permissions")
      .values(SPEC_ROLE_PERMISSIONS.custom.map((permission) => ({ role_id: custom.id, permission })))
      .execute();
    const customMember = await h.member(company, []);
    await h.db
      .insertInto("member_roles")
      .values({ company_id: company.id, member_id: customMember.memberId, role_id: custom.id })
      .execute();
    emails.custom = customMember.email;
    customRoleId = custom.id;
    customMemberId = customMember.memberId;
    // A deactivated member who still has another company, so they can still log in.
    const deactivated = await h.member(company, ["admin"]);
    const elsewhere = await h.company("Elsewhere Co");
    await h.db
      .insertInto("members")
      .values({ company_id: elsewhere.id, account_id: deactivated.id })
      .execute();
    emails.deactivated = deactivated.email;
    deactivatedMemberId = deactivated.memberId;
    const cookieBeforeDeactivation = await h.login(deactivated.email);
    await h.db
      .updateTable("members")
      .set({ status: "deactivated", deactivated_at: h.clock.now() })
      .where("id", "=", deactivated.memberId)
      .execute();
    await h.inject(cookieBeforeDeactivation, { method: "POST", url: "/api/auth/logout", payload: {} });
    emails.non_member = (await h.company("Stranger Co")).admin.email;
    await h.db
      .insertInto("scim_tokens")
      .values({
        company_id: company.id,
        name: "Matrix IdP",
        token_hash: hashSecretToken(scimToken),
        created_at: h.clock.now(),
      })
      .execute();
    await h.db
      .insertInto("company_domains")
      .values({
        company_id: company.id,
        domain: "matrix-scim.example",
        verification_token: "matrix0123456789abcdef",
        verified_at: h.clock.now(),
        created_at: h.clock.now(),
      })
      .execute();
    // Two webhook endpoints (to nowhere, disabled): one with a delivery in its log, one to delete.
    for (const key of ["id", "toDeleteId"] as const) {
      webhook[key] = crypto.randomUUID();
      await h.db
        .insertInto("webhook_endpoints")
        .values({
          id: webhook[key],
          company_id: company.id,
          url: "http://127.0.0.1:9/matrix",
          events: ["member.invited"],
          enabled: false,
          disabled_reason: "manual",
          secret_sealed: sealSecret(h.config.mfaSecretKey, "whsec_matrix", webhook[key]),
          created_at: h.clock.now(),
          updated_at: h.clock.now(),
        })
        .execute();
    }
    const delivery = await h.db
      .insertInto("webhook_deliveries")
      .values({
        company_id: company.id,
        endpoint_id: webhook.id,
        event_id: crypto.randomUUID(),
        event_type: "member.invited",
        body: "{}",
        created_at: h.clock.now(),
        next_attempt_at: h.clock.now(),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    webhook.deliveryId = delivery.id;
    // Two pending invitations, sent an hour ago so a resend is past its cooldown.
    const hourAgo = new Date(h.clock.now().getTime() - 3_600_000);
    for (const purpose of ["toResend", "toRevoke"] as const) {
      const invitation = await h.db
        .insertInto("invitations")
        .values({
          company_id: company.id,
          email: `matrix.${purpose.toLowerCase()}@example.com`,
          token_hash: hashSecretToken(`matrix ${purpose}`),
          invited_by: company.admin.id,
          created_at: hourAgo,
          last_sent_at: hourAgo,
          expires_at: new Date(hourAgo.getTime() + 7 * 86_400_000),
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      await h.db
        .insertInto("invitation_roles")
        .values({ company_id: company.id, invitation_id: invitation.id, role_id: company.roleIds.operations })
        .execute();
      invitations[purpose] = invitation.id;
    }
  });
  const cellContext = (otherSessionId: string) => ({
    companyId,
    otherSessionId,
    customRoleId,
    invitationToResend: invitations.toResend,
    invitationToRevoke: invitations.toRevoke,
    customMemberId,
    deactivatedMemberId,
    deactivatedEmail: emails.deactivated,
    webhookId: webhook.id,
    webhookDeliveryId: webhook.deliveryId,
    webhookToDeleteId: webhook.toDeleteId,
  });
  afterAll(() => h?.close());

  it("lists every API route of the app, and nothing else", () => {
    const appRoutes = h.app.accessTable.map((r) => `${r.method} ${r.url}`).sort();
    const tableRoutes = ROWS.map((r) => `${r.method} ${r.route}`).sort();
    expect(tableRoutes).toEqual(appRoutes);
  });

  it("restates each route's declared requirement and step-up", () => {
    for (const row of ROWS) {
      const declared = h.app.accessTable.find((r) => r.method === row.method && r.url === row.route);
      const restated =
        declared?.access.kind === "permission" ? declared.access.permission : declared?.access.kind;
      expect(restated, `${row.method} ${row.route}`).toBe(row.requires);
      expect(declared?.stepUp ?? false, `${row.method} ${row.route} step-up`).toBe(row.stepUp ?? false);
    }
  });

  // Rule 7: a caller whom the permission layer lets through still needs a fresh verification.
  for (const row of ROWS.filter((r) => r.stepUp)) {
    it(`${row.method} ${row.route} without a fresh email verification → 403 step_up_required`, async () => {
      // A member of the company: a route answering 404 when allowed answers it to strangers too.
      const actor = ACTORS.find(
        (a) => !["anonymous", "non_member", "deactivated"].includes(a) && expectedStatus(row, a) === row.ok,
      );
      expect(actor, "some actor may use the route").toBeDefined();
      const cookie = await h.login(emails[actor as Exclude<Actor, "anonymous">]);
      const request = row.request?.(cellContext("00000000-0000-4000-8000-000000000000")) ?? {
        url: row.route.replace(":cid", companyId),
      };
      const response = await h.inject(cookie, {
        method: row.method,
        url: request.url,
        payload: request.payload ?? {},
      });
      expect(response.statusCode, response.body).toBe(403);
      expect(response.json().error.code).toBe("step_up_required");
    });
  }

  // SCIM routes: the company's bearer token is the one credential that opens them.
  for (const row of ROWS.filter((r) => r.requires === "scim_token")) {
    it(`${row.method} ${row.route} with the company's SCIM token → ${row.ok}`, async () => {
      const request = row.request?.(cellContext("00000000-0000-4000-8000-000000000000")) ?? {
        url: row.route,
      };
      const response = await h.app.inject({
        method: row.method,
        url: request.url,
        headers: {
          authorization: `Bearer ${scimToken}`,
          ...(request.payload !== undefined ? { "content-type": "application/scim+json" } : {}),
        },
        ...(request.payload !== undefined ? { payload: JSON.stringify(request.payload) } : {}),
      });
      expect(response.statusCode, response.body).toBe(row.ok);
      if (row.ok !== 204) expect(response.headers["content-type"]).toMatch(/^application\/scim\+json/);
    });
  }

  for (const row of ROWS) {
    describe(`${row.method} ${row.route}`, () => {
      for (const actor of ACTORS) {
        const expected = expectedStatus(row, actor);
        it(`${actor} → ${expected}`, async () => {
          const cookie = actor === "anonymous" ? null : await h.login(emails[actor]);
          // Step-up routes are checked past the verification; the line above tests without it.
          if (cookie && row.stepUp) await h.elevate(cookie);
          const other = actor === "anonymous" ? null : await h.login(emails[actor]);
          const otherSessionId = other
            ? (
                (await h.inject(other, { url: "/api/me/sessions" })).json().items as {
                  id: string;
                  current: boolean;
                }[]
              ).find((s) => s.current)!.id
            : "00000000-0000-4000-8000-000000000000";
          const request = row.request?.(cellContext(otherSessionId)) ?? {
            url: row.route.replace(":cid", companyId),
          };
          const response = await h.inject(cookie, {
            method: row.method,
            url: request.url,
            ...(request.payload !== undefined
              ? { payload: request.payload }
              : row.method === "GET"
                ? {}
                : { payload: {} }),
          });
          expect(response.statusCode, response.body).toBe(expected);
          if (expected >= 400 && row.requires === "scim_token") {
            // SCIM answers its own error bodies (RFC 7644 §3.12), to a cookie as to anyone.
            expect(response.json()).toMatchObject({
              schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
              status: String(expected),
            });
          } else if (expected >= 400) expect(response.json().error.code).toMatch(/^[a-z_]+$/);
        });
      }
    });
  }
});
