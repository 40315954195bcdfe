// Companies and people for tests of real processes: production never seeds demo data, so they are
// made through the server's own functions on the test database before the processes start.
import type { PredefinedRoleKey } from "../../../server/access/permissions.js";
import { createAccount } from "../../../server/auth/accounts.js";
import { addMember, createCompany } from "../../../server/companies/service.js";
import type { Database } from "../../../server/db/connect.js";
import { TEST_PASSWORD } from "../../support/harness.js";

export { TEST_PASSWORD };

let counter = 0;
export function uniqueEmail(prefix: string): string {
  counter += 1;
  return `${prefix}.${counter}.${Date.now().toString(36)}@example.com`;
}

export type SeededCompany = {
  id: string;
  roleIds: Record<PredefinedRoleKey, string>;
  admin: { id: string; email: string; memberId: string };
};

export async function seedCompany(database: Database, name: string): Promise<SeededCompany> {
  const now = new Date();
  const admin = await database.db.transaction().execute((trx) =>
    createAccount(trx, {
      email: uniqueEmail("admin"),
      name: `${name} Admin`,
      password: TEST_PASSWORD,
      now,
    }),
  );
  const company = await createCompany(database.db, {
    company: { name, legalName: `${name} Ltd` },
    firstAdminAccountId: admin.id,
    actor: null,
    meta: { ip: null, userAgent: null, requestId: null },
    now,
  });
  return {
    id: company.companyId,
    roleIds: company.roleIds,
    admin: { ...admin, memberId: company.adminMemberId! },
  };
}

export async function seedMember(
  database: Database,
  company: SeededCompany,
  roles: PredefinedRoleKey[],
): Promise<{ id: string; email: string; memberId: string }> {
  const now = new Date();
  return database.db.transaction().execute(async (trx) => {
    const account = await createAccount(trx, {
      email: uniqueEmail("member"),
      name: `Member ${roles.join("+")}`,
      password: TEST_PASSWORD,
      now,
    });
    const memberId = await addMember(trx, {
      companyId: company.id,
      accountId: account.id,
      roleIds: roles.map((key) => company.roleIds[key]),
      invitedBy: null,
      now,
    });
    return { ...account, memberId };
  });
}
