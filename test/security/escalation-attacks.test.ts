// Attack suite, privilege escalation (SECURITY §2 scenarios 5, 6, 8): granting more than one holds
// through an invitation, a role change or a custom role, mass assignment of status/roles/companyId,
// and racing to remove the last Admin, against a real server over HTTP on every configured database.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { predefinedRole } from "../../server/access/permissions.js";
import { testDatabaseKinds } from "../support/databases.js";
import { expectAudited, expectRefused, expectUnchanged } from "./support/expect.js";
import {
  type Client,
  type Company,
  type LiveServer,
  startLiveServer,
  uniqueEmail,
} from "./support/live-server.js";

const ADMIN_PERMISSIONS = [...predefinedRole("admin").permissions];

describe.each(testDatabaseKinds)("privilege escalation (%s)", (kind) => {
  let s: LiveServer;

  beforeAll(async () => {
    s = await startLiveServer(kind);
  });
  afterAll(() => s?.close());

  /** A member holding only a custom role with these permissions, logged in and verified. */
  async function delegate(company: Company, name: string, permissions: string[]) {
    const role = await s.customRole(company, name, permissions);
    const person = await s.member(company, [role]);
    const client = await s.login(person.email);
    await s.elevate(client);
    return { ...person, role, client };
  }

  async function verified(email: string): Promise<Client> {
    const client = await s.login(email);
    await s.elevate(client);
    return client;
  }

  it("role escalation through an invitation: a delegate cannot invite with roles beyond their own (403 grant_exceeds_own)", async () => {
    const company = await s.company("Invite Escalation Co");
    const inviter = await delegate(company, "Recruiter", [
      "members.view",
      "members.invite",
      "transactions.view",
    ]);

    const mark = s.mark();
    const before = await s.snapshot();
    for (const roles of [["admin"], ["finance"], ["operations", "admin"]] as const) {
      const response = await inviter.client.post(`/api/companies/${company.id}/invitations`, {
        email: uniqueEmail("accomplice"),
        roleIds: roles.map((key) => company.roleIds[key]),
        acceptTerms: true,
      });
      expectRefused(response, 403, "grant_exceeds_own");
    }
    await expectUnchanged(s, before);
    await expectAudited(
      s,
      mark,
      "invitation.create_refused",
      3,
      (e) => e.actor_account_id === inviter.id && e.details.reason === "grant_exceeds_own",
    );
    // Within their own permissions the same delegate may invite (the refusal was about the roles).
    const allowed = await inviter.client.post(`/api/companies/${company.id}/invitations`, {
      email: uniqueEmail("colleague"),
      roleIds: [company.roleIds.operations],
      acceptTerms: true,
    });
    expect(allowed.status, allowed.text).toBe(201);
  });

  it("role escalation through a role change: no Admin for a colleague, no change to oneself, no acting on an Admin", async () => {
    const company = await s.company("Role Change Escalation Co");
    const editor = await delegate(company, "Role editor", [
      "members.view",
      "members.edit_roles",
      "transactions.view",
    ]);
    const colleague = await s.member(company, ["operations"]);
    const rolesUrl = (memberId: string) => `/api/companies/${company.id}/members/${memberId}/roles`;

    const mark = s.mark();
    const before = await s.snapshot();
    const attempts = [
      // Give a colleague Admin (or Finance, whose downloads the editor does not hold).
      [colleague.memberId, [company.roleIds.admin]],
      [colleague.memberId, [company.roleIds.operations, company.roleIds.finance]],
      // Give oneself Admin.
      [editor.memberId, [company.roleIds.admin]],
      // Demote the Admin, who holds more than the editor.
      [company.admin.memberId, [company.roleIds.operations]],
    ] as const;
    const codes = [];
    for (const [memberId, roleIds] of attempts) {
      const response = await editor.client.put(rolesUrl(memberId), { roleIds, version: 1 });
      codes.push(`${response.status} ${response.body?.error?.code}`);
    }
    expect(codes).toEqual([
      "403 grant_exceeds_own",
      "403 grant_exceeds_own",
      "403 self_modification",
      "403 grant_exceeds_own",
    ]);
    await expectUnchanged(s, before);
    expect(await s.memberRoleKeys(colleague.memberId)).toEqual(["operations"]);
    expect(await s.memberRoleKeys(company.admin.memberId)).toEqual(["admin"]);
    await expectAudited(s, mark, "member.roles_change_refused", 4, (e) => e.actor_account_id === editor.id);
  });

  it("role escalation through custom role creation: a role manager cannot compose or widen a role beyond their own", async () => {
    const company = await s.company("Custom Role Escalation Co");
    const manager = await delegate(company, "Role manager", ["roles.manage", "transactions.view"]);
    const modest = await s.customRole(company, "Viewer", ["transactions.view"]);

    const mark = s.mark();
    const before = await s.snapshot();
    expectRefused(
      await manager.client.post(`/api/companies/${company.id}/roles`, {
        name: "Shadow admin",
        permissions: ["roles.manage", "members.edit_roles", "audit.view"],
      }),
      403,
      "grant_exceeds_own",
    );
    // Widening an existing role, and their own role, is granting too.
    for (const roleId of [modest.id, manager.role.id]) {
      expectRefused(
        await manager.client.patch(`/api/companies/${company.id}/roles/${roleId}`, {
          permissions: ["transactions.view", "members.invite"],
        }),
        403,
        "grant_exceeds_own",
      );
    }
    // A predefined role is never editable, whoever asks.
    expectRefused(
      await manager.client.patch(`/api/companies/${company.id}/roles/${company.roleIds.operations}`, {
        permissions: ["transactions.view", "members.invite"],
      }),
      409,
      "predefined_role",
    );
    await expectUnchanged(s, before);
    await expectAudited(s, mark, "role.create_refused", 1, (e) => e.details.reason === "grant_exceeds_own");
    await expectAudited(s, mark, "role.update_refused", 3);
  });

  it("mass assignment: status, roles and companyId in request bodies are refused (400), nothing changes", async () => {
    const company = await s.company("Mass Assignment Co");
    const other = await s.company("Mass Assignment Other Co");
    const target = await s.member(company, ["operations"]);
    const adminClient = await verified(company.admin.email);
    const base = `/api/companies/${company.id}`;

    const mark = s.mark();
    const before = await s.snapshot();
    const attempts: [string, string, Record<string, unknown>, string][] = [
      [
        "PUT",
        `${base}/members/${target.memberId}/roles`,
        { roleIds: [company.roleIds.operations], version: 1, status: "deactivated" },
        "status",
      ],
      [
        "PUT",
        `${base}/members/${target.memberId}/roles`,
        { roleIds: [company.roleIds.operations], version: 1, companyId: other.id },
        "companyId",
      ],
      [
        "POST",
        `${base}/members/${target.memberId}/deactivate`,
        { status: "active", roles: ["admin"] },
        "status",
      ],
      ["POST", `${base}/members/${target.memberId}/reactivate`, { companyId: other.id }, "companyId"],
      [
        "POST",
        `${base}/invitations`,
        {
          email: uniqueEmail("mass"),
          roleIds: [company.roleIds.operations],
          acceptTerms: true,
          roles: ["admin"],
        },
        "roles",
      ],
      [
        "POST",
        `${base}/invitations`,
        {
          email: uniqueEmail("mass"),
          roleIds: [company.roleIds.operations],
          acceptTerms: true,
          status: "accepted",
        },
        "status",
      ],
      [
        "POST",
        `${base}/roles`,
        { name: "Sneaky", permissions: ["transactions.view"], key: "admin", isPredefined: true },
        "key",
      ],
      [
        "POST",
        `${base}/roles`,
        { name: "Elsewhere", permissions: ["transactions.view"], companyId: other.id },
        "companyId",
      ],
    ];
    for (const [method, url, body, field] of attempts) {
      const response = await adminClient.request(method, url, { json: body });
      expectRefused(response, 400, "validation_failed");
      expect(response.body.error.details.unknownField, `${method} ${url}`).toBe(field);
    }
    // Roles given as keys, names or one comma-separated string are not role ids.
    for (const roleIds of [["admin"], "admin,finance", [{ key: "admin" }], "superadmin"]) {
      const response = await adminClient.put(`${base}/members/${target.memberId}/roles`, {
        roleIds,
        version: 1,
      });
      expectRefused(response, 400, "validation_failed");
    }
    await expectUnchanged(s, before);
    expect(await s.memberRoleKeys(target.memberId)).toEqual(["operations"]);
    await expectAudited(
      s,
      mark,
      "security.input_rejected",
      attempts.length + 4,
      (e) => e.actor_account_id === company.admin.id,
    );
  });

  it("last admin under concurrency: racing to remove both Admins always leaves exactly one (409 last_admin)", async () => {
    const company = await s.company("Last Admin Race Co");
    const second = await s.member(company, ["admin"]);
    // Deputies hold every Admin permission through a custom role, so rule 6 lets them act on Admins.
    const deputies = await Promise.all(
      [1, 2, 3, 4].map((i) => delegate(company, `Deputy ${i}`, ADMIN_PERMISSIONS)),
    );
    const admins = [company.admin.memberId, second.memberId];
    const base = `/api/companies/${company.id}/members`;

    const mark = s.mark();
    // Each deputy at once deactivates the first Admin and demotes the second (as loaded, version 1).
    // Whichever commits first wins; every other request must see that only one Admin is left.
    const [first, secondAdmin] = admins as [string, string];
    const responses = await Promise.all(
      deputies.flatMap((deputy) => [
        deputy.client.post(`${base}/${first}/deactivate`, {}),
        deputy.client.put(`${base}/${secondAdmin}/roles`, {
          roleIds: [company.roleIds.operations],
          version: 1,
        }),
      ]),
    );
    const outcomes = responses.map((r) => (r.status === 200 ? "200" : `${r.status} ${r.body.error.code}`));
    for (const outcome of outcomes) expect(["200", "409 last_admin", "409 conflict"]).toContain(outcome);
    expect(outcomes.filter((o) => o === "200")).toHaveLength(1);
    expect(outcomes.filter((o) => o === "409 last_admin").length).toBeGreaterThanOrEqual(1);

    const remaining = await s.db
      .selectFrom("members")
      .innerJoin("member_roles", "member_roles.member_id", "members.id")
      .select("members.id")
      .where("members.company_id", "=", company.id)
      .where("members.status", "=", "active")
      .where("member_roles.role_id", "=", company.roleIds.admin)
      .execute();
    expect(remaining).toHaveLength(1);
    const refusals = [
      ...(await s.auditSince(mark, "member.deactivate_refused")),
      ...(await s.auditSince(mark, "member.roles_change_refused")),
    ];
    expect(refusals.length).toBe(outcomes.length - 1);
    expect(refusals.filter((e) => e.details.reason === "last_admin").length).toBeGreaterThanOrEqual(1);

    // And the one left cannot be removed afterwards either.
    const last = remaining[0]!.id;
    const before = await s.snapshot();
    expectRefused(await deputies[0]!.client.post(`${base}/${last}/deactivate`, {}), 409, "last_admin");
    await expectUnchanged(s, before);
  });
});
