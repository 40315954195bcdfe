// SPEC §6.5, "and the SSO/SCIM provisioning events": a member made by SCIM or by a first SSO login
// is announced as `member.joined` (with how they came), and roles an SSO login re-applies as
// `member.roles_changed`, each queued in the transaction of the change like every other event.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashSecretToken, newSecretToken } from "../server/access/tokens.js";
import { sealSecret } from "../server/mfa/secret-box.js";
import { completeSsoLogin } from "../server/sso/login.js";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness } from "./support/harness.js";

const SESSION_POLICY = { idleMs: 60 * 60_000, absoluteMs: 12 * 3_600_000 };

describe.each(testDatabaseKinds)("SPEC 6.5: provisioning events on %s", (kind) => {
  let h: Harness;
  let company: Awaited<ReturnType<Harness["company"]>>;
  const scimToken = newSecretToken();

  async function queued(type: string) {
    const rows = await h.db
      .selectFrom("webhook_deliveries")
      .select(["event_type", "body"])
      .where("company_id", "=", company.id)
      .where("event_type", "=", type)
      .execute();
    return rows.map((row) => JSON.parse(row.body) as { type: string; data: Record<string, unknown> });
  }

  beforeAll(async () => {
    h = await createHarness(kind);
    company = await h.company("Provisioned Co");
    const now = h.clock.now();
    const endpointId = crypto.randomUUID();
    await h.db
      .insertInto("webhook_endpoints")
      .values({
        id: endpointId,
        company_id: company.id,
        url: "http://127.0.0.1:9/hooks",
        events: ["member.joined", "member.roles_changed"],
        enabled: true,
        secret_sealed: sealSecret(h.config.mfaSecretKey, "whsec_provisioning", endpointId),
        created_at: now,
        updated_at: now,
      })
      .execute();
    await h.db
      .insertInto("company_domains")
      .values({
        company_id: company.id,
        domain: "provisioned.example",
        verification_token: "provisioned0123456789",
        verified_at: now,
        created_at: now,
      })
      .execute();
    await h.db
      .insertInto("scim_tokens")
      .values({
        company_id: company.id,
        name: "Okta",
        token_hash: hashSecretToken(scimToken),
        created_at: now,
      })
      .execute();
    await h.db
      .insertInto("sso_connections")
      .values({
        company_id: company.id,
        protocol: "oidc",
        enabled: true,
        oidc_issuer: "https://idp.provisioned.example",
        oidc_client_id: "portal",
        groups_attribute: "groups",
        updated_at: now,
      })
      .execute();
    await h.db
      .insertInto("sso_group_mappings")
      .values([
        { company_id: company.id, group_name: "finance-team", role_id: company.roleIds.finance },
        { company_id: company.id, group_name: "ops-team", role_id: company.roleIds.operations },
      ])
      .execute();
  });
  afterAll(() => h?.close());

  it("announces a member made by SCIM as member.joined, provisioned by scim", async () => {
    const response = await h.app.inject({
      method: "POST",
      url: "/scim/v2/Users",
      headers: { authorization: `Bearer ${scimToken}`, "content-type": "application/scim+json" },
      payload: {
        schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
        userName: "scim.person@provisioned.example",
        name: { givenName: "Sam", familyName: "Scim" },
        active: true,
      },
    });
    expect(response.statusCode, response.body).toBe(201);
    const events = (await queued("member.joined")).filter(
      (event) => event.data.email === "scim.person@provisioned.example",
    );
    expect(events).toHaveLength(1);
    expect(events[0]?.data).toMatchObject({ provisionedBy: "scim", memberId: response.json().id });
  });

  it("announces a first SSO login as member.joined and re-applied roles as member.roles_changed", async () => {
    const deps = { db: h.db, clock: h.clock, sessionPolicy: SESSION_POLICY };
    const login = (groups: string[]) =>
      completeSsoLogin(
        deps,
        {
          companyId: company.id,
          protocol: "oidc",
          subject: "sso-subject-1",
          email: "sso.person@provisioned.example",
          name: "Sue Sso",
          groups,
        },
        {
          previousSessionToken: null,
          deviceTokens: [],
          meta: { ip: null, userAgent: null, requestId: null },
        },
      );
    await login(["finance-team"]);
    const joined = (await queued("member.joined")).filter(
      (event) => event.data.email === "sso.person@provisioned.example",
    );
    expect(joined).toHaveLength(1);
    expect(joined[0]?.data).toMatchObject({ provisionedBy: "sso", protocol: "oidc", roles: ["Finance"] });

    await login(["ops-team"]);
    const changed = (await queued("member.roles_changed")).filter(
      (event) => event.data.email === "sso.person@provisioned.example",
    );
    expect(changed).toHaveLength(1);
    expect(changed[0]?.data.provisionedBy).toBe("sso");
    const roles = (changed[0]?.data.roles ?? []) as { name: string }[];
    expect(roles.map((role) => role.name)).toEqual(["Operations"]);

    // The same groups again change nothing, and announce nothing.
    await login(["ops-team"]);
    expect(
      (await queued("member.roles_changed")).filter(
        (event) => event.data.email === "sso.person@provisioned.example",
      ),
    ).toHaveLength(1);
  });
});
