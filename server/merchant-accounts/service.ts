// Rules of merchant accounts and scopes: a requested scope names only the company's own accounts
// (else 400), and a caller lists only the accounts in their scope.
import type { Kysely, Transaction } from "kysely";
import { ALL_ACCOUNTS, normalizeScope, readableAccounts, type Scope } from "../access/scope.js";
import type { DB } from "../db/schema.js";
import { AppError } from "../errors.js";
import { listMerchantAccounts, unknownMerchantAccounts } from "./queries.js";

/**
 * A scope from a request body, checked against the company: undefined stays undefined (the caller
 * decides the default), a restricted one names at least one account, each of this company.
 */
export async function checkRequestedScope(
  db: Kysely<DB> | Transaction<DB>,
  companyId: string,
  requested: Scope | undefined,
): Promise<Scope | undefined> {
  if (requested === undefined) return undefined;
  const scope = normalizeScope(requested);
  if (scope.kind === "all") return ALL_ACCOUNTS;
  if (scope.merchantAccountIds.length === 0) {
    throw new AppError("validation_failed", "Choose one or more merchant accounts.", {
      field: "scope.merchantAccountIds",
    });
  }
  const unknown = await unknownMerchantAccounts(db, companyId, scope.merchantAccountIds);
  if (unknown.length > 0) {
    throw new AppError("validation_failed", "Unknown merchant account for this company.", {
      field: "scope.merchantAccountIds",
      unknownMerchantAccountIds: unknown,
    });
  }
  return scope;
}

/** The company's merchant accounts in the caller's scope. */
export async function listAccountsInScope(db: Kysely<DB>, companyId: string, scope: Scope) {
  const rows = await listMerchantAccounts(db, companyId, readableAccounts(scope));
  return {
    items: rows.map((row) => ({
      id: row.id,
      name: row.name,
      reference: row.reference,
      region: row.region,
      createdAt: row.created_at.toISOString(),
    })),
  };
}
