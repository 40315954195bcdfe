// SQL for a company's domains (migration 026's company_domains): listing, adding, marking one
// verified (the partial unique index keeps a verified domain to one company) and removing.
import type { Kysely, Transaction } from "kysely";
import type { DB } from "../db/schema.js";

type Executor = Kysely<DB> | Transaction<DB>;

export type DomainRow = {
  id: string;
  domain: string;
  verification_token: string;
  verified_at: Date | null;
  created_at: Date;
};

const COLUMNS = ["id", "domain", "verification_token", "verified_at", "created_at"] as const;

export async function listDomains(db: Executor, companyId: string): Promise<DomainRow[]> {
  return db
    .selectFrom("company_domains")
    .select(COLUMNS)
    .where("company_id", "=", companyId)
    .orderBy("domain")
    .execute();
}

export async function countDomains(db: Executor, companyId: string): Promise<number> {
  const row = await db
    .selectFrom("company_domains")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("company_id", "=", companyId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function findDomain(
  db: Executor,
  companyId: string,
  domainId: string,
): Promise<DomainRow | undefined> {
  return db
    .selectFrom("company_domains")
    .select(COLUMNS)
    .where("company_id", "=", companyId)
    .where("id", "=", domainId)
    .executeTakeFirst();
}

/** Throws a unique violation when the company already has this domain. */
export async function insertDomain(
  db: Executor,
  input: { companyId: string; domain: string; token: string; accountId: string; now: Date },
): Promise<DomainRow> {
  return db
    .insertInto("company_domains")
    .values({
      company_id: input.companyId,
      domain: input.domain,
      verification_token: input.token,
      created_at: input.now,
      created_by: input.accountId,
    })
    .returning(COLUMNS)
    .executeTakeFirstOrThrow();
}

/** Throws a unique violation when another company holds the domain verified. */
export async function markDomainVerified(
  db: Executor,
  companyId: string,
  domainId: string,
  now: Date,
): Promise<DomainRow | undefined> {
  return db
    .updateTable("company_domains")
    .set({ verified_at: now })
    .where("company_id", "=", companyId)
    .where("id", "=", domainId)
    .where("verified_at", "is", null)
    .returning(COLUMNS)
    .executeTakeFirst();
}

export async function deleteDomain(
  db: Executor,
  companyId: string,
  domainId: string,
): Promise<DomainRow | undefined> {
  return db
    .deleteFrom("company_domains")
    .where("company_id", "=", companyId)
    .where("id", "=", domainId)
    .returning(COLUMNS)
    .executeTakeFirst();
}

/** The company's verified domains (SCIM provisions only emails of these). */
export async function listVerifiedDomainNames(db: Executor, companyId: string): Promise<string[]> {
  const rows = await db
    .selectFrom("company_domains")
    .select("domain")
    .where("company_id", "=", companyId)
    .where("verified_at", "is not", null)
    .execute();
  return rows.map((row) => row.domain);
}
