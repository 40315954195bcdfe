// SQL for companies: their info, merchant account info, and the caller's companies.
import type { Kysely, Transaction } from "kysely";
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
