// The server's copy of a company's roles (server/access/role-catalog.ts) names the role ids of a
// member list page and of the caller's memberships: in the roles list's order, as the roles stood
// at the version the page was read with, each list named once and shared (so frozen), and read
// again when the version moved or an id is new to it.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nameRoles } from "../server/access/role-catalog.js";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness } from "./support/harness.js";

describe.each(testDatabaseKinds)("the role catalogue's copy on %s", (kind) => {
  let h: Harness;
  let companyId: string;
  let roleIds: Record<string, string>;

  beforeAll(async () => {
    h = await createHarness(kind);
    const company = await h.company("Catalogue Co");
    companyId = company.id;
    roleIds = company.roleIds;
  });
  afterAll(() => h?.close());

  async function version(): Promise<number> {
    const result = await sql<{
      v: string;
    }>`SELECT roles_version AS v FROM companies WHERE id = ${companyId}`.execute(h.db);
    return Number(result.rows[0]?.v);
  }

  const names = (lists: { name: string }[][]) => lists.map((roles) => roles.map((role) => role.name));

  it("names each list in the roles list's order, an empty list as none, and shares what it named", async () => {
    const v = await version();
    const financeThenAdmin = `${roleIds.finance},${roleIds.admin}`;
    const first = await nameRoles(h.db, companyId, v, [financeThenAdmin, null, "", roleIds.developer ?? ""]);
    expect(names(first)).toEqual([["Admin", "Finance"], [], [], ["Developer"]]);
    const again = await nameRoles(h.db, companyId, v, [financeThenAdmin]);
    expect(again[0]).toBe(first[0]);
    expect(Object.isFrozen(again[0])).toBe(true);
    expect(() => (again[0] as { name: string }[]).push({ name: "Intruder" })).toThrow(TypeError);
  });

  it("reads the roles again when the version moved, and when an id is new to it", async () => {
    const v = await version();
    await nameRoles(h.db, companyId, v, [roleIds.finance ?? ""]);

    await sql`UPDATE roles SET name = 'Treasury' WHERE id = ${roleIds.finance}`.execute(h.db);
    // A role renamed after a page was read at v: that page names it as it stood.
    expect(names(await nameRoles(h.db, companyId, v, [roleIds.finance ?? ""]))).toEqual([["Finance"]]);
    expect(names(await nameRoles(h.db, companyId, await version(), [roleIds.finance ?? ""]))).toEqual([
      ["Treasury"],
    ]);

    const created = await sql<{ id: string }>`
      INSERT INTO roles (company_id, name) VALUES (${companyId}, 'Auditor') RETURNING id`.execute(h.db);
    const auditor = created.rows[0]?.id ?? "";
    // Named with the version the copy holds, the new id still sends it back to the database.
    const held = await version();
    await nameRoles(h.db, companyId, held - 1, [roleIds.admin ?? ""]);
    const named = await nameRoles(h.db, companyId, held - 1, [`${auditor},${roleIds.admin}`]);
    expect(names(named)).toEqual([["Admin", "Auditor"]]);
  });

  it("leaves out an id the company does not have", async () => {
    const unknown = "00000000-0000-4000-8000-000000000000";
    const named = await nameRoles(h.db, companyId, await version(), [`${roleIds.admin},${unknown}`]);
    expect(names(named)).toEqual([["Admin"]]);
  });
});
