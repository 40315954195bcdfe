// SQL for companies: their info, merchant account info, and the caller's companies.
import type { Kysely, Transaction } from "kysely";
import { PREDEFINED_ROLES, type PredefinedRoleKey } from "../access/permissions.js";
import type { DB } from "../db/schema.js";

export function findCompany(db: Kysely<DB>, companyId: string) {
  return db
    .selectFrom("companies")
    .select(["id", "name", "legal_name", "registration_number", "country", "address"])
    .where("id", "=", companyId)
    .executeTakeFirst();
}

export function findMerchantAccount(db: Kysely<DB>, companyId: string) {
  return db
    .selectFrom("companies")
    .select(["merchant_id", "merchant_status", "settlement_currency", "contact_email"])
    .where("id", "=", companyId)
    .executeTakeFirst();
}

export type NewCompany = {
  name: string;
  legalName: string;
  registrationNumber?: string;
  country?: string;
  address?: string;
  merchantId: string;
  settlementCurrency?: string;
  contactEmail?: string;
};

export function insertCompany(trx: Transaction<DB>, company: NewCompany) {
  return trx
    .insertInto("companies")
    .values({
      name: company.name,
      legal_name: company.legalName,
      registration_number: company.registrationNumber ?? "",
      country: company.country ?? "",
      address: company.address ?? "",
      merchant_id: company.merchantId,
      settlement_currency: company.settlementCurrency ?? "USD",
      contact_email: company.contactEmail ?? "",
    })
    .returning(["id", "name"])
    .executeTakeFirstOrThrow();
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
  input: {
    companyId: string;
    accountId: string;
    roleIds: string[];
    /** Role id → expiry (ISO 8601) of the assignments that expire (SPEC §6.4). */
    roleExpiries?: Record<string, string> | null;
    invitedBy: string | null;
    now: Date;
  },
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
          expires_at: input.roleExpiries?.[roleId] ? new Date(input.roleExpiries[roleId]) : null,
        })),
      )
      .execute();
  }
  return member.id;
}
