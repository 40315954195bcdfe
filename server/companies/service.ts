// Creating a company: the tenant, its five predefined roles, and optionally its first Admin,
// all in one transaction. Used by the admin CLI and the demo seed.
import { randomBytes } from "node:crypto";
import type { Kysely, Transaction } from "kysely";
import { PREDEFINED_ROLES, type PredefinedRoleKey } from "../access/permissions.js";
import { type RequestMeta, recordAudit } from "../audit/writer.js";
import type { DB } from "../db/schema.js";
import { COMPANY_LEGAL_NAME, COMPANY_NAME, requireName } from "../identity/names.js";
import { insertCompany, type NewCompany } from "./queries.js";

export function newMerchantId(): string {
  return `M${randomBytes(8).toString("hex").toUpperCase()}`;
}

/** Copies the predefined roles into a company; returns their ids by key. */
export async function createPredefinedRoles(
  trx: Transaction<DB>,
  companyId: string,
): Promise<Record<PredefinedRoleKey, string>> {
  const ids = {} as Record<PredefinedRoleKey, string>;
  for (const role of PREDEFINED_ROLES) {
    const row = await trx
      .insertInto("roles")
      .values({ company_id: companyId, key: role.key, name: role.name, description: role.description })
      .returning("id")
      .executeTakeFirstOrThrow();
    ids[role.key] = row.id;
    await trx
      .insertInto("role_permissions")
      .values(role.permissions.map((permission) => ({ role_id: row.id, permission })))
      .execute();
  }
  return ids;
}

/**
 * Makes an account an active member of a company with the given roles: the one way memberships are
 * created. The member's email copy and the member list's counters follow by trigger (migration 006).
 */
export async function addMember(
  trx: Transaction<DB>,
  input: { companyId: string; accountId: string; roleIds: string[]; invitedBy: string | null; now: Date },
): Promise<string> {
  const member = await trx
    .insertInto("members")
    .values({
      company_id: input.companyId,
      account_id: input.accountId,
      invited_by: input.invitedBy,
      joined_at: input.now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  if (input.roleIds.length > 0) {
    await trx
      .insertInto("member_roles")
      .values(
        input.roleIds.map((roleId) => ({
          company_id: input.companyId,
          member_id: member.id,
          role_id: roleId,
        })),
      )
      .execute();
  }
  return member.id;
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
