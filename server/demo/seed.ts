// The demo company created on the first start outside production: one member per predefined
// role, with generated passwords that are printed once and stored only as argon2id hashes.
import { randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import { ADMIN_ROLE_KEY, PREDEFINED_ROLES, type PredefinedRoleKey } from "../access/permissions.js";
import { createAccount } from "../auth/accounts.js";
import { addMember, createCompany } from "../companies/service.js";
import type { DB } from "../db/schema.js";
import { generatePortalData } from "./portal-data.js";

export const DEMO_COMPANY_NAME = "Demo Merchant Ltd";
const DEMO_DOMAIN = "demo-merchant.example";

export type DemoCredentials = { roleKey: PredefinedRoleKey; email: string; password: string; name: string };

const DEMO_PEOPLE: Record<PredefinedRoleKey, { local: string; name: string }> = {
  admin: { local: "admin", name: "Ada Admin" },
  finance: { local: "finance", name: "Fiona Finance" },
  operations: { local: "operations", name: "Oscar Operations" },
  developer: { local: "developer", name: "Devi Developer" },
  data_analytics: { local: "analytics", name: "Dana Analytics" },
};

export function generatePassword(): string {
  // 18 random bytes → 24 base64url characters: far past the policy, never on a common list.
  return randomBytes(18).toString("base64url");
}

/** Seeds the demo company unless any company exists; returns the credentials it created. */
export async function seedDemoIfEmpty(
  db: Kysely<DB>,
  now: Date,
  makePassword: () => string = generatePassword,
  transactions = 2_000,
): Promise<DemoCredentials[] | null> {
  const anyCompany = await db.selectFrom("companies").select("id").limit(1).executeTakeFirst();
  if (anyCompany) return null;

  const credentials: DemoCredentials[] = [];
  const meta = { ip: null, userAgent: "demo-seed", requestId: null };
  const accounts: { roleKey: PredefinedRoleKey; id: string }[] = [];
  await db.transaction().execute(async (trx) => {
    for (const role of PREDEFINED_ROLES) {
      const person = DEMO_PEOPLE[role.key];
      const password = makePassword();
      const email = `${person.local}@${DEMO_DOMAIN}`;
      const account = await createAccount(trx, { email, name: person.name, password, now });
      accounts.push({ roleKey: role.key, id: account.id });
      credentials.push({ roleKey: role.key, email, password, name: person.name });
    }
  });
  const admin = accounts.find((a) => a.roleKey === ADMIN_ROLE_KEY);
  if (!admin) throw new Error("the demo needs an Admin");
  const company = await createCompany(db, {
    company: {
      name: DEMO_COMPANY_NAME,
      legalName: "Demo Merchant Limited",
      registrationNumber: "DM-2026-0001",
      country: "SG",
      address: "1 Demo Street, Singapore 018989",
      settlementCurrency: "USD",
      contactEmail: `finance@${DEMO_DOMAIN}`,
    },
    firstAdminAccountId: admin.id,
    actor: null,
    meta,
    now,
  });
  await db.transaction().execute(async (trx) => {
    for (const account of accounts) {
      if (account.roleKey === ADMIN_ROLE_KEY) continue;
      await addMember(trx, {
        companyId: company.companyId,
        accountId: account.id,
        roleIds: [company.roleIds[account.roleKey]],
        invitedBy: admin.id,
        now,
      });
    }
  });
  await addDemoMerchantAccounts(db, company.companyId, now);
  await generatePortalData(db, { companyId: company.companyId, transactions, now, currency: "USD" });
  return credentials;
}

/**
 * The demo company's merchant accounts, one per region (SPEC §6.4): its default account (made with
 * the company) becomes the first, and its portal data is spread over the three.
 */
async function addDemoMerchantAccounts(db: Kysely<DB>, companyId: string, now: Date): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable("merchant_accounts")
      .set({ name: "Demo Merchant Singapore", region: "Asia Pacific" })
      .where("company_id", "=", companyId)
      .execute();
    await trx
      .insertInto("merchant_accounts")
      .values([
        {
          company_id: companyId,
          name: "Demo Merchant Europe",
          reference: "DEMO-EU-01",
          region: "Europe",
          created_at: new Date(now.getTime() + 1),
        },
        {
          company_id: companyId,
          name: "Demo Merchant Americas",
          reference: "DEMO-US-01",
          region: "Americas",
          created_at: new Date(now.getTime() + 2),
        },
      ])
      .execute();
  });
}
