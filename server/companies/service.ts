// Creating a company: the tenant, its five predefined roles, and optionally its first Admin,
// all in one transaction. Used by the admin CLI and the demo seed.
import { randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import type { PredefinedRoleKey } from "../access/permissions.js";
import { type RequestMeta, recordAudit } from "../audit/writer.js";
import type { DB } from "../db/schema.js";
import { COMPANY_LEGAL_NAME, COMPANY_NAME, requireName } from "../identity/names.js";
import { addMember, createPredefinedRoles, insertCompany, type NewCompany } from "./queries.js";

export { addMember };

export function newMerchantId(): string {
  return `M${randomBytes(8).toString("hex").toUpperCase()}`;
}

export async function createCompany(
  db: Kysely<DB>,
  input: {
    company: Omit<NewCompany, "merchantId"> & { merchantId?: string };
    firstAdminAccountId: string | null;
    actor: { accountId: string; email: string } | null;
    meta: RequestMeta;
    now: Date;
  },
): Promise<{ companyId: string; roleIds: Record<PredefinedRoleKey, string>; adminMemberId: string | null }> {
  const name = requireName(input.company.name, COMPANY_NAME);
  const legalName = requireName(input.company.legalName, COMPANY_LEGAL_NAME);
  return db.transaction().execute(async (trx) => {
    const company = await insertCompany(trx, {
      ...input.company,
      name,
      legalName,
      merchantId: input.company.merchantId ?? newMerchantId(),
    });
    const roleIds = await createPredefinedRoles(trx, company.id);
    const adminMemberId = input.firstAdminAccountId
      ? await addMember(trx, {
          companyId: company.id,
          accountId: input.firstAdminAccountId,
          roleIds: [roleIds.admin],
          invitedBy: null,
          now: input.now,
        })
      : null;
    await recordAudit(trx, {
      action: "company.created",
      outcome: "success",
      companyId: company.id,
      actor: input.actor,
      target: { type: "company", id: company.id },
      details: { name: company.name, firstAdminAccountId: input.firstAdminAccountId },
      meta: input.meta,
      at: input.now,
    });
    return { companyId: company.id, roleIds, adminMemberId };
  });
}
