// SPEC §6.3, SCIM 2.0 provisioning: requests replayed in the shapes Okta's and Entra ID's SCIM
// documentation shows; deprovisioning takes effect on the member's very next request (rule 9); Groups
// are roles under rules 4 and 6 (never the last Admin: 409, audited); filters, attributes and pages
// that the server does not support are refused, never guessed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness } from "./support/harness.js";
import { SCIM_JSON, scim, scimToken, verifiedDomain } from "./support/scim.js";

const USER = "urn:ietf:params:scim:schemas:core:2.0:User";
const PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const ERROR = "urn:ietf:params:scim:api:messages:2.0:Error";

describe.each(testDatabaseKinds)("SPEC 6.3: SCIM provisioning on %s", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind);
  });
  afterAll(() => h?.close());

  async function scimCompany(name: string, domains: string[]) {
    const company = await h.company(name);
    for (const domain of domains) await verifiedDomain(h.db, company.id, domain, h.clock.now());
    const token = await scimToken(h.db, company.id, `${name} IdP`, h.clock.now());
    return { company, token };
  }

  /** An account of a verified domain who is a member with a password, to watch their session. */
  async function memberWithSession(company: Awaited<ReturnType<typeof h.company>>, email: string) {
    const account = await h.account(email, "Bo Lee");
    await h.db
      .insertInto("members")
      .values({ company_id: company.id, account_id: account.id, joined_at: h.clock.now() })
      .execute();
    const member = await h.db
      .selectFrom("members")
      .select("id")
      .where("account_id", "=", account.id)
      .where("company_id", "=", company.id)
      .executeTakeFirstOrThrow();
    await h.db
      .insertInto("member_roles")
      .values({ company_id: company.id, member_id: member.id, role_id: company.roleIds.operations })
      .execute();
    return { memberId: member.id, cookie: await h.login(email) };
  }

  const memberRoles = async (memberId: string) =>
    (await h.db.selectFrom("member_roles").select("role_id").where("member_id", "=", memberId).execute())
      .map((row) => row.role_id)
      .sort();

  it("Okta: finds by userName, creates the user as a member, deactivates by PATCH, keeps no password", async () => {
    const { company, token } = await scimCompany("Okta Shapes Co", ["okta.local"]);
    // Okta's first question for each user: is there one with this userName?
    const none = await scim(h, token, {
      url: "/scim/v2/Users?filter=userName%20eq%20%22test.user%40okta.local%22&startIndex=1&count=100",
    });
    expect(none.statusCode).toBe(200);
    expect(none.headers["content-type"]).toMatch(/^application\/scim\+json/);
    expect(none.json()).toEqual({
      schemas: ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
      totalResults: 0,
      startIndex: 1,
      itemsPerPage: 0,
      Resources: [],
    });

    // Okta's documented create request, its password included.
    const created = await scim(h, token, {
      method: "POST",
      url: "/scim/v2/Users",
      body: {
        schemas: [USER],
        userName: "test.user@okta.local",
        name: { givenName: "Test", familyName: "User" },
        emails: [{ primary: true, value: "test.user@okta.local", type: "work" }],
        displayName: "Test User",
        locale: "en-US",
        externalId: "00ujl29u0le5T6Aj10h7",
        groups: [],
        password: "1mz050nq",
        active: true,
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.headers["content-type"]).toMatch(/^application\/scim\+json/);
    const user = created.json();
    expect(user).toMatchObject({
      schemas: [USER],
      userName: "test.user@okta.local",
      externalId: "00ujl29u0le5T6Aj10h7",
      displayName: "Test User",
      active: true,
      emails: [{ value: "test.user@okta.local", primary: true }],
      groups: [],
      meta: { resourceType: "User", location: `http://portal.test/scim/v2/Users/${user.id}` },
    });
    expect(JSON.stringify(user)).not.toContain("1mz050nq");
    const member = await h.db
      .selectFrom("members")
      .select(["status", "company_id", "scim_external_id"])
      .where("id", "=", user.id)
      .executeTakeFirstOrThrow();
    expect(member).toEqual({
      status: "active",
      company_id: company.id,
      scim_external_id: "00ujl29u0le5T6Aj10h7",
    });
    // The password Okta sent opens nothing.
    const login = await h.app.inject({
      method: "POST",
      url: "/api/auth/login",
      payload: { email: "test.user@okta.local", password: "1mz050nq" },
    });
    expect(login.statusCode).toBe(401);
    const event = await h.db
      .selectFrom("audit_events")
      .select(["actor_account_id", "target_id", "details"])
      .where("company_id", "=", company.id)
      .where("action", "=", "scim.user_created")
      .executeTakeFirstOrThrow();
    expect(event).toMatchObject({
      actor_account_id: null,
      target_id: user.id,
      details: { scimClient: "Okta Shapes Co IdP", email: "test.user@okta.local" },
    });
    expect(JSON.stringify(event)).not.toContain("1mz050nq");

    const found = await scim(h, token, { url: '/scim/v2/Users?filter=userName eq "Test.User@OKTA.local"' });
    expect(found.json()).toMatchObject({ totalResults: 1, Resources: [{ id: user.id }] });
    const again = await scim(h, token, {
      method: "POST",
      url: "/scim/v2/Users",
      body: { schemas: [USER], userName: "test.user@okta.local", active: true },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ schemas: [ERROR], status: "409", scimType: "uniqueness" });

    // Okta's deactivation: replace with a value object, no path.
    const deactivated = await scim(h, token, {
      method: "PATCH",
      url: `/scim/v2/Users/${user.id}`,
      body: { schemas: [PATCH], Operations: [{ op: "replace", value: { active: false } }] },
    });
    expect(deactivated.statusCode, deactivated.body).toBe(200);
    expect(deactivated.json().active).toBe(false);
    const fetched = await scim(h, token, { url: `/scim/v2/Users/${user.id}` });
    expect(fetched.json()).toMatchObject({ id: user.id, active: false });
    // Okta's PUT of the whole user, reactivating.
    const replaced = await scim(h, token, {
      method: "PUT",
      url: `/scim/v2/Users/${user.id}`,
      body: { ...user, active: true },
    });
    expect(replaced.statusCode, replaced.body).toBe(200);
    expect(replaced.json().active).toBe(true);
  });

  it("Okta: deprovisioning ends the member's access on their very next request", async () => {
    const { company, token } = await scimCompany("Okta Deprovision Co", ["deprov.example"]);
    const bo = await memberWithSession(company, "bo@deprov.example");
    const rolesUrl = `/api/companies/${company.id}/roles`;
    expect((await h.inject(bo.cookie, { url: rolesUrl })).statusCode).toBe(200);

    const patched = await scim(h, token, {
      method: "PATCH",
      url: `/scim/v2/Users/${bo.memberId}`,
      body: { schemas: [PATCH], Operations: [{ op: "replace", value: { active: false } }] },
    });
    expect(patched.statusCode).toBe(200);
    // Bo had no other company, so his sessions ended with the membership (rule 9): 401 at once.
    const next = await h.inject(bo.cookie, { url: rolesUrl });
    expect(next.statusCode).toBe(401);
    // The deactivation went through the members service: audited as the token, mailed to Bo.
    const event = await h.db
      .selectFrom("audit_events")
      .select(["actor_account_id", "details"])
      .where("company_id", "=", company.id)
      .where("action", "=", "member.deactivated")
      .executeTakeFirstOrThrow();
    expect(event.actor_account_id).toBeNull();
    expect(event.details).toMatchObject({
      scimClient: "Okta Deprovision Co IdP",
      email: "bo@deprov.example",
    });
    const mail = await h.db
      .selectFrom("mail_outbox")
      .select("to_address")
      .where("to_address", "=", "bo@deprov.example")
      .execute();
    expect(mail.length).toBeGreaterThan(0);
  });

  it("Entra ID: creates from its documented body (userName not an email), PATCHes with 'Replace' and string booleans, DELETE deactivates", async () => {
    const { company, token } = await scimCompany("Entra Shapes Co", ["testuser.com"]);
    const none = await scim(h, token, {
      url: '/scim/v2/Users?filter=userName eq "Test_User_dfeef4c5-5681-4387-b016-bdf221e82081"',
    });
    expect(none.json()).toMatchObject({ totalResults: 0, Resources: [] });
    const created = await scim(h, token, {
      method: "POST",
      url: "/scim/v2/Users",
      body: {
        schemas: [USER, "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
        externalId: "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
        userName: "Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1",
        active: true,
        emails: [
          {
            primary: true,
            type: "work",
            value: "Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com",
          },
        ],
        meta: { resourceType: "User" },
        name: { formatted: "givenName familyName", familyName: "familyName", givenName: "givenName" },
        roles: [],
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { department: "Payments" },
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const user = created.json();
    expect(user).toMatchObject({
      userName: "test_user_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com",
      displayName: "givenName familyName",
      externalId: "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
    });
    const byExternalId = await scim(h, token, {
      url: '/scim/v2/Users?filter=externalId eq "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef"',
    });
    expect(byExternalId.json()).toMatchObject({ totalResults: 1, Resources: [{ id: user.id }] });

    // Entra ID's documented disable: capitalised op, a path, and (older agents) a string boolean.
    for (const [value, active] of [
      ["False", false],
      ["True", true],
      [false, false],
    ] as const) {
      const patched = await scim(h, token, {
        method: "PATCH",
        url: `/scim/v2/Users/${user.id}`,
        body: { schemas: [PATCH], Operations: [{ op: "Replace", path: "active", value }] },
      });
      expect(patched.statusCode, patched.body).toBe(200);
      expect(patched.json().active).toBe(active);
    }
    // Its attribute updates: what we do not keep is accepted and ignored; the userName is the account's.
    const attributes = await scim(h, token, {
      method: "PATCH",
      url: `/scim/v2/Users/${user.id}`,
      body: {
        schemas: [PATCH],
        Operations: [
          { op: "Replace", path: "name.familyName", value: "updatedFamilyName" },
          { op: "Add", path: 'emails[type eq "work"].value', value: "updatedEmail@testuser.com" },
          {
            op: "Replace",
            path: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department",
            value: "Risk",
          },
        ],
      },
    });
    expect(attributes.statusCode, attributes.body).toBe(200);
    const rename = await scim(h, token, {
      method: "PATCH",
      url: `/scim/v2/Users/${user.id}`,
      body: {
        schemas: [PATCH],
        Operations: [
          { op: "Replace", path: "userName", value: "5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com" },
        ],
      },
    });
    expect(rename.statusCode).toBe(400);
    expect(rename.json()).toMatchObject({ schemas: [ERROR], status: "400", scimType: "mutability" });

    // Entra ID deprovisions with DELETE: the member is deactivated at once, their session with them.
    const bo = await memberWithSession(company, "bo@testuser.com");
    const deleted = await scim(h, token, { method: "DELETE", url: `/scim/v2/Users/${bo.memberId}` });
    expect(deleted.statusCode).toBe(204);
    expect((await h.inject(bo.cookie, { url: `/api/companies/${company.id}/roles` })).statusCode).toBe(401);
    expect((await scim(h, token, { url: `/scim/v2/Users/${bo.memberId}` })).json().active).toBe(false);
    // Reactivated later, the member comes back with the roles they held (rule 9).
    const back = await scim(h, token, {
      method: "PATCH",
      url: `/scim/v2/Users/${bo.memberId}`,
      body: { schemas: [PATCH], Operations: [{ op: "Replace", path: "active", value: "True" }] },
    });
    expect(back.json().groups).toEqual([
      expect.objectContaining({ value: company.roleIds.operations, display: "Operations" }),
    ]);
    expect(
      (await h.inject(await h.login("bo@testuser.com"), { url: `/api/companies/${company.id}/roles` }))
        .statusCode,
    ).toBe(200);
  });

  it("Groups are roles: Okta's and Entra ID's member add and remove assign and unassign them", async () => {
    const { company, token } = await scimCompany("Group Shapes Co", ["groups.example"]);
    const bo = await memberWithSession(company, "bo@groups.example");
    const listed = await scim(h, token, { url: '/scim/v2/Groups?filter=displayName eq "Finance"' });
    expect(listed.json()).toMatchObject({
      totalResults: 1,
      Resources: [{ id: company.roleIds.finance, displayName: "Finance", members: [] }],
    });
    const excluded = await scim(h, token, {
      url: '/scim/v2/Groups?excludedAttributes=members&filter=displayName eq "Admin"',
    });
    expect(excluded.json().Resources[0]).not.toHaveProperty("members");

    // Okta: add with a members list, remove with a value filter in the path.
    const oktaAdd = await scim(h, token, {
      method: "PATCH",
      url: `/scim/v2/Groups/${company.roleIds.finance}`,
      body: {
        schemas: [PATCH],
        Operations: [
          { op: "add", path: "members", value: [{ value: bo.memberId, display: "bo@groups.example" }] },
        ],
      },
    });
    expect(oktaAdd.statusCode, oktaAdd.body).toBe(204);
    expect(await memberRoles(bo.memberId)).toEqual(
      [company.roleIds.finance, company.roleIds.operations].sort(),
    );
    // The new role counts on Bo's next request (rule 2).
    expect((await h.inject(bo.cookie, { url: `/api/companies/${company.id}/settlements` })).statusCode).toBe(
      200,
    );
    const group = await scim(h, token, { url: `/scim/v2/Groups/${company.roleIds.finance}` });
    expect(group.json().members).toEqual([
      expect.objectContaining({ value: bo.memberId, display: "bo@groups.example" }),
    ]);

    const oktaRemove = await scim(h, token, {
      method: "PATCH",
      url: `/scim/v2/Groups/${company.roleIds.finance}`,
      body: { schemas: [PATCH], Operations: [{ op: "remove", path: `members[value eq "${bo.memberId}"]` }] },
    });
    expect(oktaRemove.statusCode).toBe(204);
    expect(await memberRoles(bo.memberId)).toEqual([company.roleIds.operations]);

    // Entra ID: capitalised ops, a value list with "$ref": null.
    const entraAdd = await scim(h, token, {
      method: "PATCH",
      url: `/scim/v2/Groups/${company.roleIds.developer}`,
      body: {
        schemas: [PATCH],
        Operations: [{ op: "Add", path: "members", value: [{ $ref: null, value: bo.memberId }] }],
      },
    });
    expect(entraAdd.statusCode).toBe(204);
    const entraRemove = await scim(h, token, {
      method: "PATCH",
      url: `/scim/v2/Groups/${company.roleIds.operations}`,
      body: {
        schemas: [PATCH],
        Operations: [{ op: "Remove", path: "members", value: [{ $ref: null, value: bo.memberId }] }],
      },
    });
    expect(entraRemove.statusCode).toBe(204);
    expect(await memberRoles(bo.memberId)).toEqual([company.roleIds.developer]);
    const changes = await h.db
      .selectFrom("audit_events")
      .select(["actor_account_id", "details"])
      .where("company_id", "=", company.id)
      .where("action", "=", "member.roles_changed")
      .execute();
    expect(changes).toHaveLength(4);
    expect(
      changes.every((e) => e.actor_account_id === null && e.details.scimClient === "Group Shapes Co IdP"),
    ).toBe(true);

    // Renaming a role is the portal's; Okta's replace with the same name is fine.
    const sameName = await scim(h, token, {
      method: "PATCH",
      url: `/scim/v2/Groups/${company.roleIds.developer}`,
      body: {
        schemas: [PATCH],
        Operations: [{ op: "replace", value: { id: company.roleIds.developer, displayName: "Developer" } }],
      },
    });
    expect(sameName.statusCode).toBe(204);
    const renamed = await scim(h, token, {
      method: "PATCH",
      url: `/scim/v2/Groups/${company.roleIds.developer}`,
      body: { schemas: [PATCH], Operations: [{ op: "replace", value: { displayName: "Admin" } }] },
    });
    expect(renamed.statusCode).toBe(400);
    expect(renamed.json().scimType).toBe("mutability");
  });

  it("never removes or deactivates the last Admin: 409 as a SCIM error, audited as the token's refusal", async () => {
    const { company, token } = await scimCompany("Last Admin Scim Co", ["lastadmin.example"]);
    const removeAdmin = await scim(h, token, {
      method: "PATCH",
      url: `/scim/v2/Groups/${company.roleIds.admin}`,
      body: {
        schemas: [PATCH],
        Operations: [{ op: "remove", path: `members[value eq "${company.admin.memberId}"]` }],
      },
    });
    expect(removeAdmin.statusCode).toBe(409);
    expect(removeAdmin.headers["content-type"]).toMatch(/^application\/scim\+json/);
    expect(removeAdmin.json()).toMatchObject({ schemas: [ERROR], status: "409" });
    for (const request of [
      {
        method: "PATCH",
        url: `/scim/v2/Users/${company.admin.memberId}`,
        body: { schemas: [PATCH], Operations: [{ op: "Replace", path: "active", value: "False" }] },
      },
      { method: "DELETE", url: `/scim/v2/Users/${company.admin.memberId}` },
    ]) {
      const response = await scim(h, token, request);
      expect(response.statusCode, request.method).toBe(409);
    }
    const admin = await h.db
      .selectFrom("members")
      .select("status")
      .where("id", "=", company.admin.memberId)
      .executeTakeFirstOrThrow();
    expect(admin.status).toBe("active");
    expect(await memberRoles(company.admin.memberId)).toEqual([company.roleIds.admin]);
    const refusals = await h.db
      .selectFrom("audit_events")
      .select(["action", "outcome", "details"])
      .where("company_id", "=", company.id)
      .where("outcome", "=", "denied")
      .execute();
    expect(refusals.map((e) => e.action).sort()).toEqual([
      "member.deactivate_refused",
      "member.deactivate_refused",
      "member.roles_change_refused",
    ]);
    expect(
      refusals.every(
        (e) => e.details.reason === "last_admin" && e.details.scimClient === "Last Admin Scim Co IdP",
      ),
    ).toBe(true);

    // With a second Admin added through the group first, the same removal passes.
    const second = await memberWithSession(company, "second@lastadmin.example");
    const swap = await scim(h, token, {
      method: "PATCH",
      url: `/scim/v2/Groups/${company.roleIds.admin}`,
      body: {
        schemas: [PATCH],
        Operations: [
          { op: "remove", path: `members[value eq "${company.admin.memberId}"]` },
          { op: "add", path: "members", value: [{ value: second.memberId }] },
        ],
      },
    });
    expect(swap.statusCode, swap.body).toBe(204);
    expect(await memberRoles(company.admin.memberId)).toEqual([]);
    expect(await memberRoles(second.memberId)).toContain(company.roleIds.admin);
  });

  it("refuses filters it does not support, injection attempts included, and answers odd values with nothing", async () => {
    const { token } = await scimCompany("Filter Attacks Co", ["filters.example"]);
    for (const filter of [
      'userName eq "a@filters.example" or userName ne ""',
      'userName eq "a@filters.example" and active eq true',
      'userName co "a"',
      'userName sw ""',
      "userName pr",
      "userName eq a@filters.example",
      'name.givenName eq "x"',
      'emails[value eq "a@filters.example"]',
      'userName eq "x")',
      'userName eq "unterminated',
      '(userName eq "x")',
      'userName eq "x"; DROP TABLE members; --',
    ]) {
      const response = await scim(h, token, { url: `/scim/v2/Users?filter=${encodeURIComponent(filter)}` });
      expect(response.statusCode, filter).toBe(400);
      expect(response.json(), filter).toMatchObject({
        schemas: [ERROR],
        status: "400",
        scimType: "invalidFilter",
      });
    }
    for (const filter of [
      `userName eq "' OR '1'='1"`,
      'userName eq "%"',
      'userName eq "_@filters.example"',
      'userName eq "\\u0000"',
      'externalId eq "\' OR 1=1 --"',
    ]) {
      const response = await scim(h, token, { url: `/scim/v2/Users?filter=${encodeURIComponent(filter)}` });
      expect(response.statusCode, filter).toBe(200);
      expect(response.json().totalResults, filter).toBe(0);
    }
    const groups = await scim(h, token, {
      url: `/scim/v2/Groups?filter=${encodeURIComponent('displayName co "a"')}`,
    });
    expect(groups.json().scimType).toBe("invalidFilter");
  });

  it("caps huge pages at 100, reads startIndex as RFC 7644 says, and refuses non-numbers", async () => {
    const { company, token } = await scimCompany("Paging Co", ["paging.example"]);
    for (let i = 0; i < 4; i += 1) await h.member(company, ["operations"]);
    const huge = await scim(h, token, { url: "/scim/v2/Users?count=1000000&startIndex=-5" });
    expect(huge.statusCode).toBe(200);
    expect(huge.json()).toMatchObject({ totalResults: 5, startIndex: 1, itemsPerPage: 5 });
    const page = await scim(h, token, { url: "/scim/v2/Users?count=2&startIndex=2" });
    expect(page.json()).toMatchObject({ totalResults: 5, startIndex: 2, itemsPerPage: 2 });
    const zero = await scim(h, token, { url: "/scim/v2/Users?count=0" });
    expect(zero.json()).toMatchObject({ totalResults: 5, itemsPerPage: 0, Resources: [] });
    const capped = await scim(h, token, { url: "/scim/v2/Groups?count=999999999999" });
    expect(capped.json().itemsPerPage).toBeLessThanOrEqual(100);
    for (const query of ["count=abc", "startIndex=1e9", "count=1.5", "count=99999999999999999999"]) {
      const response = await scim(h, token, { url: `/scim/v2/Users?${query}` });
      expect(response.statusCode, query).toBe(400);
      expect(response.json().scimType).toBe("invalidValue");
    }
  });

  it("refuses attributes no schema defines, ignores role claims in a User, and provisions only verified domains", async () => {
    const { company, token } = await scimCompany("Attributes Co", ["attributes.example"]);
    const unknown = await scim(h, token, {
      method: "POST",
      url: "/scim/v2/Users",
      body: { schemas: [USER], userName: "eve@attributes.example", isAdmin: true, companyId: company.id },
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({ scimType: "invalidSyntax" });
    // RFC 7643's own "roles" attribute is accepted but grants nothing: Groups do.
    const withRoles = await scim(h, token, {
      method: "POST",
      url: "/scim/v2/Users",
      body: {
        schemas: [USER],
        userName: "eve@attributes.example",
        roles: [{ value: company.roleIds.admin, primary: true }, { value: "admin" }],
        groups: [{ value: company.roleIds.admin }],
      },
    });
    expect(withRoles.statusCode, withRoles.body).toBe(201);
    const eve = withRoles.json();
    expect(eve.groups).toEqual([]);
    expect(await memberRoles(eve.id)).toEqual([]);
    for (const operation of [
      { op: "replace", path: "permissions", value: ["security.manage"] },
      { op: "replace", path: "id", value: company.admin.memberId },
      { op: "replace", value: { status: "active", companyId: company.id } },
      { op: "add", path: "meta.created", value: "2020-01-01T00:00:00Z" },
      { op: "delete", path: "active" },
    ]) {
      const response = await scim(h, token, {
        method: "PATCH",
        url: `/scim/v2/Users/${eve.id}`,
        body: { schemas: [PATCH], Operations: [operation] },
      });
      expect(response.statusCode, JSON.stringify(operation)).toBe(400);
      expect(response.json().schemas).toEqual([ERROR]);
    }
    const outside = await scim(h, token, {
      method: "POST",
      url: "/scim/v2/Users",
      body: { schemas: [USER], userName: "mallory@not-verified.example" },
    });
    expect(outside.statusCode).toBe(400);
    expect(outside.json().scimType).toBe("invalidValue");
    expect(
      await h.db
        .selectFrom("accounts")
        .select("id")
        .where("email", "=", "mallory@not-verified.example")
        .execute(),
    ).toEqual([]);
    // Bodies: a repeated key, malformed JSON, a form body, no schemas.
    for (const [body, type] of [
      [
        '{"schemas":["' + USER + '"],"userName":"a@attributes.example","userName":"b@attributes.example"}',
        SCIM_JSON,
      ],
      ["{not json", SCIM_JSON],
      ["userName=x", "application/x-www-form-urlencoded"],
      [JSON.stringify({ userName: "c@attributes.example" }), "application/json"],
    ] as const) {
      const response = await scim(h, token, {
        method: "POST",
        url: "/scim/v2/Users",
        body,
        headers: { "content-type": type },
      });
      expect(response.statusCode, body).toBeGreaterThanOrEqual(400);
      expect(response.statusCode, body).toBeLessThan(500);
      expect(response.json().schemas, body).toEqual([ERROR]);
    }
    const unknownPath = await scim(h, token, { url: "/scim/v2/Bulk" });
    expect(unknownPath.statusCode).toBe(404);
    expect(unknownPath.json().schemas).toEqual([ERROR]);
  });

  it("gives new members the SSO connection's default role, and describes itself", async () => {
    const { company, token } = await scimCompany("Default Role Co", ["default.example"]);
    await h.db
      .insertInto("sso_connections")
      .values({
        company_id: company.id,
        protocol: "oidc",
        oidc_issuer: "https://idp.default.example",
        oidc_client_id: "portal",
        default_role_id: company.roleIds.operations,
        updated_at: h.clock.now(),
      })
      .execute();
    const created = await scim(h, token, {
      method: "POST",
      url: "/scim/v2/Users",
      body: {
        schemas: [USER],
        userName: "new@default.example",
        name: { givenName: "New", familyName: "Person" },
      },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json().groups).toEqual([expect.objectContaining({ value: company.roleIds.operations })]);

    const config = await scim(h, token, { url: "/scim/v2/ServiceProviderConfig" });
    expect(config.json()).toMatchObject({
      patch: { supported: true },
      bulk: { supported: false },
      filter: { supported: true, maxResults: 100 },
    });
    const types = await scim(h, token, { url: "/scim/v2/ResourceTypes" });
    expect(types.json().Resources.map((t: { id: string }) => t.id)).toEqual(["User", "Group"]);
    const schemas = await scim(h, token, { url: "/scim/v2/Schemas" });
    expect(schemas.json().Resources.map((s: { id: string }) => s.id)).toEqual([
      USER,
      "urn:ietf:params:scim:schemas:core:2.0:Group",
    ]);
  });
});
