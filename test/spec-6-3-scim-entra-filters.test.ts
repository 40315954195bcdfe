// SPEC §6.3, SCIM filters as Entra ID sends them (its provisioning service's documented queries):
// Users by `externalId eq`, by `emails[type eq "work"].value eq` and by `userName eq`; Groups by
// `displayName eq` and `externalId eq`. Values stay bound as data; every other attribute, operator
// or bracket still answers RFC 7644's 400 invalidFilter.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness } from "./support/harness.js";
import { scim, scimToken, verifiedDomain } from "./support/scim.js";

const USER = "urn:ietf:params:scim:schemas:core:2.0:User";
const ERROR = "urn:ietf:params:scim:api:messages:2.0:Error";

describe.each(testDatabaseKinds)("SPEC 6.3: SCIM filters Entra ID sends on %s", (kind) => {
  let h: Harness;
  let token: string;
  let userId: string;
  const email = "Entra_User_5a1c@entra-filters.example";
  const externalId = "5a1c7f0e-3d2b-4a8e-9c61-0f4b2d8e7a13";

  beforeAll(async () => {
    h = await createHarness(kind);
    const company = await h.company("Entra Filters Co");
    await verifiedDomain(h.db, company.id, "entra-filters.example", h.clock.now());
    token = await scimToken(h.db, company.id, "Entra ID", h.clock.now());
    const created = await scim(h, token, {
      method: "POST",
      url: "/scim/v2/Users",
      body: {
        schemas: [USER, "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
        externalId,
        userName: email,
        active: true,
        emails: [{ primary: true, type: "work", value: email }],
        meta: { resourceType: "User" },
        name: { formatted: "Entra User", familyName: "User", givenName: "Entra" },
        roles: [],
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    userId = created.json().id;
  });
  afterAll(() => h?.close());

  const users = (query: string) => scim(h, token, { url: `/scim/v2/Users?${query}` });
  const groups = (query: string) => scim(h, token, { url: `/scim/v2/Groups?${query}` });

  it("finds a user by externalId eq, as Entra ID asks before creating one (percent-encoded as it sends it)", async () => {
    const found = await users(`filter=externalId+eq+%22${externalId}%22`);
    expect(found.statusCode, found.body).toBe(200);
    expect(found.json()).toMatchObject({ totalResults: 1, Resources: [{ id: userId, externalId }] });
    const other = await users(`filter=${encodeURIComponent('externalId eq "not-this-one"')}`);
    expect(other.json()).toMatchObject({ totalResults: 0, Resources: [] });
  });

  it('finds a user by emails[type eq "work"].value eq, case-insensitive in the email as userName is', async () => {
    for (const query of [
      `filter=emails%5Btype%20eq%20%22work%22%5D.value%20eq%20%22${encodeURIComponent(email)}%22`,
      `filter=${encodeURIComponent(`emails[type eq "work"].value eq "${email.toUpperCase()}"`)}`,
      `filter=${encodeURIComponent(`EMAILS[Type EQ "Work"].Value eq "${email}"`)}`,
    ]) {
      const found = await users(query);
      expect(found.statusCode, query).toBe(200);
      expect(found.json(), query).toMatchObject({
        totalResults: 1,
        Resources: [{ id: userId, emails: [{ type: "work", value: email.toLowerCase() }] }],
      });
    }
    // A member has only a work email: another type, or an address nobody has, finds no one.
    for (const filter of [
      `emails[type eq "home"].value eq "${email}"`,
      'emails[type eq "work"].value eq "nobody@entra-filters.example"',
      'emails[type eq "work"].value eq "not an email"',
      `emails[type eq "work"].value eq "' OR '1'='1"`,
    ]) {
      const found = await users(`filter=${encodeURIComponent(filter)}`);
      expect(found.statusCode, filter).toBe(200);
      expect(found.json().totalResults, filter).toBe(0);
    }
  });

  it("keeps userName eq", async () => {
    const found = await users(`filter=${encodeURIComponent(`userName eq "${email}"`)}`);
    expect(found.json()).toMatchObject({ totalResults: 1, Resources: [{ id: userId }] });
  });

  it("finds groups by displayName eq (with members excluded, as Entra ID asks) and answers externalId eq with none", async () => {
    const byName = await groups(
      `excludedAttributes=members&filter=${encodeURIComponent('displayName eq "Finance"')}`,
    );
    expect(byName.statusCode, byName.body).toBe(200);
    expect(byName.json()).toMatchObject({ totalResults: 1, Resources: [{ displayName: "Finance" }] });
    // Groups are the company's roles, which no identity provider gave an externalId.
    const byExternalId = await groups(
      `excludedAttributes=members&filter=${encodeURIComponent('externalId eq "8f3c0b6e-55a1-4c1d-9e0f-1a2b3c4d5e6f"')}`,
    );
    expect(byExternalId.statusCode, byExternalId.body).toBe(200);
    expect(byExternalId.json()).toMatchObject({ totalResults: 0, Resources: [] });
  });

  it("still refuses other attributes, operators and brackets with 400 invalidFilter", async () => {
    for (const [resource, filter] of [
      ["Users", 'emails[value eq "a@entra-filters.example"]'],
      ["Users", 'emails[type eq "work"].value co "a"'],
      ["Users", 'emails[type ne "work"].value eq "a@entra-filters.example"'],
      ["Users", 'emails[type eq "work" or type eq "home"].value eq "a@entra-filters.example"'],
      ["Users", 'emails[type eq "work"].display eq "a"'],
      ["Users", 'phoneNumbers[type eq "work"].value eq "1"'],
      ["Users", 'emails[type eq "work"].value eq "a@entra-filters.example" or userName pr'],
      ["Users", 'emails[type eq work].value eq "a@entra-filters.example"'],
      ["Users", 'emails.value eq "a@entra-filters.example"'],
      ["Users", 'externalId ne "x"'],
      ["Users", 'externalId eq "x" and userName eq "y"'],
      ["Groups", 'externalId co "x"'],
      ["Groups", 'members[value eq "x"].value eq "y"'],
      ["Groups", 'displayName eq "Finance"; DROP TABLE roles; --'],
    ] as const) {
      const response = await scim(h, token, {
        url: `/scim/v2/${resource}?filter=${encodeURIComponent(filter)}`,
      });
      expect(response.statusCode, filter).toBe(400);
      expect(response.json(), filter).toMatchObject({
        schemas: [ERROR],
        status: "400",
        scimType: "invalidFilter",
      });
    }
  });
});
